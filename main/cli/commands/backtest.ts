import {
  DEFAULT_MARGIN_METHOD,
  DEFAULT_MIN_HISTORY,
  DEFAULT_WINDOW_YEARS,
  DEFAULT_XI,
  DEFAULT_XI_GRID,
  GATE_RULE,
  selectionPeriodBefore,
  selectVariant,
  selectXi,
  variantCandidates,
  walkForward,
  yearsBefore,
  type BacktestMatch,
  type BacktestRow,
  type CalibrationKind,
  type WalkForwardResult,
  type VariantSelection,
  type XiSelection,
} from '../../model/backtest'
import type { VariantId } from '../../model/variants'
import { dateOfDayNumber, dayNumberOf } from '../../model/dixonColes'
import { MARGIN_METHODS, type MarginMethod } from '../../model/market'
import type { BlendKind } from '../../model/blend'
import type { MetricsSummary } from '../../model/metrics'
import {
  DEFAULT_MARKET_PREFERENCE,
  selectMarketOdds,
  type MarketPreference,
  type ParsedMatch,
} from '../../services/data/csv'
import { UserError, type Command } from '../framework'
import {
  csvCell,
  fixed,
  parseDate,
  parseNumber,
  parseVariant,
  readSeasonFiles,
  stringOption,
  table,
  writeTextFile,
} from './modelInput'
import {
  checkMatches,
  metricCells,
  oddsOf,
  periodFlags,
  playedMatch,
  walkForwardFlags,
} from './walkForwardInput'
import {
  checkPreMatchMarket,
  PRE_MATCH_PREFERENCE,
  renderValue,
  runValueBacktest,
  VALUE_OPTIONS,
  valueFlags,
  valuePriceTable,
  type ValueOutput,
} from './valueBacktest'
import { backtestGoalsMarkets, renderGoalsMarkets } from './goalsMarketsTable'
import type { GoalsMarketComparison } from '../../model/backtest/goalsMarkets'

/** `scoreline backtest --json`. The four metric objects are the stable contract; the rest describes the run. */
export interface BacktestOutput {
  from: string
  to: string
  xi: number
  xi_selection: {
    period: { from: string; to: string }
    grid: { xi: number; rps: number | null; n: number }[]
  } | null
  window_years: number
  /** Division predicted (null: every match in the files). */
  league: string | null
  model_kind: string
  /** The goal-model variant of the walk-forward (same as model_kind; 'auto' resolved). */
  model_variant: string
  /** Its hyper-parameters ({} = the variant's defaults). */
  model_params: Record<string, number>
  /** With --model auto: the candidates' model RPS over the year before --from, and the choice. */
  variant_selection: {
    period: { from: string; to: string }
    n: number
    candidates: { model: string; params: Record<string, number>; rps: number | null }[]
  } | null
  /** Margin-removal method of every market figure. */
  margin: MarginMethod
  /** Which odds were "the market", with the number of matches each supplied. */
  market_sources: Record<string, number>
  blend_kind: BlendKind
  calibration: CalibrationKind
  min_history: number
  /**
   * α fitted on every predicted match (what a forecast after `to` would use); null if never fitted; 0 when the
   * blend has not beaten the market out of sample.
   */
  final_alpha: number | null
  /** First date forecast for α and the calibrator (= from unless --warm-up-from). */
  warm_up_from: string
  /** Out-of-sample evidence of the blend and the calibrator (null with --ungated). */
  gates: WalkForwardResult['gates']
  n_matches: number
  /** Matches in the metrics: the model predicted them and a market price existed. */
  n_scored: number
  skipped: { no_model: number; no_market: number; teams: string[] }
  refits: number
  newton_iterations: number
  seconds: number
  model: MetricsSummary | null
  market: MetricsSummary | null
  blend: MetricsSummary | null
  calibrated: MetricsSummary | null
  /** With --value: the value backtest of the forecasts at a pre-match price (#22 §3). */
  value?: ValueOutput
  /** The model's O/U 2.5 and Asian handicap against Pinnacle's closing and pre-match prices (#22 §2). */
  goals_markets?: GoalsMarketComparison[]
}

