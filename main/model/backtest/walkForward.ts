/**
 * Walk-forward backtest of a goal-model variant (`main/model/variants`; default Dixon-Coles) against the
 * market.
 *
 * For every distinct match date d in [from, to], in order:
 *  1. refit the variant on the matches strictly before d (the only matches it is ever shown) inside a window of `windowYears` years
 *     (from the same calendar day `windowYears` years earlier), time-decayed as of d, warm-started
 *     from the previous date's fit. (The engine's window is inclusive, so the fit runs as of d − 1 day;
 *     weights exp(−ξ·(d − 1 − t)) differ from exp(−ξ·(d − t)) by the constant factor e^ξ, which leaves
 *     the maximum-likelihood estimate unchanged.)
 *  2. predict that date's matches: 1X2 from the variant's score matrix (Dixon-Coles: λ, μ, ρ). A match with a team the fit has no rating
 *     for (no match in the window, or left out because its matches alone make the MLE non-existent, e.g. a
 *     newcomer that has not scored yet) is skipped with the reason recorded.
 *  3. market probabilities from the match's chosen 1X2 odds with the named margin method.
 *  4. blend α and the calibrator are fitted ONLY on predictions of earlier dates (this walk-forward's own
 *     out-of-sample rows with both a model and a market forecast). Until `minHistory` such rows exist,
 *     the blend falls back to the market alone (α = 0; the model alone when a match has no odds) and the
 *     calibrated forecast equals the blend.
 *  5. with `gate` (default), each stage must also earn its place out of sample (`stageGate.ts`): the blend is
 *     served instead of the market, and the calibrator applied, only while a one-sided sequential test on the
 *     paired RPS of the forecasts they would have served on earlier dates against what they replace (a
 *     betting e-process, level 5 % over every date checked) says they beat it; otherwise α = 0 / no
 *     calibrator. The gates' evidence counts the scored matches each stage was served for.
 *     `warmUpFrom` (before `from`) starts predicting earlier so α, the calibrator and the gates have
 *     out-of-sample evidence by `from`; those earlier rows are not returned or scored.
 *
 * Everything at date d is a function of the matches before d (sorted by date, so even team indices do not
 * depend on later matches): changing later results cannot change a single bit of it (tested).
 *
 * Metrics (`summarise`) are computed on the common set of matches where every compared forecast exists
 * (model and, when the run has any odds, market), so the four rows compare like with like.
 */
import { DixonColesError, dateOfDayNumber, dayNumberOf, toMatchArrays } from '../dixonColes'
import { removeMargin, type MarginMethod, MARGIN_METHODS } from '../market'
import { applyBlend, servedForecast, type BlendKind } from '../blend'
import { fitTemperatureFast, PoolWeightFitter } from './poolWeight'
import { fitExcluding } from './fitExcluding'
import { StageGate } from './stageGate'
import { applyCalibrator, fitIsotonicCalibrator, type Calibrator } from '../calibration'
import {
  ModelInputError,
  resultOf,
  summarise,
  type MetricsSummary,
  type OutcomeLetter,
  type Triple,
} from '../metrics'
import { goalDifferenceOf, over25Probability, type GoalDifference } from '../metrics/goals'
import {
  requireVariant,
  type GoalModelVariant,
  type VariantFitInfo,
  type VariantId,
  type VariantMatch,
} from '../variants'

/**
 * A finished match with the 1X2 decimal odds the caller chose for "the market" (null: none quoted), plus the
 * optional extras a variant may train on (shots, margin-free market probabilities, over 2.5; see
 * {@link VariantMatch}). Variants only ever see matches strictly before the date they forecast.
 */
export interface BacktestMatch extends VariantMatch {
  odds?: readonly [number, number, number] | null
  /** Division code (e.g. 'E0'); see {@link WalkForwardOptions.league}. */
  league?: string | null
}

export type CalibrationKind = 'temperature' | 'isotonic' | 'none'

