import pg from 'pg'
import { Redis } from 'ioredis'
import type { BackendStatus } from '../../../shared/api/domains/app'
import { postgresApplicationName, postgresUrlProblem } from '../../core/postgresUrl'
import { redactSecrets, redactUrl } from '../../core/redact'
import { describeRedisUrl, redisAuthProblem } from '../features/errors'

/** host:port of a Redis URL (no database, no credentials). */
const hostPort = (url: string) => describeRedisUrl(url).replace(/\/.*$/, '')

/** A probe answers "is this backend reachable now?" within its timeout and never throws. */
export type Probe = () => Promise<BackendStatus>

const DEFAULT_TIMEOUT_MS = 2000

function since(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10
}

function notConfigured(name: BackendStatus['name'], role: string, hint: string): BackendStatus {
  return {
    name,
    role,
    configured: false,
    state: 'not-configured',
    target: null,
    detail: hint,
    latencyMs: null,
  }
}

export function sqliteProbe(file: string, check: () => { schemaVersion: number }): Probe {
  return async () => {
    const start = performance.now()
    const base = {
      name: 'sqlite' as const,
      role: 'Local data, settings and offline cache',
      configured: true,
      target: file,
    }
    try {
      const { schemaVersion } = check()
      return {
        ...base,
        state: 'reachable',
        detail: `schema version ${schemaVersion}`,
        latencyMs: since(start),
      }
    } catch (error) {
      return { ...base, state: 'unreachable', detail: (error as Error).message, latencyMs: null }
    }
  }
}

export function postgresProbe(url: string | null, timeoutMs = DEFAULT_TIMEOUT_MS): Probe {
  const role = "The team's shared database"
  return async () => {
    if (!url) return notConfigured('postgres', role, 'Set DATABASE_URL (or Settings) to sync with the team.')
    const target = redactUrl(url)
    const problem = postgresUrlProblem(url)
    if (problem)
      return {
        name: 'postgres',
        role,
        configured: true,
        state: 'unreachable',
        target,
        detail: problem,
        latencyMs: null,
      }
    const start = performance.now()
    const client = new pg.Client({
      connectionString: url,
      application_name: postgresApplicationName(),
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
    })
    client.on('error', () => {})
    try {
      await client.connect()
      const { rows } = await client.query<{ v: string }>("select current_setting('server_version') as v")
      return {
        name: 'postgres',
        role,
        configured: true,
        state: 'reachable',
        target,
        detail: `PostgreSQL ${rows[0]?.v ?? '?'}`,
        latencyMs: since(start),
      }
    } catch (error) {
      return unreachable('postgres', role, target, error)
    } finally {
      await client.end().catch(() => {})
    }
  }
}

export function redisProbe(url: string | null, timeoutMs = DEFAULT_TIMEOUT_MS): Probe {
  const role = 'Feature store'
  return async () => {
    if (!url)
      return notConfigured(
        'redis',
        role,
        'Set REDIS_URL to share features; the local store is used meanwhile.',
      )
    const target = redactUrl(url)
    const start = performance.now()
    const client = new Redis(url, {
      lazyConnect: true,
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    })
    let lastError: Error | null = null
    client.on('error', (error: Error) => {
      lastError = error
    })
    try {
      await withDeadline(client.connect(), timeoutMs)
      const info = await withDeadline(client.info('server'), timeoutMs)
      const version = /redis_version:([^\r\n]+)/.exec(info)?.[1]
      return {
        name: 'redis',
        role,
        configured: true,
        state: 'reachable',
        target,
        detail: version ? `Redis ${version}` : 'Redis',
        latencyMs: since(start),
      }
    } catch (error) {
      // ioredis reports "Connection is closed." and keeps the cause in its error event
      const auth = redisAuthProblem(hostPort(url), lastError, error)
      if (auth)
        return {
          name: 'redis',
          role,
          configured: true,
          state: 'unreachable',
          target,
          detail: auth,
          latencyMs: null,
        }
      return unreachable('redis', role, target, lastError ?? error)
    } finally {
      client.disconnect()
    }
  }
}

