import { describe, expect, it } from 'vitest'
import { openMemoryDatabase } from '../db/index'
import {
  BIG_TABLES,
  bigTableLoader,
  keyedValues,
  selectColumns,
  updateByKeySql,
  upsertSql,
  type CacheIds,
} from './bigTables'

const M = BIG_TABLES.matches
const O = BIG_TABLES.odds

/** A cache with one league-season and two teams whose Postgres ids (71, 72) differ from the local ones. */
function cache() {
  const db = openMemoryDatabase()
  const ts = '2031-08-01T00:00:00.000Z'
  db.prepare("INSERT INTO leagues (code, name, updated_at) VALUES ('X1', 'Invented', ?)").run(ts)
  db.prepare("INSERT INTO seasons (league_code, code, updated_at) VALUES ('X1', '2031-32', ?)").run(ts)
  db.prepare(
    "INSERT INTO teams (id, remote_id, name, updated_at) VALUES (1, 71, 'Alder', ?), (2, 72, 'Birch', ?)",
  ).run(ts, ts)
  const teams = new Map<unknown, number>([
    [71, 1],
    [72, 2],
  ])
  const matches = new Map<unknown, number>()
  const ids: CacheIds = {
    team: teams,
    match: matches,
    missing: (table, remote, what) => new Error(`${what} to ${table} ${String(remote)}`),
  }
  return { db, ids, matches }
}

/** The fields of an odds COPY row, in the order of the SELECT (ts last, as the reader adds it). */
const ODDS_NAMES = [
  'id',
  'match_id',
  'bookmaker',
  'kind',
  'home',
  'draw',
  'away',
  'captured_at',
  'deleted',
  'ts',
]

/** A positional COPY row of the matches SELECT (fields in `names` order), stats left NULL. */
function matchRow(names: string[], values: Record<string, unknown>): unknown[] {
  return names.map((n) => values[n] ?? null)
}

