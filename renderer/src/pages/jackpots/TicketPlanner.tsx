import { useState } from 'react'
import type { ScorelineApi, ProcedureOutput } from '../../../../shared/api/contract'
import type { ApiErrorShape } from '../../../../shared/api/errors'
import { pct } from './format'

type Plan = ProcedureOutput<'jackpots.plan'>

function Curve({ curve }: { curve: Plan['curve'] }) {
  const width = 420
  const height = 140
  const maxBudget = Math.max(...curve.map((c) => c.budget), 2)
  const x = (b: number) => 30 + (Math.log(b) / Math.log(maxBudget)) * (width - 40)
  const y = (p: number) => height - 20 - p * (height - 30)
  const path = curve
    .map((c, i) => `${i === 0 ? 'M' : 'L'}${x(c.budget).toFixed(1)},${y(c.pCovered).toFixed(1)}`)
    .join(' ')
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      role="img"
      aria-label="Chance of a fully right ticket against the budget"
      data-testid="plan-curve"
    >
      <path d={path} className="curve" fill="none" />
      {curve.map((c) => (
        <circle key={c.budget} cx={x(c.budget)} cy={y(c.pCovered)} r={3} className="curve-point">
          <title>{`${c.budget} tickets: ${pct(c.pCovered, 2)}`}</title>
        </circle>
      ))}
      <text x={30} y={height - 4} className="axis">
        1
      </text>
      <text x={width - 10} y={height - 4} textAnchor="end" className="axis">
        {maxBudget} tickets
      </text>
    </svg>
  )
}

/** Ticket planning: which fixtures to double or triple for a budget of N combinations. */
export function TicketPlanner({ api, id }: { api: ScorelineApi; id: string }) {
  const [budget, setBudget] = useState(8)
  const [plan, setPlan] = useState<Plan | null>(null)
  const [error, setError] = useState<ApiErrorShape | null>(null)
  const [busy, setBusy] = useState(false)
  return (
    <section className="panel" aria-labelledby="planner-title" data-testid="ticket-planner">
      <h2 id="planner-title">Ticket planning</h2>
      <form
        className="field-row"
        onSubmit={async (e) => {
          e.preventDefault()
          setBusy(true)
          const result = await api.jackpots.plan({ id, budget })
          setBusy(false)
          if (result.ok) {
            setPlan(result.value)
            setError(null)
          } else setError(result.error)
        }}
      >
        <label>
          Budget (combinations){' '}
          <input
            type="number"
            min={1}
            max={100000}
            value={budget}
            onChange={(e) => setBudget(Math.max(1, Math.floor(Number(e.target.value) || 1)))}
          />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? 'Planning…' : 'Plan'}
        </button>
      </form>
      {error && (
        <p role="alert" className="error-panel">
          {error.message}
        </p>
      )}
      {plan && (
        <div className="grid-2">
          <div>
            <p data-testid="plan-summary">
              <strong>{plan.combinations}</strong> combination{plan.combinations === 1 ? '' : 's'}: chance one
              is fully right{' '}
              <strong>
                {plan.pCovered < 0.0001 ? plan.pCovered.toExponential(2) : pct(plan.pCovered, 3)}
              </strong>{' '}
              (one ticket: {plan.curve[0] ? pct(plan.curve[0].pCovered, 3) : '—'})
            </p>
            <table className="table compact">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Fixture</th>
                  <th scope="col">Cover</th>
                  <th scope="col">P(covered)</th>
                </tr>
              </thead>
              <tbody>
                {plan.legs.map((leg) => (
                  <tr key={leg.position} className={leg.outcomes.length > 1 ? 'highlight' : ''}>
                    <td>{leg.position}</td>
                    <td>
                      {leg.home} v {leg.away}
                    </td>
                    <td>{leg.outcomes.join(' / ')}</td>
                    <td className="num">{pct(leg.probability)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {plan.unpriced.length > 0 && (
              <p className="muted small">Left out (no probabilities): #{plan.unpriced.join(', #')}</p>
            )}
          </div>
          <div>
            <p className="muted small">
              How the chance grows with the budget (log scale; only budgets that change the best plan):
            </p>
            <Curve curve={plan.curve} />
          </div>
        </div>
      )}
    </section>
  )
}