export function mlflowProbe(
  uri: string | null,
  options: { fetch?: typeof fetch; timeoutMs?: number; headers?: Record<string, string> } = {},
): Probe {
  const role = 'Experiment tracking and model registry'
  return async () => {
    if (!uri)
      return notConfigured(
        'mlflow',
        role,
        'Set MLFLOW_TRACKING_URI to track runs on a server; runs are kept locally meanwhile.',
      )
    const target = redactUrl(uri)
    const doFetch = options.fetch ?? fetch
    const start = performance.now()
    try {
      const base = uri.replace(/\/+$/, '')
      const health = await doFetch(`${base}/health`, {
        signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
        headers: options.headers,
      })
      const text = (await health.text()).trim()
      if (!health.ok) throw new Error(`HTTP ${health.status} from /health`)
      if (text !== 'OK') throw new Error(`/health answered "${text.slice(0, 60)}", not an MLflow server?`)
      let detail = 'MLflow'
      try {
        const version = await doFetch(`${base}/version`, {
          signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
          headers: options.headers,
        })
        if (version.ok) detail = `MLflow ${(await version.text()).trim().slice(0, 20)}`
      } catch {
        // older servers have no /version; health is enough
      }
      // /health answers anyone; an API call tells whether the server accepts our credentials (#21)
      const api = await doFetch(
        `${base}/api/2.0/mlflow/experiments/get-by-name?experiment_name=${encodeURIComponent('Default')}`,
        { signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS), headers: options.headers },
      )
      await api.text().catch(() => '')
      if (api.status === 401 || api.status === 403) {
        const sent = Object.keys(options.headers ?? {}).some((h) => h.toLowerCase() === 'authorization')
        return {
          name: 'mlflow',
          role,
          configured: true,
          state: 'unreachable',
          target,
          detail: sent
            ? `MLflow at ${target} rejected the credentials (HTTP ${api.status}): check MLFLOW_TRACKING_USERNAME / ` +
              'MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN (or Settings)'
            : `MLflow at ${target} asks for credentials (HTTP ${api.status}): set MLFLOW_TRACKING_USERNAME / ` +
              'MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN (or Settings)',
          latencyMs: null,
        }
      }
      return {
        name: 'mlflow',
        role,
        configured: true,
        state: 'reachable',
        target,
        detail,
        latencyMs: since(start),
      }
    } catch (error) {
      return unreachable('mlflow', role, target, error)
    }
  }
}

/** Rejects with a TimeoutError if the promise has not settled within `ms`. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`timed out after ${ms} ms`), { name: 'TimeoutError' })),
      ms,
    )
  })
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer))
}

function unreachable(
  name: BackendStatus['name'],
  role: string,
  target: string,
  error: unknown,
): BackendStatus {
  const e = error as { name?: string; message?: string; code?: string; errors?: { message: string }[] }
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause
  let reason = e?.message || e?.code || String(error)
  if (reason === 'fetch failed' && cause)
    reason = cause.code ? `connection failed (${cause.code})` : `connection failed (${cause.message})`
  if (!reason && e?.errors?.length) reason = e.errors.map((x) => x.message).join('; ')
  if (e?.name === 'TimeoutError') reason = e.message?.startsWith('timed out') ? e.message : 'timed out'
  // errors may quote the URL they failed on, credentials included (fetch refuses user:pass@ URLs so)
  reason = redactSecrets(reason, [])
  return { name, role, configured: true, state: 'unreachable', target, detail: reason, latencyMs: null }
}

/** Runs every probe concurrently; the slowest bounds the total. */
export async function checkBackends(probes: Probe[]): Promise<BackendStatus[]> {
  return Promise.all(probes.map((probe) => probe()))
}
