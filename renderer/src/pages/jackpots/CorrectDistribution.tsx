import { pct } from './format'

/** Bar chart of P(exactly k picks right), k = 0..n, with the prize tiers' P(at least k) beside it. */
export function CorrectDistribution({
  distribution,
  atLeast,
}: {
  distribution: number[]
  atLeast: number[]
}) {
  const n = distribution.length - 1
  const max = Math.max(...distribution)
  const width = 560
  const height = 160
  const barWidth = (width - 40) / distribution.length
  const tiers = [n, n - 1, n - 2, n - 4].filter((k, i, all) => k >= 0 && all.indexOf(k) === i)
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
                <title>{`${k} correct: ${pct(p, 2)}`}</title>
              </rect>
              <text x={20 + k * barWidth + barWidth / 2} y={height + 16} textAnchor="middle" className="axis">
                {k}
              </text>
            </g>
          )
        })}
      </svg>
      <table className="table compact" data-testid="prize-tiers">
        <thead>
          <tr>
            <th scope="col">Prize tier</th>
            <th scope="col">Probability</th>
          </tr>
        </thead>
        <tbody>
          {tiers.map((k) => (
            <tr key={k}>
              <td>{k === n ? `all ${n}` : `${k}+ of ${n}`}</td>
              <td>{atLeast[k] < 0.0001 ? atLeast[k].toExponential(2) : pct(atLeast[k], 2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
