import type { RollingPointDto } from '../../../../shared/api/domains/health'
import {
  dateOfDay,
  dayOf,
  drawOrder,
  identicalToMarket,
  monthTicks,
  niceTicks,
  rollingSeries,
  segmentedPath,
  valueExtent,
} from './chartData'

const W = 760
const H = 300
const M = { left: 60, right: 16, top: 18, bottom: 40 }

/**
 * Rolling RPS (lower is better) of the model, blend and calibrated forecasts and of the market, by the date of
 * each window's last match, with the line where the champion's evaluation ends and the matches played since
 * begin (shaded).
 */
export function RollingRpsChart({
  points,
  window,
  boundaryDate,
  trainedTo,
}: {
  points: readonly RollingPointDto[]
  window: number
  boundaryDate: string | null
  trainedTo: string | null
}) {
  const series = rollingSeries(points)
  const identical = identicalToMarket(series)
  const extent = valueExtent(series)
  if (!extent || points.length === 0) {
    return (
      <p className="muted" data-testid="rolling-empty">
        Not enough scored matches for a {window}-match window yet.
      </p>
    )
  }
  const days = points.map((p) => dayOf(p.date))
  const boundary = boundaryDate ? dayOf(boundaryDate) : null
  const d0 = Math.min(days[0], boundary ?? Infinity)
  const d1 = Math.max(days[days.length - 1], boundary ?? -Infinity) + 1
  const [y0, y1] = extent
  const sx = (d: number) => M.left + ((d - d0) / (d1 - d0)) * (W - M.left - M.right)
  const sy = (v: number) => H - M.bottom - ((v - y0) / (y1 - y0)) * (H - M.top - M.bottom)
  const bx = boundary !== null ? sx(boundary - 0.5) : null
  return (
    <figure className="chart" data-testid="rolling-chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        role="img"
        aria-label={`Rolling RPS over ${window} matches: ${series
          .map((s) => `${s.label.toLowerCase()} ${s.last?.toFixed(4) ?? '—'}`)
          .join(', ')} in the latest window`}
      >
        {bx !== null && (
          <g data-testid="rolling-boundary">
            <rect
              x={bx}
              y={M.top}
              width={W - M.right - bx}
              height={H - M.top - M.bottom}
              className="health-recent-zone"
            />
            <line x1={bx} x2={bx} y1={M.top} y2={H - M.bottom} className="health-boundary" />
            {W - M.right - bx > 70 && (
              <text x={bx + 4} y={M.top + 12} className="axis">
                recent →
              </text>
            )}
            <text x={bx - 4} y={M.top + 12} textAnchor="end" className="axis">
              ← evaluation{trainedTo ? ` (to ${trainedTo})` : ''}
            </text>
          </g>
        )}
        {niceTicks(y0, y1).map((t) => (
          <g key={t}>
            <line x1={M.left} x2={W - M.right} y1={sy(t)} y2={sy(t)} className="grid-line" />
            <text x={M.left - 6} y={sy(t) + 4} textAnchor="end" className="axis">
              {t.toFixed(3)}
            </text>
          </g>
        ))}
        {monthTicks(d0, d1).map((d) => (
          <text key={d} x={sx(d)} y={H - M.bottom + 16} textAnchor="middle" className="axis">
            {dateOfDay(d).slice(0, 7)}
          </text>
        ))}
        <line x1={M.left} x2={W - M.right} y1={H - M.bottom} y2={H - M.bottom} className="axis-line" />
        <line x1={M.left} x2={M.left} y1={M.top} y2={H - M.bottom} className="axis-line" />
        <text x={(M.left + W - M.right) / 2} y={H - 6} textAnchor="middle" className="axis axis-title">
          date of the window&apos;s last match
        </text>
        <text
          x={14}
          y={(M.top + H - M.bottom) / 2}
          textAnchor="middle"
          className="axis axis-title"
          transform={`rotate(-90 14 ${(M.top + H - M.bottom) / 2})`}
        >
          RPS, {window}-match window
        </text>
        {drawOrder(series).map((s) => (
          <path
            key={s.key}
            data-testid={`rolling-${s.key}`}
            data-points={s.points.length}
            data-identical-to-market={identical.includes(s.key) || undefined}
            fill="none"
            stroke={s.color}
            strokeOpacity={identical.includes(s.key) ? 0.35 : 1}
            strokeWidth={s.key === 'market' ? 2.4 : s.key === 'calibrated' ? 2.2 : 1.6}
            strokeDasharray={s.dash}
            strokeLinejoin="round"
            d={segmentedPath(s.points, sx, sy)}
          >
            <title>
              {s.label}: latest {window}-match RPS {s.last?.toFixed(4)}
            </title>
          </path>
        ))}
      </svg>
      <figcaption className="legend">
        {series.map((s) => (
          <span key={s.key} data-testid={`rolling-last-${s.key}`}>
            <span
              className={`swatch${s.dash ? ' swatch-dashed' : ''}`}
              style={{ background: s.color }}
              aria-hidden="true"
            />{' '}
            {s.label} {s.last?.toFixed(4) ?? '—'}
            {identical.includes(s.key) && <span className="muted"> (identical to market)</span>}
          </span>
        ))}
        <span className="muted">latest window, lower is better</span>
      </figcaption>
    </figure>
  )
}
