import type { BackendStatus } from '../../../shared/api/domains/app'

const LABEL: Record<BackendStatus['state'], string> = {
  reachable: 'reachable',
  unreachable: 'unreachable',
  'not-configured': 'not configured',
}

export function BackendBadge({ status }: { status: BackendStatus }) {
  return (
    <span className={`badge badge-${status.state}`} data-testid={`backend-state-${status.name}`}>
      {status.state === 'unreachable'
        ? `unreachable: ${status.detail ?? 'unknown reason'}`
        : LABEL[status.state]}
    </span>
  )
}
