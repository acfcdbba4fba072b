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
 * Team rules: see planImport.ts.
 */
import path from 'node:path'
import { packMatchOdds } from '../db/packMatchOdds'
import { packGoalsPrices } from '../db/goalsPrices'
import { prepareCatalogStatements } from './catalogStatements'
import type Database from 'better-sqlite3'
import { parseFootballDataCsv, readFootballDataFile } from '../csv/index'
import type { ParsedFile, ParsedMatch } from '../csv/index'
import { createTeamResolver, leagueInfo, normalizeTeamName } from '../teams/index'
import { fileLeague, fileSeason, planTeams, unknownTeamsError } from './planImport'
import type { ImportOptions } from './planImport'

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
  'goals_json',
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
    packGoalsPrices(row), // O/U and Asian-handicap prices, packed (migration 005)
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
