/**
 * Typed errors for experiment tracking. Every error carries a stable `code` the UI and CLI branch on,
 * and a message that says what to do. Messages never contain secrets: anything that could (URLs with
 * user info, server-echoed text) is passed through `redactSecrets` before it is stored.
 */

export type TrackingErrorCode =
  | 'SERVICE_UNREACHABLE' // connection refused/reset, DNS failure, timeout, retries exhausted on 5xx
  | 'MLFLOW_AUTH' // 401 / 403 (bad credentials, missing permission, host-check middleware)
  | 'MLFLOW_NOT_FOUND' // RESOURCE_DOES_NOT_EXIST / 404
  | 'MLFLOW_ALREADY_EXISTS' // RESOURCE_ALREADY_EXISTS (arrives as HTTP 400)
  | 'MLFLOW_INVALID' // INVALID_PARAMETER_VALUE, BAD_REQUEST, INVALID_STATE, ...
  | 'MLFLOW_ERROR' // anything else the server reports
  | 'MLFLOW_BAD_RESPONSE' // the server answered something that does not match the schema
  | 'TRACKING_NOT_FOUND' // the local store has no such experiment/run/model
  | 'TRACKING_ALREADY_EXISTS'
  | 'TRACKING_INVALID'
  | 'TRACKING_PENDING' // the item is still queued in the offline outbox

export interface TrackingErrorDetails {
  /** MLflow's own error_code, when the server sent one. */
  mlflowErrorCode?: string
  httpStatus?: number
  /** Host (never with credentials) and endpoint path, to say which server and call failed. */
  host?: string
  endpoint?: string
  attempts?: number
  [key: string]: unknown
}

export class TrackingError extends Error {
  readonly code: TrackingErrorCode
  readonly details: TrackingErrorDetails

  constructor(code: TrackingErrorCode, message: string, details: TrackingErrorDetails = {}) {
    super(message)
    this.name = 'TrackingError'
    this.code = code
    this.details = details
  }

  toJSON(): { code: TrackingErrorCode; message: string; details: TrackingErrorDetails } {
    return { code: this.code, message: this.message, details: this.details }
  }
}

export function isTrackingError(error: unknown, code?: TrackingErrorCode): error is TrackingError {
  return error instanceof TrackingError && (code === undefined || error.code === code)
}

/** True for errors that mean "the server could not be reached" — the outbox queues on these. */
export function isUnreachable(error: unknown): boolean {
  return isTrackingError(error, 'SERVICE_UNREACHABLE')
}

/**
 * The tracking URI answered, but not as MLflow: a page that is not JSON (a captive portal, a proxy's
 * error page, another service). For the outbox this is the server being out of reach: the write is kept
 * locally and retried, never lost.
 */
export function isNotMlflow(error: unknown): boolean {
  return isTrackingError(error, 'MLFLOW_BAD_RESPONSE') && (error as TrackingError).details?.notJson === true
}

/** Remove user info from a URL (`http://user:pass@host` → `http://host`) for messages and logs. */
export function safeOrigin(uri: string): string {
  try {
    const url = new URL(uri)
    return `${url.protocol}//${url.host}`
  } catch {
    return '<invalid tracking URI>'
  }
}

/** Secret redaction is the app-wide one (main/core/redact.ts): secrets, Authorization values, URL credentials. */
export { redactSecrets } from '../../core/redact'

/** Not found, whichever store said so. */
export function isNotFound(error: unknown): boolean {
  return isTrackingError(error, 'MLFLOW_NOT_FOUND') || isTrackingError(error, 'TRACKING_NOT_FOUND')
}

/** Refused input (bad filter, changed param, bad alias), whichever store said so. */
export function isInvalidInput(error: unknown): boolean {
  return isTrackingError(error, 'MLFLOW_INVALID') || isTrackingError(error, 'TRACKING_INVALID')
}