export const PREDICTION_COLUMNS = [
  'date',
  'home',
  'away',
  'result',
  'model_home',
  'model_draw',
  'model_away',
  'market_home',
  'market_draw',
  'market_away',
  'blend_home',
  'blend_draw',
  'blend_away',
  'calibrated_home',
  'calibrated_draw',
  'calibrated_away',
] as const

/** One line per predicted match; a forecast that does not exist (no model, no odds) is left empty. */
export function predictionsCsv(rows: readonly BacktestRow[]): string {
  const triple = (p: readonly number[] | null) => (p ? p.map(csvCell) : ['', '', ''])
  const lines = [PREDICTION_COLUMNS.join(',')]
  for (const r of rows) {
    lines.push(
      [
        csvCell(r.date),
        csvCell(r.home),
        csvCell(r.away),
        csvCell(r.result),
        ...triple(r.model),
        ...triple(r.market),
        ...triple(r.blend),
        ...triple(r.calibrated),
      ].join(','),
    )
  }
  return lines.join('\n') + '\n'
}

function parseMarketPreference(value: string | undefined): readonly MarketPreference[] {
  if (value === undefined) return DEFAULT_MARKET_PREFERENCE
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  if (list.length === 0 || list.some((p) => !/^[A-Za-z0-9]+$/.test(p))) {
    throw new UserError(`--market must be odds column prefixes like PSC,PS,Avg,B365, got "${value}"`)
  }
  return list
}

function toBacktestMatches(
  rows: readonly ParsedMatch[],
  preference: readonly MarketPreference[],
  margin: MarginMethod,
  from: string,
  to: string | undefined,
  league: string | undefined,
): { matches: BacktestMatch[]; sources: Record<string, number> } {
  const matches: BacktestMatch[] = []
  const sources: Record<string, number> = {}
  for (const r of rows) {
    const played = playedMatch(r, margin, preference)
    if (!played) continue
    const o = selectMarketOdds(r, preference)
    if (
      r.date >= from &&
      (to === undefined || r.date <= to) &&
      (league === undefined || r.league === league)
    ) {
      const key = o ? o.source : 'none'
      sources[key] = (sources[key] ?? 0) + 1
    }
    matches.push({ ...played, odds: oddsOf(o) })
  }
  return { matches, sources }
}

