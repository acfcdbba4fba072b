/**
 * Model health as pure functions (no I/O, no clock): reliability diagrams with ECE, rolling RPS, and the
 * drift / calibration alerts. The service (`healthService.ts`) feeds them the champion's walk-forward rows
 * (its `predictions.csv`) and its forecasts of the matches played after it was trained.
 */
import {
  CALIBRATION_BINS,
  argMax,
  ece,
  outcomeIndex,
  rps,
  summarise,
  type MetricsSummary,
  type OutcomeLetter,
  type Triple,
} from '../../model/metrics'

export const SERIES = ['model', 'market', 'blend', 'calibrated'] as const
export type SeriesKey = (typeof SERIES)[number]
/**
 * The forecasts whose calibration the screen shows: the market too, since it is what the app serves while the
 * blend's gate is closed (α = 0) (#20).
 */
export const RELIABILITY_SERIES = ['market', 'model', 'blend', 'calibrated'] as const
export type ReliabilitySeriesKey = (typeof RELIABILITY_SERIES)[number]

/** One match with the four 1X2 forecasts (null where a forecast does not exist). */
export interface ForecastRow {
  date: string
  home: string
  away: string
  result: OutcomeLetter
  model: Triple | null
  market: Triple | null
  blend: Triple | null
  calibrated: Triple | null
  /** The store's match id (`predictions.csv` written since #20; null in older files). */
  matchId?: number | null
}

export interface ReliabilityBinDto {
  lo: number
  hi: number
  count: number
  /** Mean top-label confidence of the bin's forecasts; null when the bin is empty. */
  confidence: number | null
  /** Share of the bin's forecasts whose arg-max pick happened; null when the bin is empty. */
  accuracy: number | null
}

export interface ReliabilityDiagram {
  series: ReliabilitySeriesKey
  n: number
  /** `ece()` of main/model/metrics: Σ_b (n_b / N) · |accuracy_b − confidence_b|. */
  ece: number
  bins: ReliabilityBinDto[]
}

/**
 * Top-label reliability diagram: each forecast goes to the bin of its largest probability (10 equal-width
 * bins, last one closed, exactly as `ece()` bins them), so the diagram's gaps weighted by bin counts add up
 * to the ECE shown in its legend.
 */
export function reliabilityDiagram(
  series: ReliabilitySeriesKey,
  preds: readonly Triple[],
  outcomes: readonly OutcomeLetter[],
  bins = CALIBRATION_BINS,
): ReliabilityDiagram {
  const count = new Array<number>(bins).fill(0)
  const conf = new Array<number>(bins).fill(0)
  const hit = new Array<number>(bins).fill(0)
  for (let i = 0; i < preds.length; i++) {
    const k = argMax(preds[i])
    const c = preds[i][k]
    const b = Math.min(bins - 1, Math.floor(c * bins))
    count[b]++
    conf[b] += c
    if (k === outcomeIndex(outcomes[i])) hit[b]++
  }
  return {
    series,
    n: preds.length,
    ece: preds.length > 0 ? ece(preds, outcomes, bins) : 0,
    bins: count.map((n, b) => ({
      lo: b / bins,
      hi: (b + 1) / bins,
      count: n,
      confidence: n > 0 ? conf[b] / n : null,
      accuracy: n > 0 ? hit[b] / n : null,
    })),
  }
}

/** Rows where every forecast of the comparison exists (model and market, hence blend and calibrated). */
export function comparableRows(rows: readonly ForecastRow[]): ForecastRow[] {
  return rows.filter((r) => r.model && r.market && r.blend && r.calibrated)
}

export type PhaseMetrics = Record<SeriesKey, MetricsSummary | null>

/** One forecast's probabilities and the matching results, over the rows that have that forecast. */
function forecastsOf(
  rows: readonly ForecastRow[],
  key: SeriesKey,
): { preds: Triple[]; outcomes: OutcomeLetter[] } {
  const preds: Triple[] = []
  const outcomes: OutcomeLetter[] = []
  for (const r of rows) {
    const p = r[key]
    if (p) {
      preds.push(p)
      outcomes.push(r.result)
    }
  }
  return { preds, outcomes }
}

