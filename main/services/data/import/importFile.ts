/**
 * Imports football-data.co.uk season files into the SQLite cache.
 *
 * - Transactional per file: the whole file (league, season, teams, aliases, matches, odds) is written
 *   in one transaction; any error (unreadable row, unknown team) imports nothing. Parse errors come
 *   from the CSV reader as `CSV_PARSE` naming file, line and column.
 * - Idempotent: a match is found by its natural key (league, date, home, away) and only rewritten
 *   when a field differs, so importing the same file twice reports every row unchanged, and a
 *   corrected file updates exactly the changed rows. Odds are keyed by (match, bookmaker, kind).
 * - A row repeating a match already seen in the same file is rejected (counted, with a warning).
 * - Fixtures (status 'scheduled', fixtures/importFixtures.ts) are the same rows: the season file fills in
 *   the result, and a fixture still scheduled on another date for the same pairing and league season is
 *   moved to the date the file gives (no second row). Nothing is ever deleted, so fixtures of later
 *   dates stay.
 * - The file's over/under 2.5 and Asian-handicap groups of played rows become price snapshots (pre-match one
 *   minute before kick-off, closing at kick-off) under the snapshot rule, so a re-import adds none and a
 *   price a fixtures import already recorded is not recorded twice (fixtures/seasonSnapshots.ts); its 1X2
 *   stays in `odds`, read as snapshots at the same times.
 * Team rules: see planImport.ts.
 */
import path from 'node:path'
import { packMatchOdds } from '../db/packMatchOdds'
import { prepareCatalogStatements } from './catalogStatements'
import type Database from 'better-sqlite3'
import { parseFootballDataCsv, readFootballDataFile } from '../csv/index'
import type { ParsedFile, ParsedMatch } from '../csv/index'
import { createTeamResolver, leagueInfo, normalizeTeamName } from '../teams/index'
import { fileLeague, fileSeason, planTeams, unknownTeamsError } from './planImport'
import type { ImportOptions } from './planImport'
import {
  seasonSnapshotsFromRow,
  seasonSnapshotsToAdd,
  type StoredSnapshot,
} from '../fixtures/seasonSnapshots'
import type { PriceSnapshot } from '../fixtures/types'

export type { ImportOptions } from './planImport'

export interface ImportCounts {
  inserted: number
  updated: number
  unchanged: number
  rejected: number
}

export interface ImportResult {
  file: string
  league: string
  season: string
  /** Data rows in the file. */
  rows: number
  matches: ImportCounts
  odds: Omit<ImportCounts, 'rejected'>
  /** The O/U 2.5 and AH price snapshots the file added, and those equal to one already stored. */
  snapshots: { added: number; unchanged: number }
  teamsCreated: string[]
  aliasesAdded: { alias: string; teamId: number }[]
  warnings: { line: number; message: string }[]
  durationMs: number
}

/** The match columns an import writes, in statement order. */
export const MATCH_FIELDS = [
  'season',
  'kickoff_time',
  'home_goals',
  'away_goals',
  'ht_home_goals',
  'ht_away_goals',
  'home_shots',
  'away_shots',
  'home_shots_on_target',
  'away_shots_on_target',
  'referee',
  'status',
] as const

export type MatchFieldValues = (string | number | null)[]

export function matchFieldValues(row: ParsedMatch, season: string): MatchFieldValues {
  return [
    season,
    row.time,
    row.homeGoals,
    row.awayGoals,
    row.halfTime?.home ?? null,
    row.halfTime?.away ?? null,
    row.stats.homeShots,
    row.stats.awayShots,
    row.stats.homeShotsOnTarget,
    row.stats.awayShotsOnTarget,
    row.referee,
    row.status,
  ]
}

type Statements = ReturnType<typeof prepare>

const cache = new WeakMap<Database.Database, Statements>()

