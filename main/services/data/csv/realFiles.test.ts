import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../../test/support/sharedData'
import { CsvParseError } from './csvParseError'
import { inferSeason } from './inferSeason'
import { parseFootballDataCsv } from './parseFootballDataCsv'
import { readFootballDataFile } from './readFootballDataFile'
import { selectMarketOdds } from './selectMarketOdds'

// Every real season file under ../shared/data/football-data, read in place (never copied into the repo).
const dir = footballDataDir()

function seasonFiles(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(path.join(root, d.name))
        .filter((f) => f.endsWith('.csv'))
        .map((f) => `${d.name}/${f}`),
    )
    .sort()
}

/** `| E0/E0_2012-13.csv | 380 | 74 | ...` rows of SOURCES.md: file → { rows, cols }. */
function sourcesTable(root: string): Map<string, { rows: number; cols: number }> {
  const table = new Map<string, { rows: number; cols: number }>()
  for (const line of readFileSync(path.join(root, 'SOURCES.md'), 'utf8').split('\n')) {
    const cells = line.split('|').map((c) => c.trim())
    if (cells.length > 4 && cells[1].endsWith('.csv'))
      table.set(cells[1], { rows: Number(cells[2]), cols: Number(cells[3]) })
  }
  return table
}

/** Independent count: non-blank physical lines after the header (the real files have no quoted fields). */
function countDataLines(bytes: Uint8Array): number {
  return Buffer.from(bytes)
    .toString('latin1')
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => /[^,\s]/.test(l)).length
}

