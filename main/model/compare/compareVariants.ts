/**
 * Every chosen goal-model variant walk-forward on the SAME matches, against the market closing and
 * pre-match, with paired bootstrap intervals for the RPS differences (what `scoreline compare-models` shows).
 *
 * - Each variant runs the engine's walk-forward (`main/model/backtest`): refit before every date on the
 *   window strictly before it; blend α and calibrator fitted on earlier dates only. The blend pools the
 *   model with the PRE-MATCH market (the odds an analyst has when a jackpot is filled), not the closing one.
 * - A variant with a `hyperGrid` gets the grid point with the lowest model-alone walk-forward RPS over a
 *   tuning period strictly before `from` (default: the year before it), so the choice cannot see the
 *   evaluation period (no lookahead).
 * - The walk-forward starts forecasting at the tuning period's start (not scored) so that α and the
 *   calibrator are fitted on a year of out-of-sample forecasts by `from`; each is served only while it beats
 *   what it replaces out of sample (walkForward `gate`, see backtest/stageGate.ts).
 * - Scored: only matches every variant forecast AND both markets quoted, so every figure compares like
 *   with like.
 */
import { DixonColesError, dateOfDayNumber, dayNumberOf } from '../dixonColes'
import { removeMargin, type MarginMethod } from '../market'
import { rps, summarise, type MetricsSummary, type OutcomeLetter, type Triple } from '../metrics'
import {
  DEFAULT_XI,
  walkForward,
  yearsBefore,
  type BacktestMatch,
  type BacktestRow,
  type WalkForwardOptions,
  type WalkForwardResult,
} from '../backtest/walkForward'
import { requireVariant, type VariantId } from '../variants'
import {
  DEFAULT_BOOTSTRAP_SEED,
  DEFAULT_RESAMPLES,
  pairedBootstrap,
  type BootstrapInterval,
  type BootstrapOptions,
} from './pairedBootstrap'
import { goalsMarketsOf, goalsPriceMap, type GoalsPrices } from '../backtest/goalsCompare'
import type { GoalsMarketComparison } from '../backtest/goalsMarkets'
import {
  valuePriceMap,
  variantValue,
  type ValueCompareOptions,
  type VariantValue,
} from '../backtest/valueCompare'

export type Odds = readonly [number, number, number]

/** A match with both markets: closing (e.g. Pinnacle `PSC`) and pre-match (Pinnacle `PS`). */
export interface CompareMatch extends BacktestMatch {
  closingOdds?: Odds | null
  preMatchOdds?: Odds | null
  /** O/U 2.5 and Asian-handicap prices, scored against each variant's goals forecast (#22 §2). */
  goalsPrices?: GoalsPrices | null
  /** The pre-match price value bets are taken at (default `preMatchOdds`; #22 §3). */
  valuePrice?: Odds | null
}

export interface CompareOptions extends Pick<
  WalkForwardOptions,
  'from' | 'to' | 'xi' | 'windowYears' | 'margin' | 'blend' | 'calibration' | 'minHistory' | 'league' | 'gate'
> {
  variants: readonly VariantId[]
  /** Period for choosing hyper-parameters; must end before `from`. Default: the year before `from`. */
  tuning?: { from: string; to: string }
  bootstrap?: BootstrapOptions
  /** Clock for the per-variant seconds (default performance.now). */
  now?: () => number
  /** Called before each variant's walk-forward (progress lines). */
  onVariant?: (id: VariantId, stage: 'tuning' | 'walk-forward') => void
  /** Also the value backtest of each variant's model and served forecasts (#22 §3). */
  value?: ValueCompareOptions
}

export interface HyperChoice {
  period: { from: string; to: string }
  grid: { params: Record<string, number>; rps: number | null; n: number }[]
  chosen: Record<string, number>
  /** Why the default was kept (no forecast in the tuning period), else null. */
  note: string | null
}

