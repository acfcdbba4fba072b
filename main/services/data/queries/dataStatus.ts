import type Database from 'better-sqlite3'

export interface PostgresState {
  /** A Postgres URL is configured at all. */
  configured: boolean
  /** Result of the caller's last reachability probe; null when not probed. Reads never wait on it. */
  reachable: boolean | null
  /** Why it is unreachable (no secrets: the caller passes a redacted message). */
  error?: string
  checkedAt?: string
}

export interface DataStatus {
  /** The last successful sync's finish time, or null when never synced. */
  lastSuccessfulSyncAt: string | null
  lastSync: {
    startedAt: string
    finishedAt: string | null
    status: 'running' | 'ok' | 'failed'
    rowsApplied: number
    error: string | null
  } | null
  tables: Record<string, number>
  outbox: { pending: number; conflicts: number; failed: number }
  postgres: PostgresState
  schemaVersion: number
}

const COUNTED = [
  'leagues',
  'seasons',
  'teams',
  'team_aliases',
  'matches',
  'odds',
  'price_snapshots',
  'jackpots',
  'jackpot_fixtures',
] as const

/** Local-only status: never touches the network; Postgres reachability is whatever the caller passes. */
export function dataStatus(
  db: Database.Database,
  postgres: PostgresState = { configured: false, reachable: null },
): DataStatus {
  const tables: Record<string, number> = {}
  for (const t of COUNTED) {
    const hasDeleted = t !== 'jackpot_fixtures'
    tables[t] = db
      .prepare(`SELECT count(*) FROM ${t}${hasDeleted ? ' WHERE deleted = 0' : ''}`)
      .pluck()
      .get() as number
  }
  const lastSync = db
    .prepare(
      `SELECT started_at AS startedAt, finished_at AS finishedAt, status, rows_applied AS rowsApplied, error
         FROM sync_runs ORDER BY id DESC LIMIT 1`,
    )
    .get() as DataStatus['lastSync'] | undefined
  const lastOk = db.prepare("SELECT max(finished_at) FROM sync_runs WHERE status = 'ok'").pluck().get() as
    string | null
  const outbox = db
    .prepare(
      `SELECT coalesce(sum(status = 'pending'), 0) AS pending, coalesce(sum(status = 'conflict'), 0) AS conflicts,
              coalesce(sum(status = 'failed'), 0) AS failed FROM outbox`,
    )
    .get() as DataStatus['outbox']
  return {
    lastSuccessfulSyncAt: lastOk ?? null,
    lastSync: lastSync ?? null,
    tables,
    outbox,
    postgres,
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
  }
}
