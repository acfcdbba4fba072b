import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { ModelUsed, PricedFixture } from '../../../shared/pricing'
import { analyseJackpot } from '../../model/jackpot'
import { MARGIN_METHODS, type MarginMethod } from '../../model/market'
import type { OutcomeLetter } from '../../model/metrics'
import type { BlendKind } from '../../model/blend'
import type { FittedModel } from '../../model/dixonColes'
import { UserError, type Command } from '../framework'
import {
  FIT_OPTIONS,
  parseFixture,
  parseNumber,
  percent,
  stringList,
  stringOption,
  table,
} from './modelInput'
import {
  fittedFromContext,
  fittedLeagueModel,
  fittedModelUsed,
  findModelTeam,
  LEAGUE_OPTION,
  leagueOption,
  modelAliases,
  type ModelAlias,
  priceWithChampion,
  priceWithFit,
  refuseFitFlags,
  usesChampion,
} from './servedInput'
import { renderModels } from './fixturesRender'

const DEFAULT_ALPHA = 0.5

export interface JackpotRow {
  /** 1-based line in the jackpot file (null for --fixture). */
  line: number | null
  /** The row's league column, when the file has one (else --league). */
  league: string | null
  home: string
  away: string
  odds: [number, number, number] | null
}

type Probs = { home: number; draw: number; away: number }
const probs = (p: readonly number[]): Probs => ({ home: p[0], draw: p[1], away: p[2] })

export interface ExplainedFixture {
  league: string
  home: string
  away: string
  /** The served probabilities: what the app gives for the fixture (see `stage`). */
  probabilities: Probs
  /** Which stage served them: model, market, blend or calibrated. */
  stage: string
  /** An average team v an average team at a neutral venue. */
  baseline: Probs
  /**
   * The steps from the baseline to the served number: the model's own factors (exact Shapley, summing to the
   * model's probabilities), then one step per serving stage (market, blend, calibration). For each outcome
   * baseline + Σ contributions = probabilities.
   */
  contributions: ({ component: string; label: string; kind: 'model' | 'stage' } & Probs)[]
  /** The goal model's own probabilities (baseline + the model steps). */
  model_probabilities: Probs
  /** One sentence on what drives the most likely outcome in the model. */
  summary: string
  /** Where the served number comes from ("The market sets this price …; the model alone would say …"). */
  source: string
  /** How to read attack and defence. */
  note: string
  market: {
    bookmaker: string
    margin: string
    observed_at: string | null
    odds: number[]
    probabilities: Probs
    /** The opinion pool and the model's weight α when a blend was served (null: the market or the model alone). */
    blend: string | null
    alpha: number
  } | null
  warnings: { code: string; message: string }[]
  /** Jackpot only: the pick (most likely outcome) and its probability. */
  pick?: OutcomeLetter
  p_pick?: number
}

export interface ExplainOutput {
  fixtures: ExplainedFixture[]
  /** What priced the fixtures: the champion (version, run, data as-of, ξ, matches) or the fit made now. */
  models: ModelUsed[]
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

/** A jackpot file: header with `home,away`, optionally `league` and `odds_home,odds_draw,odds_away`. */
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
  const cl = col('league')
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
    const league = cl >= 0 && r.cells[cl] ? r.cells[cl] : null
    if (league !== null && !/^[A-Za-z0-9]{1,16}$/.test(league)) {
      problems.push(`${file}:${r.line}: league "${league}" is not a league code like E0 or SP1`)
      continue
    }
    rows.push({ line: r.line, league, home, away, odds })
  }
  if (problems.length) {
    const shown = problems.slice(0, 20)
    if (problems.length > 20) shown.push(`... and ${problems.length - 20} more problems`)
    throw new UserError(shown.join('\n'), 'CSV_PARSE')
  }
  if (rows.length === 0) throw new UserError(`${file}: no fixtures below the header`, 'CSV_PARSE')
  return rows
}

type Probs3 = readonly number[]

