import type Database from 'better-sqlite3'
import { unpackGoalsPrices, type GoalsPrices } from '../db/goalsPrices'

/**
 * The over/under and Asian-handicap prices the store keeps for a league's played matches (`goals_json`,
 * migration 005), by match id; matches without any are absent. One indexed read of the league's rows.
 */
export function goalsPricesByMatch(db: Database.Database, league: string): Map<number, GoalsPrices> {
  const rows = db
    .prepare(
      `SELECT id, goals_json FROM matches
        WHERE league_code = ? AND deleted = 0 AND status = 'played' AND goals_json IS NOT NULL`,
    )
    .raw(true)
    .all(league) as [number, string][]
  return new Map(rows.map(([id, text]) => [id, unpackGoalsPrices(text)]))
}
