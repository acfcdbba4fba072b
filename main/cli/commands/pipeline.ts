import type { Command, CommandContext } from '../framework'
import { UserError } from '../framework'
import { call, openScoreline, SERVICE_OPTIONS } from '../context'
import type { PipelineRunDto, ScheduleDto, TrainingStatusDto } from '../../../shared/api/domains/training'
import { createTrainingDeps } from '../../api/trainingHandlers'
import type { Scoreline } from '../../core/scoreline'
import type { VariantId } from '../../model/variants'
import { parseVariant } from './modelInput'
import { trainingWorkerPath } from '../trainingWorker'

/** Training errors the user can act on (busy, no data, bad cron) exit with 1 like other usage errors. */
async function userErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    const code = (error as { code?: unknown })?.code
    if (code === 'PIPELINE_BUSY' || code === 'PIPELINE_NO_DATA' || code === 'BAD_SCHEDULE') {
      throw new UserError((error as Error).message, code)
    }
    throw error
  }
}

const fmtRps = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(4))
const fmtTime = (ms: number | null) =>
  ms === null ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + 'Z'

export function renderRun(run: PipelineRunDto): string {
  const lines = [
    `pipeline ${run.id} (${run.trigger}) ${run.state}: ${fmtTime(run.startedAt)} → ${fmtTime(run.endedAt)}` +
      (run.endedAt ? ` (${((run.endedAt - run.startedAt) / 1000).toFixed(1)} s)` : ''),
  ]
  for (const l of run.leagues) {
    if (l.state !== 'succeeded') {
      lines.push(`  ${l.league}: ${l.state.toUpperCase()} — ${l.error?.message ?? ''}`)
      continue
    }
    const m = l.metrics
    const variant = (l as { modelVariant?: string | null }).modelVariant ?? run.settings.model
    lines.push(
      `  ${l.league} ${l.evaluation?.season ?? ''} (${l.evaluation?.matches ?? 0} matches): ${variant ? `${String(variant)}, ` : ''}ξ=${l.xi}  RPS model ${fmtRps(m?.model?.rps)}` +
        `  market ${fmtRps(m?.market?.rps)} (${String(run.settings.margin ?? 'shin')})  blend ${fmtRps(m?.blend?.rps)}  calibrated ${fmtRps(m?.calibrated?.rps)}`,
    )
    if (l.decision) {
      lines.push(
        `    ${l.modelName} v${l.version}: ${l.decision.promoted ? 'PROMOTED to champion' : `kept as ${l.decision.action}`} — ${l.decision.reason}`,
      )
    }
    lines.push(`    steps: ${l.steps.map((s) => `${s.step} ${(s.ms / 1000).toFixed(2)}s`).join(', ')}`)
  }
  lines.push(
    run.features.rebuilt
      ? `  features rebuilt: ${run.features.views.join(', ')}`
      : `  features: ${run.features.error ? `rebuild failed: ${run.features.error}` : (run.features.note ?? 'unchanged')}`,
  )
  // the summary repeats a failed league's reason, already on its line above: one failure, printed once
  if (run.leagues.every((l) => l.state === 'succeeded')) lines.push(`summary: ${run.summary}`)
  return lines.join('\n') + '\n'
}

/** A league's failure as the service words it in progress and log lines ("ZZ failed: load: …"). */
const LEAGUE_FAILURE = /\b[A-Z][A-Z0-9]{0,4} failed: /