/** A priced fixture in the explain output: the steps from the baseline to the served number. */
export function toExplained(f: PricedFixture, where = ''): ExplainedFixture {
  const e = f.explanation
  if (!e || !f.served || !f.model)
    throw new UserError(
      `${where}${f.home} v ${f.away}: no model price to explain — ${f.warnings.map((w) => w.message).join('; ') || 'no rating'}`,
      'MODEL_NO_DATA',
    )
  const p = (t: Probs3) => probs(t)
  return {
    league: f.league,
    home: f.home,
    away: f.away,
    probabilities: p(e.served),
    stage: e.stage,
    baseline: p(e.baseline),
    contributions: e.steps.map((s) => ({ component: s.key, label: s.label, kind: s.kind, ...p(s.delta) })),
    model_probabilities: p(e.model),
    summary: e.sentence,
    source: e.source,
    note: e.note,
    market: f.market
      ? {
          bookmaker: f.market.bookmaker,
          margin: f.market.marginMethod,
          observed_at: f.market.observedAt,
          odds: [...f.market.prices],
          probabilities: p(f.market.probabilities),
          blend:
            f.served.stage === 'blend' || (f.served.alpha > 0 && f.served.alpha < 1)
              ? f.served.blendKind
              : null,
          alpha: f.served.alpha,
        }
      : null,
    warnings: f.warnings.map((w) => ({ code: w.code, message: w.message })),
  }
}

/** Explains rows with a saved or fitted model, through the same served-forecast rule as the champion. */
export function explainRows(
  model: FittedModel,
  rows: readonly JackpotRow[],
  market: { margin: MarginMethod; blend: BlendKind; alpha: number },
  where: (row: JackpotRow) => string = () => '',
  what: { league?: string; file?: string; aliases?: () => readonly ModelAlias[] } = {},
): { fixtures: ExplainedFixture[]; models: ModelUsed[] } {
  const league = fittedLeagueModel(model, { league: what.league ?? 'CSV', file: what.file }, market)
  const fixtures = rows.map((row) => {
    const h = findModelTeam(model, row.home, where(row), what.aliases)
    const a = findModelTeam(model, row.away, where(row), what.aliases)
    if (h.name === a.name) throw new UserError(`${where(row)}${h.name} cannot play itself`)
    const odds = row.odds ? { home: row.odds[0], draw: row.odds[1], away: row.odds[2] } : null
    return toExplained(priceWithFit(league, { home: h.name, away: a.name, odds }), where(row))
  })
  return { fixtures, models: [fittedModelUsed(league, what.file)] }
}

