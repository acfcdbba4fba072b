/**
 * The worker side of the pool: `serveJobs(handlers)` answers `run` messages with progress, then a result
 * or an error. A handler gets a context with `progress()` and `checkCancelled()` (a cooperative check that
 * throws JOB_CANCELLED once the pool has raised the job's flag); a job that never checks is terminated by
 * the pool after its grace period.
 */
import { readlinkSync } from 'node:fs'
import os from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import { TrainingError } from './errors'
import { toWireError, type FromWorker, type JobProgress, type ToWorker } from './workerProtocol'

export interface JobContext {
  jobId: string
  progress(progress: JobProgress): void
  /** True once the job was cancelled (or timed out). */
  cancelled(): boolean
  /** Throws JOB_CANCELLED when the job was cancelled: call it between steps. */
  checkCancelled(): void
}

export type JobHandler = (payload: never, ctx: JobContext) => unknown | Promise<unknown>
export type JobHandlers = Record<string, JobHandler>

/**
 * Lowers this worker thread's scheduling priority (Linux: setpriority on the thread id, which affects
 * only this thread), so on a machine with few cores the main thread — the UI — wins the CPU whenever it
 * has work. Elsewhere (no /proc/thread-self) it does nothing.
 */
export function lowerThreadPriority(nice: number): boolean {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop())
    if (!Number.isInteger(tid) || tid <= 0) return false
    os.setPriority(tid, nice)
    return true
  } catch {
    return false
  }
}

export function serveJobs(handlers: JobHandlers): void {
  const port = parentPort
  if (!port) throw new Error('serveJobs() must run inside a worker thread')
  const nice = (workerData as { scorelineWorkerNice?: number } | null)?.scorelineWorkerNice
  if (typeof nice === 'number' && nice > 0) lowerThreadPriority(nice)
  const post = (message: FromWorker) => port.postMessage(message)
  port.on('message', async (message: ToWorker) => {
    if (message?.type !== 'run') return
    const { jobId, kind, payload, cancelFlag } = message
    const cancelled = () => Atomics.load(cancelFlag, 0) === 1
    const ctx: JobContext = {
      jobId,
      progress: (progress) => post({ type: 'progress', jobId, progress }),
      cancelled,
      checkCancelled: () => {
        if (cancelled()) throw new TrainingError('JOB_CANCELLED', `Job ${jobId} was cancelled`)
      },
    }
    try {
      const handler = handlers[kind]
      if (!handler) {
        throw new TrainingError('UNKNOWN_JOB_KIND', `This worker has no job kind "${kind}"`, {
          known: Object.keys(handlers),
        })
      }
      const result = await handler(payload as never, ctx)
      post({ type: 'result', jobId, result })
    } catch (error) {
      post({ type: 'error', jobId, error: toWireError(error) })
    }
  })
  post({ type: 'ready' })
}
