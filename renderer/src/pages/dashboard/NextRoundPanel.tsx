import type { ScorelineApi } from '../../../../shared/api/contract'
import { useReloadedResult } from '../../hooks/useReloadedResult'
import { useNavigationStore } from '../../stores/navigationStore'
import {
  fixtureKey,
  headlineEdge,
  kickoffTime,
  largestEdges,
  pct,
  pp,
  shortDay,
  warningLabel,
} from '../fixtures/fixtureRows'

const priceAll = (api: ScorelineApi) => api.fixtures.price({})
const OUTCOME_WORD = { H: 'home', D: 'draw', A: 'away' } as const

/**
 * The next round on the Dashboard: the 10 fixtures to come with the largest absolute edge (served − market),
 * and how many are priced, stale or have an unrated team (the same `fixtures.price` the Fixtures screen shows).
 */
export function NextRoundPanel({ api }: { api: ScorelineApi }) {
  const go = useNavigationStore((s) => s.go)
  const { value: result, error } = useReloadedResult(api, priceAll)

  const top = result ? largestEdges(result.fixtures, 10) : []
  const c = result?.counts
  return (
    <section className="panel" aria-labelledby="next-round-title" data-testid="next-round">
      <h2 id="next-round-title">Next round</h2>
      {error && (
        <p className="muted" data-testid="next-round-error">
          The fixtures to come could not be priced — {error.code}: {error.message}
        </p>
      )}
      {!result && !error && <p className="muted">Pricing the fixtures to come…</p>}
      {c && c.total === 0 && (
        <p className="empty-state" data-testid="next-round-empty">
          No fixtures to come. Download the latest fixtures on the Fixtures screen.{' '}
          <button type="button" className="link" onClick={() => go('fixtures')}>
            Go to Fixtures
          </button>
        </p>
      )}
      {c && c.total > 0 && (
        <>
          <p data-testid="next-round-counts">
            <strong>{c.total}</strong> fixture{c.total === 1 ? '' : 's'} to come: {c.priced} priced, {c.stale}{' '}
            stale, {c.unrated} with an unrated team, {c.noMarket} without a market
            {c.noModel > 0 && <>, {c.noModel} without a model</>}.
          </p>
          {top.length === 0 ? (
            <p className="muted">No fixture has a market price to measure an edge against.</p>
          ) : (
            <div className="table-scroll">
              <table className="table compact" data-testid="next-round-table">
                <caption className="muted small">
                  Largest |edge| first, in points: served minus the market&apos;s margin-free probability, or
                  the model&apos;s where the market itself is served (α 0)
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Kick-off</th>
                    <th scope="col">Fixture</th>
                    <th scope="col">Outcome</th>
                    <th scope="col" className="num">
                      Served %
                    </th>
                    <th scope="col" className="num">
                      Model %
                    </th>
                    <th scope="col" className="num">
                      Market %
                    </th>
                    <th scope="col" className="num">
                      Edge
                    </th>
                    <th scope="col">of</th>
                    <th scope="col">Warnings</th>
                  </tr>
                </thead>
                <tbody>
                  {top.map((f) => {
                    const e = headlineEdge(f)!
                    return (
                      <tr key={fixtureKey(f)} data-testid={`next-round-${fixtureKey(f)}`}>
                        <td className="nr-kickoff">
                          {f.kickoffUtc ? `${shortDay(f.kickoffUtc)} ${kickoffTime(f)}` : (f.date ?? '')}
                        </td>
                        <td>
                          <span className="muted">{f.league}</span> {f.home} v {f.away}
                        </td>
                        <td>{OUTCOME_WORD[e.outcome]}</td>
                        <td className="num">{f.served ? pct(f.served.probabilities[e.index]) : '—'}</td>
                        <td className="num">{f.model ? pct(f.model.probabilities[e.index]) : '—'}</td>
                        <td
                          className="num"
                          title={f.market ? `${f.market.bookmaker}, ${f.market.marginMethod}` : ''}
                        >
                          {f.market ? pct(f.market.probabilities[e.index]) : '—'}
                        </td>
                        <td className="num">{pp(e.edge)}</td>
                        <td className="muted small">{e.basis}</td>
                        <td className="small">
                          {f.warnings.length === 0 ? (
                            <span className="muted">—</span>
                          ) : (
                            f.warnings.map((w) => warningLabel(w)).join(' · ')
                          )}
                        </td>
                      </tr>
                    )
                  })}
                </tbody>
              </table>
            </div>
          )}
          <button type="button" className="link" onClick={() => go('fixtures')}>
            Open Fixtures
          </button>
        </>
      )}
    </section>
  )
}
