import { COMPONENT_LABELS, pct, points } from './format'

/**
 * Waterfall from the baseline (an average team against an average team at a neutral venue) to
 * the final probability, one bar per Shapley contribution. Plain SVG: no script, CSP-safe.
 */
export function Waterfall({
  baseline,
  contributions,
  outcomeIndex,
  label,
}: {
  baseline: number
  contributions: { component: string; delta: number }[]
  outcomeIndex: number
  label: string
}) {
  const steps: { name: string; start: number; end: number; kind: 'base' | 'up' | 'down' | 'total' }[] = [
    { name: 'Baseline', start: 0, end: baseline, kind: 'base' },
  ]
  let level = baseline
  for (const c of contributions) {
    steps.push({
      name: COMPONENT_LABELS[c.component] ?? c.component,
      start: level,
      end: level + c.delta,
      kind: c.delta >= 0 ? 'up' : 'down',
    })
    level += c.delta
  }
  steps.push({ name: 'Final', start: 0, end: level, kind: 'total' })
  const width = 640
  const rowHeight = 24
  const labelWidth = 190
  const scale = (p: number) => labelWidth + p * (width - labelWidth - 60)
  const height = steps.length * rowHeight + 8
  return (
    <svg
      className="waterfall"
      role="img"
      aria-label={`How the ${label} probability is built up, outcome ${outcomeIndex}`}
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      data-testid="waterfall"
    >
      {steps.map((s, i) => {
        const x0 = scale(Math.min(s.start, s.end))
        const x1 = scale(Math.max(s.start, s.end))
        const y = i * rowHeight + 4
        return (
          <g key={i} className={`wf-${s.kind}`}>
            <text x={labelWidth - 8} y={y + 15} textAnchor="end" className="wf-label">
              {s.name}
            </text>
            <rect x={x0} y={y + 3} width={Math.max(1, x1 - x0)} height={rowHeight - 8} rx={2} />
            <text x={x1 + 6} y={y + 15} className="wf-value">
              {s.kind === 'base' || s.kind === 'total' ? pct(s.end) : points(s.end - s.start)}
            </text>
          </g>
        )
      })}
    </svg>
  )
}