export const backtestCommand: Command = {
  name: 'backtest',
  summary:
    'Walk-forward backtest: refit before every match date, predict it, and score model, market, blend and calibrated forecasts.',
  usage:
    '<csv...> --from DATE [--to DATE] [--xi X|auto] [--window-years N] [--margin METHOD] [--out predictions.csv] [--value [--min-edge 0.03] [--price pinnacle|max|b365] [--forecast served|model]] [--json]',
  options: {
    from: {
      type: 'string',
      description: 'First match date to predict (YYYY-MM-DD); earlier matches are history',
      valueName: 'date',
    },
    to: {
      type: 'string',
      description: 'Last match date to predict (default: the last match)',
      valueName: 'date',
    },
    xi: {
      type: 'string',
      description: `Time decay per day (default ${DEFAULT_XI}); "auto" picks it from a grid by walk-forward RPS over the year before --from`,
      valueName: 'x|auto',
    },
    'window-years': {
      type: 'string',
      description: `Years of matches before each date to fit on (default ${DEFAULT_WINDOW_YEARS})`,
      valueName: 'n',
    },
    margin: {
      type: 'string',
      description: `Margin removal for market odds: ${MARGIN_METHODS.join(', ')} (default ${DEFAULT_MARGIN_METHOD})`,
      valueName: 'method',
    },
    market: {
      type: 'string',
      description:
        'Odds preference as column prefixes (default PSC,PS,Avg,BbAv,B365: Pinnacle closing first)',
      valueName: 'prefixes',
    },
    league: {
      type: 'string',
      description:
        'Predict only this division (Div column, e.g. E0); all files still train the model (add E1 so promoted teams have a rating)',
      valueName: 'div',
    },
    model: {
      type: 'string',
      description:
        'Goal-model variant (dixon-coles by default, poisson, shots, …: see compare-models), or auto: the variant with the lowest walk-forward RPS over the year before --from',
      valueName: 'variant|auto',
    },
    blend: {
      type: 'string',
      description: 'Opinion pool for model + market: log (default) or linear',
      valueName: 'pool',
    },
    calibration: {
      type: 'string',
      description: 'Calibration of the blend: temperature (default), isotonic or none',
      valueName: 'kind',
    },
    'min-history': {
      type: 'string',
      description: `Earlier predictions needed before the blend weight and calibrator are fitted (default ${DEFAULT_MIN_HISTORY}); until then blend = market`,
      valueName: 'n',
    },
    'warm-up-from': {
      type: 'string',
      description:
        'Start forecasting at this date (before --from, not scored) so α and the calibrator are fitted on earlier out-of-sample forecasts by --from',
      valueName: 'date',
    },
    ungated: {
      type: 'boolean',
      description:
        'Serve the blend and the calibrator as soon as they are fitted (default: only while they beat the market / the blend out of sample)',
    },
    out: {
      type: 'string',
      description: 'Write one CSV row per predicted match (model/market/blend/calibrated probabilities)',
      valueName: 'file',
    },
    value: {
      type: 'boolean',
      description:
        "Also bet 1 unit on every outcome whose forecast exceeds the pre-match price's implied probability by --min-edge: bets, hit rate, ROI with a bootstrap interval, closing-line value against Pinnacle's close, fractional Kelly (the market defaults to pre-match quotes: PS,Avg,BbAv,B365)",
    },
    ...VALUE_OPTIONS,
  },
  async run(ctx) {
    const { from, to } = periodFlags(ctx, 'backtest')
    const xiFlag = stringOption(ctx, 'xi')
    const auto = xiFlag === 'auto'
    const xi = auto ? undefined : (parseNumber(xiFlag, 'xi', { min: 0 }) ?? DEFAULT_XI)
    const { windowYears, margin, blend, calibration, minHistory } = walkForwardFlags(
      ctx,
      DEFAULT_MARGIN_METHOD,
    )
    const modelFlag = parseVariant(stringOption(ctx, 'model'), true) ?? 'dixon-coles'
    const value = ctx.values.value === true ? valueFlags(ctx) : null
    const marketFlag = stringOption(ctx, 'market')
    // with --value the served forecast is blended with a pre-match price, never the closing one it bets against
    const preference =
      value && marketFlag === undefined ? PRE_MATCH_PREFERENCE : parseMarketPreference(marketFlag)
    if (value) checkPreMatchMarket(preference)
    const warmUpFrom = parseDate(stringOption(ctx, 'warm-up-from'), 'warm-up-from') ?? from
    if (warmUpFrom > from) throw new UserError(`--warm-up-from ${warmUpFrom} is after --from ${from}`)
    const gate = ctx.values.ungated !== true

    const data = await readSeasonFiles(ctx, ctx.positionals)
    const league = stringOption(ctx, 'league')
    const { matches, sources } = toBacktestMatches(data.rows, preference, margin, from, to, league)
    checkMatches(matches, league)

    const t0 = performance.now()
    let variantSelection: VariantSelection | null = null
    if (modelFlag === 'auto') {
      // Choose on the year before --from: the backtest period's own results must not pick the model.
      const period = selectionPeriodBefore(from)
      try {
        variantSelection = await selectVariant(
          matches,
          { windowYears, league: league ?? null, ...(xi === undefined ? {} : { xi }) },
          period,
          variantCandidates(),
          undefined,
          from,
        )
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'MODEL_NO_DATA') throw error
        throw new UserError(
          `--model auto chooses on the year before --from (${period.from} .. ${period.to}), but no variant could forecast ` +
            'a match there (it needs earlier seasons as history). Add them, or name a variant.',
          'MODEL_NO_DATA',
        )
      }
    }
    const model: VariantId = variantSelection ? variantSelection.model : (modelFlag as VariantId)
    const params = variantSelection ? variantSelection.params : {}
    const options = {
      from,
      to,
      windowYears,
      margin,
      blend,
      calibration,
      minHistory,
      model,
      params,
      league: league ?? null,
    }
    let selection: (XiSelection & { period: { from: string; to: string } }) | null = null
    if (auto) {
      // Tune ξ on the year before --from: choosing it on the backtest period itself would peek at its results.
      const period = { from: yearsBefore(from, 1), to: dateOfDayNumber(dayNumberOf(from) - 1) }
      if (!matches.some((m) => m.date >= period.from && m.date <= period.to)) {
        throw new UserError(
          `--xi auto tunes xi on the year before --from (${period.from} .. ${period.to}), but the files have no match there. ` +
            'Add the previous season, or give --xi X.',
        )
      }
      try {
        selection = { ...(await selectXi(matches, { ...options, ...period }, DEFAULT_XI_GRID)), period }
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'MODEL_NO_DATA') throw error
        throw new UserError(
          `--xi auto tunes xi on the year before --from (${period.from} .. ${period.to}), but the model could not ` +
            'predict any match there (it needs earlier seasons as history). Add them, or give --xi X.',
          'MODEL_NO_DATA',
        )
      }
    }
    const result = walkForward(matches, { ...options, gate, warmUpFrom, xi: selection ? selection.xi : xi })
    const seconds = (performance.now() - t0) / 1000

    const out = stringOption(ctx, 'out')
    if (out !== undefined) await writeTextFile(out, predictionsCsv(result.rows))
    const output = backtestOutput(result, sources, selection, seconds, variantSelection)
    if (value) output.value = runValueBacktest(result.rows, valuePriceTable(data.rows, value.price), value)
    output.goals_markets = backtestGoalsMarkets(result.rows, data.rows, result.options.margin)
    ctx.output(output, (o: BacktestOutput) => renderBacktest(o, out))
    return 0
  },
}

