/**
 * The model job kinds a worker runs: `fit` (Dixon-Coles on typed arrays), `backtest` (walk-forward) and
 * `xi` (one grid point of the ξ search). Payloads are typed arrays plus plain options; results are plain
 * data. Pure engine calls: no I/O, so they run the same in a worker, a test or the main thread.
 */
import {
  DixonColesError,
  fitDixonColes,
  type FitOptions,
  type FittedModel,
  type MatchArrays,
} from '../../model/dixonColes'
import {
  fitExcluding,
  runVariantTask,
  runXiTask,
  walkForward,
  type VariantTask,
  type VariantTaskResult,
  type WalkForwardOptions,
  type WalkForwardResult,
  type XiTaskResult,
} from '../../model/backtest'
import { requireVariant, type VariantFitInfo, type VariantId } from '../../model/variants'
import { unpackMatches, type PackedMatches } from './packedMatches'
import type { JobContext, JobHandlers } from './workerRuntime'

export interface FitJobPayload {
  data: MatchArrays
  options: FitOptions
  /**
   * When the MLE does not exist because of a few teams (never scored or conceded in the window, or cut off
   * from the rest), leave them out and refit — as the walk-forward does before every date. Default false.
   */
  excludeDegenerate?: boolean
}
export interface BacktestJobPayload {
  matches: PackedMatches
  options: WalkForwardOptions
}
export interface XiJobPayload {
  matches: PackedMatches
  options: WalkForwardOptions & { xi: number }
}

export interface VariantJobPayload {
  matches: PackedMatches
  options: VariantTask['options']
}
export interface FitVariantJobPayload {
  matches: PackedMatches
  model: VariantId
  params: Record<string, number>
  /** Window [from, asOf] and time decay, as for the final Dixon-Coles fit. */
  asOf: string
  from: string
  xi: number
}
export interface FitVariantResult {
  model: VariantId
  params: Record<string, number>
  summary: Record<string, unknown>
  info: VariantFitInfo | null
  /** The fit as engine parameters when the variant serves through the engine's formula, else null. */
  engineModel: FittedModel | null
}

/** Matches without any of `teams` (the team list is kept: teams with no match are dropped by the fit). */
export function withoutTeams(data: MatchArrays, teams: ReadonlySet<string>): MatchArrays {
  const ids = new Set<number>()
  data.teams.forEach((t, i) => teams.has(t) && ids.add(i))
  const keep: number[] = []
  for (let i = 0; i < data.home.length; i++)
    if (!ids.has(data.home[i]) && !ids.has(data.away[i])) keep.push(i)
  const pick = <A extends Int32Array | Uint8Array>(a: A, out: A): A => {
    keep.forEach((src, dst) => (out[dst] = a[src]))
    return out
  }
  const n = keep.length
  return {
    teams: data.teams,
    home: pick(data.home, new Int32Array(n)),
    away: pick(data.away, new Int32Array(n)),
    homeGoals: pick(data.homeGoals, new Int32Array(n)),
    awayGoals: pick(data.awayGoals, new Int32Array(n)),
    dayNumber: pick(data.dayNumber, new Int32Array(n)),
    neutral: pick(data.neutral, new Uint8Array(n)),
  }
}

function degenerateTeams(error: DixonColesError): string[] {
  const d = error.details as { neverScored?: string[]; neverConceded?: string[]; components?: string[][] }
  const out = [...(d.neverScored ?? []), ...(d.neverConceded ?? [])]
  if (d.components && d.components.length > 1) {
    const sorted = [...d.components].sort((a, b) => b.length - a.length)
    for (const c of sorted.slice(1)) out.push(...c)
  }
  return out
}

/** `fitDixonColes`, leaving out the teams that make the MLE non-existent (recorded in `warnings`). */
export function fitExcludingDegenerate(data: MatchArrays, options: FitOptions): FittedModel {
  const excluded = new Set<string>()
  let current = data
  for (let attempt = 0; ; attempt++) {
    try {
      const model = fitDixonColes(current, options)
      if (excluded.size) {
        model.warnings.push(`Left out so that a finite fit exists: ${[...excluded].join(', ')}`)
      }
      return model
    } catch (error) {
      if (!(error instanceof DixonColesError) || error.code !== 'MODEL_DEGENERATE' || attempt >= 3)
        throw error
      const more = degenerateTeams(error).filter((t) => !excluded.has(t))
      if (more.length === 0) throw error
      for (const t of more) excluded.add(t)
      current = withoutTeams(data, excluded)
    }
  }
}

export function runFitJob(p: FitJobPayload, ctx: JobContext): FittedModel {
  ctx.checkCancelled()
  ctx.progress({ stage: 'fit', fraction: 0, message: `fitting ${p.data.home.length} matches` })
  const model = p.excludeDegenerate
    ? fitExcludingDegenerate(p.data, p.options)
    : fitDixonColes(p.data, p.options)
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

/** One candidate of `--model auto` (see `selectVariant`). */
export function runVariantJob(p: VariantJobPayload, ctx: JobContext): VariantTaskResult {
  ctx.checkCancelled()
  ctx.progress({
    stage: 'model',
    fraction: 0,
    message: `${p.options.model} over ${p.options.from} .. ${p.options.to}`,
  })
  const result = runVariantTask({ matches: unpackMatches(p.matches), options: p.options })
  ctx.progress({ stage: 'model', fraction: 1, message: `${p.options.model} done` })
  return result
}

/** A goal-model variant fitted on the window [from, asOf]; its plain-JSON summary for the model artifact. */
export function runFitVariantJob(p: FitVariantJobPayload, ctx: JobContext): FitVariantResult {
  ctx.checkCancelled()
  const variant = requireVariant(p.model)
  const all = unpackMatches(p.matches)
  const history = all.filter((m) => m.date >= p.from && m.date <= p.asOf)
  const teams: string[] = []
  const seen = new Set<string>()
  for (const m of all) {
    if (m.date > p.asOf) break
    for (const t of [m.home, m.away]) {
      if (!seen.has(t)) {
        seen.add(t)
        teams.push(t)
      }
    }
  }
  ctx.progress({ stage: 'fit', fraction: 0, message: `fitting ${p.model} on ${history.length} matches` })
  const { fit, info } = fitExcluding(variant, history, {
    asOf: p.asOf,
    from: p.from,
    xi: p.xi,
    params: p.params,
    teams,
  })
  ctx.progress({ stage: 'fit', fraction: 1, message: `${p.model} fitted` })
  return {
    model: p.model,
    params: p.params,
    summary: JSON.parse(JSON.stringify(variant.summary(fit))) as Record<string, unknown>,
    info,
    engineModel: variant.asEngineModel?.(fit, history) ?? null,
  }
}

export const modelJobHandlers = {
  fit: runFitJob,
  backtest: runBacktestJob,
  xi: runXiJob,
  variant: runVariantJob,
  fitVariant: runFitVariantJob,
} satisfies JobHandlers
