import pg from 'pg'
import { DataError } from '../errors'
import { postgresApplicationName, postgresUrlProblem } from '../../../core/postgresUrl'
import { redactUrl } from '../../../core/redact'

/** The URL with any password replaced, for messages and logs (the app-wide redaction). */
export { redactUrl }

// Per-client type parsing (never the global pg.types, which other services share): dates stay calendar
// strings (YYYY-MM-DD) instead of shifting through the local time zone; bigint ids become numbers.
const DATE_OID = 1082
const INT8_OID = 20
export const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === DATE_OID) return (value: string) => value
    if (oid === INT8_OID) return (value: string) => Number(value)
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text')
  },
} as unknown as pg.CustomTypesConfig

/**
 * A connected client, or `SERVICE_UNREACHABLE` naming the host (never the password). Every query gives
 * up after `queryTimeoutMs` (default 2 minutes, far above any one statement the app sends): a server
 * that accepts the connection and then never answers would otherwise hang a sync or push for ever.
 */
export async function connectPostgres(
  url: string,
  opts: { connectTimeoutMs?: number; queryTimeoutMs?: number } = {},
): Promise<pg.Client> {
  const problem = postgresUrlProblem(url)
  if (problem) throw new DataError('DATABASE_URL_INVALID', problem, { url: redactUrl(url) })
  const client = new pg.Client({
    connectionString: url,
    // the URL's own application_name, if it has one, wins (pg lets the connection string override)
    application_name: postgresApplicationName(),
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
    query_timeout: opts.queryTimeoutMs ?? 120_000,
    types: pgTypes,
  })
  // An idle client whose backend is terminated emits 'error'; the running query rejects on its own.
  client.on('error', () => undefined)
  try {
    await client.connect()
  } catch (error) {
    await client.end().catch(() => undefined)
    throw new DataError(
      'SERVICE_UNREACHABLE',
      `cannot reach Postgres at ${redactUrl(url)}: ${(error as Error).message}; check DATABASE_URL and that the server is running`,
      { url: redactUrl(url) },
    )
  }
  return client
}

/** Probes reachability for data.status; resolves false instead of throwing. */
export async function probePostgres(
  url: string,
  timeoutMs = 2000,
): Promise<{ reachable: boolean; error?: string; checkedAt: string }> {
  const checkedAt = new Date().toISOString()
  try {
    const client = await connectPostgres(url, { connectTimeoutMs: timeoutMs })
    await client.query('SELECT 1')
    await client.end()
    return { reachable: true, checkedAt }
  } catch (error) {
    return { reachable: false, error: (error as Error).message, checkedAt }
  }
}
