import type { Command, CommandContext } from '../framework'
import { UserError } from '../framework'
import { call, openScoreline, SERVICE_OPTIONS } from '../context'
import type { Scoreline } from '../../core/scoreline'
import type {
  ModelDetailDto,
  ModelVersionDto,
  PromotionResultDto,
  RegisteredModelDto,
} from '../../../shared/api/domains/tracking'
import { fmtNum, fmtTime, offlineLine, table, trackingUserErrors } from './trackingFormat'
import { decisionLabel } from '../../../shared/modelReport'
import { registeredModelName } from '../../services/tracking/modelName'

const JUDGED = ['rps', 'market_rps', 'model_rps', 'blend_rps', 'calibrated_log_loss', 'calibrated_brier']

/** "378" or "378 of 380: 2 without odds" — the scored matches, and why fewer than were played. */
const scoredOf = (t: {
  matches: number | null
  evaluationMatches?: number | null
  countsNote?: string | null
}) =>
  t.evaluationMatches != null && t.matches != null && t.evaluationMatches !== t.matches
    ? (t.countsNote ?? `${t.matches} of ${t.evaluationMatches}`)
    : String(t.matches ?? '?')

/** The registry's list, marked when it is this desktop's copy because MLflow is unreachable (#21). */
export function renderModels(models: RegisteredModelDto[]): string {
  const asOf = models[0]?.offlineAsOf
  return (asOf != null ? offlineLine('models', asOf) : '') + renderModelTable(models)
}

function renderModelTable(models: RegisteredModelDto[]): string {
  if (models.length === 0)
    return 'no registered model yet: `scoreline pipeline run` registers one per league\n'
  return table(
    ['model', 'league', 'champion', 'trained', 'rps', 'market rps', 'evaluation window', 'challenger'],
    models.map((m) => [
      m.name,
      m.league ?? '',
      m.champion ? `v${m.champion.version}` : '—',
      fmtTime(m.champion?.creationTime),
      fmtNum(m.champion?.rps),
      fmtNum(m.champion?.marketRps),
      m.champion?.evalFrom ? `${m.champion.evalFrom}..${m.champion.evalTo} (${scoredOf(m.champion)})` : '—',
      m.challenger ? `v${m.challenger.version} (rps ${fmtNum(m.challenger.rps)})` : '—',
    ]),
    [false, false, false, false, true, true, false, false],
  )
}

export function renderModel(d: ModelDetailDto): string {
  const versions = table(
    ['version', 'aliases', 'registered', 'window', 'rps', 'market', 'decision'],
    d.versions.map((v) => [
      `v${v.version}`,
      v.aliases.join(',') || '—',
      fmtTime(v.creationTime),
      v.evaluation?.evalFrom ? `${v.evaluation.evalFrom}..${v.evaluation.evalTo}` : '—',
      fmtNum(v.evaluation?.metrics.rps),
      fmtNum(v.evaluation?.metrics.market_rps),
      v.decision ? `${decisionLabel(v.decision)}: ${v.decision.reason ?? ''}` : '—',
    ]),
    [false, false, false, false, true, true, false],
  )
  const history = d.history.length
    ? table(
        ['when', 'decision', 'version', 'previous', 'candidate', 'champion', 'n', 'decided by', 'why'],
        d.history.map((r) => [
          fmtTime(r.decidedAt),
          // decided while MLflow was unreachable: served here, applied to the server by the replay
          r.state === 'queued' ? `${r.action} (queued)` : r.action,
          `v${r.version}`,
          r.previousVersion ? `v${r.previousVersion}` : '—',
          fmtNum(r.candidateScore),
          fmtNum(r.championScore),
          r.matches === null || r.matches === undefined
            ? '—'
            : `${r.matches}${r.matchesIdentical === false ? ' common' : ''}`,
          r.decidedBy,
          r.reason,
        ]),
      )
    : 'no decision recorded\n'
  const from = d.historySource ? ` (${d.historySource})` : ''
  const offline = d.model.offlineAsOf != null ? offlineLine('versions', d.model.offlineAsOf) : ''
  return `${offline}${d.model.name}${d.model.league ? ` (${d.model.league})` : ''}\n\nversions:\n${versions}\npromotion history${from}:\n${history}`
}

