import type { RunComparisonDto } from '../../../../shared/api/domains/tracking'
import { fmtNum } from '../models/format'

export interface Axis {
  id: string
  label: string
  /** One per run; null where the run has no value. */
  values: (string | number | null)[]
}

/** Every param and metric of a comparison as an axis: numbers where all values are numbers, else categories. */
export function comparisonAxes(data: RunComparisonDto): Axis[] {
  const params = data.params.map((p) => {
    const numeric = p.values.every((v) => v === null || (v.trim() !== '' && Number.isFinite(Number(v))))
    return {
      id: `params.${p.key}`,
      label: p.key,
      values: p.values.map((v) => (v === null ? null : numeric ? Number(v) : v)),
    }
  })
  const metrics = data.metrics.map((m) => ({
    id: `metrics.${m.key}`,
    label: m.key,
    values: m.stats.map((s) => s?.last ?? null),
  }))
  return [...params, ...metrics]
}

/** Default axes: the params that differ, then the promotion metric and the market's. */
export function defaultAxes(data: RunComparisonDto): string[] {
  // the window dates differ whenever the leagues do: they come after the settings that were chosen
  const differing = data.params
    .filter((p) => p.differs)
    .map((p) => p.key)
    .sort((a, b) => Number(/^(eval|train)_/.test(a)) - Number(/^(eval|train)_/.test(b)))
    .map((key) => `params.${key}`)
  const metrics = ['rps', 'market_rps', 'calibrated_log_loss']
    .filter((k) => data.metrics.some((m) => m.key === k))
    .map((k) => `metrics.${k}`)
  return [...differing.slice(0, 5), ...metrics]
}

/** Position in [0, 1] of each run's value on an axis (numbers by range, categories evenly spaced). */
export function axisPositions(axis: Axis): {
  positions: (number | null)[]
  ticks: { at: number; label: string }[]
} {
  const present = axis.values.filter((v): v is string | number => v !== null)
  if (present.length > 0 && present.every((v) => typeof v === 'number')) {
    const nums = present as number[]
    const lo = Math.min(...nums)
    const hi = Math.max(...nums)
    const scale = (v: number) => (hi === lo ? 0.5 : (v - lo) / (hi - lo))
    return {
      positions: axis.values.map((v) => (v === null ? null : scale(v as number))),
      ticks:
        hi === lo
          ? [{ at: 0.5, label: fmtNum(lo) }]
          : [
              { at: 0, label: fmtNum(lo) },
              { at: 1, label: fmtNum(hi) },
            ],
    }
  }
  const categories = [...new Set(present.map(String))].sort()
  const at = (c: string) => (categories.length === 1 ? 0.5 : categories.indexOf(c) / (categories.length - 1))
  return {
    positions: axis.values.map((v) => (v === null ? null : at(String(v)))),
    ticks: categories.map((c) => ({ at: at(c), label: c })),
  }
}

const W = 720
const H = 280
const M = { left: 40, right: 40, top: 36, bottom: 24 }

/** One vertical axis per chosen param or metric, one line per run: where the runs part ways at a glance. */
export function ParallelCoordinates({
  axes,
  runs,
}: {
  axes: Axis[]
  runs: { id: string; label: string; color: string }[]
}) {
  if (axes.length < 2) return <p className="muted">Choose at least two axes.</p>
  const step = (W - M.left - M.right) / (axes.length - 1)
  const x = (i: number) => M.left + i * step
  const y = (p: number) => H - M.bottom - p * (H - M.top - M.bottom)
  const placed = axes.map(axisPositions)
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      width="100%"
      role="img"
      aria-label={`Parallel coordinates over ${axes.map((a) => a.label).join(', ')}`}
      data-testid="parallel-chart"
    >
      {axes.map((a, i) => (
        <g key={a.id}>
          <line x1={x(i)} x2={x(i)} y1={M.top} y2={H - M.bottom} className="axis-line" />
          <text x={x(i)} y={14} textAnchor="middle" className="axis axis-title">
            {a.label}
          </text>
          {placed[i].ticks.map((t) => (
            <text key={t.label} x={x(i) + 4} y={y(t.at) + 4} className="axis">
              {t.label}
            </text>
          ))}
        </g>
      ))}
      {runs.map((r, j) => {
        const points = placed
          .map((p, i) =>
            p.positions[j] === null ? null : `${x(i).toFixed(1)},${y(p.positions[j]!).toFixed(1)}`,
          )
          .filter((p): p is string => p !== null)
        return (
          <polyline
            key={r.id}
            fill="none"
            stroke={r.color}
            strokeWidth={2}
            strokeOpacity={0.85}
            points={points.join(' ')}
            data-testid="parallel-line"
          >
            <title>{r.label}</title>
          </polyline>
        )
      })}
    </svg>
  )
}