export interface VariantComparison {
  variant: VariantId
  label: string
  params: Record<string, number>
  hyper: HyperChoice | null
  model: MetricsSummary
  blend: MetricsSummary
  calibrated: MetricsSummary
  /** α of the last blend fit (on every earlier date); null when never fitted; 0 when the blend gate is closed. */
  final_alpha: number | null
  /** Out-of-sample evidence that decided whether the blend and the calibrator were served (null: no gates). */
  gates: WalkForwardResult['gates']
  /** Model-alone RPS minus Dixon-Coles' on the same matches; null for Dixon-Coles or when it was not run. */
  rps_vs_dixon_coles: BootstrapInterval | null
  /** Model-alone RPS minus the closing market's. */
  rps_vs_closing: BootstrapInterval
  /** Calibrated blend RPS minus the pre-match market's. */
  calibrated_vs_pre_match: BootstrapInterval
  /** Matches the variant could not forecast in the period (before the common set was taken). */
  no_forecast: number
  /** Its O/U 2.5 and AH forecasts against Pinnacle closing, then pre-match (when the matches carry prices). */
  goals_markets?: GoalsMarketComparison[]
  /** With `value`: bets where its model / served forecast beat the pre-match price by the edge (#22 §3). */
  value?: VariantValue
  seconds: number
}

export interface Comparison {
  from: string
  to: string
  xi: number
  window_years: number
  league: string | null
  margin: MarginMethod
  blend_kind: string
  calibration: string
  min_history: number
  /** Whether the blend and the calibrator had to earn their place out of sample (walkForward `gate`). */
  gated: boolean
  /** First date forecast to give α, the calibrator and the gates history (the tuning period's start; not scored). */
  warm_up_from: string
  /** Matches in the period (after the league filter). */
  n_matches: number
  /** Matches scored: every variant forecast them and both markets quoted them. */
  n_scored: number
  excluded: { no_closing: number; no_pre_match: number; no_forecast: number }
  markets: { closing: MetricsSummary; pre_match: MetricsSummary }
  variants: VariantComparison[]
  bootstrap: { resamples: number; seed: number; level: number; unit: 'match date' }
  targets: {
    best_model: { variant: VariantId; rps: number }
    closing_rps: number
    /** best model-alone RPS minus the closing market's (target ≤ 0.003). */
    gap_to_closing: number
    model_within_0_003_of_closing: boolean
    best_calibrated: { variant: VariantId; rps: number }
    pre_match_rps: number
    calibrated_at_least_as_good_as_pre_match: boolean
  }
}

function resultIndex(r: OutcomeLetter): 0 | 1 | 2 {
  return r === 'H' ? 0 : r === 'D' ? 1 : 2
}

function marketOf(odds: Odds | null | undefined, margin: MarginMethod): Triple | null {
  if (!odds) return null
  try {
    return removeMargin(odds, margin).probabilities
  } catch {
    return null
  }
}

/**
 * The hyper-parameters of `id` with the lowest model-alone walk-forward RPS over `period` (ties: the
 * earlier grid point). Null when the variant has no grid (or a single point).
 */
export function chooseHyperParameters(
  matches: readonly BacktestMatch[],
  id: VariantId,
  period: { from: string; to: string },
  options: Pick<WalkForwardOptions, 'xi' | 'windowYears' | 'league'>,
): HyperChoice | null {
  const grid = requireVariant(id).hyperGrid
  if (!grid || grid.length === 0) return null
  return hyperChoiceOf(
    grid,
    period,
    grid.map((params) => {
      try {
        return walkForward(matches, tuningOptions(id, params, period, options))
      } catch (error) {
        if (!(error instanceof DixonColesError) || error.code !== 'MODEL_NO_DATA') throw error
        return null
      }
    }),
  )
}

/** The model-only walk-forward that scores one grid point over the tuning period. */
function tuningOptions(
  id: VariantId,
  params: Record<string, number>,
  period: { from: string; to: string },
  options: Pick<WalkForwardOptions, 'xi' | 'windowYears' | 'league'>,
): WalkForwardOptions {
  return { ...options, ...period, model: id, params, modelOnly: true }
}

