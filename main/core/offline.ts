/**
 * Offline mode: Scoreline never touches the network. The config already nulls the Postgres, Redis and
 * MLflow URLs (so features, tracking and training use their embedded SQLite stores); this module gives
 * the procedures that exist only to reach the network (downloads, Postgres sync, pushing tracked runs)
 * a clear answer instead of a confusing "not configured".
 */
import type { BackendStatus } from '../../shared/api/domains/app'
import { ApiError } from '../../shared/api/errors'
import type { Handlers } from './dispatch'
import { redactUrl } from './redact'

export const OFFLINE_CODE = 'OFFLINE'

export function offlineError(what: string): ApiError {
  return new ApiError(
    OFFLINE_CODE,
    `Offline mode is on: ${what} needs the network, so nothing was contacted. Turn offline mode off in Settings (or unset SCORELINE_OFFLINE, or drop --offline) to do this.`,
  )
}

/** What app.info shows for a network backend while offline (never probed). */
export function offlineBackendStatus(
  name: Exclude<BackendStatus['name'], 'sqlite'>,
  role: string,
  url: string | null,
): BackendStatus {
  return {
    name,
    role,
    configured: url !== null,
    state: 'not-configured',
    target: url ? redactUrl(url) : null,
    detail: 'Offline mode is on: not contacted; the embedded local store is used.',
    latencyMs: null,
  }
}

const NETWORK_ONLY: Partial<Record<keyof Handlers, string>> = {
  'data.download': 'downloading seasons from football-data.co.uk',
  'fixtures.download': "downloading football-data.co.uk's fixtures.csv",
  'data.sync': "syncing with the team's Postgres",
  'tracking.push': 'pushing tracked runs to MLflow',
}

/** Wraps the network-only procedures: while `isOffline()`, they answer OFFLINE without touching anything. */
export function guardOffline(handlers: Handlers, isOffline: () => boolean): Handlers {
  const guarded = { ...handlers } as Record<string, (...args: never[]) => unknown>
  for (const [name, what] of Object.entries(NETWORK_ONLY)) {
    const original = guarded[name]
    if (!original) continue
    guarded[name] = (...args: never[]) => {
      if (isOffline()) throw offlineError(what!)
      return original(...args)
    }
  }
  return guarded as unknown as Handlers
}