function prepare(db: Database.Database) {
  const cols = MATCH_FIELDS.join(', ')
  return {
    league: db.prepare('SELECT code, deleted FROM leagues WHERE code = ?'),
    ...prepareCatalogStatements(db),
    findMatch: db.prepare(
      `SELECT id, deleted, ${cols} FROM matches WHERE league_code = ? AND date = ? AND home_team_id = ? AND away_team_id = ?`,
    ),
    insertMatch: db.prepare(
      `INSERT INTO matches (league_code, date, home_team_id, away_team_id, source, updated_at, ${cols})
       VALUES (?, ?, ?, ?, ?, ?, ${MATCH_FIELDS.map(() => '?').join(', ')})`,
    ),
    updateMatch: db.prepare(
      `UPDATE matches SET ${MATCH_FIELDS.map((f) => `${f} = ?`).join(', ')}, source = ?, updated_at = ?, deleted = 0
        WHERE id = ?`,
    ),
    // A fixture imported earlier (fixtures/importFixtures.ts) of the same pairing in the same league season,
    // still scheduled on another date: the season file shows when it was really played, so it is moved.
    scheduledOfSeason: db.prepare(
      `SELECT id, date, home_team_id AS home, away_team_id AS away FROM matches
        WHERE league_code = ? AND season = ? AND status = 'scheduled' AND deleted = 0`,
    ),
    moveMatch: db.prepare('UPDATE matches SET date = ? WHERE id = ?'),
    findOdds: db.prepare(
      'SELECT id, bookmaker, kind, home, draw, away, deleted FROM odds WHERE match_id = ?',
    ),
    insertOdds: db.prepare(
      'INSERT INTO odds (match_id, bookmaker, kind, home, draw, away, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    updateOdds: db.prepare(
      'UPDATE odds SET home = ?, draw = ?, away = ?, updated_at = ?, deleted = 0 WHERE id = ?',
    ),
    storedSnapshots: db.prepare(
      `SELECT match_id AS matchId, bookmaker, market, line, price1, price2, price3, observed_at
         FROM price_snapshots WHERE deleted = 0 AND market IN ('ou25', 'ah')
          AND match_id IN (SELECT value FROM json_each(?))`,
    ),
    insertSnapshots: db.prepare(
      `INSERT INTO price_snapshots (match_id, bookmaker, market, line, price1, price2, price3, observed_at, source, updated_at)
       SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6,
              j.value ->> 7, j.value ->> 8, ? FROM json_each(?) j WHERE true
       ON CONFLICT(match_id, bookmaker, market, observed_at) DO NOTHING`,
    ),
  }
}

function statements(db: Database.Database): Statements {
  let s = cache.get(db)
  if (!s) {
    s = prepare(db)
    cache.set(db, s)
  }
  return s
}

interface OddsRow {
  id: number
  bookmaker: string
  kind: string
  home: number | null
  draw: number | null
  away: number | null
  deleted: number
}

/** The counts of a file before anything is written (both stores start from it); warnings carry file:line. */
export function emptyImportResult(parsed: ParsedFile, league: string, season: string): ImportResult {
  return {
    file: parsed.file,
    league,
    season,
    rows: parsed.rows.length,
    matches: { inserted: 0, updated: 0, unchanged: 0, rejected: 0 },
    odds: { inserted: 0, updated: 0, unchanged: 0 },
    snapshots: { added: 0, unchanged: 0 },
    teamsCreated: [],
    aliasesAdded: [],
    warnings: (parsed.warnings ?? []).map((w) => ({
      line: w.line,
      message: `${w.file}:${w.line}: ${w.message}`,
    })),
    durationMs: 0,
  }
}

