import { offlineError } from '../../core/offline'
import path from 'node:path'
import type { Command, CommandContext } from '../framework'
import { fileErrorMessage, printable, UserError } from '../framework'
import { call, openScoreline, SERVICE_OPTIONS } from '../context'
import { toApiErrorShape } from '../../core/appError'
import { openDatabase } from '../../services/data/db'
import { importFile, importFileToPostgres, type ImportResult } from '../../services/data/import'
import { connectPostgres } from '../../services/data/postgres/pgConnection'
import { migratePostgres } from '../../services/data/postgres/migratePostgres'
import { redactUrl } from '../../core/redact'
import { listTeamAliases, removeTeamAlias } from '../../services/data/teams'

type Outcome =
  | { ok: true; file: string; result: ImportResult }
  | { ok: false; file: string; error: { code: string; message: string; details?: unknown } }

function str(ctx: CommandContext, name: string): string | undefined {
  const value = ctx.values[name]
  return typeof value === 'string' ? value : undefined
}

export const importCommand: Command = {
  name: 'import',
  summary: 'Import football-data.co.uk CSV files into the local SQLite store (or a Postgres database).',
  usage: '<csv...> [--league CODE] [--season 2023-24] [--db PATH | --postgres URL]',
  options: {
    ...SERVICE_OPTIONS,
    league: {
      type: 'string',
      description: "League code (default: the file's Div column)",
      valueName: 'CODE',
    },
    season: {
      type: 'string',
      description: 'Season label (default: inferred from the dates)',
      valueName: 'S',
    },
    db: {
      type: 'string',
      description: 'Import into this SQLite file instead of the app database',
      valueName: 'PATH',
    },
  },
  async run(ctx) {
    if (ctx.positionals.length === 0)
      throw new UserError('Name at least one CSV file: scoreline data import E0_2023-24.csv')
    const league = str(ctx, 'league')
    const season = str(ctx, 'season')
    const dbPath = str(ctx, 'db')
    const postgres = str(ctx, 'postgres')
    if (dbPath && postgres) throw new UserError('Use --db or --postgres, not both.')
    const createTeams = (ctx.values['create-team'] as string[] | undefined) ?? []
    const opts = { league, season, ...(createTeams.length ? { createTeams } : {}) }
    const outcomes: Outcome[] = []
    const total = ctx.positionals.length
    // progress on stderr, one whole line per file (never a partial line an error could land on)
    const progress = (line: string) => {
      if (!ctx.json) ctx.stderr.write(`[${outcomes.length + 1}/${total}] ${line}\n`)
    }
    const record = async (file: string, work: () => Promise<ImportResult>) => {
      const name = printable(path.basename(file), 120)
      progress(`${name}: importing…`)
      const started = Date.now()
      try {
        const result = await work()
        progress(
          `${name}: ${result.matches.inserted} inserted, ${result.matches.updated} updated (${Date.now() - started} ms)`,
        )
        outcomes.push({ ok: true, file, result })
      } catch (error) {
        progress(`${name}: rejected (the reason is in the report below)`)
        // a missing or unreadable file in one line, not Node's `ENOENT: no such file …, open '…'`
        const unreadable = error instanceof Error ? fileErrorMessage(error) : null
        outcomes.push({
          ok: false,
          file,
          error: unreadable ? { code: 'ENOENT', message: unreadable } : toApiErrorShape(error),
        })
      }
    }
    if (postgres) {
      const client = await connectPostgres(postgres)
      try {
        for (const file of ctx.positionals) await record(file, () => importFileToPostgres(client, file, opts))
      } finally {
        await client.end()
      }
    } else if (dbPath) {
      const db = openDatabase(path.resolve(dbPath))
      try {
        for (const file of ctx.positionals) await record(file, () => importFile(db, file, opts))
      } finally {
        db.close()
      }
    } else {
      const scoreline = openScoreline(ctx)
      try {
        for (const file of ctx.positionals) await record(file, () => importFile(scoreline.db, file, opts))
      } finally {
        await scoreline.close()
      }
    }
    const totals = { inserted: 0, updated: 0, unchanged: 0, rejected: 0 }
    for (const o of outcomes) {
      if (o.ok) {
        totals.inserted += o.result.matches.inserted
        totals.updated += o.result.matches.updated
        totals.unchanged += o.result.matches.unchanged
        totals.rejected += o.result.matches.rejected
      }
    }
    const rejectedFiles = outcomes.filter((o) => !o.ok).length
    ctx.output({ files: outcomes, totals, rejected_files: rejectedFiles }, renderImport)
    return rejectedFiles > 0 ? 1 : 0
  },
}

