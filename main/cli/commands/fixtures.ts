/**
 * `scoreline fixtures download|import|list|price`: the fixtures to come with their prices, priced with each
 * league's champion. Every sub-command goes through the app's dispatch (the `fixtures.*` procedures), so the
 * CLI, the screens and the bridge give the same numbers.
 */
import path from 'node:path'
import type { ProcedureOutput } from '../../../shared/api/contract'
import type {
  FeatureRebuildOutcomeDto,
  FixturesImportResultDto,
  UpcomingFixtureDto,
} from '../../../shared/api/domains/fixtures'
import { offlineError } from '../../core/offline'
import { call, openScoreline, SERVICE_OPTIONS } from '../context'
import { UserError, type Command, type CommandContext } from '../framework'
import { parseDate, stringOption, table, writeTextFile } from './modelInput'
import { countsLine, pricedCsv, renderPriced } from './fixturesRender'

const LEAGUE_RE = /^[A-Za-z0-9]{1,16}$/

/** `--leagues E0,SP1` (also repeatable): codes, trimmed, deduplicated, in the order given. */
export function parseLeagues(values: string | string[] | boolean | undefined): string[] | undefined {
  if (values === undefined || typeof values === 'boolean') return undefined
  const list = (Array.isArray(values) ? values : [values])
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean)
  if (list.length === 0) throw new UserError('--leagues must name league codes, e.g. --leagues E0,SP1')
  const bad = list.find((l) => !LEAGUE_RE.test(l))
  if (bad !== undefined) throw new UserError(`--leagues: "${bad}" is not a league code like E0 or SP1`)
  return [...new Set(list)]
}

function windowFrom(ctx: CommandContext): { league?: string; from?: string; to?: string } {
  const league = stringOption(ctx, 'league')
  if (league !== undefined && !LEAGUE_RE.test(league))
    throw new UserError(`--league: "${league}" is not a league code like E0 or SP1`)
  const from = parseDate(stringOption(ctx, 'from'), 'from')
  const to = parseDate(stringOption(ctx, 'to'), 'to')
  if (from && to && from > to) throw new UserError(`--from ${from} is after --to ${to}`)
  return { ...(league ? { league } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) }
}

const WINDOW_OPTIONS = {
  league: { type: 'string', description: 'Only this league (E0, SP1, ...)', valueName: 'L' },
  from: {
    type: 'string',
    description: 'Kick-off on or after this date (YYYY-MM-DD); default today',
    valueName: 'D',
  },
  to: { type: 'string', description: 'Kick-off on or before this date (YYYY-MM-DD)', valueName: 'D' },
} as const

/** What to do when nothing is listed: how to get fixtures. */
export function noFixturesHint(window: { league?: string }): string {
  const leagues = window.league ? ` --leagues ${window.league}` : ''
  return `No fixtures to come${window.league ? ` for ${window.league}` : ''}: get them with \`scoreline fixtures download${leagues}\` or \`scoreline fixtures import fixtures.csv\`.`
}

export function renderRebuild(r: FeatureRebuildOutcomeDto): string {
  return `features: ${r.status === 'rebuilt' ? 'match_probabilities rebuilt' : r.status} — ${r.message}\n`
}

type ImportOutput = ProcedureOutput<'fixtures.import'>
function describeImport(result: FixturesImportResultDto): string {
  const m = result.matches
  const leagues = result.leagues.map((l) => `${l.league} ${l.rows}`).join(', ')
  return [
    `${result.rows} rows${leagues ? ` (${leagues})` : ''}`,
    `${m.inserted} new fixtures, ${m.updated + m.rescheduled} updated${m.rescheduled ? ` (${m.rescheduled} moved to another date)` : ''}, ${m.unchanged} unchanged`,
    `${result.snapshots.added} new price snapshots${result.snapshots.unchanged ? ` (${result.snapshots.unchanged} prices unchanged)` : ''}`,
  ].join('; ')
}

/** Skipped leagues and rows, then warnings, at most five of each, indented under the file line. */
function importNotes(result: FixturesImportResultDto): string[] {
  const lines: string[] = []
  for (const l of result.skippedLeagues) lines.push(`  skipped ${l.league} (${l.rows} rows): ${l.reason}`)
  const listed = (label: string, items: { line: number | null; message: string }[]) => {
    for (const w of items.slice(0, 5))
      lines.push(`  ${label}${w.line ? ` line ${w.line}` : ''}: ${w.message}`)
    if (items.length > 5) lines.push(`  … and ${items.length - 5} more`)
  }
  listed(
    'skipped',
    result.skipped.filter((s) => s.line !== null).map((s) => ({ line: s.line, message: s.reason })),
  )
  listed('warning', result.warnings)
  return lines
}