/** The grid point with the lowest RPS (ties: the earlier point); null result: no forecast (MODEL_NO_DATA). */
function hyperChoiceOf(
  grid: readonly Record<string, number>[],
  period: { from: string; to: string },
  results: readonly (WalkForwardResult | null)[],
): HyperChoice {
  const scores: HyperChoice['grid'] = []
  let best: { params: Record<string, number>; rps: number } | null = null
  grid.forEach((params, i) => {
    const rpsValue = results[i]?.metrics.model?.rps ?? null
    scores.push({ params: { ...params }, rps: rpsValue, n: results[i]?.metrics.model?.n ?? 0 })
    if (rpsValue !== null && (!best || rpsValue < best.rps)) best = { params: { ...params }, rps: rpsValue }
  })
  const chosen = best as { params: Record<string, number>; rps: number } | null
  return {
    period,
    grid: scores,
    chosen: chosen ? chosen.params : { ...grid[0] },
    note: chosen ? null : `no forecast in ${period.from} .. ${period.to}: kept the default`,
  }
}

/**
 * Runs the walk-forwards of {@link compareVariantsWith} elsewhere (a worker pool): same matches and options
 * as `walkForward` takes, same result.
 */
export type WalkForwardRunner = (
  matches: readonly BacktestMatch[],
  options: WalkForwardOptions,
) => Promise<WalkForwardResult>

type VariantRun = { id: VariantId; hyper: HyperChoice | null; result: WalkForwardResult; seconds: number }

/** Runs the comparison; throws MODEL_BAD_INPUT / MODEL_NO_DATA like the walk-forward. */
export function compareVariants(matches: readonly CompareMatch[], options: CompareOptions): Comparison {
  const plan = planComparison(matches, options)
  const { ids, tuning, wfMatches, base, now } = plan
  const runs: VariantRun[] = []
  for (const id of ids) {
    const t0 = now()
    options.onVariant?.(id, 'tuning')
    const hyper = chooseHyperParameters(wfMatches, id, tuning, {
      xi: base.xi,
      windowYears: base.windowYears,
      league: base.league,
    })
    options.onVariant?.(id, 'walk-forward')
    const result = walkForward(wfMatches, { ...base, model: id, params: hyper?.chosen ?? {} })
    runs.push({ id, hyper, result, seconds: (now() - t0) / 1000 })
  }
  return assembleComparison(matches, options, plan, runs)
}

/**
 * {@link compareVariants} with its walk-forwards handed to `walk` (e.g. a worker pool) all at once: first
 * every grid point of every variant over the tuning period, then every variant's walk-forward with its
 * chosen point. The same walk-forwards with the same options, so the same comparison; a variant's `seconds`
 * are from the start to the end of its own walk-forward (they overlap).
 */
export async function compareVariantsWith(
  matches: readonly CompareMatch[],
  options: CompareOptions,
  walk: WalkForwardRunner,
): Promise<Comparison> {
  const plan = planComparison(matches, options)
  const { ids, tuning, wfMatches, base, now } = plan
  const t0 = now()
  const tuningOpts = { xi: base.xi, windowYears: base.windowYears, league: base.league }
  const tune = async (id: VariantId) => {
    const grid = requireVariant(id).hyperGrid
    if (!grid || grid.length === 0) return null
    options.onVariant?.(id, 'tuning')
    const results = await Promise.all(
      grid.map((params) =>
        walk(wfMatches, tuningOptions(id, params, tuning, tuningOpts)).catch((error: unknown) => {
          if ((error as { code?: unknown }).code !== 'MODEL_NO_DATA') throw error
          return null
        }),
      ),
    )
    return hyperChoiceOf(grid, tuning, results)
  }
  // Each variant's walk-forward starts once its own tuning is done (at once without a grid), not after every
  // variant's: a pool then starts the long walk-forwards while the grids are still running (#23).
  const runs = await Promise.all(
    ids.map(async (id): Promise<VariantRun> => {
      const hyper = await tune(id)
      options.onVariant?.(id, 'walk-forward')
      const result = await walk(wfMatches, { ...base, model: id, params: hyper?.chosen ?? {} })
      return { id, hyper, result, seconds: (now() - t0) / 1000 }
    }),
  )
  return assembleComparison(matches, options, plan, runs)
}