export function backtestOutput(
  r: WalkForwardResult,
  sources: Record<string, number>,
  selection: (XiSelection & { period: { from: string; to: string } }) | null,
  seconds: number,
  variantSelection: VariantSelection | null = null,
): BacktestOutput {
  return {
    from: r.options.from,
    to: r.options.to,
    xi: r.options.xi,
    xi_selection: selection
      ? { period: selection.period, grid: selection.grid.map((g) => ({ xi: g.xi, rps: g.rps, n: g.n })) }
      : null,
    window_years: r.options.windowYears,
    league: r.options.league,
    model_kind: r.options.model,
    model_variant: r.options.model,
    model_params: { ...r.options.params },
    variant_selection: variantSelection
      ? {
          period: variantSelection.period,
          n: variantSelection.n,
          candidates: variantSelection.candidates.map((c) => ({
            model: c.model,
            params: c.params,
            rps: c.rps,
          })),
        }
      : null,
    margin: r.options.margin,
    market_sources: sources,
    blend_kind: r.options.blend,
    calibration: r.options.calibration,
    min_history: r.options.minHistory,
    final_alpha: r.final.alpha,
    warm_up_from: r.options.warmUpFrom,
    gates: r.gates,
    n_matches: r.rows.length,
    n_scored: r.nScored,
    skipped: { no_model: r.skipped.noModel, no_market: r.skipped.noMarket, teams: r.skipped.teams },
    refits: r.refits.length,
    newton_iterations: r.iterations,
    seconds,
    model: r.metrics.model,
    market: r.metrics.market,
    blend: r.metrics.blend,
    calibrated: r.metrics.calibrated,
  }
}