export function renderImport(o: ImportOutput): string {
  const lines: string[] = []
  for (const file of o.files) {
    if (file.ok) {
      lines.push(`${file.file}: ${describeImport(file.result)}`, ...importNotes(file.result))
    } else {
      lines.push(`${file.file}: REJECTED, nothing imported`)
      for (const line of file.error.message.split('\n')) lines.push(`  ${line}`)
    }
  }
  return lines.join('\n') + '\n' + renderRebuild(o.rebuild)
}

type DownloadOutput = ProcedureOutput<'fixtures.download'>

export function renderDownload(o: DownloadOutput): string {
  const head =
    o.status === 'imported' && o.result
      ? [`${o.url}: imported — ${describeImport(o.result)}`, ...importNotes(o.result)].join('\n')
      : o.status === 'not-modified'
        ? `${o.url}: unchanged on the server since the last download (nothing imported; --force imports it again)`
        : `${o.url}: FAILED — ${o.error?.message ?? 'unknown error'}`
  return head + '\n' + renderRebuild(o.rebuild)
}

const kickoff = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`

const oneXTwo = (f: UpcomingFixtureDto): { text: string; bookmaker: string; observedAt: string } | null => {
  const quotes = f.snapshots.filter((s) => s.market === '1x2' && s.prices.length === 3)
  if (quotes.length === 0) return null
  const preferred = ['PS', 'Avg', 'B365', 'Max']
  quotes.sort(
    (a, b) =>
      (preferred.indexOf(a.bookmaker) + 1 || 99) - (preferred.indexOf(b.bookmaker) + 1 || 99) ||
      a.bookmaker.localeCompare(b.bookmaker),
  )
  const q = quotes[0]
  return {
    text: q.prices.map((p) => p.toFixed(2)).join(' / '),
    bookmaker: q.bookmaker,
    observedAt: q.observedAt,
  }
}

export function renderList(o: ProcedureOutput<'fixtures.list'>, window: { league?: string }): string {
  if (o.fixtures.length === 0) return noFixturesHint(window) + '\n'
  const rows = o.fixtures.map((f) => {
    const q = oneXTwo(f)
    return [
      kickoff(f.kickoffUtc),
      f.league,
      `${f.home} v ${f.away}`,
      q?.text ?? '—',
      q ? `${q.bookmaker} ${kickoff(q.observedAt)}` : 'no prices yet',
      String(f.snapshotCount),
    ]
  })
  return (
    table(
      ['kick-off (UTC)', 'league', 'fixture', '1X2 odds H / D / A', 'bookmaker, snapshot (UTC)', 'snapshots'],
      rows,
      ['l', 'l', 'l', 'r', 'l', 'r'],
    ) + `${o.fixtures.length} fixture${o.fixtures.length === 1 ? '' : 's'}\n`
  )
}

const LEAGUES_OPTION = {
  type: 'string',
  description:
    'Import only these leagues, separated by commas (default: the leagues that already have matches in the store)',
  valueName: 'L,L',
} as const

/**
 * `--postgres URL` on import/download targets the team's Postgres instead of the data folder, as
 * `data import --postgres` does (DATABASE_URL alone does not: the data folder stays the default target).
 */
const intoPostgres = (ctx: CommandContext) =>
  typeof ctx.values.postgres === 'string' ? { postgres: true as const } : {}

const downloadSub: Command = {
  name: 'download',
  summary:
    "Download football-data's fixtures.csv (every covered league's next fixtures with today's prices) and import it into the data folder (or, with --postgres URL, into the team's Postgres).",
  usage: '[--leagues E0,SP1] [--force] [--postgres URL] [--json]',
  options: {
    ...SERVICE_OPTIONS,
    leagues: LEAGUES_OPTION,
    force: { type: 'boolean', description: 'Import even when the server says the file is unchanged' },
  },
  async run(ctx) {
    const leagues = parseLeagues(ctx.values.leagues)
    const scoreline = openScoreline(ctx)
    try {
      if (scoreline.config.offline)
        throw new UserError(offlineError("downloading football-data's fixtures.csv").message, 'CONFIG')
      const result = await call(scoreline, 'fixtures.download', {
        ...(leagues ? { leagues } : {}),
        ...(ctx.values.force === true ? { force: true } : {}),
        ...intoPostgres(ctx),
      })
      ctx.output(result, renderDownload)
      return result.status === 'failed' ? 1 : 0
    } finally {
      await scoreline.close()
    }
  },
}

const importSub: Command = {
  name: 'import',
  summary:
    "Import fixtures files (football-data fixtures.csv, or any football-data CSV whose results are empty) into the data folder (or, with --postgres URL, into the team's Postgres); each file whole or not at all.",
  usage: '<csv...> [--leagues E0,SP1] [--postgres URL] [--json]',
  options: { ...SERVICE_OPTIONS, leagues: LEAGUES_OPTION },
  async run(ctx) {
    if (ctx.positionals.length === 0)
      throw new UserError('Name at least one fixtures file: scoreline fixtures import fixtures.csv')
    const paths = ctx.positionals.map((p) => path.resolve(p))
    const leagues = parseLeagues(ctx.values.leagues)
    const scoreline = openScoreline(ctx)
    try {
      if (scoreline.config.offline && intoPostgres(ctx).postgres)
        throw new UserError(offlineError("importing fixtures into the team's Postgres").message, 'CONFIG')
      const result = await call(scoreline, 'fixtures.import', {
        paths,
        ...(leagues ? { leagues } : {}),
        ...intoPostgres(ctx),
      })
      ctx.output(result, renderImport)
      return result.files.some((f) => !f.ok) ? 1 : 0
    } finally {
      await scoreline.close()
    }
  },
}

const listSub: Command = {
  name: 'list',
  summary: 'The fixtures to come with their latest 1X2 prices and how many price snapshots each has.',
  usage: '[--league L] [--from D] [--to D] [--json]',
  options: { ...SERVICE_OPTIONS, ...WINDOW_OPTIONS },
  async run(ctx) {
    const window = windowFrom(ctx)
    const scoreline = openScoreline(ctx)
    try {
      const result = await call(scoreline, 'fixtures.list', window)
      ctx.output(result, (o: typeof result) => renderList(o, window))
      return 0
    } finally {
      await scoreline.close()
    }
  },
}

const priceSub: Command = {
  name: 'price',
  summary:
    "Price the fixtures to come with each league's champion: model, market (bookmaker, margin method, snapshot), served probability and stage, edge, expected value at the best price, warnings.",
  usage: '[--league L] [--from D] [--to D] [--json | --out priced.csv]',
  options: {
    ...SERVICE_OPTIONS,
    ...WINDOW_OPTIONS,
    out: {
      type: 'string',
      description: 'Write every priced fixture to this CSV file (one row per fixture, named columns)',
      valueName: 'file',
    },
  },
  async run(ctx) {
    const window = windowFrom(ctx)
    const out = stringOption(ctx, 'out')
    if (out !== undefined && ctx.json) throw new UserError('Give --json or --out priced.csv, not both.')
    const scoreline = openScoreline(ctx)
    try {
      const result = await call(scoreline, 'fixtures.price', window)
      if (result.fixtures.length === 0) throw new UserError(noFixturesHint(window), 'DATA_NO_FIXTURES')
      if (result.counts.priced === 0 && result.models.length === 0) {
        // no league has a champion: say how to make one, once per league
        const reasons = [...new Set(result.fixtures.flatMap((f) => f.warnings.map((w) => w.message)))]
        throw new UserError(reasons.join('\n'), 'MODEL_NO_CHAMPION')
      }
      if (out !== undefined) {
        await writeTextFile(out, pricedCsv(result))
        ctx.stdout.write(`${out}: ${countsLine(result.counts)}\n`)
        return 0
      }
      ctx.output(result, renderPriced)
      return 0
    } finally {
      await scoreline.close()
    }
  },
}

export const fixturesCommand: Command = {
  name: 'fixtures',
  summary:
    "Fixtures to come: download or import them with today's prices, list them, price them with each league's champion.",
  usage: '<download|import|list|price> [options]',
  subcommands: [downloadSub, importSub, listSub, priceSub],
}
