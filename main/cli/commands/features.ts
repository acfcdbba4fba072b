/**
 * `scoreline features stats|get|rebuild`: the feature store from the terminal, through the same
 * `features.*` procedures the app calls (Redis when REDIS_URL / --redis is set, else the local store).
 */
import type { Command, CommandContext } from '../framework'
import { UserError } from '../framework'
import { call, openScoreline, SERVICE_OPTIONS } from '../context'
import { parseFixture } from './modelInput'
import { formatEntityRead, formatFeatureStats, formatLeagueRead } from '../../services/features/featureText'
import type { EntityRead, FeatureStoreStats, LeagueRead } from '../../services/features/featureStore'
import type { FeatureRebuildResultDto, HistoryEntryDto } from '../../../shared/api/domains/features'

/** Store errors about what the user typed (a view name, a key) exit with 1 like other usage errors. */
const USER_CODES = new Set(['UNKNOWN_VIEW', 'INVALID_ENTITY', 'FEATURE_VALIDATION', 'VERSION_EXPIRED'])

async function userErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    const code = (error as { code?: unknown })?.code
    if (typeof code === 'string' && USER_CODES.has(code)) throw new UserError((error as Error).message, code)
    throw error
  }
}

function str(ctx: CommandContext, name: string): string | undefined {
  const value = ctx.values[name]
  return typeof value === 'string' ? value : undefined
}

export function renderHistory(entries: HistoryEntryDto[]): string {
  if (entries.length === 0) return 'no version of this view is stored\n'
  const names = [
    ...new Set(entries.flatMap((e) => (e.read.status === 'hit' ? Object.keys(e.read.values) : []))),
  ]
  const rows = [
    ['version', 'state', 'model', 'data', ...names],
    ...entries.map((e) => [
      `@${e.version}`,
      e.state,
      e.lineage.modelVersion ?? '—',
      e.lineage.dataFingerprint.replace(/^[a-z0-9]+:/i, '').slice(0, 12),
      ...names.map((n) => {
        if (e.read.status !== 'hit') return e.read.status
        const v = e.read.values[n]
        return v === undefined ? '—' : typeof v === 'number' ? String(+v.toPrecision(4)) : v
      }),
    ]),
  ]
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  const first = entries[0].read
  return (
    `${first.league} ${first.entity}  ${first.view}: ${entries.length} version(s), newest first\n` +
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') +
    '\n'
  )
}

export function renderRebuild(r: FeatureRebuildResultDto): string {
  const lines = [
    `rebuilt ${r.views.join(', ')} in ${(r.ms / 1000).toFixed(2)} s`,
    ...r.champions.map((c) => `  ${c.league}: champion v${c.modelVersion} (run ${c.runId})`),
    ...r.skipped.map((s) => `  ${s.league}: skipped — ${s.reason}`),
  ]
  if (r.note) lines.push(`  ${r.note}`)
  return lines.join('\n') + '\n'
}

const statsCommand: Command = {
  name: 'stats',
  summary:
    'Views and versions with keys, memory and lineage; reads (this process) and the last write and its writer.',
  usage: '[--json]',
  options: { ...SERVICE_OPTIONS },
  async run(ctx) {
    const scoreline = openScoreline(ctx)
    try {
      const stats = await call(scoreline, 'features.stats', {})
      ctx.output(stats, (s: FeatureStoreStats) => formatFeatureStats(s) + '\n')
      return 0
    } finally {
      await scoreline.close()
    }
  },
}