/** Headline metrics of each forecast on the same rows. */
export function phaseMetrics(rows: readonly ForecastRow[]): PhaseMetrics {
  const out = {} as PhaseMetrics
  for (const key of SERIES) {
    const { preds, outcomes } = forecastsOf(rows, key)
    out[key] = preds.length > 0 ? summarise(preds, outcomes) : null
  }
  return out
}

export function reliabilityDiagrams(rows: readonly ForecastRow[]): ReliabilityDiagram[] {
  return RELIABILITY_SERIES.map((key) => {
    const { preds, outcomes } = forecastsOf(rows, key)
    return reliabilityDiagram(key, preds, outcomes)
  })
}

export type Phase = 'evaluation' | 'recent'

export interface RollingPoint {
  /** Position of the window's last match in the date-ordered sequence (0-based). */
  index: number
  /** Date of the window's last match. */
  date: string
  /** Phase of the window's last match. */
  phase: Phase
  model: number
  market: number
  blend: number
  calibrated: number
}

/**
 * Trailing mean RPS over `window` matches, one point per match from the `window`-th on (a point's window may
 * straddle the evaluation / recent boundary; its phase is that of its last match). Rows must be comparable
 * (every forecast present) and in date order.
 */
export function rollingRps(
  rows: readonly (ForecastRow & { phase: Phase })[],
  window: number,
): RollingPoint[] {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be a whole number ≥ 1`)
  const scores = rows.map((r) => {
    const o = outcomeIndex(r.result)
    return SERIES.map((k) => rps(r[k] as Triple, o))
  })
  const sums = [0, 0, 0, 0]
  const points: RollingPoint[] = []
  for (let i = 0; i < rows.length; i++) {
    for (let k = 0; k < 4; k++) sums[k] += scores[i][k]
    if (i >= window) for (let k = 0; k < 4; k++) sums[k] -= scores[i - window][k]
    if (i >= window - 1) {
      points.push({
        index: i,
        date: rows[i].date,
        phase: rows[i].phase,
        model: sums[0] / window,
        market: sums[1] / window,
        blend: sums[2] / window,
        calibrated: sums[3] / window,
      })
    }
  }
  return points
}

export interface HealthThresholds {
  /** Recent RPS above evaluation RPS by more than this raises an alert. */
  rps: number
  /** Recent ECE above evaluation ECE by more than this raises an alert. */
  ece: number
  /** Recent (comparable) matches needed before either alert is judged. */
  minRecent: number
  /** Matches in each rolling-RPS window. */
  window: number
}

export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = { rps: 0.01, ece: 0.03, minRecent: 30, window: 50 }

export interface HealthAlert {
  league: string
  modelVersion: string
  kind: 'rps' | 'ece'
  /** The forecast the app serves (calibrated; the blend or the model when there is none). */
  series: ReliabilitySeriesKey
  evaluation: number
  recent: number
  /** recent − evaluation */
  change: number
  threshold: number
  recentMatches: number
  message: string
}

export type HealthState = 'ok' | 'alert' | 'insufficient'

export interface HealthVerdict {
  state: HealthState
  alerts: HealthAlert[]
  message: string
}

const f4 = (x: number) => x.toFixed(4)

/**
 * The alerts for one league's champion: recent RPS worse than its evaluation RPS by more than
 * `thresholds.rps`, recent ECE above its evaluation ECE by more than `thresholds.ece`; nothing is judged
 * below `thresholds.minRecent` recent matches.
 */
export function judgeHealth(input: {
  league: string
  modelVersion: string
  series: ReliabilitySeriesKey
  evaluation: MetricsSummary | null
  recent: MetricsSummary | null
  thresholds: HealthThresholds
}): HealthVerdict {
  const { league, modelVersion, series, evaluation, recent, thresholds } = input
  const n = recent?.n ?? 0
  const who = `${league} champion v${modelVersion}`
  if (!evaluation) {
    return {
      state: 'insufficient',
      alerts: [],
      message: `${who} has no scored evaluation matches to compare with`,
    }
  }
  if (!recent || n < thresholds.minRecent) {
    return {
      state: 'insufficient',
      alerts: [],
      message: `not enough recent matches (${n}/${thresholds.minRecent}) to judge ${who}`,
    }
  }
  const alerts: HealthAlert[] = []
  const rpsChange = recent.rps - evaluation.rps
  if (rpsChange > thresholds.rps) {
    alerts.push({
      league,
      modelVersion,
      kind: 'rps',
      series,
      evaluation: evaluation.rps,
      recent: recent.rps,
      change: rpsChange,
      threshold: thresholds.rps,
      recentMatches: n,
      message:
        `${who}: the ${series} forecast's RPS over the last ${n} matches is ${f4(recent.rps)}, ` +
        `${f4(rpsChange)} worse than its evaluation RPS ${f4(evaluation.rps)} (alert above +${thresholds.rps}). ` +
        'The model may be drifting: retrain it or check the recent data.',
    })
  }
  const eceChange = recent.ece - evaluation.ece
  if (eceChange > thresholds.ece) {
    alerts.push({
      league,
      modelVersion,
      kind: 'ece',
      series,
      evaluation: evaluation.ece,
      recent: recent.ece,
      change: eceChange,
      threshold: thresholds.ece,
      recentMatches: n,
      message:
        `${who}: the ${series} forecast's calibration error (ECE) over the last ${n} matches is ${f4(recent.ece)}, ` +
        `up ${f4(eceChange)} from ${f4(evaluation.ece)} in its evaluation (alert above +${thresholds.ece}). ` +
        'Its probabilities no longer match how often things happen: recalibrate or retrain.',
    })
  }
  return alerts.length > 0
    ? { state: 'alert', alerts, message: alerts.map((a) => a.message).join(' ') }
    : {
        state: 'ok',
        alerts: [],
        message:
          `${who} is healthy over ${n} recent matches: RPS ${f4(recent.rps)} (evaluation ${f4(evaluation.rps)}), ` +
          `ECE ${f4(recent.ece)} (evaluation ${f4(evaluation.ece)})`,
      }
}