describe.skipIf(!dir)(
  `real football-data files ${dir ? '' : `(skipped: ${SHARED_DATA_SKIP_REASON})`}`,
  () => {
    const root = dir ?? ''
    const files = dir ? seasonFiles(root) : []
    const table = dir ? sourcesTable(root) : new Map()

    it('finds the shared files', () => {
      expect(files.length).toBeGreaterThanOrEqual(60)
      expect(table.size).toBeGreaterThanOrEqual(50)
    })

    it.each(files)('%s parses whole, one match per data row', (rel) => {
      const bytes = readFileSync(path.join(root, rel))
      const parsed = parseFootballDataCsv(bytes, path.basename(rel))
      const expected = table.get(rel)
      if (expected) {
        expect(parsed.rows).toHaveLength(expected.rows)
        expect(parsed.columns).toHaveLength(expected.cols)
      }
      expect(parsed.rows).toHaveLength(countDataLines(bytes))

      const league = rel.split('/')[0]
      const season = /_(\d{4}-\d{2})\.csv$/.exec(rel)?.[1]
      expect(parsed.league).toBe(league)
      expect(inferSeason(parsed.rows)).toBe(season)
      // plain checks over every row, one assertion (expect() per row is slow on 25k rows)
      const bad = parsed.rows.filter(
        (row) =>
          !/^\d{4}-\d{2}-\d{2}$/.test(row.date) ||
          row.home === '' ||
          row.away === '' ||
          row.home !== row.home.trim() ||
          row.home.includes('\u00a0') ||
          (row.status === 'played') !== (row.homeGoals !== null && row.awayGoals !== null) ||
          row.odds.some((q) => Math.min(q.home, q.draw, q.away) <= 1) ||
          row.totals.some((q) => Math.min(q.over, q.under) <= 1),
      )
      expect(bad.map((r) => r.line)).toEqual([])
      // every season in the folder has 1X2 odds for (nearly) every match, so a market can be chosen
      const withMarket = parsed.rows.filter((r) => selectMarketOdds(r) !== null).length
      expect(withMarket / parsed.rows.length).toBeGreaterThan(0.99)
    })

    it('decodes E0_2004-05.csv as Windows-1252 and cleans the NBSP in its referee names', async () => {
      const parsed = await readFootballDataFile(path.join(root, 'E0/E0_2004-05.csv'))
      expect(parsed.encoding).toBe('windows-1252')
      const nbspRows = parsed.rows.filter((r) => r.line >= 337 && r.line <= 345)
      expect(nbspRows).toHaveLength(9)
      // the raw cells are "\xa0U Rennie": NBSP decoded, turned into a space, trimmed
      expect(nbspRows[0].referee).toBe('U Rennie')
      for (const row of nbspRows) expect(row.referee).toMatch(/^[A-Z] \S/)
      expect(parsed.rows.every((r) => !r.referee?.includes('\u00a0'))).toBe(true)
    })

    it('reads the BOM files (2024-25 on) with Div as the first column', () => {
      const parsed = parseFootballDataCsv(
        readFileSync(path.join(root, 'E0/E0_2024-25.csv')),
        'E0_2024-25.csv',
      )
      expect(parsed.columns[0]).toBe('Div')
      expect(parsed.league).toBe('E0')
    })

    it('reads Time from 2019-20 and two-digit years before', () => {
      const recent = parseFootballDataCsv(
        readFileSync(path.join(root, 'E0/E0_2019-20.csv')),
        'E0_2019-20.csv',
      )
      expect(recent.rows[0]).toMatchObject({
        date: '2019-08-09',
        time: '20:00',
        home: 'Liverpool',
        away: 'Norwich',
      })
      // the COVID restart: the season ran into late July yet is still 2019-20
      expect(recent.rows.at(-1)!.date).toBe('2020-07-26')
      expect(inferSeason(recent.rows)).toBe('2019-20')
      const old = parseFootballDataCsv(readFileSync(path.join(root, 'E0/E0_2012-13.csv')), 'E0_2012-13.csv')
      expect(old.rows[0]).toMatchObject({
        date: '2012-08-18',
        time: null,
        home: 'Arsenal',
        away: 'Sunderland',
      })
    })

    it('groups pre-match and closing odds and picks Pinnacle closing first', () => {
      const parsed = parseFootballDataCsv(
        readFileSync(path.join(root, 'E0/E0_2019-20.csv')),
        'E0_2019-20.csv',
      )
      expect(parsed.oddsGroups).toEqual(
        expect.arrayContaining(['B365', 'PS', 'Avg', 'Max', 'B365C', 'PSC', 'AvgC', 'MaxC']),
      )
      const [row] = parsed.rows
      expect(row.odds).toContainEqual({
        bookmaker: 'PS',
        kind: 'closing',
        home: 1.14,
        draw: 10.43,
        away: 19.63,
      })
      expect(row.odds).toContainEqual({
        bookmaker: 'Avg',
        kind: 'pre-match',
        home: 1.14,
        draw: 8.75,
        away: 19.83,
      })
      expect(row.totals).toContainEqual({
        bookmaker: 'PS',
        kind: 'pre-match',
        line: 2.5,
        over: 1.4,
        under: 3.11,
      })
      expect(selectMarketOdds(row)).toMatchObject({ bookmaker: 'PS', kind: 'closing', home: 1.14 })
    })

    it('reads the Betbrain aggregates of the older seasons', () => {
      const parsed = parseFootballDataCsv(
        readFileSync(path.join(root, 'E0/E0_2012-13.csv')),
        'E0_2012-13.csv',
      )
      expect(parsed.oddsGroups).toEqual([
        'B365',
        'BW',
        'GB',
        'IW',
        'LB',
        'PS',
        'WH',
        'SJ',
        'VC',
        'BS',
        'BbMx',
        'BbAv',
        'PSC',
      ])
      const [row] = parsed.rows
      expect(row.odds).toContainEqual({
        bookmaker: 'BbAv',
        kind: 'pre-match',
        home: 1.4,
        draw: 4.47,
        away: 8.37,
      })
      expect(row.totals).toContainEqual({
        bookmaker: 'BbAv',
        kind: 'pre-match',
        line: 2.5,
        over: 1.76,
        under: 2.05,
      })
    })

    it('tolerates the known bad prices with warnings, and rejects them with strictOdds', () => {
      const bytes = readFileSync(path.join(root, 'E1/E1_2012-13.csv'))
      const parsed = parseFootballDataCsv(bytes, 'E1_2012-13.csv')
      expect(parsed.warnings.map((w) => `${w.line}:${w.column}`)).toEqual(['532:B365H'])
      const row = parsed.rows.find((r) => r.line === 532)!
      expect(row.odds.some((q) => q.bookmaker === 'B365')).toBe(false)
      expect(() => parseFootballDataCsv(bytes, 'E1_2012-13.csv', { strictOdds: true })).toThrow(CsvParseError)
      expect(() => parseFootballDataCsv(bytes, 'E1_2012-13.csv', { strictOdds: true })).toThrow(
        'E1_2012-13.csv:532: B365H "0" is not valid decimal odds (must be greater than 1)',
      )
    })
  },
)
