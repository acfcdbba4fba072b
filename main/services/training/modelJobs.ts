/**
 * The model job kinds a worker runs: `fit` (Dixon-Coles on typed arrays), `backtest` (walk-forward) and
 * `xi` (one grid point of the ξ search). Payloads are typed arrays plus plain options; results are plain
 * data. Pure engine calls: no I/O, so they run the same in a worker, a test or the main thread.
 */
import { fitDixonColes, type FitOptions, type FittedModel, type MatchArrays } from '../../model/dixonColes'
import {
  runXiTask,
  walkForward,
  type WalkForwardOptions,
  type WalkForwardResult,
  type XiTaskResult,
} from '../../model/backtest'
import { unpackMatches, type PackedMatches } from './packedMatches'
import type { JobContext, JobHandlers } from './workerRuntime'

export interface FitJobPayload {
  data: MatchArrays
  options: FitOptions
}
export interface BacktestJobPayload {
  matches: PackedMatches
  options: WalkForwardOptions
}
export interface XiJobPayload {
  matches: PackedMatches
  options: WalkForwardOptions & { xi: number }
}

export function runFitJob(p: FitJobPayload, ctx: JobContext): FittedModel {
  ctx.checkCancelled()
  ctx.progress({ stage: 'fit', fraction: 0, message: `fitting ${p.data.home.length} matches` })
  const model = fitDixonColes(p.data, p.options)
  ctx.progress({
    stage: 'fit',
    fraction: 1,
    message: `${model.iterations} iterations`,
    logLikelihood: model.logLikelihood,
  })
  return model
}

export function runBacktestJob(p: BacktestJobPayload, ctx: JobContext): WalkForwardResult {
  ctx.checkCancelled()
  ctx.progress({ stage: 'backtest', fraction: 0, message: `walk-forward from ${p.options.from}` })
  const matches = unpackMatches(p.matches)
  ctx.checkCancelled()
  const result = walkForward(matches, p.options)
  ctx.progress({ stage: 'backtest', fraction: 1, message: `${result.refits.length} refits` })
  return result
}

export function runXiJob(p: XiJobPayload, ctx: JobContext): XiTaskResult {
  ctx.checkCancelled()
  ctx.progress({ stage: 'xi', fraction: 0, message: `ξ = ${p.options.xi}` })
  const result = runXiTask({ matches: unpackMatches(p.matches), options: p.options })
  ctx.progress({
    stage: 'xi',
    fraction: 1,
    message: `ξ = ${p.options.xi}: RPS ${result.rps?.toFixed(5) ?? '—'}`,
  })
  return result
}

export const modelJobHandlers = {
  fit: runFitJob,
  backtest: runBacktestJob,
  xi: runXiJob,
} satisfies JobHandlers
