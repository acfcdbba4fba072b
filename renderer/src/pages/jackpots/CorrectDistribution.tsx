import { pct } from './format'

/**
 * Bar chart of P(exactly k picks right), k = 0..n, with P(at least k) on each bar; the prize tiers the
 * jackpot's provider pays are beside it (PrizeTiers, #20), no longer a fixed n, n−1, n−2, n−4.
 */
export function CorrectDistribution({
  distribution,
  atLeast,
}: {
  distribution: number[]
  atLeast: number[]
}) {
  const max = Math.max(...distribution)
  const width = 560
  const height = 160
  const barWidth = (width - 40) / distribution.length
  return (
    <div className="distribution">
      <svg
        role="img"
        aria-label="Distribution of the number of correct picks"
        viewBox={`0 0 ${width} ${height + 24}`}
        width="100%"
        data-testid="distribution-chart"
      >
        {distribution.map((p, k) => {
          const h = max > 0 ? (p / max) * height : 0
          return (
            <g key={k}>
              <rect className="bar" x={20 + k * barWidth + 2} y={height - h} width={barWidth - 4} height={h}>
                <title>{`${k} correct: ${pct(p, 2)}; ${k} or more: ${pct(atLeast[k] ?? 0, 2)}`}</title>
              </rect>
              <text x={20 + k * barWidth + barWidth / 2} y={height + 16} textAnchor="middle" className="axis">
                {k}
              </text>
            </g>
          )
        })}
      </svg>
    </div>
  )
}
