import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { explainFixture, explanationSentence, type ComponentName } from '../../model/explain'
import { analyseJackpot } from '../../model/jackpot'
import { MARGIN_METHODS, removeMargin, type MarginMethod } from '../../model/market'
import { argMax, OUTCOME_LETTERS, type OutcomeLetter, type Triple } from '../../model/metrics'
import type { BlendKind } from '../../model/blend'
import type { FittedModel } from '../../model/dixonColes'
import { UserError, type Command } from '../framework'
import {
  FIT_OPTIONS,
  findTeam,
  modelFromContext,
  parseFixture,
  parseNumber,
  percent,
  stringList,
  stringOption,
  table,
} from './modelInput'

const DEFAULT_ALPHA = 0.5

export interface JackpotRow {
  /** 1-based line in the jackpot file (null for --fixture). */
  line: number | null
  home: string
  away: string
  odds: [number, number, number] | null
}

type Probs = { home: number; draw: number; away: number }
const probs = (p: readonly number[]): Probs => ({ home: p[0], draw: p[1], away: p[2] })

export interface ExplainedFixture {
  home: string
  away: string
  /** Final probabilities: model, then the market blend when odds were given. */
  probabilities: Probs
  /** An average team v an average team at a neutral venue. */
  baseline: Probs
  /** Shapley contributions; for each outcome they sum to probabilities − baseline. */
  contributions: ({ component: ComponentName } & Probs)[]
  /** One sentence on what drives the most likely outcome. */
  summary: string
  market: {
    margin: MarginMethod
    odds: [number, number, number]
    probabilities: Probs
    blend: BlendKind
    alpha: number
  } | null
  /** Jackpot only: the pick (most likely outcome) and its probability. */
  pick?: OutcomeLetter
  p_pick?: number
}

export interface ExplainOutput {
  fixtures: ExplainedFixture[]
  jackpot?: {
    n: number
    p_all_correct: number
    expected_correct: number
    /** distribution[k] = P(exactly k picks right), k = 0..n. */
    distribution: number[]
    /** at_least[k] = P(at least k picks right), k = 0..n. */
    at_least: number[]
  }
}

/** Minimal RFC 4180 reader: records with the line each starts on. */
function parseCsvRecords(text: string, file: string): { line: number; cells: string[] }[] {
  const records: { line: number; cells: string[] }[] = []
  let line = 1
  let i = 0
  const n = text.length
  while (i < n) {
    const start = line
    const cells: string[] = []
    let cell = ''
    let quoted = false
    let atCellStart = true
    for (;;) {
      if (i >= n) {
        if (quoted) throw new UserError(`${file}:${start}: unterminated quoted cell`, 'CSV_PARSE')
        cells.push(cell)
        break
      }
      const c = text[i]
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            cell += '"'
            i += 2
          } else {
            quoted = false
            i++
          }
        } else {
          if (c === '\n') line++
          cell += c
          i++
        }
        continue
      }
      if (c === '"' && atCellStart) {
        quoted = true
        atCellStart = false
        i++
      } else if (c === ',') {
        cells.push(cell)
        cell = ''
        atCellStart = true
        i++
      } else if (c === '\r' || c === '\n') {
        cells.push(cell)
        i += c === '\r' && text[i + 1] === '\n' ? 2 : 1
        line++
        break
      } else {
        cell += c
        atCellStart = false
        i++
      }
    }
    if (cells.some((x) => x.trim() !== '')) records.push({ line: start, cells: cells.map((x) => x.trim()) })
  }
  return records
}

