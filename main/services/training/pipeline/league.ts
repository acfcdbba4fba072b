/** One league's run: load → model → ξ → walk-forward and fit → track and register → promote. */
import { evaluateAndFit } from './evaluate'
import { promoteStep } from './promote'
import { checkAborted, emptyOutcome } from './records'
import { chooseVariant, chooseXi, loadStep } from './select'
import { leagueStep } from './step'
import { trackStep } from './track'
import {
  modelNameOf,
  type LeagueOutcome,
  type PipelineDeps,
  type PipelineSettings,
  type PipelineTrigger,
} from './types'
import { metricsFromRun, RUN_TAGS, unchangedVersion } from './unchanged'

/**
 * How one league's run overlaps the others' (#23; run.ts): the next league starts once this one's variant is
 * chosen, so its model choice keeps the workers busy while this one searches ξ and walks forward (a step with
 * fewer jobs than workers); writes to the tracking store (track, register, promote) still follow the order
 * of the leagues.
 */
export interface LeagueTurn {
  /** Called once the variant is chosen, or the run ended before (idempotent). */
  chosen(): void
  /** Resolves when the league before this one has ended (its tracking and promotion done). */
  previousEnded: Promise<void>
}

const SOLO: LeagueTurn = { chosen: () => {}, previousEnded: Promise.resolve() }

export async function runLeague(
  league: string,
  s: PipelineSettings,
  deps: PipelineDeps,
  meta: { id: string; trigger: PipelineTrigger },
  progress: (stage: string, fraction: number, message: string) => void,
  turn: LeagueTurn = SOLO,
): Promise<LeagueOutcome> {
  const out = emptyOutcome(league, 'succeeded', null)
  const ctx = leagueStep(league, s, deps, meta, out, progress)
  try {
    const data = await loadStep(ctx)
    if (!deps.force) {
      const same = await unchangedVersion(deps.tracking, modelNameOf(league), data, s)
      if (same) {
        // what that version scored, so the last run still shows its figures
        out.unchanged = { version: same.version, runId: same.runId }
        out.version = same.version
        out.runId = same.runId
        out.metrics = metricsFromRun(same.run)
        out.alpha = Number.isFinite(same.run.metrics.alpha) ? same.run.metrics.alpha : null
        out.xi = Number.isFinite(Number(same.run.params.xi)) ? Number(same.run.params.xi) : null
        out.rpsSummary = same.run.tags[RUN_TAGS.rpsSummary] ?? null
        progress('done', 1, `${league}: nothing changed since v${same.version} (same data and settings)`)
        return out
      }
    }
    const variant = await chooseVariant(ctx, data)
    turn.chosen()
    const xiChoice = await chooseXi(ctx, data, variant)
    const evaluated = await evaluateAndFit(ctx, data, variant, xiChoice)
    await turn.previousEnded
    checkAborted(deps.signal, league)
    const version = await trackStep(ctx, data, variant, xiChoice, evaluated)
    await promoteStep(ctx, data, variant, evaluated, version)
    progress('done', 1, `${league}: done`)
    return out
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown }
    const code = typeof e?.code === 'string' ? e.code : 'JOB_FAILED'
    out.state = code === 'JOB_CANCELLED' ? 'cancelled' : 'failed'
    out.error = {
      code,
      message: `${ctx.step ? `${ctx.step}: ` : ''}${typeof e?.message === 'string' ? e.message : String(error)}`,
    }
    if (ctx.parentRunId) {
      for (const id of [ctx.parentRunId, ...ctx.childRuns]) {
        await deps.tracking.endRun(id, out.state === 'cancelled' ? 'KILLED' : 'FAILED').catch(() => {})
      }
    }
    return out
  } finally {
    turn.chosen()
  }
}
