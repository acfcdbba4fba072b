/**
 * Applies the numbered SQL migrations (postgres/migrations/NNNN_name.sql) to the shared Postgres.
 *
 * - Each pending file runs in its own transaction together with its `schema_migrations` row (version,
 *   name, sha256 of the file with LF line endings), under an advisory lock so two instances never
 *   migrate at once.
 * - An applied migration whose file changed is refused (`PG_MIGRATION_CHECKSUM`); a database that has
 *   versions this build does not know is refused (`DB_TOO_NEW`).
 * - A row without a checksum (the database was initialised by psql from the same files, e.g. the
 *   docker-compose init scripts) is adopted: the current checksum is recorded.
 */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { DataError } from '../errors'
import { connectPostgres, redactUrl } from './pgConnection'

export interface PgMigration {
  version: number
  name: string
  file: string
  sql: string
  checksum: string
}

export function postgresMigrationsDir(): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations')
}

export function loadPostgresMigrations(dir = postgresMigrationsDir()): PgMigration[] {
  const out: PgMigration[] = []
  for (const file of readdirSync(dir).sort()) {
    const m = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file)
    if (!m) continue
    const sql = readFileSync(path.join(dir, file), 'utf8').replace(/\r\n/g, '\n')
    out.push({
      version: Number(m[1]),
      name: m[2],
      file,
      sql,
      checksum: createHash('sha256').update(sql, 'utf8').digest('hex'),
    })
  }
  out.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new DataError(
        'PG_MIGRATION_FAILED',
        `Postgres migrations must be numbered 0001, 0002, ... without gaps; found ${m.file}`,
        {
          file: m.file,
        },
      )
    }
  })
  return out
}

export interface MigratePostgresResult {
  from: number
  to: number
  applied: string[]
  adopted: string[]
}

const LOCK_KEY = 7_357_001 // any constant: serialises concurrent migrators

export async function migratePostgres(
  url: string,
  opts: { dir?: string; log?: (message: string) => void } = {},
): Promise<MigratePostgresResult> {
  const migrations = loadPostgresMigrations(opts.dir)
  const client = await connectPostgres(url)
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY])
    const exists = await client.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS ok")
    const rows: { version: number; name: string; checksum: string | null }[] = exists.rows[0].ok
      ? (await client.query('SELECT version, name, checksum FROM schema_migrations ORDER BY version')).rows
      : []
    const newest = migrations.length ? migrations[migrations.length - 1].version : 0
    const from = rows.length ? Math.max(...rows.map((r) => r.version)) : 0
    if (from > newest) {
      throw new DataError(
        'DB_TOO_NEW',
        `the Postgres database at ${redactUrl(url)} was migrated by a newer Scoreline (schema ${from}, this build knows ${newest}); update the app`,
        { schemaVersion: from, knownVersion: newest },
      )
    }
    const result: MigratePostgresResult = { from, to: from, applied: [], adopted: [] }
    for (const m of migrations) {
      const row = rows.find((r) => r.version === m.version)
      if (row) {
        if (row.checksum === null) {
          await client.query('UPDATE schema_migrations SET checksum = $2, name = $3 WHERE version = $1', [
            m.version,
            m.checksum,
            m.name,
          ])
          result.adopted.push(m.file)
        } else if (row.checksum !== m.checksum) {
          throw new DataError(
            'PG_MIGRATION_CHECKSUM',
            `Postgres migration ${m.file} was changed after it was applied to ${redactUrl(url)}; never edit an applied migration: restore it and add a new one`,
            { version: m.version, file: m.file, recorded: row.checksum, current: m.checksum },
          )
        }
        continue
      }
      try {
        await client.query('BEGIN')
        await client.query(m.sql)
        await client.query(
          `INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)
           ON CONFLICT (version) DO UPDATE SET name = excluded.name, checksum = excluded.checksum, applied_at = now()`,
          [m.version, m.name, m.checksum],
        )
        await client.query('COMMIT')
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined)
        throw new DataError(
          'PG_MIGRATION_FAILED',
          `Postgres migration ${m.file} failed: ${(error as Error).message}`,
          {
            version: m.version,
            file: m.file,
          },
        )
      }
      opts.log?.(`applied ${m.file}`)
      result.applied.push(m.file)
      result.to = m.version
    }
    return result
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined)
    await client.end().catch(() => undefined)
  }
}
