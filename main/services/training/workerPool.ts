/**
 * A pool of `worker_threads` workers that run model jobs off the main thread.
 *
 * - Jobs have an id, a state (queued → running → succeeded | failed | cancelled), progress events and a
 *   result. The pool runs at most `size` jobs at once (default: CPU cores − 1, at least 1).
 * - Cancel: a queued job is dropped at once; a running job's shared cancel flag is raised (the job checks it
 *   between steps) and, if it has not stopped after `cancelGraceMs` (default 250 ms), its worker is
 *   terminated and replaced. Either way the job is `cancelled` well within a second.
 * - Timeout per job (`timeoutMs`, or the pool's `defaultTimeoutMs`): the same mechanism, the job `failed`
 *   with JOB_TIMEOUT.
 * - A worker that throws outside a job, calls `process.exit`, or runs out of memory (`resourceLimits`)
 *   fails its job with WORKER_CRASHED and the reason; the pool starts a replacement and carries on.
 *
 * The worker file is injectable (`workerUrl`): under Node, tsx and vitest pass the TypeScript source
 * (`new URL('./modelWorker.ts', import.meta.url)`); a `.ts` entry is started through
 * `tsWorkerBootstrap.mjs`, which registers tsx inside the worker (Node 20 does not apply
 * `execArgv: ['--import', 'tsx']` to worker threads). The Electron build passes the bundled JavaScript
 * entry from electron-vite's `?modulePath` import, started directly.
 */
import os from 'node:os'
import { pathToFileURL } from 'node:url'
import { Worker, type ResourceLimits, type Transferable } from 'node:worker_threads'
import { TrainingError, type TrainingErrorCode } from './errors'
import type { FromWorker, JobProgress, ToWorker, WireError } from './workerProtocol'

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'

export interface JobInfo {
  id: string
  kind: string
  label: string | null
  state: JobState
  progress: JobProgress | null
  /** Epoch milliseconds. */
  submittedAt: number
  startedAt: number | null
  endedAt: number | null
  error: WireError | null
  workerId: number | null
}

export interface SubmitOptions {
  /** Fail the job with JOB_TIMEOUT after this many ms of running (0: no timeout). */
  timeoutMs?: number
  /** Buffers to move (not copy) into the worker; they are unusable here afterwards. */
  transfer?: readonly Transferable[]
  onProgress?: (progress: JobProgress, job: JobInfo) => void
  /** Cancels the job when aborted. */
  signal?: AbortSignal
  /** A human label for status screens, e.g. `E0 ξ=0.0019`. */
  label?: string
}

export interface JobHandle<R = unknown> {
  readonly id: string
  /** Resolves with the job's result; rejects with a TrainingError (JOB_CANCELLED, JOB_TIMEOUT, ...). */
  readonly result: Promise<R>
  /** Returns false when the job had already finished. */
  cancel(): boolean
}

export type PoolEvent =
  | { type: 'job'; job: JobInfo }
  | { type: 'progress'; job: JobInfo }
  | { type: 'worker'; workerId: number; event: 'started' | 'crashed' | 'terminated'; reason?: string }

export interface WorkerPoolOptions {
  /** The worker entry: a file URL or absolute path. `.ts` entries are started through tsx (see above). */
  workerUrl: URL | string
  /** Parallel workers. Default: CPU cores − 1, at least 1. */
  size?: number
  /** Node flags for the workers. Default none. */
  execArgv?: string[]
  /** Timeout for jobs submitted without one (ms, 0 = none). Default 0. */
  defaultTimeoutMs?: number
  /** How long a cancelled job may take to notice its flag before its worker is terminated. Default 250 ms. */
  cancelGraceMs?: number
  /** Heap limits per worker: a job that exceeds them fails with WORKER_CRASHED (out of memory). */
  resourceLimits?: ResourceLimits
  /**
   * Scheduling niceness of the worker threads (0–19; Linux only, elsewhere ignored). Default 10: model
   * work yields the CPU to the main thread, which keeps the UI responsive on a 2-core machine.
   */
  workerNice?: number
  /** Finished jobs kept for `job()` / `jobs()`. Default 200. */
  keepFinished?: number
  now?: () => number
}