describe('the big tables, each described once', () => {
  it('select every field but ts, which the reader adds, with the casts the cache needs', () => {
    const cols = selectColumns(M)
    expect(cols.startsWith('id, league_code, date::text AS date, home_team_id, away_team_id, season,')).toBe(
      true,
    )
    expect(cols.endsWith('neutral, deleted')).toBe(true)
    expect(cols).not.toMatch(/\bts\b/)
    expect(selectColumns(O)).toMatch(/to_char\(captured_at .* AS captured_at, deleted$/)
  })

  it('build upserts that take over a row by its conflict key, updating every other column', () => {
    const sql = upsertSql(O, 2)
    expect(sql).toMatch(
      /^INSERT INTO odds \(remote_id, match_id, bookmaker, kind, home, draw, away, captured_at, updated_at, deleted\)/,
    )
    expect(sql.match(/\(\?(, \?){9}\)/g)).toHaveLength(2)
    const set = sql.split('DO UPDATE SET ')[1]
    for (const c of O.columns) {
      const key = O.conflict.includes(c.column)
      expect(set.includes(`${c.column} = excluded.${c.column}`), c.column).toBe(!key)
    }
  })

  it('update by a key with the values reordered to match: the SET columns, then the key', () => {
    const key = ['league_code', 'date', 'home_team_id', 'away_team_id']
    const sql = updateByKeySql(M, key, { localOnly: true })
    expect(sql).toMatch(/^UPDATE matches SET remote_id = \?, season = \?/)
    expect(sql).toMatch(
      /WHERE league_code = \? AND date = \? AND home_team_id = \? AND away_team_id = \? AND remote_id IS NULL$/,
    )
    expect(() => updateByKeySql(M, ['remote_id; DROP TABLE matches'])).toThrow(/is not a column of matches/)
    const values = M.columns.map((c) => c.column)
    const bound = keyedValues(M, key, values)
    expect(bound.slice(-4)).toEqual(key)
    expect(bound.slice(0, -4)).toEqual(values.filter((c) => !key.includes(c)))
  })

  it('load rows by name whatever the field order, mapping teams and matches to cache ids and flags to 0/1', () => {
    const { db, ids, matches } = cache()
    const names = [
      ...selectColumns(M)
        .split(', ')
        .map((c) => c.split(' AS ').pop() as string),
      'ts',
      'wm_id',
    ].reverse()
    const loadMatches = bigTableLoader(db, M, ids)
    const base = {
      league_code: 'X1',
      season: '2031-32',
      status: 'played',
      source: 'invented',
      ts: '2031-09-01T00:00:00.000Z',
    }
    const rows = [
      matchRow(names, {
        ...base,
        id: 501,
        date: '2031-09-01',
        home_team_id: 71,
        away_team_id: 72,
        home_goals: 2,
        away_goals: 1,
        neutral: false,
        deleted: false,
      }),
      matchRow(names, {
        ...base,
        id: 502,
        date: '2031-09-08',
        home_team_id: 72,
        away_team_id: 71,
        neutral: true,
        deleted: true,
      }),
    ]
    expect(loadMatches.load(names, rows)).toBe(1)
    const got = db
      .prepare(
        'SELECT id, remote_id, home_team_id, away_team_id, home_goals, neutral, deleted FROM matches ORDER BY remote_id',
      )
      .all() as { id: number; remote_id: number }[]
    expect(got).toMatchObject([
      { remote_id: 501, home_team_id: 1, away_team_id: 2, home_goals: 2, neutral: 0, deleted: 0 },
      { remote_id: 502, home_team_id: 2, away_team_id: 1, home_goals: null, neutral: 1, deleted: 1 },
    ])
    for (const m of got) matches.set(m.remote_id, m.id)

    // an odds row taken over by the natural key: the second load updates it instead of adding a row
    const loadOdds = bigTableLoader(db, O, ids)
    const odds = (id: number, home: number) => [
      id,
      501,
      'B1',
      'pre-match',
      home,
      3.4,
      4.2,
      null,
      false,
      base.ts,
    ]
    loadOdds.load(ODDS_NAMES, [odds(9001, 1.8)])
    loadOdds.load(ODDS_NAMES, [odds(9002, 1.9)])
    expect(db.prepare('SELECT remote_id, home FROM odds').all()).toEqual([{ remote_id: 9002, home: 1.9 }])
  })

  it('name the row and the reference the cache cannot resolve, and load nothing of it', () => {
    const { db, ids } = cache()
    const row = [12, 99, 'B1', 'pre-match', 1.8, 3.4, 4.2, null, false, '2031-09-01T00:00:00.000Z']
    expect(() => bigTableLoader(db, O, ids).load(ODDS_NAMES, [row])).toThrow('odds 12 refer to matches 99')
    const names = [
      'id',
      'league_code',
      'date',
      'home_team_id',
      'away_team_id',
      'neutral',
      'deleted',
      'ts',
      ...M.columns.slice(5, -3).map((c) => c.field),
    ]
    const match = matchRow(names, {
      id: 7,
      league_code: 'X1',
      date: '2031-09-01',
      home_team_id: 71,
      away_team_id: 80,
    })
    expect(() => bigTableLoader(db, M, ids).load(names, [match])).toThrow('match 7 refers to teams 80')
    expect(db.prepare('SELECT count(*) FROM odds').pluck().get()).toBe(0)
    // the same loader, used again, writes only whole rows: none of the failed one's values are left behind
    const loader = bigTableLoader(db, M, ids)
    expect(() => loader.load(names, [match])).toThrow()
    const whole = {
      id: 8,
      league_code: 'X1',
      season: '2031-32',
      date: '2031-09-02',
      home_team_id: 71,
      away_team_id: 72,
    }
    loader.load(names, [
      matchRow(names, { ...whole, status: 'played', source: 'invented', ts: '2031-09-01T00:00:00.000Z' }),
    ])
    expect(db.prepare('SELECT remote_id, home_team_id, away_team_id FROM matches').all()).toEqual([
      { remote_id: 8, home_team_id: 1, away_team_id: 2 },
    ])
  })

  it('says which field a COPY lacks', () => {
    const { db, ids } = cache()
    expect(() => bigTableLoader(db, O, ids).load(['id', 'match_id'], [[1, 2]])).toThrow(
      /column bookmaker missing from the COPY of id, match_id/,
    )
  })
})
