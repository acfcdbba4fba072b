import { ApiError, type ApiErrorShape } from '../../shared/api/errors'

/**
 * Turns anything thrown by a service into the `{ code, message, details }` shape that crosses the
 * transports. Errors with a string `code` keep it (services throw typed errors); anything else is
 * INTERNAL, with the message kept so the user sees what happened.
 */
export function toApiErrorShape(error: unknown): ApiErrorShape {
  if (error instanceof ApiError) return error.toJSON()
  if (error && typeof error === 'object') {
    const e = error as { code?: unknown; message?: unknown; details?: unknown; problems?: unknown }
    const message = typeof e.message === 'string' ? e.message : String(error)
    if (typeof e.code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(e.code)) {
      const details = e.details ?? e.problems
      return details === undefined
        ? { code: e.code, message }
        : { code: e.code, message, details: toPlain(details) }
    }
    return { code: 'INTERNAL', message }
  }
  return { code: 'INTERNAL', message: String(error) }
}

function toPlain(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value))
  } catch {
    return String(value)
  }
}

export { ApiError }
