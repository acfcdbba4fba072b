/**
 * Typed helpers that run the model job kinds on a pool: `fitInPool`, `backtestInPool`, and `poolXiMap`,
 * the `map` that `selectXi` takes to fan its grid out across the workers. Matches are packed into typed
 * arrays once and the same buffers are cloned to each job (a memcpy per buffer, no object graph).
 */
import type { FitOptions, FittedModel, MatchArrays } from '../../model/dixonColes'
import type {
  BacktestMatch,
  WalkForwardOptions,
  WalkForwardResult,
  XiMap,
  XiTask,
  XiTaskResult,
} from '../../model/backtest'
import { packMatches, type PackedMatches } from './packedMatches'
import type { VariantMap, VariantTask, VariantTaskResult } from '../../model/backtest'
import type {
  FitJobPayload,
  BacktestJobPayload,
  XiJobPayload,
  VariantJobPayload,
  FitVariantJobPayload,
  FitVariantResult,
} from './modelJobs'
import type { JobHandle, SubmitOptions, WorkerPool } from './workerPool'
import type { JobProgress } from './workerProtocol'

export type JobOptions = Pick<SubmitOptions, 'signal' | 'timeoutMs' | 'onProgress' | 'label'>

export function fitInPool(
  pool: WorkerPool,
  data: MatchArrays,
  options: FitOptions,
  job: JobOptions & { excludeDegenerate?: boolean } = {},
): Promise<FittedModel> {
  const { excludeDegenerate, ...submit } = job
  const payload: FitJobPayload = { data, options, excludeDegenerate }
  return pool.submit<FittedModel>('fit', payload, submit).result
}

export function backtestInPool(
  pool: WorkerPool,
  matches: readonly BacktestMatch[] | PackedMatches,
  options: WalkForwardOptions,
  job: JobOptions = {},
): Promise<WalkForwardResult> {
  const packed =
    'odds' in matches && matches.odds instanceof Float64Array
      ? matches
      : packMatches(matches as BacktestMatch[])
  const payload: BacktestJobPayload = { matches: packed as PackedMatches, options }
  return pool.submit<WalkForwardResult>('backtest', payload, job).result
}

export interface PoolXiMapOptions {
  signal?: AbortSignal
  /** Per grid point. */
  timeoutMs?: number
  /** Grid points done so far, after each one finishes. */
  onProgress?: (done: number, total: number, last: XiTaskResult) => void
  /** Progress inside a grid point's job. */
  onJobProgress?: (progress: JobProgress, xi: number) => void
  label?: string
}

/**
 * A `selectXi` map that runs each grid point as an `xi` job on the pool, as many at once as the pool has
 * workers. Results come back in task order; the first failure cancels the remaining points and rejects.
 */
export function poolXiMap(pool: WorkerPool, options: PoolXiMapOptions = {}): XiMap {
  return (tasks: XiTask[]) =>
    submitAll(
      tasks,
      (task, matches) => {
        const payload: XiJobPayload = { matches, options: task.options }
        return pool.submit<XiTaskResult>('xi', payload, {
          signal: options.signal,
          timeoutMs: options.timeoutMs,
          label: `${options.label ? `${options.label} ` : ''}ξ=${task.options.xi}`,
          onProgress: options.onJobProgress && ((p) => options.onJobProgress?.(p, task.options.xi)),
        })
      },
      options.onProgress,
    )
}

/** Fits a goal-model variant on the window in a worker and returns its summary (the model artifact's `variant`). */
export function fitVariantInPool(
  pool: WorkerPool,
  payload: FitVariantJobPayload,
  job: JobOptions = {},
): Promise<FitVariantResult> {
  return pool.submit<FitVariantResult>('fitVariant', payload, job).result
}

/** A `selectVariant` map running each candidate as a `variant` job on the pool; the first failure cancels the rest. */
export function poolVariantMap(
  pool: WorkerPool,
  options: Omit<PoolXiMapOptions, 'onProgress' | 'onJobProgress'> & {
    onProgress?: (done: number, total: number, last: VariantTaskResult) => void
  } = {},
): VariantMap {
  return (tasks: VariantTask[]) =>
    submitAll(
      tasks,
      (task, matches) => {
        const payload: VariantJobPayload = { matches, options: task.options }
        return pool.submit<VariantTaskResult>('variant', payload, {
          signal: options.signal,
          timeoutMs: options.timeoutMs,
          label: `${options.label ? `${options.label} ` : ''}${task.options.model}${Object.keys(task.options.params).length ? JSON.stringify(task.options.params) : ''}`,
        })
      },
      options.onProgress,
    )
}

/**
 * Submits one job per task, packing each distinct matches array once (tasks sharing an array share its
 * buffers), and resolves with the results in task order; the first failure cancels the remaining jobs.
 */
async function submitAll<T extends { matches: readonly BacktestMatch[] }, R>(
  tasks: readonly T[],
  submit: (task: T, matches: PackedMatches) => JobHandle<R>,
  onProgress?: (done: number, total: number, last: R) => void,
): Promise<R[]> {
  const packedFor = new Map<readonly BacktestMatch[], PackedMatches>()
  const pack = (m: readonly BacktestMatch[]) => {
    let p = packedFor.get(m)
    if (!p) packedFor.set(m, (p = packMatches(m)))
    return p
  }
  let done = 0
  const handles = tasks.map((task) => submit(task, pack(task.matches)))
  try {
    return await Promise.all(
      handles.map((h) =>
        h.result.then((r) => {
          onProgress?.(++done, tasks.length, r)
          return r
        }),
      ),
    )
  } catch (error) {
    for (const h of handles) h.cancel()
    throw error
  }
}
