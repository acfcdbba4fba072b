import type Database from 'better-sqlite3'

const ODDS_OBJECT = `json_object('bookmaker', o.bookmaker, 'kind', o.kind, 'home', o.home, 'draw', o.draw,
  'away', o.away, 'capturedAt', o.captured_at)`

/**
 * The JSON `matches.odds_json` holds (migration 003): the match's live odds in odds-id order. Also the
 * reference the consistency test compares the packed column against.
 */
export const PACKED_ODDS_SQL = `(
  SELECT coalesce(json_group_array(${ODDS_OBJECT}), '[]')
    FROM (SELECT * FROM odds WHERE match_id = matches.id AND deleted = 0 ORDER BY id) o)`

/**
 * The same text for every match at once: one pass over the odds grouped by match (a bulk load, where
 * one correlated look-up and sort per match took twice as long). Matches with no live odds get '[]',
 * as PACKED_ODDS_SQL gives them.
 */
const PACK_ALL_SQL = [
  `UPDATE matches SET odds_json = p.packed
     FROM (SELECT o.match_id, json_group_array(${ODDS_OBJECT} ORDER BY o.id) AS packed
             FROM odds o WHERE o.deleted = 0 GROUP BY o.match_id) p
    WHERE matches.odds_json IS NULL AND matches.id = p.match_id`,
  `UPDATE matches SET odds_json = '[]' WHERE odds_json IS NULL`,
]

const statements = new WeakMap<Database.Database, { one: Database.Statement; all: Database.Statement[] }>()

/**
 * Refills `odds_json` for every match whose odds changed since it was last packed (the triggers set it to
 * NULL). Cheap when nothing is stale (a partial-index probe). Call inside the writer's transaction so
 * the packed copy commits together with the odds; returns the number of matches packed. `all`: after a
 * bulk load that left most matches stale, pack them in one grouped pass over the odds.
 */
export function packMatchOdds(db: Database.Database, opts: { all?: boolean } = {}): number {
  let s = statements.get(db)
  if (!s) {
    s = {
      one: db.prepare(`UPDATE matches SET odds_json = ${PACKED_ODDS_SQL} WHERE odds_json IS NULL`),
      all: PACK_ALL_SQL.map((sql) => db.prepare(sql)),
    }
    statements.set(db, s)
  }
  if (!opts.all) return s.one.run().changes
  return s.all.reduce((n, stmt) => n + stmt.run().changes, 0)
}