export interface WalkForwardOptions {
  /** First match date to predict, `YYYY-MM-DD`. */
  from: string
  /** Last match date to predict (inclusive). Default: the last match date in the data. */
  to?: string
  /** Time decay per day. Default {@link DEFAULT_XI} (Dixon & Coles' half-week value). */
  xi?: number
  /** Training window in years before each date. Default 3. */
  windowYears?: number
  /**
   * The goal-model variant (`main/model/variants`, e.g. 'dixon-coles', 'poisson', 'shots'). Default
   * 'dixon-coles'. An unknown id is MODEL_BAD_INPUT naming the available ones.
   */
  model?: VariantId
  /** The variant's hyper-parameters (see its `hyperGrid`); default: the variant's own defaults. */
  params?: Readonly<Record<string, number>>
  /** Margin removal for the market's odds. Default {@link DEFAULT_MARGIN_METHOD}. */
  margin?: MarginMethod
  /** Opinion pool for model + market. Default 'log'. */
  blend?: BlendKind
  /** Post-hoc calibration of the blend. Default 'temperature' (one parameter: stable on a few hundred rows). */
  calibration?: CalibrationKind
  /** Earlier out-of-sample rows (with model and market) needed before α and the calibrator are fitted. Default 100. */
  minHistory?: number
  /** Only the model's forecasts (no market, blend or calibration work): what ξ selection needs. */
  modelOnly?: boolean
  /**
   * Predict (and score) only matches of this division; every match still trains the model. Fitting E0 with
   * E1 gives promoted teams a rating from their Championship matches. Default: predict every match.
   */
  league?: string | null
  /** Start each refit from the previous date's fit (default true; false = every refit from scratch, for benchmarks). */
  warmStart?: boolean
  /**
   * Serve the blend and the calibrator only while they beat what they replace out of sample on earlier
   * dates (see `stageGate.ts`). Default true; false applies them as soon as they are fitted.
   */
  gate?: boolean
  /**
   * Start predicting at this date (≤ from) to give α, the calibrator and the gates out-of-sample rows before
   * `from`; rows before `from` are neither returned nor scored. Default: `from`. Ignored by a model-only run.
   */
  warmUpFrom?: string
}

export const DEFAULT_XI = 0.0019
export const DEFAULT_WINDOW_YEARS = 3
export const DEFAULT_MARGIN_METHOD: MarginMethod = 'shin'
export const DEFAULT_BLEND: BlendKind = 'log'
export const DEFAULT_CALIBRATION: CalibrationKind = 'temperature'
export const DEFAULT_MIN_HISTORY = 100

export interface BacktestRow {
  date: string
  home: string
  away: string
  homeGoals: number
  awayGoals: number
  result: OutcomeLetter
  /** Null when the model could not predict the match (see `skipReason`). */
  model: Triple | null
  /** Null when the match had no (valid) odds. */
  market: Triple | null
  /** α·model ⊕ (1−α)·market with α fitted on earlier dates; the model alone without odds; null without a model. */
  blend: Triple | null
  calibrated: Triple | null
  /** α used for this row (null: no blend; 0 during the fallback period). */
  alpha: number | null
  skipReason: string | null
  /**
   * The model's goals-market forecast from its score matrix (#22): P(over 2.5) and the goal-difference
   * distribution any Asian-handicap line is priced from (goalsMarkets.ts). Null without a model or in a
   * model-only run.
   */
  goals?: { over25: number; goalDifference: GoalDifference } | null
}

export type StageEvidence = StageGate['evidence']

export interface RefitRecord {
  date: string
  /** Matches predicted (or skipped) on this date. */
  matches: number
  /** Null when no model could be fitted before this date (then `error` says why). */
  fit: {
    nMatches: number
    nTeams: number
    iterations: number
    converged: boolean
    gradientNorm: number
    /** Teams left out so that a finite MLE exists (e.g. a newcomer that has not scored yet). */
    excludedTeams: string[]
  } | null
  error: string | null
  alpha: number | null
  /** Rows the calibrator was fitted on (0: not fitted yet). */
  calibrationRows: number
  /** Whether the blend (α) and the calibrator were served on this date (false while a gate is closed). */
  blendServed: boolean
  calibratorServed: boolean
}

