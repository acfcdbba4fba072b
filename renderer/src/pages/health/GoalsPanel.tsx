import type { GoalsPanelDto } from '../../../../shared/api/domains/health'

const f4 = (x: number) => x.toFixed(4)
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(4)}`

/**
 * The goals markets (#22 §2): the champion's over/under 2.5 and Asian-handicap forecasts (its score matrix)
 * against Pinnacle's prices, per phase, with n and the model − market Brier and its interval.
 */
export function GoalsPanel({ goals }: { goals: GoalsPanelDto | null }) {
  return (
    <section className="panel" aria-labelledby="goals-title" data-testid="health-goals">
      <h2 id="goals-title">Goals markets</h2>
      {!goals ? (
        <p className="muted" data-testid="health-goals-empty">
          No evaluated or recent match has Pinnacle&apos;s over/under 2.5 or Asian-handicap prices (PC&gt;2.5,
          AHCh, …): import season files with them and rerun the pipeline to see the goals markets.
        </p>
      ) : (
        <>
          <p className="muted">
            Model = the champion&apos;s score matrix; market = the price made margin-free ({goals.margin}).
            Brier (p − y)² per match; over 2.5 counts 3+ goals; the Asian handicap is the home side&apos;s
            cover at the market&apos;s own line, pushes left out and quarter-line half results weighted ½. Δ =
            model − market with its 95 % interval (resampled match dates); negative = the model did better.
          </p>
          <table className="table health-metrics" data-testid="health-goals-table">
            <thead>
              <tr>
                <th>Phase</th>
                <th>Market (prices)</th>
                <th>n</th>
                <th>Model Brier</th>
                <th>Market Brier</th>
                <th>Δ model − market</th>
              </tr>
            </thead>
            <tbody>
              {goals.rows.map((r) => (
                <tr key={`${r.phase}-${r.market}`}>
                  <td>{r.phase === 'evaluation' ? 'evaluation season' : 'since training'}</td>
                  <td>{r.market}</td>
                  <td>{r.n}</td>
                  <td>{f4(r.modelBrier)}</td>
                  <td>{f4(r.marketBrier)}</td>
                  <td>
                    {signed(r.diff)}
                    {r.lo !== null && r.hi !== null ? ` [${signed(r.lo)}, ${signed(r.hi)}]` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  )
}
