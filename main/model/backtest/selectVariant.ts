/**
 * `--model auto`: the goal-model variant (and hyper-parameters) with the lowest model-alone walk-forward
 * RPS over a selection period STRICTLY BEFORE the evaluation window (default: the year before it), scored
 * on the matches every candidate forecast. Nothing on or after the window's first date can change the
 * choice (the walk-forward of the selection period only ever reads matches before each forecast date, and
 * its last date is the day before the window).
 *
 * Each candidate is an independent task of plain data, so a caller can fan them out to worker threads
 * (`map`), as for the ξ search.
 */
import { DixonColesError, dateOfDayNumber, dayNumberOf } from '../dixonColes'
import { rps } from '../metrics'
import { availableVariants, requireVariant, type VariantId } from '../variants'
import { walkForward, yearsBefore, type BacktestMatch, type WalkForwardOptions } from './walkForward'

export interface VariantCandidate {
  model: VariantId
  params: Record<string, number>
}

/** Every variant with each point of its hyper-parameter grid (its defaults when it has none). */
export function variantCandidates(ids: readonly VariantId[] = availableVariants()): VariantCandidate[] {
  const out: VariantCandidate[] = []
  for (const id of ids) {
    const grid = requireVariant(id).hyperGrid
    if (grid && grid.length) for (const params of grid) out.push({ model: id, params: { ...params } })
    else out.push({ model: id, params: {} })
  }
  return out
}

/** The year before `from`: [from − 1 year, from − 1 day]. */
export function selectionPeriodBefore(from: string): { from: string; to: string } {
  return { from: yearsBefore(from, 1), to: dateOfDayNumber(dayNumberOf(from) - 1) }
}

/** One candidate over the selection period (structured-clone safe, for a worker). */
export interface VariantTask {
  matches: readonly BacktestMatch[]
  options: WalkForwardOptions & { model: VariantId; params: Record<string, number> }
}

export interface VariantTaskResult {
  model: VariantId
  params: Record<string, number>
  /** RPS of each forecast row of the period (the walk-forward's row order), null where it had none. */
  perMatch: (number | null)[]
  error: string | null
}

export function runVariantTask(task: VariantTask): VariantTaskResult {
  const { model, params } = task.options
  try {
    const r = walkForward(task.matches, { ...task.options, modelOnly: true })
    return {
      model,
      params,
      perMatch: r.rows.map((x) => (x.model ? rps(x.model, x.result) : null)),
      error: null,
    }
  } catch (error) {
    if (!(error instanceof DixonColesError)) throw error
    return { model, params, perMatch: [], error: error.message }
  }
}

export type VariantMap = (tasks: VariantTask[]) => Promise<VariantTaskResult[]>
export const sequentialVariantMap: VariantMap = async (tasks) => tasks.map(runVariantTask)

export interface VariantSelection {
  model: VariantId
  params: Record<string, number>
  /** Mean RPS of the chosen candidate on the common matches. */
  rps: number
  period: { from: string; to: string }
  /** Matches every candidate forecast (the ones scored). */
  n: number
  candidates: { model: VariantId; params: Record<string, number>; rps: number | null; error: string | null }[]
}

/**
 * The candidate with the lowest mean RPS on the matches every (working) candidate forecast over `period`
 * (ties: the earlier candidate, so Dixon-Coles wins a tie). `options.from`/`to` are replaced by `period`.
 * Throws MODEL_BAD_INPUT when the period reaches `notBefore`, MODEL_NO_DATA when nothing could be scored.
 */
export async function selectVariant(
  matches: readonly BacktestMatch[],
  options: Omit<WalkForwardOptions, 'from' | 'to' | 'model' | 'params'>,
  period: { from: string; to: string },
  candidates: readonly VariantCandidate[] = variantCandidates(),
  map: VariantMap = sequentialVariantMap,
  notBefore?: string,
): Promise<VariantSelection> {
  if (candidates.length === 0)
    throw new DixonColesError('MODEL_BAD_INPUT', 'No candidate variant to choose from.')
  if (notBefore !== undefined && period.to >= notBefore) {
    throw new DixonColesError(
      'MODEL_BAD_INPUT',
      `The selection period must end before the evaluation window (${period.to} ≥ ${notBefore}): choosing on it would look ahead.`,
    )
  }
  const { modelOnly: _m, ...rest } = options as WalkForwardOptions
  const tasks: VariantTask[] = candidates.map((c) => ({
    matches,
    options: { ...rest, ...period, model: c.model, params: c.params },
  }))
  const results = await map(tasks)
  const working = results.filter((r) => r.error === null && r.perMatch.some((x) => x !== null))
  const n = working.length ? Math.max(...working.map((r) => r.perMatch.length)) : 0
  const common: number[] = []
  for (let i = 0; i < n; i++)
    if (working.every((r) => r.perMatch[i] !== null && r.perMatch[i] !== undefined)) common.push(i)
  if (common.length === 0) {
    throw new DixonColesError(
      'MODEL_NO_DATA',
      `No match in ${period.from} .. ${period.to} was forecast by every candidate variant: add earlier seasons.`,
      { period },
    )
  }
  const scored = results.map((r) => {
    const ok = working.includes(r)
    const mean = ok ? common.reduce((s, i) => s + (r.perMatch[i] as number), 0) / common.length : null
    return {
      model: r.model,
      params: r.params,
      rps: mean,
      error: r.error ?? (ok ? null : 'no forecast in the period'),
    }
  })
  let best = -1
  scored.forEach((c, i) => {
    if (c.rps !== null && (best < 0 || c.rps < (scored[best].rps as number))) best = i
  })
  return {
    model: scored[best].model,
    params: scored[best].params,
    rps: scored[best].rps as number,
    period,
    n: common.length,
    candidates: scored,
  }
}