const getCommand: Command = {
  name: 'get',
  summary:
    "A team's features, every team of a league, a team's values across versions (--history), or a fixture's (--fixture --date). Exit 1 when nothing is stored.",
  usage: '<league> [team] [--view NAME] [--history] | <league> --fixture "Home v Away" --date YYYY-MM-DD',
  options: {
    ...SERVICE_OPTIONS,
    view: {
      type: 'string',
      description: 'Feature view (default team_ratings; match_probabilities for a fixture)',
      valueName: 'NAME',
    },
    history: { type: 'boolean', description: "The team's values in every version still stored" },
    fixture: { type: 'string', description: 'A fixture "Home v Away" (with --date)', valueName: 'fixture' },
    date: { type: 'string', description: "The fixture's date", valueName: 'YYYY-MM-DD' },
  },
  async run(ctx) {
    const [league, team, ...extra] = ctx.positionals
    if (!league) throw new UserError('Name a league: scoreline features get E0 [Arsenal]')
    if (extra.length > 0)
      throw new UserError(`Unexpected "${extra.join(' ')}": quote team names with spaces ("Man City").`)
    const date = str(ctx, 'date')
    const fixtureText = str(ctx, 'fixture')
    const fixture = date !== undefined || fixtureText !== undefined
    if (fixture && (!date || !fixtureText))
      throw new UserError('A fixture needs --fixture "Home v Away" and --date YYYY-MM-DD together.')
    if (fixture && (team || ctx.values.history)) throw new UserError('Ask for a team or a fixture, not both.')
    if (ctx.values.history && !team)
      throw new UserError('--history needs a team: scoreline features get E0 Arsenal --history')
    const scoreline = openScoreline(ctx)
    try {
      if (fixture) {
        const { home, away } = parseFixture(fixtureText!)
        const read = await userErrors(() =>
          call(scoreline, 'features.getMatch', {
            view: str(ctx, 'view') ?? 'match_probabilities',
            league,
            date: date!,
            home,
            away,
          }),
        )
        ctx.output(read, (r: EntityRead) => formatEntityRead(r) + '\n')
        return read.status === 'hit' ? 0 : 1
      }
      const view = str(ctx, 'view') ?? 'team_ratings'
      if (team && ctx.values.history) {
        const entries = await userErrors(() =>
          call(scoreline, 'features.history', { view, league, entity: team }),
        )
        ctx.output(entries, renderHistory)
        return entries.some((e) => e.read.status === 'hit') ? 0 : 1
      }
      if (team) {
        const read = await userErrors(() => call(scoreline, 'features.getTeam', { view, league, team }))
        ctx.output(read, (r: EntityRead) => formatEntityRead(r) + '\n')
        return read.status === 'hit' ? 0 : 1
      }
      const read = await userErrors(() => call(scoreline, 'features.getTeams', { view, league }))
      ctx.output(read, (r: LeagueRead) =>
        r.version !== null && r.entities.length === 0 && r.expired.length === 0
          ? `${league}: no team in ${view}@${r.version} (is the league code right?)\n`
          : formatLeagueRead(r) + '\n',
      )
      return read.entities.length > 0 ? 0 : 1
    } finally {
      await scoreline.close()
    }
  },
}

const rebuildCommand: Command = {
  name: 'rebuild',
  summary:
    "Rebuild team_ratings and team_form from each league's champion model and switch them atomically (what a promotion does).",
  usage: '[--league CODE ...] [--json]',
  options: {
    ...SERVICE_OPTIONS,
    league: {
      type: 'string',
      multiple: true,
      description: 'League whose champion to use (default: every league in the store that has one)',
      valueName: 'CODE',
    },
  },
  async run(ctx) {
    const leagues = (ctx.values.league as string[] | undefined) ?? undefined
    const scoreline = openScoreline(ctx)
    try {
      const result = await call(scoreline, 'features.rebuild', { leagues })
      ctx.output(result, renderRebuild)
      return 0
    } finally {
      await scoreline.close()
    }
  },
}

export const featuresCommand: Command = {
  name: 'features',
  summary: 'Inspect the feature store (Redis or the local store) and rebuild its views from the champions.',
  usage: '<stats|get|rebuild> [options]',
  subcommands: [statsCommand, getCommand, rebuildCommand],
}
