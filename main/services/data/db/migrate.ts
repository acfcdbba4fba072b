/**
 * Generic SQLite migration runner, shared by every SQLite file the app keeps (the data cache, the
 * local tracking store, the local feature store).
 *
 * - One migration per schema version, applied in order, each inside its own transaction together with
 *   its bookkeeping, so a failure leaves the database at the previous version.
 * - The version lives in `PRAGMA user_version` (cheap to read, survives any table surgery) and in a
 *   `schema_migrations` table with a sha256 checksum of the migration text, so a migration edited
 *   after it was applied somewhere is refused (`DB_MIGRATION_CHECKSUM`) instead of silently drifting.
 * - A database written by a newer build (user_version above the newest known migration) is refused
 *   (`DB_TOO_NEW`) before anything is written to it.
 *
 * Checksums: a string migration is hashed as written (line endings normalised to LF, so a Windows
 * checkout gives the same hash). A function migration cannot be hashed reliably (bundlers rewrite
 * its source), so it is hashed by `checksum` when given, otherwise by `version:name`; bump the name or
 * set `checksum` when such a migration must be considered changed.
 */
import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import { DataError } from '../errors'

export interface Migration {
  version: number
  name: string
  up: string | ((db: Database.Database) => void)
  /** Optional explicit checksum, mainly for function migrations. */
  checksum?: string
}

export interface MigrateOptions {
  /** Shown in the "too new" message; defaults to "Scoreline". */
  appName?: string
  /** Called after each applied migration (logging). */
  onApplied?: (migration: { version: number; name: string }) => void
}

export function migrationChecksum(migration: Migration): string {
  if (migration.checksum) return migration.checksum
  const text =
    typeof migration.up === 'string'
      ? migration.up.replace(/\r\n/g, '\n')
      : `function:${migration.version}:${migration.name}`
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

function sortedMigrations(migrations: Migration[]): Migration[] {
  const sorted = [...migrations].sort((a, b) => a.version - b.version)
  const seen = new Set<number>()
  for (const m of sorted) {
    if (!Number.isInteger(m.version) || m.version < 1) {
      throw new DataError(
        'DB_MIGRATION_INVALID',
        `migration "${m.name}" has an invalid version ${m.version}`,
        {
          version: m.version,
          name: m.name,
        },
      )
    }
    if (seen.has(m.version)) {
      throw new DataError('DB_MIGRATION_INVALID', `two migrations share version ${m.version}`, {
        version: m.version,
      })
    }
    seen.add(m.version)
  }
  return sorted
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number
}

/** Applies the pending migrations; returns the version before and after. */
export function migrate(
  db: Database.Database,
  migrations: Migration[],
  opts: MigrateOptions = {},
): { from: number; to: number } {
  const appName = opts.appName ?? 'Scoreline'
  const sorted = sortedMigrations(migrations)
  const newest = sorted.length ? sorted[sorted.length - 1].version : 0
  const from = schemaVersion(db)

  if (from > newest) {
    throw new DataError(
      'DB_TOO_NEW',
      `this database was written by a newer ${appName} (schema ${from}, this build knows ${newest}); update the app`,
      { file: db.name, schemaVersion: from, knownVersion: newest },
    )
  }

  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`)

  const recorded = new Map<number, { name: string; checksum: string }>()
  for (const row of db.prepare('SELECT version, name, checksum FROM schema_migrations').all() as {
    version: number
    name: string
    checksum: string
  }[]) {
    recorded.set(row.version, row)
  }

  const record = db.prepare(
    'INSERT OR REPLACE INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)',
  )

  // Applied migrations must be unchanged. A version below user_version without a record (a database
  // created before the table existed) is adopted with the current checksum.
  for (const m of sorted) {
    if (m.version > from) break
    const checksum = migrationChecksum(m)
    const row = recorded.get(m.version)
    if (!row) {
      record.run(m.version, m.name, checksum, new Date().toISOString())
      continue
    }
    if (row.checksum !== checksum) {
      throw new DataError(
        'DB_MIGRATION_CHECKSUM',
        `migration ${m.version} (${m.name}) was changed after it was applied to ${db.name}; ` +
          'never edit an applied migration: restore it and add a new one',
        { file: db.name, version: m.version, name: m.name, recorded: row.checksum, current: checksum },
      )
    }
  }

  let to = from
  for (const m of sorted) {
    if (m.version <= from) continue
    const checksum = migrationChecksum(m)
    const apply = db.transaction(() => {
      if (typeof m.up === 'string') db.exec(m.up)
      else m.up(db)
      record.run(m.version, m.name, checksum, new Date().toISOString())
      db.pragma(`user_version = ${m.version}`)
    })
    try {
      apply()
    } catch (error) {
      throw new DataError(
        'DB_MIGRATION_FAILED',
        `migration ${m.version} (${m.name}) failed on ${db.name}: ${(error as Error).message}`,
        { file: db.name, version: m.version, name: m.name },
      )
    }
    to = m.version
    opts.onApplied?.({ version: m.version, name: m.name })
  }
  return { from, to }
}
