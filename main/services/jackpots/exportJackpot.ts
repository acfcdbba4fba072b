import { csvLine } from '../../core/csvCell'
import { DEFENCE_NOTE } from '../../model/explain/explainServed'
import type { JackpotAnalysisResult } from './analyseJackpot'

/** The explanation's steps by key: the model's Shapley components, then the serving stages. */
const STEPS = [
  'homeAdvantage',
  'homeAttack',
  'homeDefence',
  'awayAttack',
  'awayDefence',
  'lowScoreCorrection',
  'market',
  'blend',
  'calibration',
] as const

const r = (x: number | undefined | null, digits = 6) =>
  x === undefined || x === null ? null : Number(x.toFixed(digits))

/**
 * The jackpot as CSV: one row per fixture with every probability (model, market with its bookmaker,
 * snapshot time and margin method, blend, calibrated, served), edges and expected values at the best
 * price, λ and μ, the pick, and the explanation of the explained outcome: baseline, the model's Shapley
 * components, then the serving stage steps (market, or blend and calibration), ending at the served number.
 */
export function jackpotCsv(analysis: JackpotAnalysisResult): string {
  const hda = (s: string) => [`${s}_home`, `${s}_draw`, `${s}_away`]
  const header = [
    'position',
    'league',
    'home',
    'away',
    ...['model', 'market', 'blend', 'calibrated', 'final'].flatMap(hda),
    'final_stage',
    'market_bookmaker',
    'market_observed_at',
    ...hda('market_odds'),
    'market_method',
    'market_margin',
    ...hda('edge'),
    ...hda('best_price'),
    ...hda('ev'),
    'lambda',
    'mu',
    'pick',
    'p_pick',
    'explained_outcome',
    'baseline',
    ...STEPS.map((c) => `step_${c}`),
    'p_model',
    'p_served',
    'served_from',
    'explanation',
    'warnings',
    'model_source',
    'problems',
  ]
  const lines = [csvLine(header)]
  for (const f of analysis.fixtures) {
    const triple = (p: readonly number[] | null | undefined, digits = 6) =>
      p ? p.map((x) => r(x, digits)) : [null, null, null]
    const e = f.explanation
    const j = e ? ['H', 'D', 'A'].indexOf(e.outcome) : -1
    const step = (key: string) => {
      const found = e?.steps.find((x) => x.key === key)
      return found && j >= 0 ? r(found.delta[j]) : null
    }
    const ev = f.priced.ev
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
        f.market?.bookmaker ?? null,
        f.market?.observedAt ?? null,
        ...triple(f.market?.prices, 3),
        f.market?.method ?? null,
        r(f.market?.margin),
        ...triple(f.priced.edge?.served),
        ...triple(
          ev?.map((x) => x.price),
          3,
        ),
        ...triple(ev?.map((x) => x.ev)),
        r(f.model?.lambda, 4),
        r(f.model?.mu, 4),
        f.pick?.outcomes.join('') ?? null,
        r(f.pick?.probability),
        e?.outcome ?? null,
        j >= 0 ? r(e!.baseline[j]) : null,
        ...STEPS.map(step),
        j >= 0 ? r(e!.model[j]) : null,
        j >= 0 ? r(e!.served[j]) : null,
        e?.source ?? null,
        e?.sentence ?? null,
        f.warnings.map((w) => w.message).join('; ') || null,
        f.priced.source?.summary ?? null,
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
  lines.push('')
  lines.push(csvLine(['note', `${DEFENCE_NOTE} Steps are in probability (0.01 = 1 point).`]))
  return lines.join('\r\n') + '\r\n'
}