interface ComparisonPlan {
  ids: VariantId[]
  margin: MarginMethod
  now: () => number
  tuning: { from: string; to: string }
  wfMatches: BacktestMatch[]
  base: WalkForwardOptions
}

function planComparison(matches: readonly CompareMatch[], options: CompareOptions): ComparisonPlan {
  if (options.variants.length === 0) {
    throw new DixonColesError('MODEL_BAD_INPUT', 'Choose at least one model variant to compare.')
  }
  const ids = [...new Set(options.variants)]
  for (const id of ids) requireVariant(id)
  const margin = options.margin ?? 'multiplicative'
  const now = options.now ?? (() => performance.now())
  const tuning = options.tuning ?? {
    from: yearsBefore(options.from, 1),
    to: dateOfDayNumber(dayNumberOf(options.from) - 1),
  }
  if (tuning.to >= options.from) {
    throw new DixonColesError(
      'MODEL_BAD_INPUT',
      `The tuning period must end before --from (${tuning.to} ≥ ${options.from}): choosing on the evaluation period would look ahead.`,
    )
  }
  // The walk-forward's market (blend partner) is the pre-match one.
  const wfMatches: BacktestMatch[] = matches.map((m) => ({ ...m, odds: m.preMatchOdds ?? null }))
  const base: WalkForwardOptions = {
    from: options.from,
    to: options.to,
    xi: options.xi ?? DEFAULT_XI,
    windowYears: options.windowYears,
    margin,
    blend: options.blend,
    calibration: options.calibration,
    minHistory: options.minHistory,
    league: options.league,
    gate: options.gate ?? true,
    // α, the calibrator and their gates learn from out-of-sample forecasts of the tuning period too
    warmUpFrom: tuning.from,
  }

  return { ids, margin, now, tuning, wfMatches, base }
}

