import { metricRule } from '../../../shared/bestMetric'
import type { Command } from '../framework'
import { UserError } from '../framework'
import { call, openScoreline, SERVICE_OPTIONS } from '../context'
import type {
  ExperimentDto,
  MirrorMarkDto,
  RunComparisonDto,
  RunDto,
} from '../../../shared/api/domains/tracking'
import { fmtNum, fmtTime, offlineLine, table, trackingUserErrors } from './trackingFormat'

export function renderRuns(out: {
  runs: RunDto[]
  experiments: ExperimentDto[]
  truncated: boolean
  mirror?: MirrorMarkDto | null
}): string {
  const offline = out.mirror?.offline ? offlineLine('runs', out.mirror.asOf, out.mirror.lastError) : ''
  if (out.runs.length === 0) return offline + 'no run matches: train with `scoreline pipeline run`\n'
  const names = new Map(out.experiments.map((e) => [e.id, e.name]))
  const rows = out.runs.map((r) => [
    fmtTime(r.startTime),
    r.runId,
    (r.parentRunId ? '↳ ' : '') + r.runName,
    names.get(r.experimentId) ?? r.experimentId,
    r.status.toLowerCase(),
    r.params.league ?? '',
    fmtNum(r.metrics.rps),
    fmtNum(r.metrics.market_rps),
  ])
  return (
    offline +
    table(['started', 'run id', 'name', 'experiment', 'status', 'league', 'rps', 'market rps'], rows, [
      false,
      false,
      false,
      false,
      false,
      false,
      true,
      true,
    ]) +
    (out.truncated ? `(more runs match: raise --limit)\n` : `${out.runs.length} runs\n`)
  )
}

const arrow = (key: string) => {
  const d = metricRule(key).direction
  return d === 'lower' ? ' ↓' : d === 'higher' ? ' ↑' : ''
}

export function renderComparison(c: RunComparisonDto, diffOnly = false): string {
  const head = ['', ...c.runs.map((r, i) => `#${i + 1}`)]
  const lines = c.runs.map(
    (r, i) => `#${i + 1}  ${r.runId}  ${r.runName}${r.experimentName ? `  (${r.experimentName})` : ''}`,
  )
  const params = (diffOnly ? c.params.filter((p) => p.differs) : c.params).map((p) => [
    `${p.differs ? '* ' : '  '}${p.key}`,
    ...p.values.map((v) => v ?? '—'),
  ])
  const differing = c.params.filter((p) => p.differs).length
  const metrics = c.metrics.map((m) => [
    // the direction only where "best" means something (shared/bestMetric.ts): none on counts, flags, α
    `${m.key}${arrow(m.key)}`,
    ...m.stats.map((s, i) => {
      if (!s) return '—'
      const best = m.best === c.runs[i].runId ? '*' : ''
      const range = s.points > 1 ? ` [${fmtNum(s.min)}..${fmtNum(s.max)}]` : ''
      return `${best}${fmtNum(s.last, 5)}${range}`
    }),
  ])
  return [
    lines.join('\n'),
    '',
    `params (${differing} of ${c.params.length} differ, marked *):`,
    params.length ? table(head, params) : diffOnly ? 'every param is the same\n' : 'no params\n',
    'metrics (last value, [min..max] when logged at several steps, * best):',
    table(
      head,
      metrics,
      head.map((_, i) => i > 0),
    ),
  ].join('\n')
}

