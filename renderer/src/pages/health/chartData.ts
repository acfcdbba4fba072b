/**
 * What the Model health charts draw, as pure functions of the `health.report` answer (tested without a
 * screen): reliability points and bin counts per series, rolling-RPS lines by date with the boundary between
 * the champion's evaluation and the matches played since.
 */
import type { ReliabilityDiagramDto, RollingPointDto } from '../../../../shared/api/domains/health'

export const SERIES_STYLE = {
  model: { label: 'Model', color: '#1f77b4', dash: undefined },
  blend: { label: 'Blend', color: '#d97706', dash: undefined },
  calibrated: { label: 'Calibrated', color: '#16a34a', dash: undefined },
  // a mid grey that reads on the light and the dark theme, dashed: the yardstick (and, α = 0, what is served)
  market: { label: 'Market', color: '#6e7781', dash: '6 4' },
} as const
export type SeriesKey = keyof typeof SERIES_STYLE

export interface ReliabilityPoint {
  bin: number
  lo: number
  hi: number
  /** Mean top-label confidence (x) and hit rate (y). */
  x: number
  y: number
  count: number
  /** |y − x|: this bin's calibration gap. */
  gap: number
}

/** Non-empty bins as points, in bin order. */
export function reliabilityPoints(d: ReliabilityDiagramDto): ReliabilityPoint[] {
  return d.bins.flatMap((b, bin) =>
    b.count > 0 && b.confidence !== null && b.accuracy !== null
      ? [
          {
            bin,
            lo: b.lo,
            hi: b.hi,
            x: b.confidence,
            y: b.accuracy,
            count: b.count,
            gap: Math.abs(b.accuracy - b.confidence),
          },
        ]
      : [],
  )
}

/** Σ (n_b / N) · gap_b: equals the diagram's ECE (the legend's number), a check on what is drawn. */
export function weightedGap(d: ReliabilityDiagramDto): number {
  if (d.n === 0) return 0
  return reliabilityPoints(d).reduce((s, p) => s + (p.count / d.n) * p.gap, 0)
}

/** Largest bin count across the diagrams (the count bars share one scale). */
export function maxBinCount(diagrams: readonly ReliabilityDiagramDto[]): number {
  return Math.max(1, ...diagrams.flatMap((d) => d.bins.map((b) => b.count)))
}

const DAY_MS = 86_400_000
export const dayOf = (date: string) => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS)
export const dateOfDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10)

export interface RollingSeries {
  key: SeriesKey
  label: string
  color: string
  dash: string | undefined
  /** x: day number of the window's last match; several matches on one date keep their order. */
  points: { day: number; value: number; date: string }[]
  /** Mean of the series over the last window (the latest value). */
  last: number | null
}

const ORDER: SeriesKey[] = ['market', 'model', 'blend', 'calibrated']

/**
 * The order lines and dots are drawn in (#20): the market last, dashed and on top, so it stays visible when the
 * blend and the calibrator coincide with it (α = 0: the market is what is served).
 */
export const DRAW_ORDER: SeriesKey[] = ['model', 'blend', 'calibrated', 'market']

export function drawOrder<T extends { key: SeriesKey } | { series: SeriesKey }>(items: readonly T[]): T[] {
  const keyOf = (x: T) => ('key' in x ? x.key : x.series)
  return [...items].sort((a, b) => DRAW_ORDER.indexOf(keyOf(a)) - DRAW_ORDER.indexOf(keyOf(b)))
}

/** Series whose every value equals the market's (within 1e-9): the legend says "identical to market". */
export function identicalToMarket(series: readonly RollingSeries[]): SeriesKey[] {
  const market = series.find((s) => s.key === 'market')
  if (!market || market.points.length === 0) return []
  return series
    .filter(
      (s) =>
        s.key !== 'market' &&
        s.points.length === market.points.length &&
        s.points.every((p, i) => Math.abs(p.value - market.points[i].value) <= 1e-9),
    )
    .map((s) => s.key)
}

/** Reliability diagrams with the same bins as the market's (the blend is off: the market passes through). */
export function reliabilityIdenticalToMarket(diagrams: readonly ReliabilityDiagramDto[]): SeriesKey[] {
  const market = diagrams.find((d) => d.series === 'market')
  if (!market) return []
  const same = (a: number | null, b: number | null) =>
    a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9
  return diagrams
    .filter(
      (d) =>
        d.series !== 'market' &&
        d.n === market.n &&
        d.bins.every(
          (b, i) =>
            b.count === market.bins[i]?.count &&
            same(b.confidence, market.bins[i].confidence) &&
            same(b.accuracy, market.bins[i].accuracy),
        ),
    )
    .map((d) => d.series)
}

export function rollingSeries(points: readonly RollingPointDto[]): RollingSeries[] {
  return ORDER.map((key) => {
    const style = SERIES_STYLE[key]
    const pts = points.map((p) => ({ day: dayOf(p.date), value: p[key], date: p.date }))
    return {
      key,
      label: style.label,
      color: style.color,
      dash: style.dash,
      points: pts,
      last: pts.at(-1)?.value ?? null,
    }
  })
}

/** Matches this many days apart start a new line segment (the mid-season break of 2020, the summer). */
export const GAP_DAYS = 21

/** SVG path of a series: one `M … L …` run per stretch of play, broken where matches are GAP_DAYS apart. */
export function segmentedPath(
  points: readonly { day: number; value: number }[],
  sx: (day: number) => number,
  sy: (value: number) => number,
): string {
  let d = ''
  for (let i = 0; i < points.length; i++) {
    const p = points[i]
    const jump = i === 0 || p.day - points[i - 1].day > GAP_DAYS
    d += `${jump ? 'M' : 'L'}${sx(p.day).toFixed(1)},${sy(p.value).toFixed(1)}`
  }
  return d
}

/** [min, max] of every value, padded so lines do not touch the frame; null when there is nothing. */
export function valueExtent(series: readonly RollingSeries[]): [number, number] | null {
  let lo = Infinity
  let hi = -Infinity
  for (const s of series)
    for (const p of s.points) {
      if (p.value < lo) lo = p.value
      if (p.value > hi) hi = p.value
    }
  if (!Number.isFinite(lo)) return null
  const pad = Math.max((hi - lo) * 0.08, 0.002)
  return [lo - pad, hi + pad]
}

/** Round tick values in [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo]
  const raw = (hi - lo) / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => (hi - lo) / s <= count) ?? raw
  const out: number[] = []
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)))
  return out
}

/** First day of each month between two day numbers (x ticks), thinned to at most `max`. */
export function monthTicks(d0: number, d1: number, max = 8): number[] {
  const out: number[] = []
  const start = new Date(d0 * DAY_MS)
  let y = start.getUTCFullYear()
  let m = start.getUTCMonth() + 1
  for (;;) {
    if (m > 11) {
      m = 0
      y++
    }
    const day = Math.round(Date.UTC(y, m, 1) / DAY_MS)
    if (day > d1) break
    out.push(day)
    m++
  }
  const every = Math.max(1, Math.ceil(out.length / max))
  return out.filter((_, i) => i % every === 0)
}