/** A jackpot file: header with `home,away` and optionally `odds_home,odds_draw,odds_away`. */
export async function readJackpotFile(filePath: string): Promise<JackpotRow[]> {
  let text: string
  try {
    text = await readFile(filePath, 'utf8')
  } catch {
    throw new UserError(`Jackpot file not found: ${filePath}`, 'NOT_FOUND')
  }
  const file = path.basename(filePath)
  const records = parseCsvRecords(text.replace(/^\uFEFF/, ''), file)
  if (records.length === 0)
    throw new UserError(`${file}: empty jackpot file (expected a header home,away)`, 'CSV_PARSE')
  const header = records[0].cells.map((h) => h.toLowerCase())
  const col = (name: string) => header.indexOf(name)
  const [ch, ca] = [col('home'), col('away')]
  if (ch < 0 || ca < 0) {
    throw new UserError(
      `${file}:${records[0].line}: the header needs columns home and away, got ${records[0].cells.join(',')}`,
      'CSV_PARSE',
    )
  }
  const oddsCols = ['odds_home', 'odds_draw', 'odds_away'].map(col)
  const someOdds = oddsCols.some((c) => c >= 0)
  if (someOdds && oddsCols.some((c) => c < 0)) {
    throw new UserError(
      `${file}:${records[0].line}: give all three of odds_home, odds_draw, odds_away or none`,
      'CSV_PARSE',
    )
  }
  const problems: string[] = []
  const rows: JackpotRow[] = []
  for (const r of records.slice(1)) {
    if (r.cells.length > header.length) {
      problems.push(`${file}:${r.line}: ${r.cells.length} cells but the header has ${header.length}`)
      continue
    }
    const home = r.cells[ch] ?? ''
    const away = r.cells[ca] ?? ''
    if (!home || !away) {
      problems.push(`${file}:${r.line}: home and away team are both required`)
      continue
    }
    let odds: [number, number, number] | null = null
    if (someOdds) {
      const raw = oddsCols.map((c) => r.cells[c] ?? '')
      if (raw.every((x) => x === '')) odds = null
      else {
        const nums = raw.map(Number)
        const bad = raw.findIndex((x, k) => x === '' || !Number.isFinite(nums[k]) || nums[k] <= 1)
        if (bad >= 0) {
          problems.push(
            `${file}:${r.line}: ${['odds_home', 'odds_draw', 'odds_away'][bad]} "${raw[bad]}" is not decimal odds > 1`,
          )
          continue
        }
        odds = [nums[0], nums[1], nums[2]]
      }
    }
    rows.push({ line: r.line, home, away, odds })
  }
  if (problems.length) {
    const shown = problems.slice(0, 20)
    if (problems.length > 20) shown.push(`... and ${problems.length - 20} more problems`)
    throw new UserError(shown.join('\n'), 'CSV_PARSE')
  }
  if (rows.length === 0) throw new UserError(`${file}: no fixtures below the header`, 'CSV_PARSE')
  return rows
}

export function explainRows(
  model: FittedModel,
  rows: readonly JackpotRow[],
  market: { margin: MarginMethod; blend: BlendKind; alpha: number },
  where: (row: JackpotRow) => string = () => '',
): ExplainedFixture[] {
  const betaMean = model.teams.reduce((s, t) => s + t.defence, 0) / model.teams.length
  return rows.map((row) => {
    const h = findTeam(model, row.home, where(row))
    const a = findTeam(model, row.away, where(row))
    if (h.name === a.name) throw new UserError(`${where(row)}${h.name} cannot play itself`)
    const marketProbs: Triple | null = row.odds ? removeMargin(row.odds, market.margin).probabilities : null
    const e = explainFixture({
      gamma: model.homeAdvantage,
      alphaHome: h.attack,
      betaHome: h.defence,
      alphaAway: a.attack,
      betaAway: a.defence,
      betaMean,
      rho: model.rho,
      ...(marketProbs
        ? { market: { probabilities: marketProbs, blend: { kind: market.blend, alpha: market.alpha } } }
        : {}),
    })
    const top = OUTCOME_LETTERS[argMax(e.final)]
    return {
      home: h.name,
      away: a.name,
      probabilities: probs(e.final),
      baseline: probs(e.baseline),
      contributions: e.contributions.map((c) => ({ component: c.component, ...probs(c.delta) })),
      summary: explanationSentence(e, top, { home: h.name, away: a.name }),
      market:
        marketProbs && row.odds
          ? {
              margin: market.margin,
              odds: row.odds,
              probabilities: probs(marketProbs),
              blend: market.blend,
              alpha: market.alpha,
            }
          : null,
    }
  })
}

