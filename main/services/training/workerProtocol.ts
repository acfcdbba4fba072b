/**
 * Messages between the pool (main thread) and a worker. Everything here is structured-clone data; the
 * cancel flag is a SharedArrayBuffer the main thread writes and the job reads between its steps, because
 * a worker busy in a synchronous fit never sees a posted message until it returns.
 */

/** Progress of one job: which stage, how far (0..1), a message, and the log-likelihood during fits. */
export interface JobProgress {
  stage: string
  fraction: number
  message?: string
  logLikelihood?: number
}

/** A job failure as it crosses the thread boundary (an Error's prototype does not survive cloning). */
export interface WireError {
  code: string
  message: string
  details?: unknown
}

export type ToWorker = {
  type: 'run'
  jobId: string
  kind: string
  payload: unknown
  /** Int32Array over a SharedArrayBuffer: [0] = 1 once the job is cancelled. */
  cancelFlag: Int32Array
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; jobId: string; progress: JobProgress }
  | { type: 'result'; jobId: string; result: unknown }
  | { type: 'error'; jobId: string; error: WireError }

export function toWireError(error: unknown): WireError {
  if (error && typeof error === 'object') {
    const e = error as { code?: unknown; message?: unknown; details?: unknown }
    const code = typeof e.code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(e.code) ? e.code : 'JOB_FAILED'
    const message = typeof e.message === 'string' ? e.message : String(error)
    let details: unknown
    try {
      details = e.details === undefined ? undefined : JSON.parse(JSON.stringify(e.details))
    } catch {
      details = undefined
    }
    return details === undefined ? { code, message } : { code, message, details }
  }
  return { code: 'JOB_FAILED', message: String(error) }
}
