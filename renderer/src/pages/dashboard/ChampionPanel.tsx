import { useEffect } from 'react'
import type { ScorelineApi } from '../../../../shared/api/contract'
import { useTrackingStore } from '../../stores/trackingStore'
import { useNavigationStore } from '../../stores/navigationStore'
import { evalWindowLabel, fmtDelta, fmtNum, fmtTime } from '../models/format'

/**
 * The champion model per league: its version, when it was trained, and its RPS against the market's on its
 * last evaluation window (same matches). Reads the registry through the tracking store, so a promotion on
 * the Models screen or a finished pipeline updates it.
 */
export function ChampionPanel({ api }: { api: ScorelineApi }) {
  const { models, loadModels, openModel, watch } = useTrackingStore()
  useEffect(() => {
    void loadModels(api)
    return watch(api)
  }, [api, loadModels, watch])
  const go = useNavigationStore((s) => s.go)
  const rows = (models.data ?? []).filter((m) => m.champion)

  return (
    <section className="panel" aria-labelledby="champions-title" data-testid="champion-panel">
      <h2 id="champions-title">Champion model per league</h2>
      {models.error && (
        <div role="status" className="error-panel" data-testid="champions-error">
          {models.error.code}: {models.error.message}{' '}
          <button type="button" onClick={() => void loadModels(api)}>
            Try again
          </button>{' '}
          <button type="button" className="link" onClick={() => go('settings')}>
            Check the MLflow connection
          </button>
        </div>
      )}
      {models.loading && !models.data && <p className="muted">Reading the model registry…</p>}
      {models.data && rows.length === 0 && (
        <p className="empty-state" data-testid="no-champions">
          No champion yet: run the training pipeline to register and promote a model per league.{' '}
          <button type="button" className="link" onClick={() => go('training')}>
            Go to Training
          </button>
        </p>
      )}
      {rows.length > 0 && (
        <table className="table compact" data-testid="champions-table">
          <thead>
            <tr>
              <th scope="col">League</th>
              <th scope="col">Champion</th>
              <th scope="col">Trained</th>
              <th scope="col" className="num">
                RPS
              </th>
              <th scope="col" className="num">
                Market RPS
              </th>
              <th scope="col" className="num">
                vs market
              </th>
              <th scope="col">Evaluation window</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((m) => {
              const c = m.champion!
              const delta = c.rps !== null && c.marketRps !== null ? c.rps - c.marketRps : null
              return (
                <tr key={m.name} data-testid={`champion-${m.league ?? m.name}`}>
                  <th scope="row">{m.league ?? m.name}</th>
                  <td>
                    <button
                      type="button"
                      className="link"
                      onClick={() => {
                        void openModel(api, m.name)
                        go('models')
                      }}
                      title={`Open ${m.name}`}
                    >
                      {m.name} v{c.version}
                    </button>
                    {m.challenger && (
                      <span className="muted small"> · challenger v{m.challenger.version}</span>
                    )}
                  </td>
                  <td>{fmtTime(c.creationTime)}</td>
                  <td className="num">{fmtNum(c.rps)}</td>
                  <td
                    className="num"
                    title={c.marginMethod ? `margin removed with the ${c.marginMethod} method` : undefined}
                  >
                    {fmtNum(c.marketRps)}
                    {c.marginMethod && <span className="muted small"> ({c.marginMethod})</span>}
                  </td>
                  <td className={`num ${delta === null ? '' : delta < 0 ? 'good' : 'bad'}`}>
                    {fmtDelta(delta)}
                  </td>
                  <td className="small">{evalWindowLabel(c)}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </section>
  )
}
