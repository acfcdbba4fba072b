import type { ReliabilityDiagramDto } from '../../../../shared/api/domains/health'
import {
  drawOrder,
  maxBinCount,
  reliabilityIdenticalToMarket,
  reliabilityPoints,
  SERIES_STYLE,
} from './chartData'

const W = 360
const PLOT = 260
const M = { left: 48, top: 14 }
const BARS = 44 // the bin-count strip under the plot
const H = M.top + PLOT + 34 + BARS + 18

const sx = (p: number) => M.left + p * PLOT
const sy = (p: number) => M.top + (1 - p) * PLOT

/**
 * Reliability diagram of the model, blend and calibrated forecasts (top-label confidence against hit rate,
 * 10 bins, dot area ∝ matches), the diagonal of perfect calibration, the matches per bin as bars underneath,
 * and each series' ECE in the legend.
 */
export function ReliabilityChart({
  title,
  diagrams,
  testId,
}: {
  title: string
  diagrams: readonly ReliabilityDiagramDto[]
  testId: string
}) {
  const max = maxBinCount(diagrams)
  const identical = reliabilityIdenticalToMarket(diagrams)
  const n = Math.max(0, ...diagrams.map((d) => d.n))
  const barY = M.top + PLOT + 34
  const barW = PLOT / 10 / (diagrams.length + 1)
  return (
    <figure className="chart health-reliability" data-testid={testId}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        role="img"
        aria-label={`${title}: reliability of ${diagrams.map((d) => `${d.series} (ECE ${d.ece.toFixed(4)})`).join(', ')} over ${n} matches`}
      >
        <rect x={sx(0)} y={sy(1)} width={PLOT} height={PLOT} className="health-frame" />
        {[0, 0.2, 0.4, 0.6, 0.8, 1].map((t) => (
          <g key={t}>
            <line x1={sx(0)} x2={sx(1)} y1={sy(t)} y2={sy(t)} className="grid-line" />
            <text x={sx(0) - 6} y={sy(t) + 4} textAnchor="end" className="axis">
              {t.toFixed(1)}
            </text>
            <text x={sx(t)} y={sy(0) + 14} textAnchor="middle" className="axis">
              {t.toFixed(1)}
            </text>
          </g>
        ))}
        <line
          x1={sx(0)}
          y1={sy(0)}
          x2={sx(1)}
          y2={sy(1)}
          className="health-diagonal"
          data-testid="diagonal"
        />
        <text x={sx(0.5)} y={sy(0) + 28} textAnchor="middle" className="axis axis-title">
          forecast probability (top pick)
        </text>
        <text
          x={12}
          y={sy(0.5)}
          textAnchor="middle"
          className="axis axis-title"
          transform={`rotate(-90 12 ${sy(0.5)})`}
        >
          observed frequency
        </text>
        {drawOrder(diagrams).map((d) => {
          const style = SERIES_STYLE[d.series]
          const pts = reliabilityPoints(d)
          const market = d.series === 'market'
          // a series identical to the market is drawn faintly under it: the market's dashed line stays readable
          const faint = identical.includes(d.series) ? 0.3 : 1
          return (
            <g key={d.series} data-testid={`reliability-${d.series}`}>
              {pts.length > 1 && (
                <polyline
                  fill="none"
                  stroke={style.color}
                  strokeDasharray={style.dash}
                  strokeWidth={market ? 2 : 1.5}
                  strokeOpacity={0.8 * faint}
                  points={pts.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ')}
                />
              )}
              {pts.map((p) => (
                <circle
                  key={p.bin}
                  cx={sx(p.x)}
                  cy={sy(p.y)}
                  r={2.5 + 5.5 * Math.sqrt(p.count / max)}
                  fill={market ? 'none' : style.color}
                  fillOpacity={0.75 * faint}
                  stroke={market ? style.color : undefined}
                  strokeWidth={market ? 2 : undefined}
                  className="health-dot"
                >
                  <title>
                    {style.label}, bin {p.lo.toFixed(1)}–{p.hi.toFixed(1)}: forecast {p.x.toFixed(3)},
                    observed {p.y.toFixed(3)}, {p.count} matches
                  </title>
                </circle>
              ))}
            </g>
          )
        })}
        <text x={sx(0) - 6} y={barY + 8} textAnchor="end" className="axis">
          {max}
        </text>
        <text x={sx(0) - 6} y={barY + BARS} textAnchor="end" className="axis">
          0
        </text>
        <line x1={sx(0)} x2={sx(1)} y1={barY + BARS} y2={barY + BARS} className="axis-line" />
        {diagrams.map((d, k) => (
          <g key={d.series} data-testid={`bin-counts-${d.series}`}>
            {d.bins.map((b, i) => {
              const h = (b.count / max) * BARS
              return (
                <rect
                  key={i}
                  x={sx(b.lo) + barW * (k + 0.5)}
                  y={barY + BARS - h}
                  width={barW}
                  height={h}
                  fill={SERIES_STYLE[d.series].color}
                  data-count={b.count}
                >
                  <title>
                    {SERIES_STYLE[d.series].label}, bin {b.lo.toFixed(1)}–{b.hi.toFixed(1)}: {b.count} matches
                  </title>
                </rect>
              )
            })}
          </g>
        ))}
        <text x={sx(0.5)} y={barY + BARS + 14} textAnchor="middle" className="axis">
          matches per bin
        </text>
      </svg>
      <figcaption className="legend">
        <strong>{title}</strong>
        {diagrams.map((d) => (
          <span key={d.series} data-testid={`ece-${d.series}`}>
            <span
              className="swatch"
              style={{ background: SERIES_STYLE[d.series].color }}
              aria-hidden="true"
            />{' '}
            {SERIES_STYLE[d.series].label} ECE {d.ece.toFixed(4)}
            {identical.includes(d.series) && <span className="muted"> (identical to market)</span>}
          </span>
        ))}
        <span className="muted">n = {n}</span>
      </figcaption>
      <details className="health-bins">
        <summary>Bins as a table</summary>
        <table className="table" data-testid={`${testId}-table`}>
          <caption className="muted">each cell: matches · mean forecast · observed frequency</caption>
          <thead>
            <tr>
              <th scope="col">top pick</th>
              {diagrams.map((d) => (
                <th key={d.series} scope="col">
                  {SERIES_STYLE[d.series].label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {diagrams[0]?.bins.map((b, i) => (
              <tr key={i}>
                <th scope="row">
                  {b.lo.toFixed(1)}–{b.hi.toFixed(1)}
                </th>
                {diagrams.map((d) => {
                  const x = d.bins[i]
                  return (
                    <td key={d.series}>
                      {x.count}
                      {x.count > 0 && ` · ${x.confidence!.toFixed(3)} · ${x.accuracy!.toFixed(3)}`}
                    </td>
                  )
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  )
}