export const explainCommand: Command = {
  name: 'explain',
  summary:
    'Explain fixture probabilities (Shapley contributions of each model ingredient) and analyse a jackpot coupon.',
  usage:
    '(--league E0 | --model model.json | <csv...> [fit options]) (--fixture "Home v Away" ... | --jackpot ticket.csv) [--json]',
  options: {
    ...FIT_OPTIONS,
    ...LEAGUE_OPTION,
    model: {
      type: 'string',
      description:
        'A model written by `scoreline fit --out`, or (with CSVs) the kind to fit: dixon-coles | poisson',
      valueName: 'file|kind',
    },
    fixture: { type: 'string', multiple: true, description: 'A fixture "Home v Away"', valueName: 'fixture' },
    jackpot: {
      type: 'string',
      description:
        'A coupon CSV: columns home,away, optional league (else --league) and odds_home,odds_draw,odds_away',
      valueName: 'file',
    },
    margin: {
      type: 'string',
      description: `Margin removal for jackpot odds with a fitted model: ${MARGIN_METHODS.join(', ')} (default shin)`,
      valueName: 'method',
    },
    alpha: {
      type: 'string',
      description: `Model weight when blending a fitted model with jackpot odds, 0..1 (default ${DEFAULT_ALPHA}; see backtest's final α)`,
      valueName: 'a',
    },
    blend: {
      type: 'string',
      description: 'Opinion pool of a fitted model with the odds: log (default) or linear',
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
    const league = leagueOption(ctx)
    const champion = usesChampion(ctx)
    const margin = (stringOption(ctx, 'margin') ?? 'shin') as MarginMethod
    if (!MARGIN_METHODS.includes(margin))
      throw new UserError(`--margin must be one of ${MARGIN_METHODS.join(', ')}, got "${margin}"`)
    const blend = (stringOption(ctx, 'blend') ?? 'log') as BlendKind
    if (blend !== 'log' && blend !== 'linear')
      throw new UserError(`--blend must be log or linear, got "${blend}"`)
    const alpha = parseNumber(stringOption(ctx, 'alpha'), 'alpha', { min: 0, max: 1 }) ?? DEFAULT_ALPHA
    if (champion) refuseFitFlags(ctx, ['margin', 'alpha', 'blend', 'as-of', 'from', 'xi'])

    const rows: JackpotRow[] = jackpotFile
      ? await readJackpotFile(jackpotFile)
      : fixtures.map((f) => ({ line: null, league: null, ...parseFixture(f), odds: null }))
    const file = jackpotFile ? path.basename(jackpotFile) : ''
    const where = (r: JackpotRow) => (r.line ? `${file}:${r.line}: ` : '')
    let output: ExplainOutput
    if (
      champion ||
      (jackpotFile &&
        rows.some((r) => r.league) &&
        ctx.positionals.length === 0 &&
        !stringOption(ctx, 'model'))
    ) {
      const missing = rows.find((r) => !r.league && !league)
      if (missing)
        throw new UserError(
          `${where(missing)}no league for ${missing.home} v ${missing.away}: give --league E0 or a league column in the ticket.`,
        )
      const priced = await priceWithChampion(
        ctx,
        rows.map((r) => ({
          league: (r.league ?? league)!,
          home: r.home,
          away: r.away,
          odds: r.odds && { home: r.odds[0], draw: r.odds[1], away: r.odds[2] },
        })),
      )
      output = {
        fixtures: priced.fixtures.map((f, k) => toExplained(f, where(rows[k]))),
        models: priced.models,
      }
    } else {
      const { model, file: modelFile } = await fittedFromContext(ctx)
      output = explainRows(model, rows, { margin, blend, alpha }, where, {
        league,
        file: modelFile,
        aliases: modelAliases(ctx, model, league),
      })
    }
    const explained = output.fixtures
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
  const parts: string[] = [renderModels(o.models)]
  for (const f of o.fixtures) {
    const p = f.probabilities
    const head = [
      `${f.home} v ${f.away}: home ${percent(p.home)}  draw ${percent(p.draw)}  away ${percent(p.away)}  (served: ${f.stage})` +
        (f.pick ? `   pick ${f.pick} (${percent(f.p_pick as number)})` : ''),
    ]
    if (f.market) {
      const m = f.market.probabilities
      head.push(
        `market (${f.market.bookmaker}, ${f.market.margin}${f.market.observed_at ? `, ${f.market.observed_at.slice(0, 16).replace('T', ' ')} UTC` : ''}): ${percent(m.home)} / ${percent(m.draw)} / ${percent(m.away)}`,
      )
    }
    const rows = [
      [
        'baseline (average v average, neutral venue)',
        percent(f.baseline.home),
        percent(f.baseline.draw),
        percent(f.baseline.away),
      ],
      ...f.contributions.map((c) => [c.label, points(c.home), points(c.draw), points(c.away)]),
      [`= served (${f.stage})`, percent(p.home), percent(p.draw), percent(p.away)],
    ]
    const tail = [
      f.source,
      f.summary,
      f.note,
      ...f.warnings.filter((w) => w.code !== 'no-market').map((w) => `warning: ${w.message}`),
    ]
    parts.push(
      head.join('\n') +
        '\n' +
        table(['step (points)', 'home', 'draw', 'away'], rows, ['l', 'r', 'r', 'r']) +
        tail.join('\n') +
        '\n',
    )
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
