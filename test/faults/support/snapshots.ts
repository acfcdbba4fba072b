/** Row counts and checksums of a SQLite cache, to compare a recovered store with a clean run. */
import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'

const QUERIES: Record<string, string> = {
  leagues: 'SELECT code, name, country, tier, deleted FROM leagues ORDER BY code',
  seasons: 'SELECT league_code, code, start_date, end_date, deleted FROM seasons ORDER BY league_code, code',
  teams: 'SELECT remote_id, name, country, deleted FROM teams ORDER BY remote_id, name',
  team_aliases: `SELECT a.remote_id, t.name, a.league_code, a.alias, a.deleted FROM team_aliases a
                   JOIN teams t ON t.id = a.team_id ORDER BY a.league_code, a.alias`,
  matches: `SELECT m.remote_id, m.league_code, m.season, m.date, h.name AS home, a.name AS away, m.home_goals,
                   m.away_goals, m.home_shots, m.away_shots, m.status, m.deleted
              FROM matches m JOIN teams h ON h.id = m.home_team_id JOIN teams a ON a.id = m.away_team_id
             ORDER BY m.league_code, m.date, h.name, a.name`,
  odds: `SELECT m.league_code, m.date, h.name AS home, o.bookmaker, o.kind, o.home, o.draw, o.away, o.deleted
           FROM odds o JOIN matches m ON m.id = o.match_id JOIN teams h ON h.id = m.home_team_id
          ORDER BY m.league_code, m.date, h.name, o.bookmaker, o.kind`,
}

export interface StoreSnapshot {
  counts: Record<string, number>
  checksums: Record<string, string>
}

export function snapshot(db: Database.Database): StoreSnapshot {
  const counts: Record<string, number> = {}
  const checksums: Record<string, string> = {}
  for (const [table, sql] of Object.entries(QUERIES)) {
    const hash = createHash('sha256')
    let n = 0
    for (const row of db.prepare(sql).iterate()) {
      hash.update(JSON.stringify(row))
      hash.update('\n')
      n++
    }
    counts[table] = n
    checksums[table] = hash.digest('hex').slice(0, 16)
  }
  return { counts, checksums }
}

/** Rows present in one snapshot and not the other (by count), over every table. */
export function countDifference(a: StoreSnapshot, b: StoreSnapshot): number {
  return Object.keys(a.counts).reduce((sum, t) => sum + Math.abs(a.counts[t] - (b.counts[t] ?? 0)), 0)
}

/** Synced rows that appear twice (same Postgres id). */
export function duplicateRemoteIds(db: Database.Database): number {
  let dup = 0
  for (const table of ['teams', 'matches', 'odds', 'team_aliases']) {
    dup += db
      .prepare(`SELECT count(remote_id) - count(DISTINCT remote_id) FROM ${table}`)
      .pluck()
      .get() as number
  }
  return dup
}

export function integrityOk(db: Database.Database): boolean {
  return db.pragma('integrity_check', { simple: true }) === 'ok'
}
