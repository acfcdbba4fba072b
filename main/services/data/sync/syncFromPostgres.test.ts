import path from 'node:path'
import type Database from 'better-sqlite3'
import pg from 'pg'
import { expect, it } from 'vitest'
import { describeWithService } from '../../../../test/support/services'
import { openMemoryDatabase, PACKED_ODDS_SQL } from '../db/index'
import {
  importFile,
  importFileContents,
  importFileToPostgres,
  importParsedFileToPostgres,
} from '../import/index'
import { parseFootballDataCsv } from '../csv/index'
import { useMigratedTestDatabase } from '../testing/migratedTestDatabase'
import { dataStatus } from '../queries/index'
import { promotionSeasons, writeSimulatedSeasons } from '../testing/simulatedSeasonCsv'
import { syncFromPostgres } from './syncFromPostgres'

/**
 * Three simulated top-division seasons with promotions and relegations and a second division (1,520 matches,
 * invented teams, three bookmakers' prices): enough rows for the batch and kill-mid-sync cases, without ../shared.
 */
const FILES = writeSimulatedSeasons(promotionSeasons())

/** A Postgres timestamp in the form the sync stores locally (updated_at). */
const LOCAL_TS = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`

/** Matches with team names and odds, comparable across the two stores. */
async function pgSnapshot(c: pg.Client) {
  const matches = (
    await c.query(
      `SELECT m.league_code, m.season, m.date::text AS date, m.kickoff_time, h.name AS home, a.name AS away, m.home_goals, m.away_goals,
              m.ht_home_goals, m.ht_away_goals, m.home_shots, m.away_shots, m.home_shots_on_target, m.away_shots_on_target,
              m.referee, m.status, m.source, m.deleted::int AS deleted
         FROM matches m JOIN teams h ON h.id = m.home_team_id JOIN teams a ON a.id = m.away_team_id
        ORDER BY m.league_code, m.date, h.name`,
    )
  ).rows
  const odds = (
    await c.query(
      `SELECT m.league_code, m.date::text AS date, h.name AS home, o.bookmaker, o.kind, o.home AS h, o.draw AS d, o.away AS a, o.deleted::int AS deleted
         FROM odds o JOIN matches m ON m.id = o.match_id JOIN teams h ON h.id = m.home_team_id
        ORDER BY m.league_code, m.date, h.name, o.bookmaker, o.kind`,
    )
  ).rows
  const aliases = (
    await c.query(
      'SELECT a.league_code, a.alias, t.name FROM team_aliases a JOIN teams t ON t.id = a.team_id ORDER BY 1, 2',
    )
  ).rows
  return sorted({ matches, odds, aliases })
}

function sqliteSnapshot(db: Database.Database) {
  const matches = db
    .prepare(
      `SELECT m.league_code, m.season, m.date, m.kickoff_time, h.name AS home, a.name AS away, m.home_goals, m.away_goals,
              m.ht_home_goals, m.ht_away_goals, m.home_shots, m.away_shots, m.home_shots_on_target, m.away_shots_on_target,
              m.referee, m.status, m.source, m.deleted
         FROM matches m JOIN teams h ON h.id = m.home_team_id JOIN teams a ON a.id = m.away_team_id
        ORDER BY m.league_code, m.date, h.name`,
    )
    .all()
  const odds = db
    .prepare(
      `SELECT m.league_code, m.date, h.name AS home, o.bookmaker, o.kind, o.home AS h, o.draw AS d, o.away AS a, o.deleted
         FROM odds o JOIN matches m ON m.id = o.match_id JOIN teams h ON h.id = m.home_team_id
        ORDER BY m.league_code, m.date, h.name, o.bookmaker, o.kind`,
    )
    .all()
  const aliases = db
    .prepare(
      'SELECT a.league_code, a.alias, t.name FROM team_aliases a JOIN teams t ON t.id = a.team_id ORDER BY 1, 2',
    )
    .all()
  return sorted({ matches, odds, aliases })
}

/** Both sides sorted the same way (Postgres collation differs from SQLite's binary order). */
function sorted(s: { matches: unknown[]; odds: unknown[]; aliases: unknown[] }) {
  const by = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort()
  return { matches: by(s.matches), odds: by(s.odds), aliases: by(s.aliases) }
}

function consistent(db: Database.Database) {
  expect(db.pragma('foreign_key_check')).toEqual([])
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
  // a match's packed odds (migration 003), when present, equal the odds table; a sync that died before
  // packing leaves some NULL (stale), which readers serve from the table
  const wrong = db
    .prepare(
      `SELECT count(*) FROM matches WHERE odds_json IS NOT NULL AND odds_json IS NOT ${PACKED_ODDS_SQL}`,
    )
    .pluck()
    .get()
  expect(wrong).toBe(0)
}

/** After a completed sync every match's odds are packed. */
function packed(db: Database.Database) {
  expect(db.prepare('SELECT count(*) FROM matches WHERE odds_json IS NULL').pluck().get()).toBe(0)
}

describeWithService('postgres', 'Postgres import and sync into SQLite', (baseUrl) => {
  const testDb = useMigratedTestDatabase(baseUrl)
  /** A second connection for a sync that the test terminates midway, and its backend pid. */
  async function victimConnection() {
    const victim = new pg.Client({ connectionString: testDb.url })
    await victim.connect()
    victim.on('error', () => undefined)
    const pid = (await victim.query('SELECT pg_backend_pid() AS pid')).rows[0].pid
    return { victim, pid }
  }

  it('imports into Postgres idempotently; a malformed file imports nothing', async () => {
    for (const f of FILES) {
      const r = await importFileToPostgres(testDb.client, f)
      expect(r.matches.inserted).toBe(r.rows)
    }
    for (const f of FILES) {
      const r = await importFileToPostgres(testDb.client, f)
      expect(r.matches).toEqual({ inserted: 0, updated: 0, unchanged: r.rows, rejected: 0 })
      expect(r.odds.inserted + r.odds.updated).toBe(0)
    }
    const before = (await testDb.client.query('SELECT count(*)::int AS n FROM matches')).rows[0].n
    const bad =
      'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nE0,01/09/2030,New A,New B,1,0\nE0,02/09/2030,New C,New D,z,0\n'
    await expect(importFileToPostgres(testDb.client, writeTemp('E0_bad.csv', bad))).rejects.toMatchObject({
      code: 'CSV_PARSE',
    })
    // a structurally valid file that fails half-way (a look-alike of a known team) also leaves nothing behind
    const parsed = parseFootballDataCsv(
      'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nE0,01/09/2040,Brand New FC,Harbourside,1,0\nE0,02/09/2040,Harbourside,Millbrok,1,0\n',
      'E0_half.csv',
    )
    await expect(importParsedFileToPostgres(testDb.client, parsed)).rejects.toMatchObject({
      code: 'UNKNOWN_TEAM',
    })
    expect((await testDb.client.query('SELECT count(*)::int AS n FROM matches')).rows[0].n).toBe(before)
    expect(
      (await testDb.client.query("SELECT count(*)::int AS n FROM teams WHERE name = 'Brand New FC'")).rows[0]
        .n,
    ).toBe(0)
  })

  it('a first sync (COPY, one transaction) gives the same cache as the batched one, row for row', async () => {
    const db = openMemoryDatabase()
    const r = await syncFromPostgres(db, { postgres: testDb.url })
    expect(r.rowsApplied).toBeGreaterThan(0)
    consistent(db)
    packed(db)
    expect(sqliteSnapshot(db)).toEqual(await pgSnapshot(testDb.client))
    // the batched (incremental) path over everything: a watermark row for one table turns the first-sync path off
    const batched = openMemoryDatabase()
    batched
      .prepare("INSERT INTO sync_state (table_name, watermark_updated_at) VALUES ('jackpots', NULL)")
      .run()
    const b = await syncFromPostgres(batched, { postgres: testDb.url, batchSize: 500 })
    expect(b.tables).toEqual(r.tables)
    expect(sqliteSnapshot(batched)).toEqual(sqliteSnapshot(db))
    const odds = 'SELECT remote_id, odds_json FROM matches ORDER BY remote_id'
    expect(batched.prepare(odds).all()).toEqual(db.prepare(odds).all())
    const marks =
      'SELECT table_name, watermark_updated_at, watermark_id FROM sync_state WHERE rows_applied > 0 ORDER BY 1'
    expect(batched.prepare(marks).all()).toEqual(db.prepare(marks).all())
    expect((await syncFromPostgres(db, { postgres: testDb.url })).rowsApplied).toBe(0)
  })

  it('a first sync cancelled during the stream applies nothing, and the next one completes', async () => {
    const db = openMemoryDatabase()
    const cancel = new AbortController()
    const sync = syncFromPostgres(db, {
      postgres: testDb.url,
      signal: cancel.signal,
      onProgress: (p) => {
        if (p.table === 'matches') cancel.abort()
      },
    })
    await expect(sync).rejects.toMatchObject({ code: 'SYNC_FAILED' })
    for (const table of ['leagues', 'teams', 'matches', 'odds', 'sync_state']) {
      expect(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0)
    }
    await syncFromPostgres(db, { postgres: testDb.url })
    consistent(db)
    packed(db)
    expect(sqliteSnapshot(db)).toEqual(await pgSnapshot(testDb.client))
  })

  it('syncs everything into an empty cache, row for row, and a second sync applies nothing', async () => {
    const db = openMemoryDatabase()
    const progress: number[] = []
    const r = await syncFromPostgres(db, {
      postgres: testDb.url,
      batchSize: 1000,
      onProgress: (p) => progress.push(p.appliedAll),
    })
    expect(r.rowsApplied).toBeGreaterThan(0)
    expect(progress[progress.length - 1]).toBe(r.rowsApplied)
    consistent(db)
    expect(sqliteSnapshot(db)).toEqual(await pgSnapshot(testDb.client))
    const again = await syncFromPostgres(db, { postgres: testDb.url })
    expect(again.rowsApplied).toBe(0)
    expect(dataStatus(db).lastSuccessfulSyncAt).not.toBeNull()
  })

  it('propagates updates and deletions incrementally', async () => {
    const db = openMemoryDatabase()
    await syncFromPostgres(db, { postgres: testDb.url })
    const [m1, m2] = (await testDb.client.query('SELECT id FROM matches ORDER BY id LIMIT 2')).rows.map(
      (r) => r.id,
    )
    await testDb.client.query('UPDATE matches SET home_goals = 9, away_goals = 8 WHERE id = $1', [m1])
    await testDb.client.query('UPDATE matches SET deleted = true WHERE id = $1', [m2])
    await testDb.client.query('UPDATE odds SET deleted = true WHERE match_id = $1', [m2])
    await testDb.client.query("UPDATE odds SET home = 1.01 WHERE match_id = $1 AND kind = 'pre-match'", [m1])
    const r = await syncFromPostgres(db, { postgres: testDb.url })
    expect(r.tables.matches).toEqual({ applied: 2, deleted: 1 })
    expect(r.tables.odds.deleted).toBeGreaterThan(0)
    expect(db.prepare('SELECT home_goals, away_goals FROM matches WHERE remote_id = ?').get(m1)).toEqual({
      home_goals: 9,
      away_goals: 8,
    })
    expect(db.prepare('SELECT deleted FROM matches WHERE remote_id = ?').pluck().get(m2)).toBe(1)
    consistent(db)
    packed(db)
    expect(sqliteSnapshot(db)).toEqual(await pgSnapshot(testDb.client))
  })

  it('never skips the rows of a transaction that commits after a later one was synced', async () => {
    const db = openMemoryDatabase()
    await syncFromPostgres(db, { postgres: testDb.url })
    const [first, last] = (
      await testDb.client.query('SELECT min(id) AS a, max(id) AS b FROM matches')
    ).rows.map((r) => [r.a, r.b])[0]
    const slow = new pg.Client({ connectionString: testDb.url })
    await slow.connect()
    try {
      await slow.query('BEGIN')
      await slow.query("UPDATE matches SET referee = 'Slow Ref' WHERE id = $1", [first]) // stamped with the older start
      await testDb.client.query("UPDATE matches SET referee = 'Fast Ref' WHERE id = $1", [last]) // committed first, newer stamp
      const during = await syncFromPostgres(db, { postgres: testDb.url })
      expect(during.tables.matches.applied).toBe(0) // held back behind the open transaction
      await slow.query('COMMIT')
    } finally {
      await slow.end()
    }
    const after = await syncFromPostgres(db, { postgres: testDb.url })
    expect(after.tables.matches.applied).toBe(2)
    const refs = db
      .prepare('SELECT referee FROM matches WHERE remote_id IN (?, ?) ORDER BY remote_id')
      .pluck()
      .all(first, last)
    expect(refs).toEqual(['Slow Ref', 'Fast Ref'])
  })

  it('adopts rows the laptop imported itself instead of duplicating them', async () => {
    const db = openMemoryDatabase()
    await importFile(db, FILES[0])
    const localMatches = db.prepare('SELECT count(*) FROM matches').pluck().get()
    await syncFromPostgres(db, { postgres: testDb.url })
    expect(db.prepare('SELECT count(*) FROM matches WHERE remote_id IS NULL').pluck().get()).toBe(0)
    expect(db.prepare('SELECT count(*) FROM matches').pluck().get()).toBeGreaterThanOrEqual(
      localMatches as number,
    )
    expect(sqliteSnapshot(db)).toEqual(await pgSnapshot(testDb.client))
  })

  it('a first sync cut mid-stream applies nothing (one transaction), and the next one completes', async () => {
    const db = openMemoryDatabase()
    const { victim, pid } = await victimConnection()
    let killed: Promise<unknown> | undefined
    const sync = syncFromPostgres(db, {
      postgres: victim,
      onProgress: (p) => {
        if (!killed && p.table === 'matches')
          killed = testDb.client.query('SELECT pg_terminate_backend($1)', [pid])
      },
    })
    await expect(sync).rejects.toMatchObject({ code: 'SYNC_FAILED' })
    await killed
    await victim.end().catch(() => undefined)
    consistent(db)
    for (const table of ['leagues', 'teams', 'matches', 'odds', 'sync_state']) {
      expect(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0)
    }
    const again = await syncFromPostgres(db, { postgres: testDb.url })
    expect(again.tables.leagues.applied).toBeGreaterThan(0)
    consistent(db)
    packed(db)
    expect(sqliteSnapshot(db)).toEqual(await pgSnapshot(testDb.client))
  })

  it('survives the connection being terminated mid-sync and completes on the next run', async () => {
    const db = openMemoryDatabase()
    await syncFromPostgres(db, { postgres: testDb.url })
    await testDb.client.query('UPDATE matches SET referee = referee') // every match comes again, in batches
    const touched = (await testDb.client.query(`SELECT ${LOCAL_TS('min(updated_at)')} AS ts FROM matches`))
      .rows[0].ts
    const { victim, pid } = await victimConnection()
    let killed: Promise<unknown> | undefined
    const sync = syncFromPostgres(db, {
      postgres: victim,
      batchSize: 200,
      onProgress: (p) => {
        if (!killed && p.table === 'matches' && p.applied >= 400) {
          killed = testDb.client.query('SELECT pg_terminate_backend($1)', [pid])
        }
      },
    })
    await expect(sync).rejects.toMatchObject({ code: 'SYNC_FAILED' })
    await killed
    await victim.end().catch(() => undefined)
    consistent(db)
    // what was applied is exactly what the watermarks say: the matches applied again are those up to it
    const wm = db
      .prepare(
        "SELECT watermark_updated_at AS ts, watermark_id AS id FROM sync_state WHERE table_name = 'matches'",
      )
      .get() as {
      ts: string
      id: number
    }
    const upTo = (
      await testDb.client.query(
        'SELECT count(*)::int AS n FROM matches WHERE (updated_at, id) <= ($1::timestamptz, $2)',
        [wm.ts, wm.id],
      )
    ).rows[0].n
    expect(upTo).toBeGreaterThan(0)
    expect(upTo).toBeLessThan(1520)
    const again = db.prepare('SELECT count(*) FROM matches WHERE updated_at >= ?').pluck().get(touched)
    expect(again).toBe(upTo)
    expect(db.prepare('SELECT status FROM sync_runs ORDER BY id DESC LIMIT 1').pluck().get()).toBe('failed')

    const resumed = await syncFromPostgres(db, { postgres: testDb.url, batchSize: 200 })
    expect(resumed.tables.leagues.applied).toBe(0)
    consistent(db)
    packed(db)
    expect(sqliteSnapshot(db)).toEqual(await pgSnapshot(testDb.client))
  })
})

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
function writeTemp(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'scoreline-csv-')), name)
  writeFileSync(file, text)
  return file
}
void importFileContents