export interface WorkerPool {
  readonly size: number
  submit<R = unknown>(kind: string, payload: unknown, options?: SubmitOptions): JobHandle<R>
  cancel(jobId: string): boolean
  job(jobId: string): JobInfo | undefined
  /** Queued and running jobs first (in submission order), then recently finished ones. */
  jobs(): JobInfo[]
  /** Workers currently alive (started lazily, replaced after a crash). */
  liveWorkers(): number
  on(listener: (event: PoolEvent) => void): () => void
  /** Cancels everything and stops the workers. */
  close(): Promise<void>
}

/** CPU cores − 1, at least 1: leaves a core for the main thread (the UI). */
export function defaultPoolSize(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length
  return Math.max(1, cores - 1)
}

/** Registers tsx in the worker, then imports the TypeScript entry (see the file's comment). */
const TS_BOOTSTRAP = './tsWorkerBootstrap.mjs'

interface Job {
  info: JobInfo
  payload: unknown
  transfer: readonly Transferable[]
  timeoutMs: number
  onProgress?: SubmitOptions['onProgress']
  resolve: (value: unknown) => void
  reject: (error: TrainingError) => void
  /** Set when cancel/timeout was requested while running: how the job must end. */
  stopping: { code: 'JOB_CANCELLED' | 'JOB_TIMEOUT'; message: string } | null
  timers: NodeJS.Timeout[]
  detachSignal?: () => void
}

interface Slot {
  id: number
  worker: Worker
  cancelFlag: Int32Array
  job: Job | null
  /** The pool terminated this worker on purpose: its exit is not a crash. */
  retiring: boolean
  crashReason: string | null
  exited: Promise<void>
}

