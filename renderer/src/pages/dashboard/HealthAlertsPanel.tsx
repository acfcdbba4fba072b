import type { ScorelineApi } from '../../../../shared/api/contract'
import { useReloadedResult } from '../../hooks/useReloadedResult'
import { useNavigationStore } from '../../stores/navigationStore'
import { useHealthStore } from '../../stores/healthStore'
import { AlertsList } from '../health/AlertsList'

const loadAlerts = (api: ScorelineApi) => api.health.alerts()

/** The Model health alerts on the Dashboard (the same `health.alerts` the Model health screen lists). */
export function HealthAlertsPanel({ api }: { api: ScorelineApi }) {
  const go = useNavigationStore((s) => s.go)
  const { value: alerts, error } = useReloadedResult(api, loadAlerts)

  const open = (league?: string) => {
    if (league) useHealthStore.setState({ league })
    go('health')
  }
  const count = alerts?.alerts.length ?? 0
  return (
    <section className="panel" aria-labelledby="dashboard-health-title" data-testid="dashboard-health">
      <h2 id="dashboard-health-title">
        Model health
        {count > 0 && (
          <span className="health-count">
            {' '}
            · {count} alert{count === 1 ? '' : 's'}
          </span>
        )}
      </h2>
      {error && (
        // not role="alert": the Dashboard already announces an unreachable backend once
        <p className="muted" data-testid="dashboard-health-error">
          Model health could not be checked — {error.code}: {error.message}
        </p>
      )}
      {!alerts && !error && <p className="muted">Checking the champions…</p>}
      {alerts && <AlertsList alerts={alerts} compact onOpenLeague={open} />}
      {alerts && (
        <button type="button" className="link" onClick={() => open()}>
          Open Model health
        </button>
      )}
    </section>
  )
}