/**
 * `on (e-value 31.2; 0.1893 vs 0.1901 over 412 rows; served for 210 matches)`: a stage's sequential-test
 * evidence and out-of-sample RPS against what it replaces (#22).
 */
function gateText(e: NonNullable<WalkForwardResult['gates']>['blend']): string {
  return e.rows
    ? `${e.open ? 'on' : 'off'} (e-value ${e.eValue.toPrecision(3)}; ${fixed(e.candidateRps, 4)} vs ${fixed(e.baseRps, 4)} over ${e.rows} rows; served for ${e.servedMatches} matches)`
    : 'off (no evidence yet)'
}

function renderBacktest(o: BacktestOutput, out: string | undefined): string {
  const lines = [
    `walk-forward ${o.league ? `${o.league} ` : ''}${o.from} .. ${o.to}: ${o.n_matches} matches, ${o.refits} refits (${o.model_kind}, ${o.window_years}-year window, ` +
      `xi ${o.xi}${o.xi_selection ? ' chosen by RPS over ' + o.xi_selection.period.from + ' .. ' + o.xi_selection.period.to : ''}), ` +
      `${o.seconds.toFixed(2)} s`,
    `market: ${Object.entries(o.market_sources)
      .map(([k, n]) => `${k} ×${n}`)
      .join(', ')}; margin removed by ${o.margin}`,
    `blend: ${o.blend_kind} pool, α fitted on earlier dates${o.warm_up_from < o.from ? ` (forecast from ${o.warm_up_from})` : ''} after ${o.min_history} predictions (final α ${fixed(o.final_alpha)}); calibration: ${o.calibration}` +
      (o.gates
        ? `; each stage ${GATE_RULE}: blend ${gateText(o.gates.blend)}, calibration ${gateText(o.gates.calibration)}`
        : ''),
    `scored ${o.n_scored} matches (skipped: ${o.skipped.no_model} without a model${o.skipped.teams.length ? ` — ${o.skipped.teams.join(', ')}` : ''}, ${o.skipped.no_market} without odds)`,
  ]
  if (o.variant_selection) {
    const v = o.variant_selection
    lines.push(
      `model chosen by RPS over ${v.period.from} .. ${v.period.to} (${v.n} matches every candidate forecast): ` +
        v.candidates
          .map(
            (c) =>
              `${c.model}${Object.keys(c.params).length ? JSON.stringify(c.params) : ''} ${fixed(c.rps, 4)}`,
          )
          .join(', ') +
        ` → ${o.model_variant}`,
    )
  }
  if (o.xi_selection) {
    lines.push(
      `xi grid (model RPS): ${o.xi_selection.grid.map((g) => `${g.xi}: ${fixed(g.rps, 4)}`).join(', ')}`,
    )
  }
  const rows = (['model', 'market', 'blend', 'calibrated'] as const).map((k) => {
    const m = o[k]
    const label = k === 'market' ? `market (${o.margin})` : k
    return m ? [label, ...metricCells(m)] : [label, '0', '', '', '', '', '']
  })
  let text =
    lines.join('\n') +
    '\n\n' +
    table(['forecast', 'n', 'rps', 'log loss', 'brier', 'accuracy', 'ece'], rows, [
      'l',
      'r',
      'r',
      'r',
      'r',
      'r',
      'r',
    ])
  if (o.goals_markets) {
    text += renderGoalsMarkets([{ variant: o.model_variant, goals_markets: o.goals_markets }], o.margin)
  }
  if (o.value) text += '\n' + renderValue(o.value)
  if (out) text += `\npredictions written to ${out}\n`
  return text
}
