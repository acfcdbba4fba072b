/**
 * The floor under the first full sync (#23): SQLite's own work for the sync's 100,000 matches + 300,000 odds,
 * the rows generated inside SQLite (no stream, no JavaScript, no binding), in ONE transaction as the sync does it:
 * the same schema and pragmas, secondary indexes deferred and rebuilt, odds loaded without their stale-marking
 * triggers, the odds packed into every match, the commit (with its WAL checkpoint). Plain INSERT … SELECT, so
 * less work than the sync's upserts: what no loader of this schema can go below on this machine.
 * Rows are shaped like fillSyntheticPostgres' (50 leagues × 20 seasons, 1,000 teams, 3 bookmakers).
 */
import path from 'node:path'
import type Database from 'better-sqlite3'
import { openAppDatabase, packMatchOdds } from '../main/services/data/db/index'
import { deferIndexes, restoreDeferredIndexes } from '../main/services/data/db/deferredIndexes'
import { withoutOddsTriggers } from '../main/services/data/sync/firstSync'

const TS = '2031-01-01T00:00:00.000000Z'
const STEPS = ['matches', 'matches indexes', 'odds', 'pack', 'commit'] as const
export type FloorStep = (typeof STEPS)[number]

const seq = (name: string, last: number) =>
  `${name}(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM ${name} WHERE n < ${last})`

function fillReferences(db: Database.Database): void {
  db.exec(`
    WITH RECURSIVE ${seq('l', 49)}
    INSERT INTO leagues (code, name, updated_at) SELECT 'L' || printf('%02d', n), 'Synthetic ' || n, '${TS}' FROM l;
    WITH RECURSIVE ${seq('l', 49)}, ${seq('s', 19)}
    INSERT INTO seasons (league_code, code, updated_at)
      SELECT 'L' || printf('%02d', l.n), (2000 + s.n) || '-' || printf('%02d', (2001 + s.n) % 100), '${TS}' FROM l, s;
    WITH RECURSIVE ${seq('t', 999)}
    INSERT INTO teams (id, remote_id, name, updated_at) SELECT n + 1, n + 1, 'Team ' || (n + 1), '${TS}' FROM t;`)
}

const MATCHES = `
  WITH RECURSIVE ${seq('g', 99_999)}, x AS (SELECT n, n % 50 AS l, n / 50 AS k FROM g)
  INSERT INTO matches (remote_id, league_code, season, date, home_team_id, away_team_id, home_goals, away_goals,
                       home_shots, away_shots, status, source, neutral, updated_at, deleted)
  SELECT n + 1, 'L' || printf('%02d', l), (2000 + k / 100) || '-' || printf('%02d', (2001 + k / 100) % 100),
         date(printf('%04d-08-01', 2000 + k / 100), '+' || (k % 100) || ' days'),
         l * 20 + (k % 20) + 1, l * 20 + ((k % 20) + 1 + (k / 20) % 19) % 20 + 1,
         (n * 7) % 4, (n * 13) % 3, 10 + n % 9, 8 + n % 7, 'played', 'synthetic', 0, '${TS}', 0 FROM x`

const ODDS = `
  INSERT INTO odds (remote_id, match_id, bookmaker, kind, home, draw, away, captured_at, updated_at, deleted)
  SELECT m.id * 3 + b.k, m.id, b.name, 'pre-match', 1.5 + (m.id % 50) / 10.0, 3.2 + (m.id % 7) / 10.0,
         2.0 + (m.id % 40) / 10.0, NULL, '${TS}', 0
    FROM matches m, (SELECT 0 AS k, 'B365' AS name UNION ALL SELECT 1, 'PS' UNION ALL SELECT 2, 'Avg') b
   ORDER BY m.id, b.k`

/** One load into a new database file in `dir`: ms of each step. */
export function loadFloorOnce(file: string): Record<FloorStep, number> {
  const db = openAppDatabase(file)
  try {
    fillReferences(db)
    db.pragma('temp_store = MEMORY')
    db.pragma('cache_size = -262144') // the sync's load cache (firstSync.ts)
    const ms = {} as Record<FloorStep, number>
    let t0 = performance.now()
    const lap = (step: FloorStep) => {
      const t = performance.now()
      ms[step] = t - t0
      t0 = t
    }
    db.transaction(() => {
      deferIndexes(db, 'matches')
      db.exec(MATCHES)
      lap('matches')
      restoreDeferredIndexes(db, 'matches')
      lap('matches indexes')
      deferIndexes(db, 'odds')
      withoutOddsTriggers(db, true, () => db.exec(ODDS))
      restoreDeferredIndexes(db, 'odds')
      lap('odds')
      packMatchOdds(db, { all: true })
      lap('pack')
    })()
    lap('commit')
    const n = db.prepare('SELECT (SELECT count(*) FROM matches) + (SELECT count(*) FROM odds)').pluck().get()
    if (n !== 400_000) throw new Error(`first-sync floor: ${String(n)} rows loaded, not 400,000`)
    return ms
  } finally {
    db.close()
  }
}

/** `runs` loads (new files in `dir`): the median of each step and of the whole. */
export function firstSyncFloor(dir: string, runs: number, median: (xs: number[]) => number) {
  const each = Array.from({ length: runs }, (_, i) => loadFloorOnce(path.join(dir, `floor-${i}.db`)))
  const steps = Object.fromEntries(STEPS.map((s) => [s, median(each.map((m) => m[s]))])) as Record<
    FloorStep,
    number
  >
  const total = median(each.map((m) => STEPS.reduce((a, s) => a + m[s], 0)))
  return { steps, total }
}
