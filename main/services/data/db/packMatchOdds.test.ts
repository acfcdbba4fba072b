import { describe, expect, it } from 'vitest'
import type Database from 'better-sqlite3'
import { openMemoryDatabase } from './index'
import { PACKED_ODDS_SQL, packMatchOdds } from './packMatchOdds'
import { importFileContents } from '../import/index'
import { listMatches } from '../queries/index'

const HEADER = 'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,B365H,B365D,B365A,PSH,PSD,PSA'
const CSV = `${HEADER}
E0,12/08/2023,15:00,Arsenal,Chelsea,2,1,H,1.8,3.6,4.5,1.85,3.7,4.6
E0,12/08/2023,17:30,Leeds,Hull,0,0,D,2.1,3.3,3.6,,,
E0,19/08/2023,15:00,Chelsea,Leeds,3,3,D,,,,,,
`

/** The odds of every match read straight from the odds table (the source of truth), in id order. */
function oddsFromTable(db: Database.Database): Record<number, unknown[]> {
  const rows = db
    .prepare(
      `SELECT match_id, bookmaker, kind, home, draw, away, captured_at AS capturedAt
         FROM odds WHERE deleted = 0 ORDER BY match_id, id`,
    )
    .all() as { match_id: number; [k: string]: unknown }[]
  const out: Record<number, unknown[]> = {}
  for (const m of db.prepare('SELECT id FROM matches').pluck().all() as number[]) out[m] = []
  for (const { match_id, ...quote } of rows) out[match_id].push(quote)
  return out
}

function oddsFromList(db: Database.Database): Record<number, unknown[]> {
  return Object.fromEntries(listMatches(db).map((m) => [m.id, m.odds]))
}

const staleCount = (db: Database.Database) =>
  db.prepare('SELECT count(*) FROM matches WHERE odds_json IS NULL').pluck().get() as number

describe('packed odds (migration 003)', () => {
  it('an import leaves every match packed, equal to the odds table', () => {
    const db = openMemoryDatabase()
    importFileContents(db, CSV, 'E0_2023-24.csv')
    expect(staleCount(db)).toBe(0)
    const fromTable = oddsFromTable(db)
    expect(oddsFromList(db)).toEqual(fromTable)
    expect(Object.values(fromTable).map((o) => o.length)).toEqual([2, 1, 0])
  })

  it('any write to odds marks the match stale, and readers still see the table until it is repacked', () => {
    const db = openMemoryDatabase()
    importFileContents(db, CSV, 'E0_2023-24.csv')
    const [first] = listMatches(db)
    // an update, a tombstone and an insert outside any importer: all three must show immediately
    db.prepare("UPDATE odds SET home = 1.95 WHERE match_id = ? AND bookmaker = 'B365'").run(first.id)
    expect(staleCount(db)).toBe(1)
    expect(listMatches(db)[0].odds.find((o) => o.bookmaker === 'B365')?.home).toBe(1.95)
    db.prepare("UPDATE odds SET deleted = 1 WHERE match_id = ? AND bookmaker = 'PS'").run(first.id)
    const second = listMatches(db)[1]
    db.prepare(
      "INSERT INTO odds (match_id, bookmaker, kind, home, draw, away, updated_at) VALUES (?, 'Avg', 'closing', 2.0833333333333335, 3.1, 3.9, 'now')",
    ).run(second.id)
    expect(staleCount(db)).toBe(2)
    expect(oddsFromList(db)).toEqual(oddsFromTable(db))
    expect(packMatchOdds(db)).toBe(2)
    expect(staleCount(db)).toBe(0)
    // packed copies round-trip doubles exactly
    expect(oddsFromList(db)).toEqual(oddsFromTable(db))
    expect(listMatches(db)[1].odds.at(-1)?.home).toBe(2.0833333333333335)
    db.prepare('DELETE FROM odds WHERE match_id = ?').run(second.id)
    expect(oddsFromList(db)).toEqual(oddsFromTable(db))
  })

  it('re-importing a corrected file repacks only what changed, within the import transaction', () => {
    const db = openMemoryDatabase()
    importFileContents(db, CSV, 'E0_2023-24.csv')
    const corrected = CSV.replace('1.8,3.6,4.5', '1.75,3.6,4.75')
    importFileContents(db, corrected, 'E0_2023-24.csv')
    expect(staleCount(db)).toBe(0)
    expect(listMatches(db)[0].odds[0]).toMatchObject({ bookmaker: 'B365', home: 1.75, away: 4.75 })
    expect(oddsFromList(db)).toEqual(oddsFromTable(db))
  })

  it('paged and filtered reads agree with the table', () => {
    const db = openMemoryDatabase()
    importFileContents(db, CSV, 'E0_2023-24.csv')
    db.prepare("UPDATE odds SET draw = 3.65 WHERE bookmaker = 'B365' AND home = 1.8").run()
    const page = listMatches(db, { limit: 2, offset: 0 })
    const table = oddsFromTable(db)
    expect(page.map((m) => m.odds)).toEqual(page.map((m) => table[m.id]))
    expect(listMatches(db, { withOdds: false }).every((m) => m.odds.length === 0 && !('oddsJson' in m))).toBe(
      true,
    )
  })

  it('the one-pass pack after a bulk load gives every stale match the same text as the per-match pack', () => {
    const db = openMemoryDatabase()
    importFileContents(db, CSV, 'E0_2023-24.csv')
    const [first, second] = listMatches(db)
    // odds inserted out of id order for one match, a tombstone, a price that needs 17 digits
    db.prepare(
      "INSERT INTO odds (id, match_id, bookmaker, kind, home, draw, away, updated_at) VALUES (100, ?, 'Avg', 'closing', 2.0833333333333335, 3.1, 3.9, 'now')",
    ).run(second.id)
    db.prepare(
      "INSERT INTO odds (id, match_id, bookmaker, kind, home, draw, away, updated_at) VALUES (50, ?, 'WH', 'closing', 2, 3, 4, 'now')",
    ).run(second.id)
    db.prepare("UPDATE odds SET deleted = 1 WHERE match_id = ? AND bookmaker = 'PS'").run(first.id)
    db.exec('UPDATE matches SET odds_json = NULL')
    expect(packMatchOdds(db, { all: true })).toBe(3)
    expect(staleCount(db)).toBe(0)
    expect(
      db.prepare(`SELECT count(*) FROM matches WHERE odds_json IS NOT ${PACKED_ODDS_SQL}`).pluck().get(),
    ).toBe(0)
    expect(oddsFromList(db)).toEqual(oddsFromTable(db))
    expect(oddsFromList(db)[second.id].map((o) => (o as { bookmaker: string }).bookmaker)).toEqual([
      'B365',
      'WH',
      'Avg',
    ])
  })
})
