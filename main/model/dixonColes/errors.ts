/** Stable codes for everything the Dixon-Coles engine can refuse to do. */
export type DixonColesErrorCode =
  | 'MODEL_BAD_INPUT' // malformed match list (bad date, a team playing itself, negative goals, ...)
  | 'MODEL_NO_DATA' // no match inside the [from, asOf] window
  | 'MODEL_DEGENERATE' // the maximum-likelihood estimate does not exist or is not identifiable
  | 'UNKNOWN_TEAM' // a prediction was asked for a team the model has no rating for

/** Typed error with a stable `code` and structured `details` (crosses IPC unchanged). */
export class DixonColesError extends Error {
  readonly code: DixonColesErrorCode
  readonly details: Record<string, unknown>

  constructor(code: DixonColesErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message)
    this.name = 'DixonColesError'
    this.code = code
    this.details = details
  }
}