const runCommand: Command = {
  name: 'run',
  summary: 'Retrain: choose ξ, fit, blend, calibrate, evaluate, track, register and promote if better.',
  usage: '[--league CODE ...] [--model VARIANT|auto] [--due] [--force] [--json]',
  options: {
    ...SERVICE_OPTIONS,
    league: {
      type: 'string',
      multiple: true,
      description: 'League to train (default: the configured leagues, else every league in the store)',
      valueName: 'CODE',
    },
    model: {
      type: 'string',
      description:
        'Goal-model variant for this run (default dixon-coles; see compare-models), or auto: per league, the variant with the lowest walk-forward RPS over the year before the evaluation season',
      valueName: 'variant|auto',
    },
    due: {
      type: 'boolean',
      description:
        'Run only if the schedule (pipeline schedule) says a run is due or was missed, as the desktop app would; otherwise say why not and exit 0. For cron, a systemd timer or a Kubernetes CronJob (see deploy/)',
    },
    force: {
      type: 'boolean',
      description:
        'Train and register a new version even when the data and settings are unchanged since the last version (otherwise: "nothing changed since vN")',
    },
  },
  async run(ctx) {
    const model = parseVariant(typeof ctx.values.model === 'string' ? ctx.values.model : undefined, true)
    const leagues = (ctx.values.league as string[] | undefined) ?? undefined
    const due = ctx.values.due === true
    const force = ctx.values.force === true
    if (due && force)
      throw new UserError('--due and --force do not go together: --due runs only what is due.')
    if (due && (leagues || model))
      throw new UserError(
        '--due runs what the schedule runs (the configured leagues, the stored settings): leave out --league and --model.',
      )
    const scoreline = openScoreline(ctx)
    const unsubscribe = scoreline.events.subscribe((event, payload) => {
      if (ctx.json) return
      if (event === 'training.progress') {
        const p = payload as { fraction: number; message: string }
        const failed = LEAGUE_FAILURE.exec(p.message)
        const message = failed
          ? `${p.message.slice(0, failed.index + failed[0].length - 2)} (the reason is in the report below)`
          : p.message
        ctx.stderr.write(`[${String(Math.round(p.fraction * 100)).padStart(3)}%] ${message}\n`)
      } else if (event === 'training.log') {
        const p = payload as { level: string; message: string }
        // a league's failure is in the report: not again as a log line
        if (p.level !== 'info' && !LEAGUE_FAILURE.test(p.message))
          ctx.stderr.write(`${p.level}: ${p.message}\n`)
      }
    })
    const onSigint = () => {
      ctx.stderr.write('cancelling…\n')
      void call(scoreline, 'training.cancel', {})
    }
    process.once('SIGINT', onSigint)
    try {
      let run: PipelineRunDto
      if (due) {
        const outcome = await runDue(scoreline)
        if (outcome.state === 'not-due') {
          ctx.output(
            { ran: false, reason: outcome.reason },
            (r: { reason: string }) => `nothing to run: ${r.reason}\n`,
          )
          return 0
        }
        run = outcome.run
      } else if (model) {
        run = await userErrors(() => runWithDeps(scoreline, model ?? undefined, leagues, force))
      } else {
        run = (
          await userErrors(() =>
            call(scoreline, 'training.runPipeline', { leagues, wait: true, trigger: 'cli', force }),
          )
        ).run as PipelineRunDto
      }
      ctx.output(run, renderRun)
      return run.state === 'succeeded' ? 0 : 1
    } finally {
      process.removeListener('SIGINT', onSigint)
      unsubscribe()
      await scoreline.close()
    }
  },
}

/**
 * The same training service and schedule the app uses (same database, pipeline lock, events, tracking and
 * feature stores, stored defaults), with the compiled worker when the CLI runs compiled and, when given,
 * `model` on top of the stored settings for this run only.
 */
function trainingDeps(scoreline: Scoreline, model?: VariantId | 'auto') {
  return createTrainingDeps({
    db: scoreline.db,
    settings: scoreline.settings,
    paths: scoreline.paths,
    config: () => scoreline.config,
    events: scoreline.events,
    workerUrl: trainingWorkerPath(),
    poolSize: scoreline.config.workers,
    pipelineSettings: () => ({
      margin: scoreline.config.modelling.margin,
      blend: scoreline.config.modelling.blend,
      calibration: scoreline.config.modelling.calibration,
      promotionMargin: scoreline.config.modelling.promotionMargin,
      ...(model ? { model } : {}),
    }),
  })
}

async function runWithDeps(
  scoreline: Scoreline,
  model: VariantId | 'auto' | undefined,
  leagues: string[] | undefined,
  force: boolean,
): Promise<PipelineRunDto> {
  const deps = trainingDeps(scoreline, model)
  try {
    const started = deps.training.start({ leagues, trigger: 'cli', force })
    return (await started.done) as unknown as PipelineRunDto
  } finally {
    await deps.close()
  }
}

/** `--due`: the schedule's check and claim (the app's), then the run under the pipeline lock. */
async function runDue(
  scoreline: Scoreline,
): Promise<{ state: 'not-due'; reason: string } | { state: 'ran'; run: PipelineRunDto }> {
  const deps = trainingDeps(scoreline)
  try {
    const outcome = await userErrors(async () => deps.scheduler.runDue())
    if (outcome.state === 'not-due') return outcome
    return { state: 'ran', run: (await outcome.run.done) as unknown as PipelineRunDto }
  } finally {
    await deps.close()
  }
}