function assembleComparison(
  matches: readonly CompareMatch[],
  options: CompareOptions,
  plan: ComparisonPlan,
  runs: readonly VariantRun[],
): Comparison {
  const { margin, base } = plan
  // Every run predicts the same rows in the same order (same sorted matches, same period and league).
  const rows0 = runs[0].result.rows
  for (const run of runs) {
    if (
      run.result.rows.length !== rows0.length ||
      run.result.rows.some(
        (r, i) => r.date !== rows0[i].date || r.home !== rows0[i].home || r.away !== rows0[i].away,
      )
    ) {
      throw new DixonColesError('MODEL_BAD_INPUT', `Variant ${run.id} predicted a different set of matches.`)
    }
  }
  const closingByKey = new Map<string, Odds | null>()
  for (const m of matches) closingByKey.set(`${m.date}\u0000${m.home}\u0000${m.away}`, m.closingOdds ?? null)
  const closing: (Triple | null)[] = rows0.map((r) =>
    marketOf(closingByKey.get(`${r.date}\u0000${r.home}\u0000${r.away}`), margin),
  )
  const excluded = { no_closing: 0, no_pre_match: 0, no_forecast: 0 }
  const scored: number[] = []
  rows0.forEach((r, i) => {
    if (!closing[i]) excluded.no_closing++
    else if (!r.market) excluded.no_pre_match++
    else if (runs.some((run) => !run.result.rows[i].model)) excluded.no_forecast++
    else scored.push(i)
  })
  if (scored.length === 0) {
    throw new DixonColesError(
      'MODEL_NO_DATA',
      `No match between ${base.from} and ${runs[0].result.options.to} was forecast by every variant and quoted by both markets ` +
        `(without closing odds: ${excluded.no_closing}, without pre-match odds: ${excluded.no_pre_match}, without a forecast: ${excluded.no_forecast}).`,
    )
  }
  const outcomes = scored.map((i) => rows0[i].result)
  const dates = scored.map((i) => rows0[i].date)
  const pick = (rows: readonly BacktestRow[], key: 'model' | 'market' | 'blend' | 'calibrated') =>
    scored.map((i) => rows[i][key] as Triple)
  const closingPreds = scored.map((i) => closing[i] as Triple)
  const preMatchPreds = pick(rows0, 'market')
  const perMatch = (preds: readonly Triple[]) => preds.map((p, j) => rps(p, resultIndex(outcomes[j])))
  const closingRps = perMatch(closingPreds)
  const preMatchRps = perMatch(preMatchPreds)
  const boot = (a: readonly number[], b: readonly number[]) =>
    pairedBootstrap(
      a.map((x, j) => x - b[j]),
      dates,
      options.bootstrap,
    )
  const valuePrices = options.value ? valuePriceMap(matches) : null
  const goalsPrices = goalsPriceMap(matches)
  const dcRun = runs.find((r) => r.id === 'dixon-coles')
  const dcRps = dcRun ? perMatch(pick(dcRun.result.rows, 'model')) : null

  const variants: VariantComparison[] = runs.map((run) => {
    const model = pick(run.result.rows, 'model')
    const calibrated = pick(run.result.rows, 'calibrated')
    const modelRps = perMatch(model)
    return {
      variant: run.id,
      label: requireVariant(run.id).label,
      params: { ...(run.hyper?.chosen ?? {}) },
      hyper: run.hyper,
      model: summarise(model, outcomes),
      blend: summarise(pick(run.result.rows, 'blend'), outcomes),
      calibrated: summarise(calibrated, outcomes),
      final_alpha: run.result.final.alpha,
      gates: run.result.gates,
      rps_vs_dixon_coles: dcRps && run.id !== 'dixon-coles' ? boot(modelRps, dcRps) : null,
      rps_vs_closing: boot(modelRps, closingRps),
      calibrated_vs_pre_match: boot(perMatch(calibrated), preMatchRps),
      no_forecast: run.result.rows.filter((r) => !r.model).length,
      ...(goalsPrices
        ? { goals_markets: goalsMarketsOf(run.result.rows, scored, goalsPrices, margin, options.bootstrap) }
        : {}),
      ...(options.value && valuePrices
        ? { value: variantValue(run.result.rows, scored, valuePrices, options.value, options.bootstrap) }
        : {}),
      seconds: run.seconds,
    }
  })
  const markets = {
    closing: summarise(closingPreds, outcomes),
    pre_match: summarise(preMatchPreds, outcomes),
  }
  const bestModel = variants.reduce((a, b) => (b.model.rps < a.model.rps ? b : a))
  const bestCal = variants.reduce((a, b) => (b.calibrated.rps < a.calibrated.rps ? b : a))
  const o = runs[0].result.options
  return {
    from: o.from,
    to: o.to,
    xi: o.xi,
    window_years: o.windowYears,
    league: o.league,
    margin,
    blend_kind: o.blend,
    calibration: o.calibration,
    min_history: o.minHistory,
    gated: o.gate,
    warm_up_from: o.warmUpFrom,
    n_matches: rows0.length,
    n_scored: scored.length,
    excluded,
    markets,
    variants,
    bootstrap: {
      resamples: options.bootstrap?.resamples ?? DEFAULT_RESAMPLES,
      seed: options.bootstrap?.seed ?? DEFAULT_BOOTSTRAP_SEED,
      level: options.bootstrap?.level ?? 0.95,
      unit: 'match date',
    },
    targets: {
      best_model: { variant: bestModel.variant, rps: bestModel.model.rps },
      closing_rps: markets.closing.rps,
      gap_to_closing: bestModel.model.rps - markets.closing.rps,
      model_within_0_003_of_closing: bestModel.model.rps - markets.closing.rps <= 0.003,
      best_calibrated: { variant: bestCal.variant, rps: bestCal.calibrated.rps },
      pre_match_rps: markets.pre_match.rps,
      calibrated_at_least_as_good_as_pre_match: bestCal.calibrated.rps <= markets.pre_match.rps,
    },
  }
}
