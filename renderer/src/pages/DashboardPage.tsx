import { useEffect } from 'react'
import type { ScorelineApi } from '../../../shared/api/contract'
import { useAppInfoStore } from '../stores/appInfoStore'
import { BackendBadge } from '../components/BackendBadge'
import { ChampionPanel } from './dashboard/ChampionPanel'
import { OverviewPanels } from './dashboard/OverviewPanels'
import { HealthAlertsPanel } from './dashboard/HealthAlertsPanel'
import { NextRoundPanel } from './dashboard/NextRoundPanel'

const NAMES: Record<string, string> = {
  sqlite: 'SQLite',
  postgres: 'Postgres',
  redis: 'Redis',
  mlflow: 'MLflow',
}

export function DashboardPage({ api }: { api: ScorelineApi }) {
  const { info, loading, error, refresh } = useAppInfoStore()
  useEffect(() => {
    void refresh(api)
  }, [api, refresh])

  return (
    <section className="page" aria-labelledby="dashboard-title">
      <header className="page-header">
        <h1 id="dashboard-title">Dashboard</h1>
        <button type="button" onClick={() => void refresh(api)} disabled={loading}>
          {loading ? 'Checking…' : 'Check again'}
        </button>
      </header>
      {error && (
        <div role="alert" className="error-panel">
          <strong>{error.code}</strong>: {error.message}
        </div>
      )}
      <OverviewPanels api={api} info={info} />
      <ChampionPanel api={api} />
      <HealthAlertsPanel api={api} />
      <NextRoundPanel api={api} />
      {!info && !error && <p className="muted">Checking backends…</p>}
      {info && (
        <>
          <dl className="facts" data-testid="app-facts">
            <dt>Version</dt>
            <dd data-testid="app-version">{info.version}</dd>
            <dt>Data folder</dt>
            <dd data-testid="data-dir">
              <code>{info.dataDir}</code>
            </dd>
            <dt>Running in</dt>
            <dd>
              {info.runtime.shell === 'electron'
                ? `Electron ${info.runtime.electron}`
                : 'browser (loopback bridge)'}{' '}
              · Node {info.runtime.node} · {info.runtime.platform}
            </dd>
            <dt>Checked</dt>
            <dd>{new Date(info.checkedAt).toLocaleString()}</dd>
          </dl>
          <h2>Backends</h2>
          <table className="table" data-testid="backends">
            <thead>
              <tr>
                <th scope="col">Backend</th>
                <th scope="col">Used for</th>
                <th scope="col">Status</th>
                <th scope="col">Where</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {info.backends.map((b) => (
                <tr key={b.name} data-testid={`backend-${b.name}`}>
                  <th scope="row">{NAMES[b.name] ?? b.name}</th>
                  <td>{b.role}</td>
                  <td>
                    <BackendBadge status={b} />
                  </td>
                  <td>{b.target ? <code>{b.target}</code> : <span className="muted">—</span>}</td>
                  <td>
                    {b.state === 'reachable'
                      ? `${b.detail ?? ''}${b.latencyMs !== null ? ` · ${b.latencyMs} ms` : ''}`
                      : b.state === 'not-configured'
                        ? b.detail
                        : ''}
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
