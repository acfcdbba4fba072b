import { useEffect, useState } from 'react'
import type { ScorelineApi } from '../../../../shared/api/contract'
import type { ApiErrorShape } from '../../../../shared/api/errors'
import type { HealthAlertsDto } from '../../../../shared/api/domains/health'
import { useNavigationStore } from '../../stores/navigationStore'
import { useHealthStore } from '../../stores/healthStore'
import { AlertsList } from '../health/AlertsList'

/** The Model health alerts on the Dashboard (the same `health.alerts` the Model health screen lists). */
export function HealthAlertsPanel({ api }: { api: ScorelineApi }) {
  const go = useNavigationStore((s) => s.go)
  const [alerts, setAlerts] = useState<HealthAlertsDto | null>(null)
  const [error, setError] = useState<ApiErrorShape | null>(null)

  useEffect(() => {
    let live = true
    const load = () =>
      void api.health.alerts().then((r) => {
        if (!live) return
        if (r.ok) {
          setAlerts(r.value)
          setError(null)
        } else setError(r.error)
      })
    load()
    const offTraining = api.on('training.finished', load)
    const offData = api.on('data.changed', load)
    return () => {
      live = false
      offTraining()
      offData()
    }
  }, [api])

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
