import { csvLine } from '../../core/csvCell'
import type { JackpotAnalysisResult } from './analyseJackpot'

const COMPONENTS = [
  'homeAdvantage',
  'homeAttack',
  'homeDefence',
  'awayAttack',
  'awayDefence',
  'lowScoreCorrection',
  'marketBlend',
  'calibration',
] as const

const r = (x: number | undefined | null, digits = 6) =>
  x === undefined || x === null ? null : Number(x.toFixed(digits))

/**
 * The jackpot as CSV: one row per fixture with every probability (model, market with its margin
 * method, blend, calibrated, final), λ and μ, the pick, and the Shapley contribution of each
 * component to the picked outcome (percentage points of probability, as fractions).
 */
export function jackpotCsv(analysis: JackpotAnalysisResult): string {
  const header = [
    'position',
    'league',
    'home',
    'away',
    ...['model', 'market', 'blend', 'calibrated', 'final'].flatMap((s) => [
      `${s}_home`,
      `${s}_draw`,
      `${s}_away`,
    ]),
    'final_stage',
    'market_method',
    'market_margin',
    'lambda',
    'mu',
    'pick',
    'p_pick',
    'explained_outcome',
    'baseline',
    ...COMPONENTS.map((c) => `contrib_${c}`),
    'explanation',
    'problems',
  ]
  const lines = [csvLine(header)]
  for (const f of analysis.fixtures) {
    const triple = (p: readonly number[] | undefined) => (p ? p.map((x) => r(x)) : [null, null, null])
    const j = f.explanation ? ['H', 'D', 'A'].indexOf(f.explanation.outcome) : -1
    const contribution = (c: string) => {
      const found = f.explanation?.contributions.find((x) => x.component === c)
      return found && j >= 0 ? r(found.delta[j]) : null
    }
    lines.push(
      csvLine([
        f.position,
        f.league,
        f.home,
        f.away,
        ...triple(f.model?.probabilities),
        ...triple(f.market?.probabilities),
        ...triple(f.blend?.probabilities),
        ...triple(f.calibrated?.probabilities),
        ...triple(f.final?.probabilities),
        f.final?.stage ?? null,
        f.market?.method ?? null,
        r(f.market?.margin),
        r(f.model?.lambda, 4),
        r(f.model?.mu, 4),
        f.pick?.outcomes.join('') ?? null,
        r(f.pick?.probability),
        f.explanation?.outcome ?? null,
        j >= 0 ? r(f.explanation!.baseline[j]) : null,
        ...COMPONENTS.map(contribution),
        f.explanation?.sentence ?? null,
        f.problems.join(' ') || null,
      ]),
    )
  }
  if (analysis.summary) {
    lines.push('')
    lines.push(
      csvLine([
        'summary',
        'p_all_correct',
        r(analysis.summary.pAllCorrect, 10),
        'expected_correct',
        r(analysis.summary.expectedCorrect, 4),
      ]),
    )
    analysis.summary.atLeast.forEach((p, k) => lines.push(csvLine(['at_least', k, r(p, 10)])))
  }
  return lines.join('\r\n') + '\r\n'
}