/** The comparison a promote or rollback acts on: the current champion against the target version. */
export function renderAction(current: ModelVersionDto | null, target: ModelVersionDto): string {
  const ce = current?.evaluation
  const te = target.evaluation
  const rows = JUDGED.filter((k) => ce?.metrics[k] !== undefined || te?.metrics[k] !== undefined).map((k) => {
    const a = ce?.metrics[k]
    const b = te?.metrics[k]
    return [k, fmtNum(a), fmtNum(b), a !== undefined && b !== undefined ? fmtNum(b - a) : '—']
  })
  // the same matches only when both runs recorded the identical set of match ids (#20), never from a window name
  const same = ce?.scoredMatches && te?.scoredMatches ? ce.scoredMatches === te.scoredMatches : null
  const n = `n: ${current ? `champion ${ce?.matches ?? '?'}, ` : ''}v${target.version} ${te?.matches ?? '?'}`
  return (
    table(
      [
        'metric',
        current ? `champion v${current.version}` : 'no champion',
        `v${target.version}`,
        'difference',
      ],
      rows,
      [false, true, true, true],
    ) +
    (same === null
      ? `${n}; not known to be the same matches (runs before #20 recorded no match ids)\n`
      : same
        ? `evaluated on the same ${te?.matches ?? ''} matches (by match id)\n`
        : `evaluated on DIFFERENT matches (${n}): the scores are not directly comparable\n`)
  )
}

function renderResult(r: PromotionResultDto): string {
  return r.action === 'unchanged'
    ? `${r.modelName}: ${r.reason}; nothing changed\n`
    : `${r.modelName}: champion is now v${r.version}${r.previousChampion ? ` (was v${r.previousChampion})` : ''} — ${r.reason} [${r.decidedBy}]\n`
}

/**
 * The model a command names, with its detail. A bare league code names its league's model (`E0` → scoreline-E0,
 * the one registered model per league), unless no such model exists and one is registered under the code itself.
 */
async function detail(
  scoreline: Scoreline,
  given: string,
): Promise<{ name: string; detail: ModelDetailDto }> {
  const read = (name: string) => trackingUserErrors(() => call(scoreline, 'tracking.model', { name }))
  const byLeague = leagueModelName(given)
  if (!byLeague) return { name: given, detail: await read(given) }
  try {
    return { name: byLeague, detail: await read(byLeague) }
  } catch (error) {
    if ((error as { code?: string }).code !== 'TRACKING_NOT_FOUND') throw error
    return { name: given, detail: await read(given) }
  }
}

/** `E0` → `scoreline-E0`; null for a name that is not a bare league code. */
function leagueModelName(given: string): string | null {
  if (!/^[A-Za-z0-9_.]+$/.test(given)) return null
  return registeredModelName(given)
}

const listCommand: Command = {
  name: 'list',
  summary: 'Registered models with their champion and challenger and what they scored against the market.',
  usage: '[--json]',
  options: { ...SERVICE_OPTIONS },
  async run(ctx) {
    const scoreline = openScoreline(ctx)
    try {
      ctx.output(await trackingUserErrors(() => call(scoreline, 'tracking.models', {})), renderModels)
      return 0
    } finally {
      await scoreline.close()
    }
  },
}

const showCommand: Command = {
  name: 'show',
  summary: 'One model: its versions, aliases, the metrics each was judged on, and the promotion history.',
  usage: 'NAME|LEAGUE [--json]',
  options: { ...SERVICE_OPTIONS },
  async run(ctx) {
    const name = oneName(ctx)
    const scoreline = openScoreline(ctx)
    try {
      ctx.output((await detail(scoreline, name)).detail, renderModel)
      return 0
    } finally {
      await scoreline.close()
    }
  },
}

function oneName(ctx: CommandContext): string {
  const [name] = ctx.positionals
  if (!name)
    throw new UserError(
      'Give the model name or its league, e.g. scoreline-E0 or E0 (`scoreline models list` shows them).',
    )
  return name
}

