import { readFileSync } from 'node:fs'
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

const SEASON_FILE = footballDataDir() ? path.join(footballDataDir() as string, 'E0', 'E0_2023-24.csv') : null

/**
 * Three rows of a real season file (../shared, read at test time, never committed): the first played
 * row as it is (O/U 2.5 and AH, pre-match and closing), the second with its AH columns emptied, and the
 * third with its result emptied (a fixture). `edit` changes cells of the first row by column name.
 */
function sampleCsv(edit: Record<string, string> = {}): string {
  const [header, ...lines] = readFileSync(SEASON_FILE as string, 'utf8')
    .replace(/^\ufeff/, '')
    .split(/\r?\n/)
  const columns = header.split(',')
  const at = (name: string) => columns.indexOf(name)
  const rows = lines.slice(1, 4).map((l) => l.split(','))
  for (const [name, value] of Object.entries(edit)) rows[0][at(name)] = value
  columns.forEach((c, i) => {
    if (c.includes('AH')) rows[1][i] = ''
  })
  for (const c of ['FTHG', 'FTAG', 'FTR', 'HTHG', 'HTAG', 'HTR']) rows[2][at(c)] = ''
  return [header, ...rows.map((r) => r.join(','))].join('\n')
}

const storedText = (db: ReturnType<typeof openMemoryDatabase>) =>
  db.prepare('SELECT goals_json FROM matches ORDER BY date').pluck().all() as (string | null)[]

describe.skipIf(!SEASON_FILE)(
  `goals-market prices of played matches (matches.goals_json)${SEASON_FILE ? '' : ` ${SHARED_DATA_SKIP_REASON}`}`,
  () => {
    it('round-trips every O/U and AH quote of a row exactly; a fixture or a row quoting neither packs to null', () => {
      const rows = parseFootballDataCsv(sampleCsv(), 'E0_goals.csv').rows
      const back = unpackGoalsPrices(packGoalsPrices(rows[0]))
      expect(back.totals).toEqual(rows[0].totals)
      expect(back.asianHandicap).toEqual(rows[0].asianHandicap)
      expect(new Set(back.asianHandicap.map((q) => q.kind))).toEqual(new Set(['pre-match', 'closing']))
      expect(new Set(back.totals.map((q) => q.kind))).toEqual(new Set(['pre-match', 'closing']))
      expect(unpackGoalsPrices(packGoalsPrices(rows[1])).asianHandicap).toEqual([])
      expect(packGoalsPrices(rows[2])).toBeNull() // a fixture: its prices are snapshots (migration 004)
      expect(packGoalsPrices({ status: 'played', totals: [], asianHandicap: [] })).toBeNull()
      expect(unpackGoalsPrices('not json')).toEqual({ totals: [], asianHandicap: [] })
    })

    it('the SQLite import stores them with the match, and a second import of the same file changes nothing', () => {
      const csv = sampleCsv()
      const db = openMemoryDatabase()
      importFileContents(db, csv, 'E0_2023-24.csv')
      const [a, b, fixture] = storedText(db)
      const rows = parseFootballDataCsv(csv, 'E0_goals.csv').rows
      expect(unpackGoalsPrices(a)).toEqual({ totals: rows[0].totals, asianHandicap: rows[0].asianHandicap })
      expect(unpackGoalsPrices(b).totals).toEqual(rows[1].totals)
      expect(unpackGoalsPrices(b).asianHandicap).toEqual([])
      expect(fixture).toBeNull()
      expect(importFileContents(db, csv, 'E0_2023-24.csv').matches.unchanged).toBe(3)
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
  },
)

describeWithService('postgres', 'goals-market prices through Postgres and the sync', (baseUrl) => {
  if (!SEASON_FILE) {
    it.skip(`the Postgres import and the sync ${SHARED_DATA_SKIP_REASON}`, () => {})
    return
  }
  const testDb = useMigratedTestDatabase(baseUrl)

  it('the Postgres import writes the same text as SQLite; the first and the incremental sync bring it into the cache', async () => {
    const parsed = parseFootballDataCsv(sampleCsv(), 'E0_2023-24.csv')
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
    const corrected = parseFootballDataCsv(sampleCsv({ 'PC>2.5': '1.5', 'PC<2.5': '2.6' }), 'E0_2023-24.csv')
    expect((await importParsedFileToPostgres(testDb.client, corrected)).matches.updated).toBe(1)
    await syncFromPostgres(cache, { postgres: testDb.url, push: false })
    expect(unpackGoalsPrices(storedText(cache)[0]).totals).toEqual(corrected.rows[0].totals)
    expect(corrected.rows[0].totals.some((q) => q.over === 1.5 && q.under === 2.6)).toBe(true)
  })
})