/** Imports an already parsed file. Throws (importing nothing) on an unknown league/season/team. */
export function importParsedFile(
  db: Database.Database,
  parsed: ParsedFile,
  opts: ImportOptions = {},
): ImportResult {
  const started = performance.now()
  const now = (opts.now ?? (() => new Date()))().toISOString()
  const league = fileLeague(parsed, opts)
  const season = fileSeason(parsed, opts)
  const source = opts.source ?? `football-data:${parsed.file}`
  const s = statements(db)

  const result = emptyImportResult(parsed, league, season)

  const run = db.transaction(() => {
    const info = leagueInfo(league)
    s.insertLeague.run(league, info.name, info.country || null, info.tier || null, now)
    s.insertSeason.run(league, season, now)

    const plan = planTeams(parsed, league, createTeamResolver(db), opts)
    if (plan.unknown.length) {
      throw unknownTeamsError(parsed.file, league, plan.unknown)
    }
    const teamIds = new Map(plan.resolved)
    for (const name of plan.create) {
      const id = Number(s.insertTeam.run(name, info.country || null, now).lastInsertRowid)
      s.insertAlias.run(id, league, name, normalizeTeamName(name), 'import', now)
      teamIds.set(name, id)
      result.teamsCreated.push(name)
    }
    for (const a of plan.aliases) {
      if (
        s.insertAlias.run(a.teamId, league, a.alias, normalizeTeamName(a.alias), 'import-normalised', now)
          .changes
      ) {
        result.aliasesAdded.push(a)
      }
    }

    const scheduled = new Map<string, { id: number; date: string }>()
    for (const m of s.scheduledOfSeason.all(league, season) as {
      id: number
      date: string
      home: number
      away: number
    }[]) {
      scheduled.set(`${m.home}|${m.away}`, m)
    }
    const seen = new Set<string>()
    // the season's O/U and AH snapshots per match, and the matches that may already have some
    const snapshotsOf = new Map<number, PriceSnapshot[]>()
    const known: number[] = []
    for (const row of parsed.rows) {
      const home = teamIds.get(row.home) as number
      const away = teamIds.get(row.away) as number
      const key = `${row.date}|${home}|${away}`
      if (seen.has(key) || home === away) {
        result.matches.rejected++
        result.warnings.push({
          line: row.line,
          message:
            home === away
              ? `${parsed.file}:${row.line}: home and away are the same team (${row.home}); row skipped`
              : `${parsed.file}:${row.line}: ${row.home} v ${row.away} on ${row.date} appears twice; later row skipped`,
        })
        continue
      }
      seen.add(key)
      const values = matchFieldValues(row, season)
      const existing = s.findMatch.get(league, row.date, home, away) as Record<string, unknown> | undefined
      const pending = scheduled.get(`${home}|${away}`)
      const moved = !existing && pending && pending.date !== row.date ? pending : undefined
      let matchId: number
      if (moved) {
        matchId = moved.id
        s.moveMatch.run(row.date, matchId)
        s.updateMatch.run(...values, source, now, matchId)
        result.matches.updated++
      } else if (!existing) {
        matchId = Number(
          s.insertMatch.run(league, row.date, home, away, source, now, ...values).lastInsertRowid,
        )
        result.matches.inserted++
      } else {
        matchId = existing.id as number
        const changed = existing.deleted === 1 || MATCH_FIELDS.some((f, i) => existing[f] !== values[i])
        if (changed) {
          s.updateMatch.run(...values, source, now, matchId)
          result.matches.updated++
        } else {
          result.matches.unchanged++
        }
      }
      const candidates = seasonSnapshotsFromRow(row)
      if (candidates.length) {
        snapshotsOf.set(matchId, candidates)
        if (existing || moved) known.push(matchId)
      }
      const current = existing || moved ? (s.findOdds.all(matchId) as OddsRow[]) : []
      for (const q of row.odds) {
        const old = current.find((o) => o.bookmaker === q.bookmaker && o.kind === q.kind)
        if (!old) {
          s.insertOdds.run(matchId, q.bookmaker, q.kind, q.home, q.draw, q.away, now)
          result.odds.inserted++
        } else if (old.home !== q.home || old.draw !== q.draw || old.away !== q.away || old.deleted === 1) {
          s.updateOdds.run(q.home, q.draw, q.away, now, old.id)
          result.odds.updated++
        } else {
          result.odds.unchanged++
        }
      }
    }
    writeSeasonSnapshots(s, snapshotsOf, known, now, result)
    s.seasonSpan.run(now, league, season, league, season)
    packMatchOdds(db) // the file's changed odds, packed in the same transaction (migration 003)
  })

  try {
    run()
  } catch (error) {
    const details = error as {
      code?: string
      details?: { names?: { name: string; suggestions: unknown[] }[] }
    }
    if (details.code === 'UNKNOWN_TEAM' && details.details?.names) {
      for (const u of details.details.names) {
        s.unresolved.run(league, u.name, source, JSON.stringify(u.suggestions), now, now)
      }
    }
    throw error
  }
  result.durationMs = performance.now() - started
  return result
}

/** The season's O/U and AH snapshots that the snapshot rule keeps, in one read and one insert per file. */
function writeSeasonSnapshots(
  s: Statements,
  snapshotsOf: ReadonlyMap<number, PriceSnapshot[]>,
  known: readonly number[],
  now: string,
  result: ImportResult,
): void {
  if (snapshotsOf.size === 0) return
  const stored = new Map<number, StoredSnapshot[]>()
  if (known.length) {
    for (const r of s.storedSnapshots.all(JSON.stringify(known)) as (StoredSnapshot & {
      matchId: number
    })[]) {
      const list = stored.get(r.matchId) ?? []
      list.push(r)
      stored.set(r.matchId, list)
    }
  }
  const rows: unknown[][] = []
  for (const [matchId, candidates] of snapshotsOf) {
    const { added, unchanged } = seasonSnapshotsToAdd(stored.get(matchId) ?? [], candidates)
    result.snapshots.unchanged += unchanged
    for (const c of added) {
      const [p1, p2, p3 = null] = c.prices
      rows.push([matchId, c.bookmaker, c.market, c.line, p1, p2, p3, c.observedAt, c.source])
    }
  }
  if (rows.length) result.snapshots.added += s.insertSnapshots.run(now, JSON.stringify(rows)).changes
}

/** Reads, parses and imports one file (path on disk). */
export async function importFile(
  db: Database.Database,
  filePath: string,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const parsed = await readFootballDataFile(filePath)
  return importParsedFile(db, parsed, opts)
}

/** Parses and imports file contents already in memory (e.g. a download). */
export function importFileContents(
  db: Database.Database,
  contents: Uint8Array | string,
  fileName: string,
  opts: ImportOptions = {},
): ImportResult {
  return importParsedFile(db, parseFootballDataCsv(contents, path.basename(fileName)), opts)
}
