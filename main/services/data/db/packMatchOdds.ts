import type Database from 'better-sqlite3'

/**
 * The JSON `matches.odds_json` holds (migration 003): the match's live odds in odds-id order. Also the
 * reference the consistency test compares the packed column against.
 */
export const PACKED_ODDS_SQL = `(
  SELECT coalesce(json_group_array(json_object(
           'bookmaker', o.bookmaker, 'kind', o.kind, 'home', o.home, 'draw', o.draw, 'away', o.away,
           'capturedAt', o.captured_at)), '[]')
    FROM (SELECT * FROM odds WHERE match_id = matches.id AND deleted = 0 ORDER BY id) o)`

const statements = new WeakMap<Database.Database, Database.Statement>()

/**
 * Refills `odds_json` for every match whose odds changed since it was last packed (the triggers set it to
 * NULL). Cheap when nothing is stale (a partial-index probe). Call inside the writer's transaction so
 * the packed copy commits together with the odds; returns the number of matches packed.
 */
export function packMatchOdds(db: Database.Database): number {
  let stmt = statements.get(db)
  if (!stmt) {
    stmt = db.prepare(`UPDATE matches SET odds_json = ${PACKED_ODDS_SQL} WHERE odds_json IS NULL`)
    statements.set(db, stmt)
  }
  return stmt.run().changes
}