function renderImport(report: {
  files: Outcome[]
  totals: Record<string, number>
  rejected_files: number
}): string {
  const lines: string[] = []
  for (const o of report.files) {
    if (o.ok) {
      const m = o.result.matches
      lines.push(
        `${path.basename(o.file)}: ${o.result.league} ${o.result.season} — ${m.inserted} inserted, ${m.updated} updated, ${m.unchanged} unchanged, ${m.rejected} rejected (${o.result.durationMs.toFixed(0)} ms)`,
      )
      for (const w of o.result.warnings.slice(0, 5))
        lines.push(`  warning line ${w.line}: ${printable(w.message)}`)
      if (o.result.warnings.length > 5) lines.push(`  … and ${o.result.warnings.length - 5} more warnings`)
    } else {
      lines.push(`${printable(path.basename(o.file), 120)}: REJECTED, nothing imported`)
      for (const line of o.error.message.split('\n')) lines.push(`  ${printable(line)}`)
    }
  }
  const t = report.totals
  lines.push(
    `total: ${t.inserted} inserted, ${t.updated} updated, ${t.unchanged} unchanged, ${t.rejected} rejected; ${report.rejected_files} file(s) rejected`,
  )
  return lines.join('\n') + '\n'
}

export const downloadCommand: Command = {
  name: 'download',
  summary: 'Download seasons from football-data.co.uk and import them (unchanged seasons cost nothing).',
  usage: '--league E0 --seasons 2019-20..2024-25 [--force]',
  options: {
    ...SERVICE_OPTIONS,
    league: { type: 'string', description: 'League code (E0, E1, SP1, D1, ...)', valueName: 'CODE' },
    seasons: {
      type: 'string',
      description: 'A season (2023-24) or a range (2019-20..2024-25)',
      valueName: 'S',
    },
    force: { type: 'boolean', description: 'Import even when the server says the file is unchanged' },
  },
  async run(ctx) {
    const league = str(ctx, 'league')
    const seasons = str(ctx, 'seasons')
    if (!league || !seasons)
      throw new UserError('Usage: scoreline data download --league E0 --seasons 2019-20..2024-25')
    const scoreline = openScoreline(ctx)
    try {
      const unsubscribe = scoreline.events.subscribe((event, payload) => {
        if (event !== 'data.downloadProgress' || ctx.json) return
        const p = payload as { season: string; index: number; total: number; state: string; attempt?: number }
        ctx.stderr.write(
          `[${p.index}/${p.total}] ${league} ${p.season}: ${p.state}${p.attempt ? ` (attempt ${p.attempt})` : ''}\n`,
        )
      })
      try {
        const results = await call(scoreline, 'data.download', {
          league,
          seasons: [seasons],
          force: ctx.values.force === true,
        })
        ctx.output(
          results,
          (rs: typeof results) =>
            rs
              .map((r) =>
                r.status === 'imported'
                  ? `${league} ${r.season}: imported — ${r.import?.matches.inserted ?? 0} inserted, ${r.import?.matches.updated ?? 0} updated`
                  : r.status === 'not-modified'
                    ? `${league} ${r.season}: unchanged on the server`
                    : `${league} ${r.season}: FAILED — ${r.error?.message ?? 'unknown error'}`,
              )
              .join('\n') + '\n',
        )
        return results.some((r) => r.status === 'failed') ? 1 : 0
      } finally {
        unsubscribe()
      }
    } finally {
      await scoreline.close()
    }
  },
}

export const syncCommand: Command = {
  name: 'sync',
  summary: "Pull the team's Postgres into the local SQLite cache (incremental and resumable).",
  usage: '[--postgres URL] [--full]',
  options: {
    ...SERVICE_OPTIONS,
    full: { type: 'boolean', description: 'Re-read every table (rows are upserted, nothing duplicates)' },
  },
  async run(ctx) {
    const scoreline = openScoreline(ctx)
    try {
      if (scoreline.config.offline)
        throw new UserError(offlineError('syncing from Postgres').message, 'CONFIG')
      if (!scoreline.config.databaseUrl)
        throw new UserError('No Postgres configured: pass --postgres URL or set DATABASE_URL.', 'CONFIG')
      let progressShown = false
      const unsubscribe = scoreline.events.subscribe((event, payload) => {
        if (event !== 'data.syncProgress' || ctx.json) return
        const p = payload as { table: string; appliedAll: number; totalAll: number }
        ctx.stderr.write(`\rsync: ${p.appliedAll}/${p.totalAll} rows (${p.table})   `)
        progressShown = true
      })
      // the progress line is rewritten in place: end it before anything else (a result or an error) prints
      const endProgress = () => {
        if (progressShown) ctx.stderr.write('\n')
        progressShown = false
      }
      try {
        const result = await call(scoreline, 'data.sync', { full: ctx.values.full === true }).finally(
          endProgress,
        )
        ctx.output(result, (r: typeof result) => {
          const tables = Object.entries(r.tables)
            .filter(([, t]) => t.applied > 0 || t.deleted > 0)
            .map(([name, t]) => `  ${name}: ${t.applied} applied, ${t.deleted} deleted`)
          return (
            [
              `synced ${r.rowsApplied} rows from ${redactUrl(scoreline.config.databaseUrl!)} in ${r.durationMs.toFixed(0)} ms`,
              ...tables,
              ...r.conflicts.map((c) => `  conflict: jackpot ${c.jackpotId}: ${c.message}`),
            ].join('\n') + '\n'
          )
        })
      } finally {
        unsubscribe()
      }
      return 0
    } finally {
      await scoreline.close()
    }
  },
}