const promoteCommand: Command = {
  name: 'promote',
  summary: 'Make a version the champion by hand; prints the comparison it acts on and records the decision.',
  usage: 'NAME|LEAGUE VERSION [--reason TEXT] [--json]',
  options: {
    ...SERVICE_OPTIONS,
    reason: { type: 'string', description: 'Why (recorded with the decision)', valueName: 'TEXT' },
  },
  async run(ctx) {
    const [given, version] = ctx.positionals
    if (!given || !version || !/^\d+$/.test(version))
      throw new UserError(
        'Give the model name and a version number, e.g. `scoreline models promote scoreline-E0 3`.',
      )
    const scoreline = openScoreline(ctx)
    try {
      const { name, detail: before } = await detail(scoreline, given)
      const target = before.versions.find((v) => v.version === version)
      if (!target)
        throw new UserError(
          `${name} has no version ${version} (versions: ${before.versions.map((v) => v.version).join(', ') || 'none'}).`,
          'TRACKING_NOT_FOUND',
        )
      const current = before.versions.find((v) => v.aliases.includes('champion')) ?? null
      const result = await trackingUserErrors(() =>
        call(scoreline, 'tracking.promote', {
          name,
          version,
          ...(typeof ctx.values.reason === 'string' ? { reason: ctx.values.reason } : {}),
        }),
      )
      ctx.output(
        { ...result, comparison: { champion: current, target } },
        () => renderAction(current, target) + renderResult(result),
      )
      return 0
    } finally {
      await scoreline.close()
    }
  },
}

const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'Point the champion back at the version it replaced (from the promotion log), or at --to VERSION.',
  usage: 'NAME|LEAGUE [--to VERSION] [--reason TEXT] [--json]',
  options: {
    ...SERVICE_OPTIONS,
    to: { type: 'string', description: 'Version to roll back to', valueName: 'VERSION' },
    reason: { type: 'string', description: 'Why (recorded with the decision)', valueName: 'TEXT' },
  },
  async run(ctx) {
    const given = oneName(ctx)
    const to = typeof ctx.values.to === 'string' ? ctx.values.to : undefined
    if (to !== undefined && !/^\d+$/.test(to))
      throw new UserError('--to must be a version number, e.g. --to 2')
    const scoreline = openScoreline(ctx)
    try {
      const { name, detail: before } = await detail(scoreline, given)
      const current = before.versions.find((v) => v.aliases.includes('champion')) ?? null
      const result = await trackingUserErrors(() =>
        call(scoreline, 'tracking.rollback', {
          name,
          ...(to ? { toVersion: to } : {}),
          ...(typeof ctx.values.reason === 'string' ? { reason: ctx.values.reason } : {}),
        }),
      )
      const target = before.versions.find((v) => v.version === result.version) ?? null
      ctx.output(
        { ...result, comparison: { champion: current, target } },
        () => (target ? renderAction(current, target) : '') + renderResult(result),
      )
      return 0
    } finally {
      await scoreline.close()
    }
  },
}

const migrateNamesCommand: Command = {
  name: 'migrate-names',
  summary:
    'Re-register models named before one-model-per-league (scoreline-dc-E0) as scoreline-E0: every version in order with its tags (decisions included), its variant as the scoreline.model_variant tag, and its aliases; the old model is kept and tagged scoreline.migrated_to. Safe to run again.',
  usage: '[--json]',
  options: { ...SERVICE_OPTIONS },
  async run(ctx) {
    const scoreline = openScoreline(ctx)
    try {
      const result = await trackingUserErrors(() => call(scoreline, 'tracking.migrateNames', {}))
      ctx.output(result, () => result.lines.join('\n') + '\n')
      return 0
    } finally {
      await scoreline.close()
    }
  },
}

export const modelsCommand: Command = {
  name: 'models',
  summary:
    'The model registry (one registered model per league, scoreline-E0; the variant is a version tag): champions and challengers, promote or roll back by hand, migrate old names.',
  usage: '<list|show|promote|rollback|migrate-names>',
  subcommands: [listCommand, showCommand, promoteCommand, rollbackCommand, migrateNamesCommand],
}