export function renderStatus(s: TrainingStatusDto): string {
  const lines: string[] = []
  if (s.current) {
    const p = s.current.progress
    lines.push(
      `running ${s.current.id} (${s.current.trigger}) since ${fmtTime(s.current.startedAt)}: ${s.current.leagues.join(', ')}` +
        (p ? ` — ${Math.round(p.fraction * 100)}% ${p.message}` : ''),
    )
  } else if (s.elsewhere) {
    lines.push(
      `running ${s.elsewhere.runId} in another process (pid ${s.elsewhere.pid} on ${s.elsewhere.hostname})`,
    )
  } else lines.push('idle')
  lines.push(`workers: ${s.workers.size} (${s.workers.live} started)`)
  if (s.schedule) {
    lines.push(
      `schedule: ${s.schedule.description}; next ${fmtTime(s.schedule.nextRunAt)}, last slot ${fmtTime(s.schedule.lastRunAt)}`,
    )
  }
  lines.push(
    s.lastRun ? `last run: ${s.lastRun.id} ${s.lastRun.state} — ${s.lastRun.summary}` : 'last run: none',
  )
  return lines.join('\n') + '\n'
}

const statusCommand: Command = {
  name: 'status',
  summary: 'Whether a pipeline is running, the schedule and the last run.',
  usage: '[--json]',
  options: { ...SERVICE_OPTIONS },
  async run(ctx) {
    const scoreline = openScoreline(ctx)
    try {
      ctx.output(await call(scoreline, 'training.status', {}), renderStatus)
      return 0
    } finally {
      await scoreline.close()
    }
  },
}

const historyCommand: Command = {
  name: 'history',
  summary: 'Past pipeline runs, newest first.',
  usage: '[--limit N] [--json]',
  options: {
    ...SERVICE_OPTIONS,
    limit: { type: 'string', description: 'How many runs (default 10, at most 50)', valueName: 'N' },
  },
  async run(ctx: CommandContext) {
    const limit = ctx.values.limit === undefined ? 10 : Number(ctx.values.limit)
    if (!Number.isInteger(limit) || limit < 1 || limit > 50)
      throw new UserError('--limit must be a whole number 1-50')
    const scoreline = openScoreline(ctx)
    try {
      const runs = await call(scoreline, 'training.history', { limit })
      ctx.output(runs, (list: PipelineRunDto[]) =>
        list.length === 0
          ? 'no pipeline run yet: scoreline pipeline run\n'
          : list
              .map(
                (r) =>
                  `${fmtTime(r.startedAt)}  ${r.id}  ${r.trigger.padEnd(8)} ${r.state.padEnd(9)} ${r.summary}`,
              )
              .join('\n') + '\n',
      )
      return 0
    } finally {
      await scoreline.close()
    }
  },
}

const scheduleCommand: Command = {
  name: 'schedule',
  summary:
    'Show or change the schedule: a cron expression in local time (default "0 6 * * 1", Monday 06:00).',
  usage: '[--cron EXPR | --off | --on] [--json]',
  options: {
    ...SERVICE_OPTIONS,
    cron: { type: 'string', description: '5-field cron expression, e.g. "0 6 * * 1"', valueName: 'EXPR' },
    off: { type: 'boolean', description: 'Turn the schedule off' },
    on: { type: 'boolean', description: 'Turn the schedule back on' },
  },
  async run(ctx) {
    if (ctx.values.off && (ctx.values.on || ctx.values.cron)) throw new UserError('Use --off alone.')
    const scoreline = openScoreline(ctx)
    try {
      const input: { cron?: string; enabled?: boolean } = {}
      if (typeof ctx.values.cron === 'string') input.cron = ctx.values.cron
      if (ctx.values.off) input.enabled = false
      if (ctx.values.on || input.cron !== undefined) input.enabled = true
      const info = await userErrors(() => call(scoreline, 'training.schedule', input))
      ctx.output(
        info,
        (s: ScheduleDto) =>
          `schedule: ${s.description}${s.enabled ? ` (cron "${s.cron}"), next run ${fmtTime(s.nextRunAt)}` : ''}\n` +
          'The desktop app runs it (a run missed while the machine was off runs once at the next start); on a\n' +
          'server, run `scoreline pipeline run --due` from cron or a timer (see deploy/).\n',
      )
      return 0
    } finally {
      await scoreline.close()
    }
  },
}

export const pipelineCommand: Command = {
  name: 'pipeline',
  summary: 'The training pipeline: run it, see its status and history, set its schedule.',
  usage: '<run|status|history|schedule>',
  subcommands: [runCommand, statusCommand, historyCommand, scheduleCommand],
}