const migrateCommand: Command = {
  name: 'migrate',
  summary:
    'Apply the numbered schema migrations (the local SQLite always migrates on start; this targets Postgres).',
  usage: '--postgres URL',
  options: { ...SERVICE_OPTIONS },
  async run(ctx) {
    const url = str(ctx, 'postgres') ?? ctx.env.DATABASE_URL
    if (!url) {
      const scoreline = openScoreline(ctx)
      const version = scoreline.db.pragma('user_version', { simple: true })
      await scoreline.close()
      ctx.output(
        { sqlite: { path: scoreline.paths.appDb, schema_version: version } },
        (r: { sqlite: { path: string; schema_version: number } }) =>
          `local database ${r.sqlite.path} is at schema version ${r.sqlite.schema_version}\n(pass --postgres URL to migrate a Postgres database)\n`,
      )
      return 0
    }
    const result = await migratePostgres(url)
    ctx.output(
      {
        postgres: redactUrl(url),
        from: result.from,
        to: result.to,
        applied: result.applied,
        adopted: result.adopted,
      },
      (r: { postgres: string; from: number; to: number; applied: string[] }) =>
        r.applied.length === 0
          ? `${r.postgres} is up to date (schema version ${r.to})\n`
          : `${r.postgres}: migrated ${r.from} → ${r.to}\n${r.applied.map((a) => `  applied ${a}`).join('\n')}\n`,
    )
    return 0
  },
}

export const dbCommand: Command = {
  name: 'db',
  summary: 'Database maintenance (`db migrate` is `data migrate`).',
  usage: '<command>',
  subcommands: [migrateCommand],
}

const LEAGUE_OPTION = {
  league: {
    type: 'string',
    description: 'League the alias applies in (default: every league)',
    valueName: 'CODE',
  },
} as const

const aliasAddCommand: Command = {
  name: 'add',
  summary:
    'Teach Scoreline another spelling of a team: the team first, then its other name (data alias add "Manchester United" "Man Utd").',
  usage: '<team> <alias> [--league CODE]',
  options: { ...SERVICE_OPTIONS, ...LEAGUE_OPTION },
  async run(ctx) {
    const [team, alias] = ctx.positionals
    if (!team || !alias || ctx.positionals.length > 2)
      throw new UserError(
        'Usage: scoreline data alias add <team> <alias> [--league E0], the team first, e.g. scoreline data alias add "Manchester United" "Man Utd" --league E0',
      )
    const league = str(ctx, 'league')
    const scoreline = openScoreline(ctx)
    try {
      const teams = await call(scoreline, 'data.teams', league ? { league } : {})
      const named = (text: string) => teams.find((t) => t.name.toLowerCase() === text.trim().toLowerCase())
      if (!named(team) && named(alias)) {
        const quote = (text: string) => `"${printable(text, 80)}"`
        throw new UserError(
          `${quote(team)} is not a team${league ? ` in ${league}` : ''} but ${quote(alias)} is: the team comes first, then its other name. ` +
            `Did you mean: scoreline data alias add ${quote(named(alias)!.name)} ${quote(team)}${league ? ` --league ${league}` : ''}`,
        )
      }
      const record = await call(scoreline, 'data.addAlias', { team, alias, league })
      ctx.output(record, (r: typeof record) =>
        r.created
          ? `"${r.alias}" now means ${r.teamName}${r.league ? ` in ${r.league}` : ''}\n`
          : `"${r.alias}" already meant ${r.teamName}\n`,
      )
      return 0
    } finally {
      await scoreline.close()
    }
  },
}