export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const size = options.size ?? defaultPoolSize()
  if (!(Number.isInteger(size) && size >= 1)) {
    throw new RangeError(`Worker pool size must be a whole number ≥ 1, got ${size}`)
  }
  const entry =
    options.workerUrl instanceof URL ? options.workerUrl : pathToFileURL(String(options.workerUrl))
  const viaTsx = /\.[cm]?ts$/.test(entry.pathname)
  const workerUrl = viaTsx ? new URL(TS_BOOTSTRAP, import.meta.url) : entry
  const workerData = {
    scorelineWorkerNice: options.workerNice ?? 10,
    ...(viaTsx ? { scorelineWorkerEntry: entry.href } : {}),
  }
  const execArgv = options.execArgv ?? []
  const cancelGraceMs = options.cancelGraceMs ?? 250
  const keepFinished = options.keepFinished ?? 200
  const now = options.now ?? Date.now

  const queue: Job[] = []
  const active = new Map<string, Job>()
  const finished = new Map<string, JobInfo>()
  const slots = new Set<Slot>()
  const listeners = new Set<(event: PoolEvent) => void>()
  let nextJob = 1
  let nextWorker = 1
  let closed = false

  const emit = (event: PoolEvent) => {
    for (const l of listeners) {
      try {
        l(event)
      } catch {
        // a broken listener must not break the pool
      }
    }
  }
  const snapshot = (job: Job): JobInfo => ({
    ...job.info,
    progress: job.info.progress && { ...job.info.progress },
  })

  function spawn(): Slot {
    const worker = new Worker(workerUrl, { execArgv, workerData, resourceLimits: options.resourceLimits })
    const slot: Slot = {
      id: nextWorker++,
      worker,
      cancelFlag: new Int32Array(new SharedArrayBuffer(4)),
      job: null,
      retiring: false,
      crashReason: null,
      exited: new Promise((resolve) => worker.once('exit', () => resolve())),
    }
    worker.unref() // an idle pool never keeps the process alive
    worker.on('message', (message: FromWorker) => onMessage(slot, message))
    worker.on('error', (error: Error & { code?: string }) => {
      slot.crashReason =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `the worker ran out of memory (${error.message})`
          : `the worker threw outside the job: ${error.message}`
    })
    worker.on('exit', (code) => onExit(slot, code))
    slots.add(slot)
    emit({ type: 'worker', workerId: slot.id, event: 'started' })
    return slot
  }

  function onMessage(slot: Slot, message: FromWorker) {
    const job = slot.job
    if (!job || slot.retiring || message.type === 'ready') return
    if (message.jobId !== job.info.id) return
    if (message.type === 'progress') {
      job.info.progress = message.progress
      const info = snapshot(job)
      job.onProgress?.(message.progress, info)
      emit({ type: 'progress', job: info })
    } else if (message.type === 'result') {
      release(slot)
      if (job.stopping) finish(job, stoppedState(job), errorOf(job.stopping.code, job.stopping.message))
      else finish(job, 'succeeded', null, message.result)
    } else if (message.type === 'error') {
      release(slot)
      if (job.stopping) finish(job, stoppedState(job), errorOf(job.stopping.code, job.stopping.message))
      else finish(job, 'failed', message.error)
    }
  }

  function onExit(slot: Slot, code: number) {
    slots.delete(slot)
    const job = slot.job
    slot.job = null
    if (slot.retiring) {
      emit({ type: 'worker', workerId: slot.id, event: 'terminated' })
    } else {
      const reason = slot.crashReason ?? `the worker exited with code ${code}`
      emit({ type: 'worker', workerId: slot.id, event: 'crashed', reason })
      if (job) {
        if (job.stopping) finish(job, stoppedState(job), errorOf(job.stopping.code, job.stopping.message))
        else
          finish(
            job,
            'failed',
            errorOf('WORKER_CRASHED', `Job ${job.info.id} (${job.info.kind}) failed: ${reason}`),
          )
      }
    }
    pump()
  }

  const stoppedState = (job: Job): JobState => (job.stopping?.code === 'JOB_TIMEOUT' ? 'failed' : 'cancelled')
  const errorOf = (code: TrainingErrorCode, message: string): WireError => ({ code, message })

  /** The slot's job is over: the worker is free again. */
  function release(slot: Slot) {
    slot.job = null
    slot.worker.unref()
  }

  function finish(job: Job, state: JobState, error: WireError | null, result?: unknown) {
    if (job.info.endedAt !== null) return
    for (const t of job.timers) clearTimeout(t)
    job.detachSignal?.()
    job.info.state = state
    job.info.endedAt = now()
    job.info.error = error
    active.delete(job.info.id)
    const qi = queue.indexOf(job)
    if (qi >= 0) queue.splice(qi, 1)
    finished.set(job.info.id, job.info)
    if (finished.size > keepFinished) finished.delete(finished.keys().next().value as string)
    emit({ type: 'job', job: snapshot(job) })
    if (state === 'succeeded') job.resolve(result)
    else {
      const e = error ?? errorOf('JOB_FAILED', 'failed')
      const code = (e.code as TrainingErrorCode) ?? 'JOB_FAILED'
      job.reject(
        new TrainingError(code, e.message, e.details === undefined ? undefined : { cause: e.details }),
      )
    }
    pump()
  }

  /** Terminates a worker on purpose (cancel / timeout past the grace period, or close). */
  function retire(slot: Slot) {
    if (slot.retiring) return
    slot.retiring = true
    const job = slot.job
    slot.job = null
    slots.delete(slot)
    void slot.worker.terminate()
    if (job?.stopping) finish(job, stoppedState(job), errorOf(job.stopping.code, job.stopping.message))
    pump()
  }

  function pump() {
    if (closed) return
    while (queue.length > 0) {
      let slot = [...slots].find((s) => s.job === null && !s.retiring)
      if (!slot) {
        if (slots.size >= size) return
        slot = spawn()
      }
      start(slot, queue.shift() as Job)
    }
  }

  function start(slot: Slot, job: Job) {
    slot.job = job
    Atomics.store(slot.cancelFlag, 0, 0)
    job.info.state = 'running'
    job.info.startedAt = now()
    job.info.workerId = slot.id
    slot.worker.ref()
    if (job.timeoutMs > 0) {
      job.timers.push(
        setTimeout(
          () =>
            stop(
              job,
              'JOB_TIMEOUT',
              `Job ${job.info.id} (${job.info.kind}) timed out after ${job.timeoutMs} ms`,
            ),
          job.timeoutMs,
        ),
      )
    }
    emit({ type: 'job', job: snapshot(job) })
    const message: ToWorker = {
      type: 'run',
      jobId: job.info.id,
      kind: job.info.kind,
      payload: job.payload,
      cancelFlag: slot.cancelFlag,
    }
    job.payload = null // the worker has it; do not keep a second copy alive here
    try {
      slot.worker.postMessage(message, job.transfer as Transferable[])
    } catch (error) {
      // e.g. a payload holding functions or class instances that cannot be cloned
      release(slot)
      finish(
        job,
        'failed',
        errorOf(
          'JOB_FAILED',
          `Job ${job.info.id} (${job.info.kind}) could not be sent to a worker: ${(error as Error).message}`,
        ),
      )
    }
  }

  /** Cancel or time out a job, whatever its state. */
  function stop(job: Job, code: 'JOB_CANCELLED' | 'JOB_TIMEOUT', message: string): boolean {
    if (job.info.endedAt !== null) return false
    if (job.info.state === 'queued') {
      finish(job, code === 'JOB_TIMEOUT' ? 'failed' : 'cancelled', errorOf(code, message))
      return true
    }
    if (job.stopping) return true
    job.stopping = { code, message }
    const slot = [...slots].find((s) => s.job === job)
    if (!slot) return true
    Atomics.store(slot.cancelFlag, 0, 1)
    job.timers.push(
      setTimeout(() => {
        if (slot.job === job) retire(slot)
      }, cancelGraceMs),
    )
    return true
  }

  return {
    size,
    submit<R>(kind: string, payload: unknown, opts: SubmitOptions = {}): JobHandle<R> {
      const id = `job-${nextJob++}`
      let resolve!: (value: unknown) => void
      let reject!: (error: TrainingError) => void
      const result = new Promise<R>((res, rej) => {
        resolve = res as (value: unknown) => void
        reject = rej
      })
      result.catch(() => {}) // a caller that never awaits a cancelled job must not crash the process
      const job: Job = {
        info: {
          id,
          kind,
          label: opts.label ?? null,
          state: 'queued',
          progress: null,
          submittedAt: now(),
          startedAt: null,
          endedAt: null,
          error: null,
          workerId: null,
        },
        payload,
        transfer: opts.transfer ?? [],
        timeoutMs: opts.timeoutMs ?? options.defaultTimeoutMs ?? 0,
        onProgress: opts.onProgress,
        resolve,
        reject,
        stopping: null,
        timers: [],
      }
      const handle: JobHandle<R> = {
        id,
        result,
        cancel: () => stop(job, 'JOB_CANCELLED', `Job ${id} was cancelled`),
      }
      if (closed) {
        finish(job, 'cancelled', errorOf('POOL_CLOSED', 'The worker pool is closed'))
        return handle
      }
      active.set(id, job)
      queue.push(job)
      emit({ type: 'job', job: snapshot(job) })
      if (opts.signal) {
        const signal = opts.signal
        const onAbort = () => handle.cancel()
        if (signal.aborted) onAbort()
        else {
          signal.addEventListener('abort', onAbort, { once: true })
          job.detachSignal = () => signal.removeEventListener('abort', onAbort)
        }
      }
      pump()
      return handle
    },
    cancel(jobId) {
      const job = active.get(jobId)
      return job ? stop(job, 'JOB_CANCELLED', `Job ${jobId} was cancelled`) : false
    },
    job(jobId) {
      const job = active.get(jobId)
      return job ? snapshot(job) : finished.get(jobId)
    },
    jobs() {
      return [...[...active.values()].map(snapshot), ...[...finished.values()].reverse()]
    },
    liveWorkers: () => slots.size,
    on(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async close() {
      closed = true
      for (const job of [...queue])
        finish(job, 'cancelled', errorOf('POOL_CLOSED', 'The worker pool was closed'))
      const all = [...slots]
      for (const slot of all) {
        if (slot.job) slot.job.stopping = { code: 'JOB_CANCELLED', message: 'The worker pool was closed' }
        retire(slot)
      }
      await Promise.all(all.map((s) => s.exited))
    },
  }
}
