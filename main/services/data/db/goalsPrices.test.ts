import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { describeWithService } from '../../../../test/support/services'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../../test/support/sharedData'
import { parseFootballDataCsv, readFootballDataFile } from '../csv/index'
import { importFileContents, importParsedFile, importParsedFileToPostgres } from '../import/index'
import { useMigratedTestDatabase } from '../testing/migratedTestDatabase'
import { syncFromPostgres } from '../sync/syncFromPostgres'
import { openMemoryDatabase } from './index'
import { packGoalsPrices, unpackGoalsPrices } from './goalsPrices'

// Two played rows quoting O/U 2.5 and AH pre-match and closing (one without AH), and a fixture: invented
// clubs, dates and prices (no row comes from a real season file; the real-file test reads ../shared).
const HEADER =
  'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,PSH,PSD,PSA,P>2.5,P<2.5,AHh,PAHH,PAHA,PC>2.5,PC<2.5,AHCh,PCAHH,PCAHA'
const CSV = [
  HEADER,
  'E0,12/08/2031,Harbourside,Millbrook,2,1,1.25,6.40,12.50,1.45,2.85,-2,1.90,1.99,1.49,2.65,-1.75,1.95,1.95',
  'E0,13/08/2031,Eastbury,Northgate,0,3,7.90,5.20,1.40,1.70,2.25,,,,1.66,2.32,,,',
  'E0,20/08/2031,Millbrook,Eastbury,,,2.1,3.4,3.5,1.9,1.9,-0.25,1.95,1.95,,,,,',
].join('\n')

const storedText = (db: ReturnType<typeof openMemoryDatabase>) =>
  db.prepare('SELECT goals_json FROM matches ORDER BY date').pluck().all() as (string | null)[]

describe('goals-market prices of played matches (matches.goals_json)', () => {
  it('round-trips every O/U and AH quote of a row exactly; a fixture or a row quoting neither packs to null', () => {
    const rows = parseFootballDataCsv(CSV, 'E0_goals.csv').rows
    const back = unpackGoalsPrices(packGoalsPrices(rows[0]))
    expect(back.totals).toEqual(rows[0].totals)
    expect(back.asianHandicap).toEqual(rows[0].asianHandicap)
    expect(back.asianHandicap.map((q) => [q.kind, q.line])).toEqual([
      ['pre-match', -2],
      ['closing', -1.75],
    ])
    expect(unpackGoalsPrices(packGoalsPrices(rows[1])).asianHandicap).toEqual([])
    expect(packGoalsPrices(rows[2])).toBeNull() // a fixture: its prices are snapshots (migration 004)
    expect(packGoalsPrices({ status: 'played', totals: [], asianHandicap: [] })).toBeNull()
    expect(unpackGoalsPrices('not json')).toEqual({ totals: [], asianHandicap: [] })
  })

  it('the SQLite import stores them with the match, and a second import of the same file changes nothing', () => {
    const db = openMemoryDatabase()
    importFileContents(db, CSV, 'E0_2031-32.csv')
    const [a, b, fixture] = storedText(db)
    const rows = parseFootballDataCsv(CSV, 'E0_goals.csv').rows
    expect(unpackGoalsPrices(a)).toEqual({ totals: rows[0].totals, asianHandicap: rows[0].asianHandicap })
    expect(unpackGoalsPrices(b).totals).toEqual(rows[1].totals)
    expect(fixture).toBeNull()
    expect(importFileContents(db, CSV, 'E0_2031-32.csv').matches.unchanged).toBe(3)
  })

  it.skipIf(!footballDataDir())(
    `keeps every O/U and AH quote of a real season file ${footballDataDir() ? '' : SHARED_DATA_SKIP_REASON}`,
    async () => {
      const parsed = await readFootballDataFile(
        path.join(footballDataDir() as string, 'E0', 'E0_2023-24.csv'),
      )
      const db = openMemoryDatabase()
      importParsedFile(db, parsed)
      // the hand-written text is exactly JSON.stringify's
      for (const r of parsed.rows) {
        const kind = (k: string) => (k === 'closing' ? 'c' : 'p')
        expect(packGoalsPrices(r)).toBe(
          JSON.stringify({
            ou: r.totals.map((t) => [t.bookmaker, kind(t.kind), t.line, t.over, t.under]),
            ah: (r.asianHandicap ?? []).map((h) => [h.bookmaker, kind(h.kind), h.line, h.home, h.away]),
          }),
        )
      }
      const stored = storedText(db).map(unpackGoalsPrices)
      const quotes = (g: { totals: unknown[]; asianHandicap: unknown[] }) =>
        g.totals.length + g.asianHandicap.length
      expect(stored.reduce((s, g) => s + quotes(g), 0)).toBe(
        parsed.rows.reduce((s, r) => s + r.totals.length + (r.asianHandicap?.length ?? 0), 0),
      )
      const pinnacleClosing = (t: readonly { bookmaker: string; kind: string }[]) =>
        t.some((q) => q.bookmaker === 'PS' && q.kind === 'closing')
      const expected = parsed.rows.filter((r) => pinnacleClosing(r.totals)).length
      expect(expected).toBeGreaterThan(300) // the file quotes Pinnacle's closing O/U on most rows
      expect(stored.filter((g) => pinnacleClosing(g.totals)).length).toBe(expected)
    },
  )
})

describeWithService('postgres', 'goals-market prices through Postgres and the sync', (baseUrl) => {
  const testDb = useMigratedTestDatabase(baseUrl)

  it('the Postgres import writes the same text as SQLite; the first and the incremental sync bring it into the cache', async () => {
    const parsed = parseFootballDataCsv(CSV, 'E0_2031-32.csv')
    await importParsedFileToPostgres(testDb.client, parsed)
    const local = openMemoryDatabase()
    importParsedFile(local, parsed)
    const pgText = (await testDb.client.query('SELECT goals_json FROM matches ORDER BY date')).rows.map(
      (r) => r.goals_json,
    )
    expect(pgText).toEqual(storedText(local))
    expect((await importParsedFileToPostgres(testDb.client, parsed)).matches.unchanged).toBe(3)
    const cache = openMemoryDatabase()
    await syncFromPostgres(cache, { postgres: testDb.url, push: false })
    expect(storedText(cache)).toEqual(pgText)
    // a corrected closing O/U price reaches Postgres and then the cache through the incremental sync
    const corrected = parseFootballDataCsv(CSV.replace(',1.49,2.65,', ',1.5,2.6,'), 'E0_2031-32.csv')
    expect((await importParsedFileToPostgres(testDb.client, corrected)).matches.updated).toBe(1)
    await syncFromPostgres(cache, { postgres: testDb.url, push: false })
    expect(unpackGoalsPrices(storedText(cache)[0]).totals).toEqual(corrected.rows[0].totals)
    expect(corrected.rows[0].totals.some((q) => q.over === 1.5 && q.under === 2.6)).toBe(true)
  })
})