const aliasListCommand: Command = {
  name: 'list',
  summary: 'The aliases: of one league (with those for every league) or all of them.',
  usage: '[--league CODE]',
  options: { ...SERVICE_OPTIONS, league: { ...LEAGUE_OPTION.league, description: 'Only this league' } },
  async run(ctx) {
    const scoreline = openScoreline(ctx)
    try {
      const aliases = listTeamAliases(scoreline.db, { league: str(ctx, 'league') })
      ctx.output(aliases, (rows: typeof aliases) => {
        if (rows.length === 0) return 'no aliases\n'
        const width = Math.max(...rows.map((r) => printable(r.alias, 60).length))
        return (
          rows
            .map(
              (r) =>
                `${(r.league || 'all').padEnd(4)} ${printable(r.alias, 60).padEnd(width)}  → ${r.teamName}  (${r.source})`,
            )
            .join('\n') + '\n'
        )
      })
      return 0
    } finally {
      await scoreline.close()
    }
  },
}

const aliasRemoveCommand: Command = {
  name: 'remove',
  summary: 'Forget a spelling of a team (the one of --league, or the one for every league).',
  usage: '<alias> [--league CODE]',
  options: { ...SERVICE_OPTIONS, ...LEAGUE_OPTION },
  async run(ctx) {
    const [alias] = ctx.positionals
    if (!alias || ctx.positionals.length > 1)
      throw new UserError(
        'Usage: scoreline data alias remove <alias> [--league E0], e.g. scoreline data alias remove "Man Utd"',
      )
    const scoreline = openScoreline(ctx)
    try {
      const removed = removeTeamAlias(scoreline.db, { alias, league: str(ctx, 'league') })
      ctx.output(
        removed,
        (r: typeof removed) =>
          `"${r.alias}" no longer means ${r.teamName}${r.league ? ` in ${r.league}` : ''}\n`,
      )
      return 0
    } finally {
      await scoreline.close()
    }
  },
}

export const aliasCommand: Command = {
  name: 'alias',
  summary: 'Team-name aliases: add (team first, then its other name), list, remove.',
  usage: '<command>',
  subcommands: [aliasAddCommand, aliasListCommand, aliasRemoveCommand],
}

const percent = (part: number, whole: number) => (whole === 0 ? '—' : `${Math.round((100 * part) / whole)}%`)

export const dataStatusCommand: Command = {
  name: 'status',
  summary:
    'Per league and season: matches played, fixtures to come, the last match played, odds coverage; then rows per table, last sync, outbox and Postgres.',
  usage: '[--league CODE] [--json]',
  options: {
    ...SERVICE_OPTIONS,
    league: { type: 'string', description: 'Only this league', valueName: 'CODE' },
  },
  async run(ctx) {
    const scoreline = openScoreline(ctx)
    try {
      const league = str(ctx, 'league')
      const [status, seasons] = await Promise.all([
        call(scoreline, 'data.status', { probe: true }),
        call(scoreline, 'data.seasons', league ? { league } : {}),
      ])
      ctx.output({ ...status, seasons }, (s: typeof status & { seasons: typeof seasons }) => {
        const pgState = !s.postgres.configured
          ? 'not configured'
          : s.postgres.reachable
            ? 'reachable'
            : `unreachable: ${s.postgres.error ?? '?'}`
        const header = ['league', 'season', 'played', 'to come', 'last played', 'odds (played)']
        const rows = s.seasons.map((x) => [
          x.league,
          x.season,
          String(x.played),
          String(x.scheduled),
          x.lastPlayedDate ?? '—',
          `${percent(x.playedWithOdds, x.played)} (${x.playedWithOdds}/${x.played})`,
        ])
        const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
        const line = (cells: string[]) =>
          '  ' +
          cells
            .map((c, i) => c.padEnd(widths[i]))
            .join('  ')
            .trimEnd()
        return (
          [
            ...(rows.length ? ['seasons:', line(header), ...rows.map(line)] : ['seasons: none imported yet']),
            '',
            `postgres: ${pgState}`,
            `last successful sync: ${s.lastSuccessfulSyncAt ?? 'never'}`,
            `outbox: ${s.outbox.pending} pending, ${s.outbox.conflicts} conflicts, ${s.outbox.failed} failed`,
            'rows:',
            ...Object.entries(s.tables).map(([t, n]) => `  ${t.padEnd(18)} ${n}`),
          ].join('\n') + '\n'
        )
      })
      return 0
    } finally {
      await scoreline.close()
    }
  },
}

/**
 * Everything about the local cache lives under `data`; the spellings from before (`scoreline import`,
 * `download`, `sync`, `alias`, `db migrate`) stay accepted as hidden top-level aliases (commands/index.ts).
 */
export const dataCommand: Command = {
  name: 'data',
  summary:
    'The local data cache: import, download, sync with the team Postgres, migrate, team aliases, status.',
  usage: '<command> [options]',
  subcommands: [importCommand, downloadCommand, syncCommand, migrateCommand, aliasCommand, dataStatusCommand],
}
