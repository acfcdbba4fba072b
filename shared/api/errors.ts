import { z } from 'zod'

/**
 * Stable error codes that cross every transport unchanged (IPC, the loopback bridge, the CLI's
 * `--json` output). Services throw errors carrying one of these codes; the UI branches on them.
 */
export const ERROR_CODES = [
  'UNKNOWN_PROCEDURE',
  'INVALID_INPUT',
  'INVALID_OUTPUT',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CSV_PARSE',
  'UNKNOWN_TEAM',
  'SERVICE_UNREACHABLE',
  'MLFLOW_ERROR',
  'DB_TOO_NEW',
  'DB_MIGRATION_CHECKSUM',
  'CONFIG',
  'CANCELLED',
  'CONFLICT',
  'TIMEOUT',
  'INTERNAL',
] as const

/** Known codes, but services may add domain codes (e.g. `MODEL_NO_DATA`): the schema accepts any. */
export type KnownErrorCode = (typeof ERROR_CODES)[number]

export const apiErrorSchema = z.object({
  code: z.string().min(1),
  message: z.string(),
  details: z.unknown().optional(),
})
export type ApiErrorShape = z.infer<typeof apiErrorSchema>

/** An error with a stable code, rebuilt on the calling side from `{ code, message, details }`. */
export class ApiError extends Error {
  readonly code: string
  readonly details: unknown

  constructor(code: KnownErrorCode | (string & {}), message: string, details?: unknown) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.details = details
  }

  toJSON(): ApiErrorShape {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details }
  }

  static from(shape: ApiErrorShape): ApiError {
    return new ApiError(shape.code, shape.message, shape.details)
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiErrorShape }

export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: apiErrorSchema }),
  ])
}

/** Unwraps a transport result, throwing the typed error on failure. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value
  throw ApiError.from(result.error)
}
