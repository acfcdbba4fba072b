import type Database from 'better-sqlite3'

/**
 * The SQLite statements every importer writes the catalogue with (season files and fixtures files):
 * league and season rows (revived when tombstoned), a season's date span, new teams with their first
 * alias, and the names an import could not resolve (for the data-quality report).
 */
export function prepareCatalogStatements(db: Database.Database) {
  return {
    insertLeague: db.prepare(
      `INSERT INTO leagues (code, name, country, tier, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(code) DO UPDATE SET deleted = 0, updated_at = excluded.updated_at WHERE leagues.deleted = 1`,
    ),
    insertSeason: db.prepare(
      `INSERT INTO seasons (league_code, code, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(league_code, code) DO UPDATE SET deleted = 0, updated_at = excluded.updated_at WHERE seasons.deleted = 1`,
    ),
    seasonSpan: db.prepare(
      `UPDATE seasons SET start_date = m.lo, end_date = m.hi, updated_at = ?
         FROM (SELECT min(date) AS lo, max(date) AS hi FROM matches WHERE league_code = ? AND season = ? AND deleted = 0) m
        WHERE league_code = ? AND code = ? AND (start_date IS NOT m.lo OR end_date IS NOT m.hi)`,
    ),
    insertTeam: db.prepare('INSERT INTO teams (name, country, updated_at) VALUES (?, ?, ?)'),
    insertAlias: db.prepare(
      `INSERT INTO team_aliases (team_id, league_code, alias, normalized, source, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(league_code, alias) DO NOTHING`,
    ),
    unresolved: db.prepare(
      `INSERT INTO unresolved_names (league_code, name, source, suggestions, first_seen_at, last_seen_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(league_code, name) DO UPDATE SET source = excluded.source, suggestions = excluded.suggestions,
         last_seen_at = excluded.last_seen_at`,
    ),
  }
}

/**
 * The Postgres twin of `seasonSpan`: a season's first and last match dates, written only when they moved.
 */
export const PG_SEASON_SPAN_SQL = `UPDATE seasons s SET start_date = m.lo, end_date = m.hi
   FROM (SELECT min(date) AS lo, max(date) AS hi FROM matches WHERE league_code = $1 AND season = $2 AND NOT deleted) m
  WHERE s.league_code = $1 AND s.code = $2 AND (s.start_date IS DISTINCT FROM m.lo OR s.end_date IS DISTINCT FROM m.hi)`
