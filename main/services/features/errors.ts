/**
 * Typed errors of the feature store. Every error carries a stable `code` and a message a user can act
 * on (which host, which view, what to do); `details` is plain JSON that crosses IPC unchanged.
 * Messages never contain credentials: Redis URLs are reduced to host:port/db by `describeRedisUrl`.
 */

export type FeatureStoreErrorCode =
  | 'SERVICE_UNREACHABLE'
  | 'REDIS_AUTH'
  | 'REDIS_ERROR'
  | 'FEATURE_VALIDATION'
  | 'UNKNOWN_VIEW'
  | 'UNKNOWN_VERSION'
  | 'VERSION_EXISTS'
  | 'VERSION_NOT_READY'
  | 'VERSION_EXPIRED'
  | 'INVALID_ENTITY'

export class FeatureStoreError extends Error {
  readonly code: FeatureStoreErrorCode
  readonly details: Record<string, unknown> | undefined

  constructor(
    code: FeatureStoreErrorCode,
    message: string,
    details?: Record<string, unknown>,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = 'FeatureStoreError'
    this.code = code
    this.details = details
  }
}

export function isFeatureStoreError(
  error: unknown,
  code?: FeatureStoreErrorCode,
): error is FeatureStoreError {
  return error instanceof FeatureStoreError && (code === undefined || error.code === code)
}

/** `redis://user:secret@cache.local:6380/2` -> `cache.local:6380/2`. Never throws, never leaks secrets. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url)
    const db = parsed.pathname && parsed.pathname !== '/' ? parsed.pathname : ''
    const port = parsed.port || '6379'
    return `${parsed.hostname || '127.0.0.1'}:${port}${db}`
  } catch {
    // Not a URL we can parse: strip anything that looks like userinfo before an @.
    return url.replace(/^[a-z]+:\/\//i, '').replace(/^[^@/]*@/, '')
  }
}

/**
 * "Redis at host:port rejected the password (WRONGPASS) …" when ioredis's error (or the last one its
 * connection reported — a failed AUTH surfaces as "Connection is closed.") is an authentication
 * refusal; null otherwise.
 */
export function redisAuthProblem(location: string, ...errors: unknown[]): string | null {
  for (const error of errors) {
    const message = error instanceof Error ? error.message : typeof error === 'string' ? error : ''
    const code =
      /\b(WRONGPASS|NOAUTH|NOPERM)\b/.exec(message)?.[1] ?? (/invalid password/i.test(message) ? 'ERR' : null)
    if (!code) continue
    const what =
      code === 'NOAUTH'
        ? 'asks for a password and none was given (NOAUTH)'
        : code === 'NOPERM'
          ? 'refused this user the commands the feature store needs (NOPERM)'
          : `rejected the password (${code})`
    return (
      `Redis at ${location} ${what}. Put the right user and password in REDIS_URL ` +
      '(redis://user:password@host:port) or in Settings.'
    )
  }
  return null
}
