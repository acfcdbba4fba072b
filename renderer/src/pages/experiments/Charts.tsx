/**
 * Plain SVG charts (no script, CSP-safe, no dependency): metric histories overlaid, one line per run, and a
 * scatter of any two run values. Colours come from one palette so a run keeps its colour across charts.
 */
import { fmtNum } from '../models/format'

export const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
]

const W = 720
const H = 300
const M = { left: 64, right: 16, top: 24, bottom: 36 }

/** About `count` round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return []
  if (lo === hi) return [lo]
  const raw = (hi - lo) / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => (hi - lo) / s <= count) ?? raw
  const out: number[] = []
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)))
  return out
}

function extent(values: number[]): [number, number] {
  let lo = Infinity
  let hi = -Infinity
  for (const v of values) {
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.01
    return [lo - pad, hi + pad]
  }
  const pad = (hi - lo) * 0.05
  return [lo - pad, hi + pad]
}

function Axes({
  x,
  y,
  xLabel,
  yLabel,
  sx,
  sy,
}: {
  x: number[]
  y: number[]
  xLabel: string
  yLabel: string
  sx: (v: number) => number
  sy: (v: number) => number
}) {
  return (
    <g className="axes">
      <line x1={M.left} x2={W - M.right} y1={H - M.bottom} y2={H - M.bottom} className="axis-line" />
      <line x1={M.left} x2={M.left} y1={M.top} y2={H - M.bottom} className="axis-line" />
      {x.map((t) => (
        <g key={`x${t}`}>
          <line x1={sx(t)} x2={sx(t)} y1={H - M.bottom} y2={H - M.bottom + 4} className="axis-line" />
          <text x={sx(t)} y={H - M.bottom + 16} textAnchor="middle" className="axis">
            {fmtNum(t, 3)}
          </text>
        </g>
      ))}
      {y.map((t) => (
        <g key={`y${t}`}>
          <line x1={M.left} x2={W - M.right} y1={sy(t)} y2={sy(t)} className="grid-line" />
          <text x={M.left - 6} y={sy(t) + 4} textAnchor="end" className="axis">
            {fmtNum(t, 4)}
          </text>
        </g>
      ))}
      <text x={(M.left + W - M.right) / 2} y={H - 4} textAnchor="middle" className="axis axis-title">
        {xLabel}
      </text>
      <text x={M.left - 56} y={12} className="axis axis-title">
        {yLabel}
      </text>
    </g>
  )
}

export interface LineSeries {
  id: string
  label: string
  color: string
  points: { step: number; value: number }[]
}

export function LineChart({ series, metric }: { series: LineSeries[]; metric: string }) {
  const all = series.flatMap((s) => s.points)
  if (all.length === 0) return <p className="muted">No points to draw.</p>
  const [x0, x1] = extent(all.map((p) => p.step))
  const [y0, y1] = extent(all.map((p) => p.value))
  const sx = (v: number) => M.left + ((v - x0) / (x1 - x0)) * (W - M.left - M.right)
  const sy = (v: number) => H - M.bottom - ((v - y0) / (y1 - y0)) * (H - M.top - M.bottom)
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        role="img"
        aria-label={`History of ${metric}, one line per run`}
        data-testid="history-chart"
      >
        <Axes
          x={ticks(x0, x1).filter(Number.isInteger)}
          y={ticks(y0, y1)}
          xLabel="step"
          yLabel={metric}
          sx={sx}
          sy={sy}
        />
        {series.map((s) => {
          const pts = [...s.points].sort((a, b) => a.step - b.step)
          return (
            <g key={s.id} data-testid="history-series">
              <polyline
                fill="none"
                stroke={s.color}
                strokeWidth={2}
                points={pts.map((p) => `${sx(p.step).toFixed(1)},${sy(p.value).toFixed(1)}`).join(' ')}
              />
              {pts.map((p) => (
                <circle key={p.step} cx={sx(p.step)} cy={sy(p.value)} r={3} fill={s.color}>
                  <title>
                    {s.label}: step {p.step}, {metric} = {fmtNum(p.value, 5)}
                  </title>
                </circle>
              ))}
            </g>
          )
        })}
      </svg>
      <Legend series={series} />
    </figure>
  )
}

export function Legend({ series }: { series: { id: string; label: string; color: string }[] }) {
  return (
    <figcaption className="legend">
      {series.map((s) => (
        <span key={s.id}>
          <span className="swatch" style={{ background: s.color }} aria-hidden="true" /> {s.label}
        </span>
      ))}
    </figcaption>
  )
}

export interface ScatterPoint {
  id: string
  label: string
  x: number
  y: number
  color: string
}

export function ScatterChart({
  points,
  xLabel,
  yLabel,
}: {
  points: ScatterPoint[]
  xLabel: string
  yLabel: string
}) {
  if (points.length === 0) return <p className="muted">No run has both values.</p>
  const [x0, x1] = extent(points.map((p) => p.x))
  const [y0, y1] = extent(points.map((p) => p.y))
  const sx = (v: number) => M.left + ((v - x0) / (x1 - x0)) * (W - M.left - M.right)
  const sy = (v: number) => H - M.bottom - ((v - y0) / (y1 - y0)) * (H - M.top - M.bottom)
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      width="100%"
      role="img"
      aria-label={`${yLabel} against ${xLabel}, one point per run`}
      data-testid="scatter-chart"
    >
      <Axes x={ticks(x0, x1)} y={ticks(y0, y1)} xLabel={xLabel} yLabel={yLabel} sx={sx} sy={sy} />
      {points.map((p) => (
        <circle key={p.id} cx={sx(p.x)} cy={sy(p.y)} r={4} fill={p.color} fillOpacity={0.8}>
          <title>
            {p.label}: {xLabel} = {fmtNum(p.x, 5)}, {yLabel} = {fmtNum(p.y, 5)}
          </title>
        </circle>
      ))}
    </svg>
  )
}