/** Parses the pipeline's `predictions.csv` (artifacts.ts `predictionsCsv`) back into forecast rows. */
export function parsePredictionsCsv(text: string): ForecastRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '')
  if (lines.length === 0) return []
  const head = splitCsvLine(lines[0])
  const col = (name: string) => {
    const i = head.indexOf(name)
    if (i < 0) throw new Error(`predictions.csv has no "${name}" column`)
    return i
  }
  const matchIdCol = head.indexOf('match_id')
  const idx = {
    date: col('date'),
    home: col('home'),
    away: col('away'),
    result: col('result'),
    triples: Object.fromEntries(
      SERIES.map((s) => [s, [col(`${s}_h`), col(`${s}_d`), col(`${s}_a`)]]),
    ) as Record<SeriesKey, number[]>,
  }
  return lines.slice(1).map((line, i) => {
    const cells = splitCsvLine(line)
    const result = cells[idx.result]
    if (result !== 'H' && result !== 'D' && result !== 'A') {
      throw new Error(`predictions.csv line ${i + 2}: result "${result}" is not H, D or A`)
    }
    const triple = (s: SeriesKey): Triple | null => {
      const values = idx.triples[s].map((c) => cells[c])
      if (values.some((v) => v === undefined || v === '')) return null
      const t = values.map(Number) as unknown as Triple
      return t.every(Number.isFinite) ? t : null
    }
    return {
      date: cells[idx.date],
      home: cells[idx.home],
      away: cells[idx.away],
      result,
      model: triple('model'),
      market: triple('market'),
      blend: triple('blend'),
      calibrated: triple('calibrated'),
      // files written before #20 have no match_id column: the field is left out
      ...(matchIdCol >= 0 ? { matchId: cells[matchIdCol] !== '' ? Number(cells[matchIdCol]) : null } : {}),
    }
  })
}

function splitCsvLine(line: string): string[] {
  const out: string[] = []
  let cur = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"'
        i++
      } else if (ch === '"') quoted = false
      else cur += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      out.push(cur)
      cur = ''
    } else cur += ch
  }
  out.push(cur)
  return out
}
