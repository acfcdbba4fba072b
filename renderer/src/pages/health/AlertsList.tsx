import type { HealthAlertsDto } from '../../../../shared/api/domains/health'

const STATE_LABEL: Record<HealthAlertsDto['leagues'][number]['state'], string> = {
  ok: 'healthy',
  alert: 'alert',
  insufficient: 'waiting for matches',
  'no-champion': 'no champion',
  error: 'error',
}

/**
 * The champions' alerts (recent RPS or ECE worse than at evaluation beyond the thresholds), then each
 * league's state in one line. Shared by the Model health screen and the Dashboard.
 */
export function AlertsList({
  alerts,
  onOpenLeague,
  compact = false,
}: {
  alerts: HealthAlertsDto
  onOpenLeague?: (league: string) => void
  compact?: boolean
}) {
  const t = alerts.thresholds
  return (
    <div className="health-alerts" data-testid="health-alerts">
      {alerts.alerts.length === 0 ? (
        <p className="muted" data-testid="no-health-alerts">
          No alert: no champion&apos;s recent RPS is more than {t.rps} worse than at evaluation, and no recent
          ECE is more than {t.ece} higher (judged from {t.minRecent} recent matches).
        </p>
      ) : (
        <ul className="health-alert-list" aria-label="Model health alerts">
          {alerts.alerts.map((a) => (
            <li
              key={`${a.league}-${a.kind}`}
              className="health-alert"
              data-testid={`health-alert-${a.league}-${a.kind}`}
            >
              <strong>
                {a.league} v{a.modelVersion} · {a.kind === 'rps' ? 'RPS drift' : 'calibration'}
              </strong>{' '}
              <span className="health-numbers">
                {a.evaluation.toFixed(4)} → {a.recent.toFixed(4)} ({a.change >= 0 ? '+' : ''}
                {a.change.toFixed(4)}, threshold +{a.threshold}, {a.recentMatches} recent matches)
              </span>
              <p>{a.message}</p>
              {onOpenLeague && (
                <button type="button" className="link" onClick={() => onOpenLeague(a.league)}>
                  Open {a.league} model health
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {!compact && alerts.leagues.length > 0 && (
        <ul className="health-league-states" aria-label="Champion state per league">
          {alerts.leagues.map((l) => (
            <li key={l.league} data-testid={`health-state-${l.league}`} data-state={l.state}>
              <span className={`health-badge health-badge-${l.state}`}>{STATE_LABEL[l.state]}</span>{' '}
              {l.state === 'alert'
                ? `${l.league} champion v${l.modelVersion}: see the alert above.`
                : l.message}
            </li>
          ))}
        </ul>
      )}
      {compact &&
        alerts.leagues
          .filter((l) => l.state === 'insufficient' || l.state === 'error')
          .map((l) => (
            <p key={l.league} className="muted" data-testid={`health-state-${l.league}`} data-state={l.state}>
              {l.message}
            </p>
          ))}
    </div>
  )
}