export interface WalkForwardMetrics {
  model: MetricsSummary | null
  market: MetricsSummary | null
  blend: MetricsSummary | null
  calibrated: MetricsSummary | null
}

export interface WalkForwardResult {
  options: Required<Omit<WalkForwardOptions, 'to'>> & { to: string }
  rows: BacktestRow[]
  refits: RefitRecord[]
  metrics: WalkForwardMetrics
  /** Rows in the metrics (model and, if the run has odds, market present). */
  nScored: number
  skipped: { noModel: number; noMarket: number; teams: string[] }
  /** Total Newton iterations over all refits (warm starts keep this small). */
  iterations: number
  /**
   * α and calibrator as fitted on every row before the last date + 1 (for reuse on future fixtures); with
   * `gate`, α is 0 and the calibrator null when that stage has not earned its place out of sample.
   */
  final: { alpha: number | null; calibrator: Calibrator | null }
  /** Out-of-sample evidence of each stage at the end (null without `gate` or in a model-only run). */
  gates: { blend: StageEvidence; calibration: StageEvidence } | null
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/

function invalid(message: string, details: Record<string, unknown> = {}): never {
  throw new DixonColesError('MODEL_BAD_INPUT', message, details)
}

/** The same calendar day `years` earlier (29 February → 1 March when the earlier year has none). */
export function yearsBefore(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(Date.UTC(y - years, m - 1, d)).toISOString().slice(0, 10)
}

function resolveOptions(options: WalkForwardOptions, lastDate: string): WalkForwardResult['options'] {
  const o = {
    from: options.from,
    to: options.to ?? (lastDate > options.from ? lastDate : options.from),
    xi: options.xi ?? DEFAULT_XI,
    windowYears: options.windowYears ?? DEFAULT_WINDOW_YEARS,
    model: options.model ?? 'dixon-coles',
    params: options.params ?? {},
    margin: options.margin ?? DEFAULT_MARGIN_METHOD,
    blend: options.blend ?? DEFAULT_BLEND,
    calibration: options.calibration ?? DEFAULT_CALIBRATION,
    minHistory: options.minHistory ?? DEFAULT_MIN_HISTORY,
    modelOnly: options.modelOnly ?? false,
    warmStart: options.warmStart ?? true,
    league: options.league ?? null,
    gate: options.gate ?? true,
    warmUpFrom: options.warmUpFrom ?? options.from,
  }
  for (const [k, v] of [
    ['from', o.from],
    ['to', o.to],
    ['warmUpFrom', o.warmUpFrom],
  ] as const) {
    if (typeof v !== 'string' || !DATE_RE.test(v)) invalid(`${k} must be a date YYYY-MM-DD, got "${v}"`)
    dayNumberOf(v)
  }
  requireVariant(o.model)
  if (o.to < o.from) invalid(`to (${o.to}) is before from (${o.from})`)
  // (a model-only run has nothing to warm up and ignores it: ξ and variant selection reuse the same options)
  if (!o.modelOnly && o.warmUpFrom > o.from) {
    invalid(`warmUpFrom (${o.warmUpFrom}) is after from (${o.from})`)
  }
  if (!(o.xi >= 0 && Number.isFinite(o.xi))) invalid(`xi must be a finite number ≥ 0, got ${o.xi}`)
  if (!(o.windowYears > 0 && Number.isFinite(o.windowYears)) || !Number.isInteger(o.windowYears)) {
    invalid(`windowYears must be a whole number of years ≥ 1, got ${o.windowYears}`)
  }
  if (!MARGIN_METHODS.includes(o.margin)) {
    invalid(`Unknown margin method "${o.margin}" (one of ${MARGIN_METHODS.join(', ')})`)
  }
  if (o.blend !== 'linear' && o.blend !== 'log') invalid(`Unknown blend "${o.blend}" (linear or log)`)
  if (!['temperature', 'isotonic', 'none'].includes(o.calibration)) {
    invalid(`Unknown calibration "${o.calibration}" (temperature, isotonic or none)`)
  }
  if (!(Number.isInteger(o.minHistory) && o.minHistory >= 1)) {
    invalid(`minHistory must be a whole number ≥ 1, got ${o.minHistory}`)
  }
  return o
}

interface FitAttempt {
  fit: unknown
  /**
   * The variant's fit info copied into one object shape (the refit record's): each variant's own info
   * object has its own shape, and reading those in `walkForward` deoptimised it for every new variant (#23).
   */
  info: NonNullable<RefitRecord['fit']> | null
  error: string | null
}

function refitInfoOf(info: VariantFitInfo): NonNullable<RefitRecord['fit']> {
  return {
    nMatches: info.nMatches,
    nTeams: info.nTeams,
    iterations: info.iterations,
    converged: info.converged,
    gradientNorm: info.gradientNorm,
    excludedTeams: info.excludedTeams,
  }
}

/**
 * The variant fitted on `history` (the window's matches strictly before the date), leaving out teams that
 * make the fit impossible (`fitExcluding`). A DixonColesError that no exclusion cures (no data, no finite
 * MLE) is recorded, not thrown: that date then has no model forecast.
 */
function fitVariant(
  variant: GoalModelVariant<unknown>,
  history: readonly VariantMatch[],
  ctx: Parameters<GoalModelVariant<unknown>['fit']>[1],
): FitAttempt {
  if (history.length === 0) {
    return {
      fit: null,
      info: null,
      error: `No matches between ${ctx.from} .. ${ctx.asOf} (the window before this date is empty).`,
    }
  }
  try {
    const { fit, info } = fitExcluding(variant, history, ctx)
    return { fit, info: refitInfoOf(info), error: null }
  } catch (error) {
    if (!(error instanceof DixonColesError)) throw error
    return { fit: null, info: null, error: error.message }
  }
}

/** MODEL_DEGENERATE unless `p` is three finite probabilities in [0, 1] summing to 1 within 1e-9. */
function checkForecast(p: Triple, variant: string, date: string, home: string, away: string): Triple {
  const ok =
    p.length === 3 &&
    p.every((x) => Number.isFinite(x) && x >= 0 && x <= 1) &&
    Math.abs(p[0] + p[1] + p[2] - 1) <= 1e-9
  if (!ok) {
    throw new DixonColesError(
      'MODEL_DEGENERATE',
      `Variant ${variant} returned invalid probabilities for ${date} ${home} v ${away}: [${p.join(', ')}]`,
      { variant, date, home, away },
    )
  }
  return p
}

function fitCalibrator(kind: CalibrationKind, preds: Triple[], outcomes: OutcomeLetter[]): Calibrator | null {
  if (kind === 'none') return null
  return kind === 'isotonic' ? fitIsotonicCalibrator(preds, outcomes) : fitTemperatureFast(preds, outcomes)
}

function metricsOf(
  rows: BacktestRow[],
  key: 'model' | 'market' | 'blend' | 'calibrated',
): MetricsSummary | null {
  const preds: Triple[] = []
  const outcomes: OutcomeLetter[] = []
  for (const r of rows) {
    const p = r[key]
    if (p) {
      preds.push(p)
      outcomes.push(r.result)
    }
  }
  return preds.length ? summarise(preds, outcomes) : null
}

/**
 * `matches` sorted by date, then home, away (then input order): team indices follow first appearance in time,
 * so nothing depends on later rows, and the output does not depend on the order the rows came in. (Its own
 * function, like {@link datesToPredict} and {@link modelForecast}: every variant's matches, options and fits
 * reach these sites with their own object shapes, and a shape the optimised code has not seen throws the
 * whole of `walkForward` back to the interpreter (#23).)
 */
function sortedByDate(matches: readonly BacktestMatch[]): BacktestMatch[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
  return matches
    .map((m, i) => ({ m, i }))
    .sort(
      (a, b) => cmp(a.m.date, b.m.date) || cmp(a.m.home, b.m.home) || cmp(a.m.away, b.m.away) || a.i - b.i,
    )
    .map((x) => x.m)
}

/** Distinct dates in [from (warmUpFrom), to] of the matches to predict, and the matches of each. */
function datesToPredict(
  sorted: readonly BacktestMatch[],
  o: WalkForwardResult['options'],
): Map<string, BacktestMatch[]> {
  const byDate = new Map<string, BacktestMatch[]>()
  // (a model-only run has no α or calibrator to warm up)
  const first = o.modelOnly ? o.from : o.warmUpFrom
  for (const m of sorted) {
    if (m.date < first || m.date > o.to) continue
    if (o.league !== null && m.league !== o.league) continue
    const list = byDate.get(m.date)
    if (list) list.push(m)
    else byDate.set(m.date, [m])
  }
  return byDate
}

/**
 * The variant's forecast of `m` from `fit` (checked), with the goals markets unless model-only; null when the
 * fit has no rating for one of its teams.
 */
function modelForecast(
  variant: GoalModelVariant<unknown>,
  fit: unknown,
  date: string,
  m: BacktestMatch,
  o: WalkForwardResult['options'],
): { probabilities: Triple; goals: BacktestRow['goals'] } | null {
  const forecast = variant.predict(fit, {
    date,
    home: m.home,
    away: m.away,
    league: m.league ?? null,
    neutral: m.neutral ?? false,
  })
  if (!forecast) return null
  const probabilities = checkForecast(forecast.probabilities, o.model, date, m.home, m.away)
  const goals = o.modelOnly
    ? null
    : { over25: over25Probability(forecast.matrix), goalDifference: goalDifferenceOf(forecast.matrix) }
  return { probabilities, goals }
}

/**
 * Run the walk-forward backtest. `matches` may come in any order and include fixtures outside
 * [from, to] (earlier ones are the training history; later ones are ignored).
 * Throws MODEL_BAD_INPUT for bad options or match rows, MODEL_NO_DATA when no match falls in [from, to].
 */
export function walkForward(
  matches: readonly BacktestMatch[],
  options: WalkForwardOptions,
): WalkForwardResult {
  if (matches.length === 0) throw new DixonColesError('MODEL_NO_DATA', 'No matches to backtest.')
  const sorted = sortedByDate(matches)
  const o = resolveOptions(options, sorted[sorted.length - 1].date)
  toMatchArrays(sorted) // validates every row (dates, goals, team names)
  const variant = requireVariant(o.model)
  const byDate = datesToPredict(sorted, o)
  if (byDate.size === 0) {
    throw new DixonColesError(
      'MODEL_NO_DATA',
      `No ${o.league !== null ? `${o.league} ` : ''}match between ${o.from} and ${o.to} (the data runs ${sorted[0].date} .. ${sorted[sorted.length - 1].date}).`,
      { from: o.from, to: o.to },
    )
  }

  const rows: BacktestRow[] = []
  const refits: RefitRecord[] = []
  // Out-of-sample history for α and the calibrator: rows with both a model and a market forecast.
  const histModel: Triple[] = []
  const histMarket: Triple[] = []
  const histOutcome: OutcomeLetter[] = []
  const pool = new PoolWeightFitter(o.blend)
  const blendGate = new StageGate(o.minHistory)
  const calibrationGate = new StageGate(o.minHistory)
  // What the blend and the calibrator would have served on each history row's date (for the gates).
  const shadow = new Map<BacktestRow, { blend: Triple | null; calibrated: Triple | null }>()
  let warm: unknown = undefined
  let iterations = 0
  const skippedTeams = new Set<string>()
  // The training window is sorted[lo, hi): matches in [d − windowYears, d − 1 day]. `teams` lists every team
  // of sorted[0, hi) by first appearance (stable indices for the variant, never a later team).
  let lo = 0
  let hi = 0
  const teams: string[] = []
  const seenTeams = new Set<string>()

  /**
   * α and the calibrator from every row so far (called before a date is predicted: never its own rows). The
   * calibrator is fitted to what is served: the α blend while the blend gate is open, else the market.
   */
  const fitStages = (): {
    alpha: number | null
    calibrator: Calibrator | null
    rows: number
    blendServed: boolean
    calibratorServed: boolean
  } => {
    if (o.modelOnly || histModel.length < o.minHistory) {
      return { alpha: null, calibrator: null, rows: 0, blendServed: false, calibratorServed: false }
    }
    const alpha = pool.fit()
    const blendServed = !o.gate || blendGate.open
    const served = blendServed ? alpha : 0
    const blended = histModel.map((p, i) =>
      served === 0 ? histMarket[i] : applyBlend({ kind: o.blend, alpha: served }, p, histMarket[i]),
    )
    const calibrator = fitCalibrator(o.calibration, blended, histOutcome)
    const calibratorServed = calibrator !== null && (!o.gate || calibrationGate.open)
    return { alpha, calibrator, rows: calibrator ? histModel.length : 0, blendServed, calibratorServed }
  }

  for (const [date, dayMatches] of byDate) {
    const asOf = dateOfDayNumber(dayNumberOf(date) - 1)
    const windowFrom = yearsBefore(date, o.windowYears)
    while (hi < sorted.length && sorted[hi].date < date) {
      for (const t of [sorted[hi].home, sorted[hi].away]) {
        if (!seenTeams.has(t)) {
          seenTeams.add(t)
          teams.push(t)
        }
      }
      hi++
    }
    while (lo < hi && sorted[lo].date < windowFrom) lo++
    const history = sorted.slice(lo, hi)
    const attempt = fitVariant(variant, history, {
      asOf,
      from: windowFrom,
      xi: o.xi,
      previous: o.warmStart ? warm : undefined,
      params: o.params,
      teams: teams.slice(),
    })
    const fit = attempt.fit
    const info = attempt.info
    if (info) {
      warm = fit
      iterations += info.iterations
    }
    const stages = fitStages()
    const usedAlpha = stages.alpha
    const usedCalibrator = stages.calibrator
    const scoredDate = date >= o.from
    if (scoredDate)
      refits.push({
        date,
        matches: dayMatches.length,
        fit: info,
        error: attempt.error,
        alpha: usedAlpha,
        calibrationRows: stages.rows,
        blendServed: stages.blendServed,
        calibratorServed: stages.calibratorServed,
      })
    let windowTeams: Set<string> | null = null
    const dateRows: BacktestRow[] = []
    for (const m of dayMatches) {
      const result = resultOf(m)
      let model: Triple | null = null
      let goals: BacktestRow['goals'] = null
      let skipReason: string | null = null
      if (!info) {
        skipReason = `no model before ${date}: ${attempt.error ?? 'fit failed'}`
      } else {
        const forecast = modelForecast(variant, fit, date, m, o)
        if (forecast) {
          model = forecast.probabilities
          goals = forecast.goals
        } else {
          if (!windowTeams) {
            windowTeams = new Set<string>()
            for (const h of history) {
              windowTeams.add(h.home)
              windowTeams.add(h.away)
            }
          }
          const seen = windowTeams
          let missing = [m.home, m.away].filter((t) => !seen.has(t) || info.excludedTeams.includes(t))
          if (missing.length === 0) missing = [m.home, m.away]
          if (scoredDate) missing.forEach((t) => skippedTeams.add(t))
          const why = missing.some((t) => info.excludedTeams.includes(t))
            ? 'left out of the fit: no finite rating yet (e.g. has not scored or conceded in the window)'
            : missing.some((t) => !seen.has(t))
              ? `no match in the ${o.windowYears}-year window before ${date}`
              : `the ${o.model} fit has no rating for this fixture`
          skipReason = `no rating for ${missing.join(' and ')} (${why})`
        }
      }
      let market: Triple | null = null
      if (!o.modelOnly && m.odds) {
        try {
          market = removeMargin(m.odds, o.margin).probabilities
        } catch (error) {
          if (!(error instanceof ModelInputError)) throw error
        }
      }
      let blend: Triple | null = null
      let calibrated: Triple | null = null
      let rowAlpha: number | null = null
      let candidate: { blend: Triple | null; calibrated: Triple | null } | null = null
      if (!o.modelOnly && model) {
        // what is served: the app's own rule (servedForecast) with the stages whose gates are open
        const served = servedForecast(model, market, {
          blend: { kind: o.blend, alpha: stages.blendServed ? usedAlpha : 0 },
          calibrator: stages.calibratorServed ? usedCalibrator : null,
        })
        blend = served.blend
        calibrated = served.calibrated
        rowAlpha = served.alpha
        // what each stage would have served, scored in the shadow by the gates
        if (market && usedAlpha !== null) {
          candidate = {
            blend: stages.blendServed
              ? served.blend
              : servedForecast(model, market, {
                  blend: { kind: o.blend, alpha: usedAlpha },
                  calibrator: null,
                }).blend,
            calibrated: !usedCalibrator
              ? null
              : stages.calibratorServed
                ? served.calibrated
                : applyCalibrator(usedCalibrator, served.blend),
          }
        }
      }
      const row: BacktestRow = {
        date,
        home: m.home,
        away: m.away,
        homeGoals: m.homeGoals,
        awayGoals: m.awayGoals,
        result,
        model,
        market,
        blend,
        calibrated,
        alpha: rowAlpha,
        skipReason,
        goals,
      }
      if (candidate) shadow.set(row, candidate)
      dateRows.push(row)
    }
    // Only now, after the whole date is predicted, does it join the history.
    for (const r of dateRows) {
      if (scoredDate) rows.push(r)
      if (scoredDate && r.model) {
        if (r.market && stages.blendServed) blendGate.countServed()
        if (stages.calibratorServed) calibrationGate.countServed()
      }
      if (r.model && r.market) {
        histModel.push(r.model)
        histMarket.push(r.market)
        histOutcome.push(r.result)
        pool.add(r.model, r.market, r.result)
        const c = shadow.get(r)
        if (c?.blend) blendGate.add(c.blend, r.market, r.result)
        if (c?.calibrated && r.blend) calibrationGate.add(c.calibrated, r.blend, r.result)
      }
    }
    shadow.clear()
  }
  // α and calibrator from every row: what a forecast after `to` would use.
  const last = fitStages()

  const anyMarket = rows.some((r) => r.market !== null)
  const scored = rows.filter((r) => r.model !== null && (!anyMarket || r.market !== null))
  return {
    options: o,
    rows,
    refits,
    metrics: {
      model: metricsOf(scored, 'model'),
      market: anyMarket ? metricsOf(scored, 'market') : null,
      blend: o.modelOnly ? null : metricsOf(scored, 'blend'),
      calibrated: o.modelOnly ? null : metricsOf(scored, 'calibrated'),
    },
    nScored: scored.length,
    skipped: {
      noModel: rows.filter((r) => r.model === null).length,
      noMarket: o.modelOnly ? 0 : rows.filter((r) => r.market === null).length,
      teams: [...skippedTeams].sort(),
    },
    iterations,
    final: {
      alpha: last.alpha === null ? null : last.blendServed ? last.alpha : 0,
      calibrator: last.calibratorServed ? last.calibrator : null,
    },
    gates:
      o.gate && !o.modelOnly ? { blend: blendGate.evidence, calibration: calibrationGate.evidence } : null,
  }
}
