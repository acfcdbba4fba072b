/**
 * ξ (time-decay) selection: the ξ on a grid whose walk-forward backtest has the lowest mean RPS of the
 * model's forecasts. Each grid point is an independent task made of plain data (matches + options), so a
 * caller can fan the tasks out to worker threads by passing its own `map` (each worker runs `runXiTask`);
 * the default runs them one after another in this thread.
 */
import { DixonColesError } from '../dixonColes'
import { walkForward, type BacktestMatch, type WalkForwardOptions } from './walkForward'

/** A ξ grid around Dixon & Coles' half-week value 0.0019 per day, from no decay to a ~100-day half-life. */
export const DEFAULT_XI_GRID: readonly number[] = [
  0, 0.0005, 0.001, 0.0015, 0.0019, 0.0025, 0.003, 0.004, 0.005, 0.007,
]

/** One grid point: structured-clone-safe, so it can be posted to a worker as is. */
export interface XiTask {
  matches: readonly BacktestMatch[]
  options: WalkForwardOptions & { xi: number }
}

export interface XiTaskResult {
  xi: number
  /** Mean RPS of the model's walk-forward forecasts (null when it predicted nothing). */
  rps: number | null
  log_loss: number | null
  /** Matches the model predicted. */
  n: number
}

/** Runs tasks and returns their results in the same order. */
export type XiMap = (tasks: XiTask[]) => Promise<XiTaskResult[]>

/** The work of one grid point (what a worker runs). Model forecasts only: blending does not depend on ξ's choice. */
export function runXiTask(task: XiTask): XiTaskResult {
  const r = walkForward(task.matches, { ...task.options, modelOnly: true })
  const m = r.metrics.model
  return { xi: task.options.xi, rps: m?.rps ?? null, log_loss: m?.log_loss ?? null, n: m?.n ?? 0 }
}

export const sequentialXiMap: XiMap = async (tasks) => tasks.map(runXiTask)

export interface XiSelection {
  xi: number
  rps: number
  /** Every grid point, in grid order. */
  grid: XiTaskResult[]
}

/**
 * The grid's ξ with the lowest walk-forward RPS (ties: the smaller ξ). `options.xi` is ignored.
 * Throws MODEL_BAD_INPUT for an empty or invalid grid, MODEL_NO_DATA when no grid point predicted anything.
 */
export async function selectXi(
  matches: readonly BacktestMatch[],
  options: WalkForwardOptions,
  grid: readonly number[] = DEFAULT_XI_GRID,
  map: XiMap = sequentialXiMap,
): Promise<XiSelection> {
  if (grid.length === 0 || grid.some((x) => !(x >= 0 && Number.isFinite(x)))) {
    throw new DixonColesError(
      'MODEL_BAD_INPUT',
      `The xi grid must be non-empty finite numbers ≥ 0, got [${grid.join(', ')}]`,
    )
  }
  const { modelOnly: _modelOnly, ...rest } = options
  const tasks: XiTask[] = grid.map((xi) => ({ matches, options: { ...rest, xi } }))
  const results = await map(tasks)
  if (results.length !== tasks.length) {
    throw new DixonColesError(
      'MODEL_BAD_INPUT',
      `xi map returned ${results.length} results for ${tasks.length} tasks`,
    )
  }
  let best: XiTaskResult | null = null
  for (const r of results) {
    if (r.rps === null) continue
    if (!best || r.rps < (best.rps as number) || (r.rps === best.rps && r.xi < best.xi)) best = r
  }
  if (!best || best.rps === null) {
    throw new DixonColesError('MODEL_NO_DATA', 'No xi on the grid produced a single forecast to score.')
  }
  return { xi: best.xi, rps: best.rps, grid: results }
}
