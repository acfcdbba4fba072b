/**
 * The HTTP layer under the MLflow client: auth headers, a timeout per request, retries with
 * exponential backoff and full jitter on connection errors, 408, 429 and 5xx, and error mapping from
 * MLflow's `{ error_code, message }` bodies (or from non-JSON bodies sent by auth or proxies).
 * Credentials are only ever placed in the Authorization header and are redacted from every message.
 */
import type { z } from 'zod'
import { TrackingError, redactSecrets, safeOrigin } from './errors'
import { silentLogger } from './logger'
import type { TrackingLogger } from './logger'

export interface MlflowConnection {
  /** `http(s)://host:port[/prefix]`. User info in the URL is used as Basic credentials, never sent in the URL. */
  trackingUri: string
  /** MLFLOW_TRACKING_TOKEN: sent as `Authorization: Bearer …`. */
  token?: string
  /** MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD: sent as Basic auth (wins over the token, as in MLflow). */
  username?: string
  password?: string
}

export interface MlflowHttpOptions {
  fetch?: typeof fetch
  logger?: TrackingLogger
  /** Per-attempt timeout. Default 15 s. */
  timeoutMs?: number
  /** Retries after the first attempt. Default 4. */
  maxRetries?: number
  /** Backoff base and ceiling: delay = random(0, min(max, base * 2^attempt)). Defaults 200 ms / 5 s. */
  backoffBaseMs?: number
  backoffMaxMs?: number
  random?: () => number
  sleep?: (ms: number) => Promise<void>
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT'
export type QueryValue = string | number | boolean | undefined | readonly (string | number)[]

export interface RequestOptions<T> {
  query?: Record<string, QueryValue>
  body?: unknown
  /**
   * For non-idempotent calls (create run, create model version): called before each retry of an attempt
   * whose outcome is unknown (timeout, reset, 5xx). If it returns a value, the earlier attempt landed
   * and that value is the result — so a retried create never duplicates.
   */
  recover?: () => Promise<T | undefined>
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504])
const UNAVAILABLE_STATUS = new Set([408, 429, 502, 503, 504])

export class MlflowHttp {
  readonly baseUrl: string
  readonly origin: string
  private readonly authHeader: string | undefined
  private readonly secrets: string[]
  private readonly fetchImpl: typeof fetch
  private readonly logger: TrackingLogger
  private readonly timeoutMs: number
  private readonly maxRetries: number
  private readonly backoffBaseMs: number
  private readonly backoffMaxMs: number
  private readonly random: () => number
  private readonly sleep: (ms: number) => Promise<void>

  constructor(connection: MlflowConnection, options: MlflowHttpOptions = {}) {
    let url: URL
    try {
      url = new URL(connection.trackingUri)
    } catch {
      throw new TrackingError(
        'TRACKING_INVALID',
        'The MLflow tracking URI is not a valid URL: set MLFLOW_TRACKING_URI to e.g. http://127.0.0.1:5000',
      )
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TrackingError(
        'TRACKING_INVALID',
        `The MLflow tracking URI must be http(s)://… to use the REST API (got ${url.protocol}//); ` +
          'leave MLFLOW_TRACKING_URI unset to use the local tracking store',
      )
    }
    const username = connection.username ?? (url.username ? decodeURIComponent(url.username) : undefined)
    const password = connection.password ?? (url.password ? decodeURIComponent(url.password) : undefined)
    url.username = ''
    url.password = ''
    this.baseUrl = url.toString().replace(/\/+$/, '')
    this.origin = safeOrigin(this.baseUrl)
    if (username !== undefined && password !== undefined) {
      const encoded = Buffer.from(`${username}:${password}`).toString('base64')
      this.authHeader = `Basic ${encoded}`
      this.secrets = [password, encoded]
    } else if (connection.token) {
      this.authHeader = `Bearer ${connection.token}`
      this.secrets = [connection.token]
    } else {
      this.secrets = []
    }
    this.fetchImpl = options.fetch ?? globalThis.fetch
    this.logger = options.logger ?? silentLogger
    this.timeoutMs = options.timeoutMs ?? 15_000
    this.maxRetries = options.maxRetries ?? 4
    this.backoffBaseMs = options.backoffBaseMs ?? 200
    this.backoffMaxMs = options.backoffMaxMs ?? 5_000
    this.random = options.random ?? Math.random
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
  }

