import type { ServedExplanationDto } from '../../../../shared/pricing'
import { pct, points } from './format'

export const STAGE_WORDS = {
  model: 'the model',
  market: 'the market',
  blend: 'model blended with the market',
  calibrated: 'calibrated',
} as const

type Bar = { name: string; start: number; end: number; kind: 'base' | 'up' | 'down' | 'subtotal' | 'total' }

/** The bars of one outcome: baseline, the model's components, the model, the serving stages, served. */
export function waterfallBars(e: ServedExplanationDto, j: number): Bar[] {
  const bars: Bar[] = [{ name: 'Baseline', start: 0, end: e.baseline[j], kind: 'base' }]
  let level = e.baseline[j]
  const step = (s: ServedExplanationDto['steps'][number]) => {
    bars.push({ name: s.label, start: level, end: level + s.delta[j], kind: s.delta[j] >= 0 ? 'up' : 'down' })
    level += s.delta[j]
  }
  e.steps.filter((s) => s.kind === 'model').forEach(step)
  const stages = e.steps.filter((s) => s.kind === 'stage')
  if (stages.length > 0) {
    bars.push({ name: 'Model alone', start: 0, end: e.model[j], kind: 'subtotal' })
    level = e.model[j]
    stages.forEach(step)
  }
  // the last bar is the served number itself, not a running sum that could drift from it
  bars.push({ name: `Served: ${STAGE_WORDS[e.stage]}`, start: 0, end: e.served[j], kind: 'total' })
  return bars
}

/**
 * Waterfall from the baseline (an average team against an average team at a neutral venue) through the
 * model's own components to the model's probability, then the serving stages (the market, or the blend and
 * the calibrator) to the served probability: the last bar is what the app serves. Plain SVG, CSP-safe.
 */
export function Waterfall({
  explanation,
  outcomeIndex,
  label,
}: {
  explanation: ServedExplanationDto
  outcomeIndex: number
  label: string
}) {
  const steps = waterfallBars(explanation, outcomeIndex)
  const width = 640
  const rowHeight = 24
  const labelWidth = 230
  const scale = (p: number) => labelWidth + p * (width - labelWidth - 60)
  const height = steps.length * rowHeight + 8
  return (
    <svg
      className="waterfall"
      role="img"
      aria-label={`How the served ${label} probability is built up`}
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      data-testid="waterfall"
    >
      {steps.map((s, i) => {
        const x0 = scale(Math.min(s.start, s.end))
        const x1 = scale(Math.max(s.start, s.end))
        const y = i * rowHeight + 4
        const total = s.kind === 'base' || s.kind === 'subtotal' || s.kind === 'total'
        return (
          <g key={i} className={`wf-${s.kind}`} data-testid={`wf-bar-${s.kind}`}>
            <text x={labelWidth - 8} y={y + 15} textAnchor="end" className="wf-label">
              {s.name}
            </text>
            <rect x={x0} y={y + 3} width={Math.max(1, x1 - x0)} height={rowHeight - 8} rx={2} />
            <text x={x1 + 6} y={y + 15} className="wf-value">
              {total ? pct(s.end) : points(s.end - s.start)}
            </text>
          </g>
        )
      })}
    </svg>
  )
}
