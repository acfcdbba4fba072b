/** One league's run: load → model → ξ → walk-forward and fit → track and register → promote. */
import { evaluateAndFit } from './evaluate'
import { promoteStep } from './promote'
import { emptyOutcome } from './records'
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

export async function runLeague(
  league: string,
  s: PipelineSettings,
  deps: PipelineDeps,
  meta: { id: string; trigger: PipelineTrigger },
  progress: (stage: string, fraction: number, message: string) => void,
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
    const xiChoice = await chooseXi(ctx, data, variant)
    const evaluated = await evaluateAndFit(ctx, data, variant, xiChoice)
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
  }
}