  /** Redact every credential from a string (for callers that build their own messages). */
  redact(text: string): string {
    return redactSecrets(text, this.secrets)
  }

  /** A JSON call to `/api/2.0/mlflow/<endpoint>`, validated against `schema`. */
  async json<S extends z.ZodType>(
    method: HttpMethod,
    endpoint: string,
    schema: S,
    options: RequestOptions<z.infer<S>> = {},
  ): Promise<z.infer<S>> {
    const path = `/api/2.0/mlflow/${endpoint}`
    const init: RequestInit = { method, headers: this.headers({ accept: 'application/json' }) }
    if (options.body !== undefined) {
      init.body = JSON.stringify(options.body)
      ;(init.headers as Record<string, string>)['content-type'] = 'application/json'
    }
    const response = await this.send(path, options.query, init, options.recover as never)
    if ('recovered' in response) return response.recovered as z.infer<S>
    const text = await response.res.text()
    let parsed: unknown
    try {
      parsed = text === '' ? {} : JSON.parse(text)
    } catch {
      throw new TrackingError(
        'MLFLOW_BAD_RESPONSE',
        `MLflow at ${this.origin} answered ${path} with something that is not JSON: is the tracking URI ` +
          `pointing at an MLflow server? (${this.snippet(text)})`,
        { host: this.origin, endpoint: path, httpStatus: response.res.status, notJson: true },
      )
    }
    const result = schema.safeParse(parsed)
    if (!result.success) {
      throw new TrackingError(
        'MLFLOW_BAD_RESPONSE',
        `MLflow at ${this.origin} answered ${path} in an unexpected shape (${result.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.')}: ${i.message}`)
          .join('; ')}); check the server version (Scoreline supports MLflow 2.9+ and 3.x)`,
        { host: this.origin, endpoint: path },
      )
    }
    return result.data
  }

  /** A raw call (artifacts): returns the successful Response; errors are mapped like JSON calls. */
  async raw(
    method: HttpMethod,
    path: string,
    options: { query?: Record<string, QueryValue>; body?: Uint8Array; contentType?: string } = {},
  ): Promise<Response> {
    const headers = this.headers({})
    const init: RequestInit = { method, headers }
    if (options.body !== undefined) {
      init.body = options.body as unknown as BodyInit
      headers['content-type'] = options.contentType ?? 'application/octet-stream'
    }
    const response = await this.send(path, options.query, init, undefined)
    if ('recovered' in response) throw new Error('unreachable')
    return response.res
  }

  private headers(extra: Record<string, string>): Record<string, string> {
    const headers: Record<string, string> = { 'user-agent': 'scoreline-tracking', ...extra }
    if (this.authHeader) headers.authorization = this.authHeader
    return headers
  }

  private buildUrl(path: string, query?: Record<string, QueryValue>): string {
    const url = new URL(this.baseUrl + path)
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue
      if (Array.isArray(value)) for (const v of value) url.searchParams.append(key, String(v))
      else url.searchParams.append(key, String(value))
    }
    return url.toString()
  }

  private async send(
    path: string,
    query: Record<string, QueryValue> | undefined,
    init: RequestInit,
    recover: (() => Promise<unknown>) | undefined,
  ): Promise<{ res: Response } | { recovered: unknown }> {
    const url = this.buildUrl(path, query)
    const method = init.method ?? 'GET'
    let ambiguous = false
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0 && ambiguous && recover) {
        const recovered = await recover().catch(() => undefined)
        if (recovered !== undefined) {
          this.logger.info('mlflow: an earlier attempt had landed; using it', { endpoint: path })
          return { recovered }
        }
      }
      let res: Response | undefined
      let failure: TrackingError
      let retryAfterMs = 0
      try {
        res = await this.fetchImpl(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) })
      } catch (error) {
        const { reason, sent } = describeFetchFailure(error, this.timeoutMs)
        ambiguous = ambiguous || sent
        failure = new TrackingError(
          'SERVICE_UNREACHABLE',
          `Cannot reach the MLflow server at ${this.origin} (${reason}). Check that it is running and that ` +
            'MLFLOW_TRACKING_URI is right; runs are kept in the offline outbox meanwhile',
          { host: this.origin, endpoint: path },
        )
      }
      if (res) {
        if (res.ok) return { res }
        failure = await this.mapError(res, path)
        if (!RETRYABLE_STATUS.has(res.status)) throw failure
        ambiguous = ambiguous || res.status !== 429
        const retryAfter = Number(res.headers.get('retry-after'))
        // Honour Retry-After, but never sleep longer than 30 s inside one call.
        if (Number.isFinite(retryAfter) && retryAfter > 0) retryAfterMs = Math.min(30_000, retryAfter * 1000)
      }
      failure = failure!
      if (attempt >= this.maxRetries) {
        throw new TrackingError(failure.code, `${failure.message} (gave up after ${attempt + 1} attempts)`, {
          ...failure.details,
          attempts: attempt + 1,
        })
      }
      const ceiling = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** attempt)
      const delay = Math.max(retryAfterMs, Math.round(this.random() * ceiling))
      this.logger.warn('mlflow: retrying', {
        host: this.origin,
        method,
        endpoint: path,
        attempt: attempt + 1,
        delayMs: delay,
        status: failure.details.httpStatus,
        reason: this.redact(failure.message),
      })
      await this.sleep(delay)
    }
  }

  private snippet(text: string): string {
    const flat = text.replace(/\s+/g, ' ').trim()
    return this.redact(flat.length > 160 ? `${flat.slice(0, 160)}…` : flat || 'empty body')
  }

  private async mapError(res: Response, path: string): Promise<TrackingError> {
    const text = await res.text().catch(() => '')
    let errorCode: string | undefined
    let serverMessage: string | undefined
    try {
      const body = JSON.parse(text) as { error_code?: unknown; message?: unknown }
      if (typeof body.error_code === 'string') errorCode = body.error_code
      if (typeof body.message === 'string') serverMessage = body.message
    } catch {
      // not JSON: auth middleware, host check, a proxy
    }
    const status = res.status
    const details = { host: this.origin, endpoint: path, httpStatus: status, mlflowErrorCode: errorCode }
    const said = this.redact(serverMessage ?? this.snippet(text))
    if (status === 401) {
      return new TrackingError(
        'MLFLOW_AUTH',
        `MLflow at ${this.origin} rejected the credentials (HTTP 401). ${this.authHeader ? 'Check' : 'Set'} ` +
          'MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN',
        details,
      )
    }
    if (status === 403) {
      const hostCheck = /host/i.test(said)
      return new TrackingError(
        'MLFLOW_AUTH',
        hostCheck
          ? `MLflow at ${this.origin} refused the request's Host (HTTP 403: ${said}); add this host to the ` +
              "server's --allowed-hosts"
          : `MLflow at ${this.origin} refused the request (HTTP 403: ${said}); ask an MLflow admin for ` +
              'permission on this experiment or model',
        details,
      )
    }
    if (errorCode === 'RESOURCE_DOES_NOT_EXIST' || status === 404) {
      return new TrackingError('MLFLOW_NOT_FOUND', `MLflow at ${this.origin}: ${said}`, details)
    }
    if (errorCode === 'RESOURCE_ALREADY_EXISTS') {
      return new TrackingError('MLFLOW_ALREADY_EXISTS', `MLflow at ${this.origin}: ${said}`, details)
    }
    if (UNAVAILABLE_STATUS.has(status)) {
      return new TrackingError(
        'SERVICE_UNREACHABLE',
        `MLflow at ${this.origin} is unavailable (HTTP ${status}: ${said}); try again later — runs are kept in ` +
          'the offline outbox meanwhile',
        details,
      )
    }
    if (status >= 400 && status < 500) {
      return new TrackingError(
        'MLFLOW_INVALID',
        `MLflow at ${this.origin} rejected ${path} (${errorCode ?? `HTTP ${status}`}): ${said}`,
        details,
      )
    }
    return new TrackingError(
      'MLFLOW_ERROR',
      `MLflow at ${this.origin} failed on ${path} (${errorCode ?? `HTTP ${status}`}): ${said}; see the server log`,
      details,
    )
  }
}

/** Why fetch threw, and whether the request may have reached the server (ambiguous outcome). */
function describeFetchFailure(error: unknown, timeoutMs: number): { reason: string; sent: boolean } {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } }
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') {
    return { reason: `no answer within ${timeoutMs} ms`, sent: true }
  }
  const code = err?.cause?.code
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH') {
    return { reason: code === 'ECONNREFUSED' ? 'connection refused' : `${code}`, sent: false }
  }
  return { reason: code ?? err?.cause?.message ?? err?.message ?? 'network error', sent: true }
}