export const explainCommand: Command = {
  name: 'explain',
  summary:
    'Explain fixture probabilities (Shapley contributions of each model ingredient) and analyse a jackpot coupon.',
  usage:
    '(--model model.json | <csv...> [fit options]) (--fixture "Home v Away" ... | --jackpot jackpot.csv) [--json]',
  options: {
    ...FIT_OPTIONS,
    model: {
      type: 'string',
      description:
        'A model written by `scoreline fit --out`, or (with CSVs) the kind to fit: dixon-coles | poisson',
      valueName: 'file|kind',
    },
    fixture: { type: 'string', multiple: true, description: 'A fixture "Home v Away"', valueName: 'fixture' },
    jackpot: {
      type: 'string',
      description: 'A coupon CSV: columns home,away and optional odds_home,odds_draw,odds_away',
      valueName: 'file',
    },
    margin: {
      type: 'string',
      description: `Margin removal for jackpot odds: ${MARGIN_METHODS.join(', ')} (default shin)`,
      valueName: 'method',
    },
    alpha: {
      type: 'string',
      description: `Model weight when blending with jackpot odds, 0..1 (default ${DEFAULT_ALPHA}; see backtest's final α)`,
      valueName: 'a',
    },
    blend: {
      type: 'string',
      description: 'Opinion pool with the odds: log (default) or linear',
      valueName: 'pool',
    },
  },
  async run(ctx) {
    const fixtures = stringList(ctx, 'fixture')
    const jackpotFile = stringOption(ctx, 'jackpot')
    if (fixtures.length === 0 && jackpotFile === undefined) {
      throw new UserError('Give --fixture "Home v Away" (repeatable) or --jackpot jackpot.csv.')
    }
    if (fixtures.length > 0 && jackpotFile !== undefined)
      throw new UserError('Give --fixture or --jackpot, not both.')
    const margin = (stringOption(ctx, 'margin') ?? 'shin') as MarginMethod
    if (!MARGIN_METHODS.includes(margin))
      throw new UserError(`--margin must be one of ${MARGIN_METHODS.join(', ')}, got "${margin}"`)
    const blend = (stringOption(ctx, 'blend') ?? 'log') as BlendKind
    if (blend !== 'log' && blend !== 'linear')
      throw new UserError(`--blend must be log or linear, got "${blend}"`)
    const alpha = parseNumber(stringOption(ctx, 'alpha'), 'alpha', { min: 0, max: 1 }) ?? DEFAULT_ALPHA

    const rows: JackpotRow[] = jackpotFile
      ? await readJackpotFile(jackpotFile)
      : fixtures.map((f) => ({ line: null, ...parseFixture(f), odds: null }))
    const model = await modelFromContext(ctx)
    const file = jackpotFile ? path.basename(jackpotFile) : ''
    const explained = explainRows(model, rows, { margin, blend, alpha }, (r) =>
      r.line ? `${file}:${r.line}: ` : '',
    )
    const output: ExplainOutput = { fixtures: explained }
    if (jackpotFile) {
      const j = analyseJackpot(
        explained.map((f) => ({
          probabilities: [f.probabilities.home, f.probabilities.draw, f.probabilities.away] as const,
          label: `${f.home} v ${f.away}`,
        })),
      )
      j.legs.forEach((leg, k) => {
        explained[k].pick = leg.pick[0]
        explained[k].p_pick = leg.probability
      })
      output.jackpot = {
        n: j.n,
        p_all_correct: j.pAllCorrect,
        expected_correct: j.expectedCorrect,
        distribution: j.distribution,
        at_least: j.atLeast,
      }
    }
    ctx.output(output, renderExplain)
    return 0
  },
}

const points = (x: number) => {
  const v = (100 * x).toFixed(1)
  return x > 0 ? `+${v}` : v === '-0.0' ? '0.0' : v
}

function renderExplain(o: ExplainOutput): string {
  const parts: string[] = []
  for (const f of o.fixtures) {
    const p = f.probabilities
    const head = [
      `${f.home} v ${f.away}: home ${percent(p.home)}  draw ${percent(p.draw)}  away ${percent(p.away)}` +
        (f.pick ? `   pick ${f.pick} (${percent(f.p_pick as number)})` : ''),
      f.summary,
    ]
    if (f.market) {
      const m = f.market.probabilities
      head.push(
        `market (${f.market.margin}): ${percent(m.home)} / ${percent(m.draw)} / ${percent(m.away)}, blended ${f.market.blend} α = ${f.market.alpha}`,
      )
    }
    const rows = [
      [
        'baseline (average v average, neutral)',
        percent(f.baseline.home),
        percent(f.baseline.draw),
        percent(f.baseline.away),
      ],
      ...f.contributions.map((c) => [c.component, points(c.home), points(c.draw), points(c.away)]),
      ['final', percent(p.home), percent(p.draw), percent(p.away)],
    ]
    parts.push(head.join('\n') + '\n' + table(['points', 'home', 'draw', 'away'], rows, ['l', 'r', 'r', 'r']))
  }
  if (o.jackpot) {
    const j = o.jackpot
    parts.push(
      `jackpot: ${j.n} fixtures, P(all ${j.n} right) = ${j.p_all_correct.toExponential(3)}, expected correct ${j.expected_correct.toFixed(2)}\n` +
        table(
          ['k', 'P(exactly k)', 'P(at least k)'],
          j.distribution.map((d, k) => [String(k), percent(d, 2), percent(j.at_least[k], 2)]),
          ['r', 'r', 'r'],
        ),
    )
  }
  return parts.join('\n')
}