const listCommand: Command = {
  name: 'list',
  summary: 'Tracked runs, newest first: pipeline (parent) runs unless --nested.',
  usage:
    '[--experiment NAME ...] [--filter "metrics.rps < 0.2 and params.league = \'E0\'"] [--limit N] [--json]',
  options: {
    ...SERVICE_OPTIONS,
    experiment: {
      type: 'string',
      multiple: true,
      description: 'Experiment name (default: every experiment)',
      valueName: 'NAME',
    },
    filter: {
      type: 'string',
      description: 'MLflow filter string, e.g. "params.league = \'E0\'"',
      valueName: 'EXPR',
    },
    'order-by': {
      type: 'string',
      multiple: true,
      description: 'MLflow order, e.g. "metrics.rps ASC" (default: newest first)',
      valueName: 'ORDER',
    },
    limit: {
      type: 'string',
      description: 'At most this many runs (default 200, at most 10000)',
      valueName: 'N',
    },
    nested: { type: 'boolean', description: 'Include nested child runs' },
    'full-refresh': {
      type: 'boolean',
      description: "MLflow: re-read every run from the server into this desktop's copy first",
    },
  },
  async run(ctx) {
    const limit = ctx.values.limit === undefined ? 200 : Number(ctx.values.limit)
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
      throw new UserError('--limit must be a whole number 1-10000')
    const scoreline = openScoreline(ctx)
    try {
      const wanted = (ctx.values.experiment as string[] | undefined) ?? []
      let experimentIds: string[] | undefined
      if (wanted.length) {
        const experiments = await call(scoreline, 'tracking.experiments', {})
        experimentIds = wanted.map((name) => {
          const found = experiments.find((e) => e.name === name)
          if (!found)
            throw new UserError(
              `No experiment named "${name}". Experiments: ${experiments.map((e) => e.name).join(', ') || '(none yet)'}`,
            )
          return found.id
        })
      }
      const out = await trackingUserErrors(() =>
        call(scoreline, 'tracking.searchRuns', {
          experimentIds,
          filter: typeof ctx.values.filter === 'string' ? ctx.values.filter : undefined,
          orderBy: ctx.values['order-by'] as string[] | undefined,
          limit,
          // one answer per process: bring the local copy up to date first (offline: the copy, marked)
          refresh: ctx.values['full-refresh'] ? 'full' : 'wait',
        }),
      )
      const runs = ctx.values.nested ? out.runs : out.runs.filter((r) => r.parentRunId === null)
      ctx.output({ ...out, runs }, renderRuns)
      return 0
    } finally {
      await scoreline.close()
    }
  },
}

const compareCommand: Command = {
  name: 'compare',
  summary: 'Compare 2-10 runs: which params differ, min / max / last of every metric and the best run.',
  usage: 'RUN_ID RUN_ID [RUN_ID ...] [--diff-only] [--json]',
  options: {
    ...SERVICE_OPTIONS,
    'diff-only': { type: 'boolean', description: 'Show only the params that differ' },
  },
  async run(ctx) {
    const runIds = ctx.positionals
    if (runIds.length < 2 || runIds.length > 10)
      throw new UserError('Give 2 to 10 run ids (`scoreline runs list` shows them).')
    const scoreline = openScoreline(ctx)
    try {
      const comparison = await trackingUserErrors(() => call(scoreline, 'tracking.compareRuns', { runIds }))
      ctx.output(comparison, (c: RunComparisonDto) => renderComparison(c, Boolean(ctx.values['diff-only'])))
      return 0
    } finally {
      await scoreline.close()
    }
  },
}

const statusCommand: Command = {
  name: 'status',
  summary: 'Which tracking store is in use, whether MLflow answers, and runs waiting in the outbox.',
  usage: '[--json]',
  options: { ...SERVICE_OPTIONS },
  async run(ctx) {
    const scoreline = openScoreline(ctx)
    try {
      const status = await call(scoreline, 'tracking.status', {})
      ctx.output(
        status,
        (s: typeof status) =>
          [
            `tracking: ${s.kind}${s.target ? ` at ${s.target}` : ''} — ${s.online ? 'online' : 'offline'}`,
            `outbox: ${s.pending} pending, ${s.failed} failed${s.oldestPendingAt ? ` (oldest ${new Date(s.oldestPendingAt).toISOString()})` : ''}`,
            ...(s.lastError ? [`last error: ${s.lastError}`] : []),
          ].join('\n') + '\n',
      )
      return 0
    } finally {
      await scoreline.close()
    }
  },
}

const pushCommand: Command = {
  name: 'push',
  summary: 'Replay runs logged while the MLflow server was unreachable (each exactly once).',
  usage: '[--json]',
  options: { ...SERVICE_OPTIONS },
  async run(ctx) {
    const scoreline = openScoreline(ctx)
    try {
      const result = await call(scoreline, 'tracking.push', {})
      ctx.output(
        result,
        (r: typeof result) =>
          [
            `replayed ${r.replayed}; ${r.pending} still pending, ${r.failed} failed`,
            ...r.errors.map((e) => `  ${e}`),
            ...(r.notes ?? []).map((n) => `  re-decided: ${n}`),
          ].join('\n') + '\n',
      )
      return result.pending > 0 || result.failed > 0 ? 1 : 0
    } finally {
      await scoreline.close()
    }
  },
}

export const runsCommand: Command = {
  name: 'runs',
  summary: 'Tracked training runs (MLflow or the local store): list, compare, outbox status and push.',
  usage: '<list|compare|status|push>',
  subcommands: [listCommand, compareCommand, statusCommand, pushCommand],
}
