/** Typed errors of the training service: a stable `code` and a message the analyst can act on. */
export type TrainingErrorCode =
  | 'JOB_CANCELLED'
  | 'JOB_TIMEOUT'
  | 'JOB_FAILED'
  | 'WORKER_CRASHED'
  | 'POOL_CLOSED'
  | 'UNKNOWN_JOB_KIND'
  | 'UNKNOWN_JOB'
  | 'PIPELINE_BUSY'
  | 'PIPELINE_NO_DATA'
  | 'BAD_SCHEDULE'

export class TrainingError extends Error {
  readonly code: TrainingErrorCode
  readonly details?: Record<string, unknown>
  constructor(code: TrainingErrorCode, message: string, details?: Record<string, unknown>) {
    super(message)
    this.name = 'TrainingError'
    this.code = code
    this.details = details
  }
}

export function isTrainingError(error: unknown, code?: TrainingErrorCode): error is TrainingError {
  return error instanceof TrainingError && (code === undefined || error.code === code)
}
