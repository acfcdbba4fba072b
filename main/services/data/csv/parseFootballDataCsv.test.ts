import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../../test/support/sharedData'
import { CsvParseError } from './csvParseError'
import { parseFootballDataCsv } from './parseFootballDataCsv'
import { readFootballDataFile } from './readFootballDataFile'
import { SIMULATED_HEADER } from '../testing/simulatedSeasonCsv'

// Quirk fixtures, built here from the simulator's column names with invented clubs, referees and 2031-32
// dates (never copied from a real season file; the parser on real files: realFiles.test.ts, ../shared).
const COLUMNS = SIMULATED_HEADER.split(',')
/** Div, Date, HomeTeam, AwayTeam, FTHG, FTAG, FTR. */
const RESULT_COLUMNS = COLUMNS.slice(0, 7)
const HEADER = RESULT_COLUMNS.join(',')
/** Rows of cells as CSV text, each line ended by `eol`. */
const csvLines = (rows: readonly (readonly (string | number)[])[], eol = '\n') =>
  rows.map((r) => r.join(',') + eol).join('')
/** `columns` with Time inserted after Date, where the fixture-era files put it. */
const withTime = (columns: readonly string[]) => [...columns.slice(0, 2), 'Time', ...columns.slice(2)]

/** Windows-1252 bytes (é is 0xE9, NBSP 0xA0 before the referees' names). */
const WINDOWS_1252_NBSP = Buffer.from(
  csvLines([
    [...RESULT_COLUMNS, 'Referee'],
    ['E0', '23/04/32', 'Harbourside', 'Millbrook', 1, 1, 'D', '\u00a0P Quayle'],
    ['E0', '23/04/32', 'Caf\u00e9 United', 'Millbrook', 0, 2, 'A', 'T\u00a0Brannock'],
  ]),
  'latin1',
)

/** RFC 4180 quoting: a comma, doubled quotes and a line break inside fields, and quoted plain fields. */
const QUOTED_FIELDS = csvLines([
  [...RESULT_COLUMNS, 'Referee'],
  ['E0', '01/09/31', '"Harbourside, Upper Town"', '"Millbrook ""Rovers"""', 1, 2, 'A', '"P\nQuayle"'],
  ['"E0"', '"02/09/31"', '"Eastbury"', 'Westfield', '"3"', '"0"', '"H"', ''],
])

/** A UTF-8 BOM, a played match, a fixture still to be played, and trailing all-comma rows (CRLF). */
const BOM_FIXTURES_WITHOUT_RESULTS =
  '\ufeff' +
  csvLines(
    [
      [...withTime(COLUMNS.slice(0, 10)), ...COLUMNS.filter((c) => c.startsWith('PS'))],
      [
        'D1',
        '21/08/2031',
        '15:30',
        'Nordstadt',
        'Südhafen',
        3,
        0,
        'H',
        2,
        0,
        'H',
        1.6,
        4.1,
        5.2,
        1.58,
        4.2,
        5.4,
      ],
      ['D1', '22/05/2032', '15:30', 'Altmark', 'Bergtal', '', '', '', '', '', '', 2.6, 3.5, 2.6, '', '', ''],
      new Array(17).fill(''),
      new Array(17).fill(''),
    ],
    '\r\n',
  )

/** The broken `\r\r\n` line ending some files carry. */
const BROKEN_CRLF = csvLines(
  [
    withTime(RESULT_COLUMNS),
    ['E0', '09/08/2031', '19:45', 'Riverside', 'Northgate', 2, 2, 'D'],
    ['E0', '10/08/2031', '13:30', 'Eastbury', 'Westfield', 1, 3, 'A'],
    new Array(8).fill(''),
  ],
  '\r\r\n',
)

/** Every kind of bad cell, spread over four rows. */
const MALFORMED = csvLines([
  [...COLUMNS.slice(0, 9), 'HS', 'AS', 'B365H', 'B365D', 'B365A'],
  ['E0', '19/08/2031', 'Riverside', 'Northgate', 'x', 1, 'H', 0, 0, 10, 5, 1.5, 4, 6],
  ['E0', '31/02/2031', 'Eastbury', 'Westfield', 1, 1, 'D', 0, 0, 10, 5, 1.5, 4, 6],
  ['E0', '20/08/2031', '', 'Hillcrest', 2, 1, 'A', 3, 0, 1.5, 5, 'abc', 4, 6],
  ['E0', '21/08/2031', 'Lakeside', 'Oakham', -1, 1, 'A', 0, 0, 10, 5, 0.9, 4, 6],
])

/** Runs the parser expecting rejection; returns the typed error. */
function rejection(
  input: Uint8Array | string,
  file = 'test.csv',
  opts?: Parameters<typeof parseFootballDataCsv>[2],
) {
  try {
    parseFootballDataCsv(input, file, opts)
  } catch (e) {
    expect(e).toBeInstanceOf(CsvParseError)
    return e as CsvParseError
  }
  throw new Error('expected a CsvParseError')
}

describe('parseFootballDataCsv: happy path', () => {
  it('parses a minimal file', () => {
    const parsed = parseFootballDataCsv(
      `${HEADER}\nE0,16/08/31,Harbourside,Millbrook,2,0,H\n`,
      'E0_2031-32.csv',
    )
    expect(parsed).toMatchObject({ file: 'E0_2031-32.csv', league: 'E0', encoding: 'utf-8', oddsGroups: [] })
    expect(parsed.columns).toEqual(HEADER.split(','))
    expect(parsed.rows).toEqual([
      {
        line: 2,
        league: 'E0',
        date: '2031-08-16',
        time: null,
        home: 'Harbourside',
        away: 'Millbrook',
        homeGoals: 2,
        awayGoals: 0,
        status: 'played',
        halfTime: null,
        stats: { homeShots: null, awayShots: null, homeShotsOnTarget: null, awayShotsOnTarget: null },
        referee: null,
        odds: [],
        totals: [],
      },
    ])
  })

  it('reads half-time, shots, referee and Time', () => {
    const csv = csvLines([
      [...withTime(COLUMNS.slice(0, 10)), 'Referee', ...COLUMNS.slice(10, 14), 'HF'],
      [
        'E0',
        '15/08/2031',
        '19:45',
        'Riverside',
        'Northgate',
        3,
        2,
        'H',
        1,
        1,
        'D',
        'A Whistler',
        11,
        14,
        5,
        6,
        9,
      ],
    ])
    const [row] = parseFootballDataCsv(csv, 'E0_2031-32.csv').rows
    expect(row).toMatchObject({
      time: '19:45',
      halfTime: { home: 1, away: 1 },
      referee: 'A Whistler',
      stats: { homeShots: 11, awayShots: 14, homeShotsOnTarget: 5, awayShotsOnTarget: 6 },
    })
  })

  it('accepts the older column spellings Home/Away, HT/AT, HG/AG and Res', () => {
    // the older layouts' names for the clubs, goals and result
    for (const clubs of [
      ['Home', 'Away'],
      ['HT', 'AT'],
    ]) {
      const header = ['Div', 'Date', ...clubs, 'HG', 'AG', 'Res']
      const csv = csvLines([header, ['SC0', '08/08/98', 'Glenrock', 'Castlemoor', 3, 1, 'H']])
      const { rows } = parseFootballDataCsv(csv, 'old.csv')
      expect(rows[0]).toMatchObject({
        date: '1998-08-08',
        home: 'Glenrock',
        away: 'Castlemoor',
        homeGoals: 3,
        awayGoals: 1,
      })
    }
  })

  it('reads the "extra leagues" layout (Home/Away, HG/AG/Res, Pinnacle as PH/PD/PA and PSCH/PSCD/PSCA)', () => {
    const csv =
      'Country,League,Season,Date,Time,Home,Away,HG,AG,Res,PH,PD,PA,PSCH,PSCD,PSCA,AvgCH,AvgCD,AvgCA\n' +
      'Argentina,Liga Profesional,2030,26/01/2030,00:00,Villa Serrana,Puerto Claro,0,0,D,1.92,3.25,4.6,1.95,3.35,4.45,1.9,3.25,4.3\n'
    const parsed = parseFootballDataCsv(csv, 'ARG.csv')
    expect(parsed.league).toBeNull()
    expect(parsed.rows[0]).toMatchObject({
      date: '2030-01-26',
      time: '00:00',
      home: 'Villa Serrana',
      homeGoals: 0,
    })
    expect(parsed.rows[0].odds.map((q) => `${q.bookmaker}/${q.kind}`)).toEqual([
      'PS/pre-match',
      'PS/closing',
      'Avg/closing',
    ])
  })

  it('takes the file league from Div only when every row agrees', () => {
    const mixed = parseFootballDataCsv(
      `${HEADER}\nE0,16/08/31,A,B,1,0,H\nE1,16/08/31,C,D,1,0,H\n`,
      'mixed.csv',
    )
    expect(mixed.league).toBeNull()
    expect(mixed.rows.map((r) => r.league)).toEqual(['E0', 'E1'])
    const noDiv = parseFootballDataCsv('Date,HomeTeam,AwayTeam,FTHG,FTAG\n16/08/31,A,B,1,0\n', 'nodiv.csv')
    expect(noDiv.league).toBeNull()
    expect(noDiv.rows[0].league).toBeNull()
  })

  it('accepts a header-only file as a file without matches', () => {
    expect(parseFootballDataCsv(`${HEADER}\r\n`, 'E0_2026-27.csv').rows).toEqual([])
  })
})

describe('parseFootballDataCsv: files as served', () => {
  it('drops a UTF-8 BOM, skips trailing all-comma rows and keeps fixtures without a result', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-csv-'))
    const file = path.join(dir, 'bom-fixtures-without-results.csv')
    writeFileSync(file, BOM_FIXTURES_WITHOUT_RESULTS, 'utf8')
    const parsed = await readFootballDataFile(file).finally(() =>
      rmSync(dir, { recursive: true, force: true }),
    )
    expect(parsed.file).toBe('bom-fixtures-without-results.csv')
    expect(parsed.encoding).toBe('utf-8')
    expect(parsed.columns[0]).toBe('Div')
    expect(parsed.league).toBe('D1')
    expect(parsed.rows).toHaveLength(2)
    expect(parsed.rows[0]).toMatchObject({ status: 'played', homeGoals: 3, awayGoals: 0, time: '15:30' })
    expect(parsed.rows[1]).toMatchObject({
      line: 3,
      date: '2032-05-22',
      home: 'Altmark',
      homeGoals: null,
      awayGoals: null,
      status: 'scheduled',
      halfTime: null,
      odds: [{ bookmaker: 'PS', kind: 'pre-match', home: 2.6, draw: 3.5, away: 2.6 }],
    })
  })

  it('decodes invalid UTF-8 as Windows-1252 and turns NBSP into a space before trimming', () => {
    const parsed = parseFootballDataCsv(WINDOWS_1252_NBSP, 'windows1252-nbsp.csv')
    expect(parsed.encoding).toBe('windows-1252')
    expect(parsed.rows.map((r) => r.referee)).toEqual(['P Quayle', 'T Brannock'])
    expect(parsed.rows[1].home).toBe('Café United')
  })

  it('honours a forced encoding', () => {
    const parsed = parseFootballDataCsv(WINDOWS_1252_NBSP, 'x.csv', {
      encoding: 'windows-1252',
    })
    expect(parsed.encoding).toBe('windows-1252')
    const utf8 = Buffer.from(`${HEADER}\nE0,16/08/31,Málvera,Sotoria,1,0,H\n`, 'utf8')
    expect(parseFootballDataCsv(utf8, 'x.csv').rows[0].home).toBe('Málvera')
    expect(parseFootballDataCsv(utf8, 'x.csv', { encoding: 'utf-8' }).encoding).toBe('utf-8')
  })

  it('treats the broken \\r\\r\\n as one line break and counts physical lines accordingly', () => {
    const parsed = parseFootballDataCsv(BROKEN_CRLF, 'broken-crlf.csv')
    expect(parsed.columns).toEqual(['Div', 'Date', 'Time', 'HomeTeam', 'AwayTeam', 'FTHG', 'FTAG', 'FTR'])
    expect(parsed.rows.map((r) => [r.line, r.home, r.time])).toEqual([
      [2, 'Riverside', '19:45'],
      [3, 'Eastbury', '13:30'],
    ])
  })

  it('reads LF, CRLF and lone-CR files alike', () => {
    const body = [HEADER, 'E0,16/08/31,A,B,1,0,H', 'E0,17/08/31,C,D,0,0,D']
    for (const eol of ['\n', '\r\n', '\r']) {
      const parsed = parseFootballDataCsv(body.join(eol) + eol, 'x.csv')
      expect(parsed.rows.map((r) => [r.line, r.home])).toEqual([
        [2, 'A'],
        [3, 'C'],
      ])
    }
    // and without a final line break
    expect(parseFootballDataCsv(body.join('\n'), 'x.csv').rows).toHaveLength(2)
  })

  it('reads quoted fields with commas, doubled quotes and line breaks (RFC 4180)', () => {
    const parsed = parseFootballDataCsv(QUOTED_FIELDS, 'quoted-fields.csv')
    expect(parsed.rows.map((r) => [r.line, r.home, r.away, r.referee, r.homeGoals])).toEqual([
      [2, 'Harbourside, Upper Town', 'Millbrook "Rovers"', 'P\nQuayle', 1],
      [4, 'Eastbury', 'Westfield', null, 3],
    ])
  })

  it('pivots two-digit years: 00–69 → 20xx, 70–99 → 19xx', () => {
    const csv = `${HEADER}\nE0,01/01/00,A,B,1,0,H\nE0,31/12/69,A,B,1,0,H\nE0,01/01/70,A,B,1,0,H\nE0,29/02/96,A,B,1,0,H\n`
    expect(parseFootballDataCsv(csv, 'x.csv').rows.map((r) => r.date)).toEqual([
      '2000-01-01',
      '2069-12-31',
      '1970-01-01',
      '1996-02-29',
    ])
  })

  it('accepts four-digit years and single-digit day/month', () => {
    const csv = `${HEADER}\nE0,09/08/2031,A,B,1,0,H\nE0,1/2/2032,A,B,1,0,H\n`
    expect(parseFootballDataCsv(csv, 'x.csv').rows.map((r) => r.date)).toEqual(['2031-08-09', '2032-02-01'])
  })

  it('treats short rows (trailing fields left out) as empty trailing cells and ignores extra empty fields', () => {
    const csv = csvLines([
      [...RESULT_COLUMNS, 'Referee', 'B365H', 'B365D', 'B365A'],
      ['E0', '16/08/31', 'A', 'B', 1, 0, 'H'],
      ['E0', '16/08/31', 'C', 'D', 1, 0, 'H', '', 2, 3, 4, '', '', ''],
    ])
    const { rows } = parseFootballDataCsv(csv, 'x.csv')
    expect(rows[0]).toMatchObject({ referee: null, odds: [] })
    expect(rows[1].odds).toEqual([{ bookmaker: 'B365', kind: 'pre-match', home: 2, draw: 3, away: 4 }])
  })

  it('skips blank lines anywhere, including before the header', () => {
    const parsed = parseFootballDataCsv(`\n,,\n${HEADER}\n\nE0,16/08/31,A,B,1,0,H\n  \n`, 'x.csv')
    expect(parsed.columns[0]).toBe('Div')
    expect(parsed.rows.map((r) => r.line)).toEqual([5])
  })
})

const SEASON_2019 = footballDataDir() ? path.join(footballDataDir() as string, 'E0', 'E0_2019-20.csv') : null

describe.skipIf(!SEASON_2019)(
  `parseFootballDataCsv: odds groups of a real season file (E0 2019-20, its first row)${SEASON_2019 ? '' : ` ${SHARED_DATA_SKIP_REASON}`}`,
  () => {
    // read from ../shared at test time; the expected prices are the row's own cells, found by column name
    const [header, firstRow] = SEASON_2019 ? readFileSync(SEASON_2019, 'utf8').split(/\r?\n/) : ['', '']
    const columns = header.split(',')
    const cells = firstRow.split(',')
    const cell = (name: string) => Number(cells[columns.indexOf(name)])
    const PRE = ['B365', 'BW', 'IW', 'PS', 'WH', 'VC', 'Max', 'Avg']

    it('detects every 1X2 triple generically and nothing else', () => {
      const parsed = parseFootballDataCsv(`${header}\n${firstRow}\n`, 'E0_2019-20.csv')
      expect(parsed.oddsGroups).toEqual([...PRE, ...PRE.map((b) => `${b}C`)])
      const [row] = parsed.rows
      expect(row.odds.map((q) => `${q.bookmaker}/${q.kind}`)).toEqual([
        ...PRE.map((b) => `${b}/pre-match`),
        ...PRE.map((b) => `${b}/closing`),
      ])
      expect(row.odds.find((q) => q.bookmaker === 'PS' && q.kind === 'closing')).toEqual({
        bookmaker: 'PS',
        kind: 'closing',
        home: cell('PSCH'),
        draw: cell('PSCD'),
        away: cell('PSCA'),
      })
      expect(row.stats).toEqual({
        homeShots: cell('HS'),
        awayShots: cell('AS'),
        homeShotsOnTarget: cell('HST'),
        awayShotsOnTarget: cell('AST'),
      })
    })

    it('detects the Betbrain maximum and average groups of the older layout, not its count columns', () => {
      const older = path.join(path.dirname(SEASON_2019 as string), 'E0_2015-16.csv')
      const [h, r] = readFileSync(older, 'utf8').split(/\r?\n/)
      const parsed = parseFootballDataCsv(`${h}\n${r}\n`, 'E0_2015-16.csv')
      expect(h.split(',')).toContain('Bb1X2') // a count of bookmakers, not a price
      expect(parsed.oddsGroups).toEqual(expect.arrayContaining(['BbMx', 'BbAv']))
      expect(parsed.oddsGroups.filter((g) => g.startsWith('Bb'))).toEqual(['BbMx', 'BbAv'])
      const avg = parsed.rows[0].odds.find((q) => q.bookmaker === 'BbAv')
      const at = (name: string) => Number(r.split(',')[h.split(',').indexOf(name)])
      expect(avg).toEqual({
        bookmaker: 'BbAv',
        kind: 'pre-match',
        home: at('BbAvH'),
        draw: at('BbAvD'),
        away: at('BbAvA'),
      })
    })

    it('reads over/under 2.5 groups, mapping Pinnacle P/PC to PS', () => {
      const [row] = parseFootballDataCsv(`${header}\n${firstRow}\n`, 'E0_2019-20.csv').rows
      const quote = (prefix: string, bookmaker: string, kind: string) => ({
        bookmaker,
        kind,
        line: 2.5,
        over: cell(`${prefix}>2.5`),
        under: cell(`${prefix}<2.5`),
      })
      const groups = [
        ['B365', 'B365'],
        ['P', 'PS'],
        ['Max', 'Max'],
        ['Avg', 'Avg'],
      ]
      expect(row.totals).toEqual([
        ...groups.map(([prefix, b]) => quote(prefix, b, 'pre-match')),
        ...groups.map(([prefix, b]) => quote(`${prefix}C`, b, 'closing')),
      ])
    })

    it('leaves a group out of a row when any of its cells is empty', () => {
      const sparse = [...cells]
      sparse[columns.indexOf('PSCD')] = ''
      sparse[columns.indexOf('P<2.5')] = ''
      const [row] = parseFootballDataCsv(`${header}\n${sparse.join(',')}\n`, 'x.csv').rows
      expect(row.odds.some((q) => q.bookmaker === 'PS' && q.kind === 'closing')).toBe(false)
      expect(row.odds.some((q) => q.bookmaker === 'PS' && q.kind === 'pre-match')).toBe(true)
      expect(row.totals.some((q) => q.bookmaker === 'PS' && q.kind === 'pre-match')).toBe(false)
    })
  },
)

describe('parseFootballDataCsv: bad prices', () => {
  it('leaves out a group with a price ≤ 1 and warns, or rejects the file with strictOdds', () => {
    const csv = csvLines([
      [...COLUMNS.slice(0, 6), ...COLUMNS.slice(14, 20)],
      ['E1', '27/04/30', 'Lakeside', 'Oakham', 2, 1, 0, 3.4, 3.4, 2.3, 3.3, 3.15],
    ])
    const parsed = parseFootballDataCsv(csv, 'E1_2029-30.csv')
    expect(parsed.rows[0].odds.map((q) => q.bookmaker)).toEqual(['PS'])
    expect(parsed.warnings).toEqual([
      {
        file: 'E1_2029-30.csv',
        line: 2,
        column: 'B365H',
        message:
          'B365H "0" is not valid decimal odds (must be greater than 1); price group left out for this row',
      },
    ])
    const err = rejection(csv, 'E1_2029-30.csv', { strictOdds: true })
    expect(err.message).toBe('E1_2029-30.csv:2: B365H "0" is not valid decimal odds (must be greater than 1)')
  })
})

describe('parseFootballDataCsv: errors', () => {
  it('collects every problem of a malformed file with file:line and column, and rejects it whole', () => {
    const err = rejection(MALFORMED, 'malformed.csv')
    expect(err.code).toBe('CSV_PARSE')
    expect(err.problems.map((p) => [p.line, p.column, p.message])).toEqual([
      [2, 'FTHG', 'FTHG "x" is not a number'],
      [3, 'Date', 'Date "31/02/2031" has no such day'],
      [4, 'HomeTeam', 'HomeTeam is empty'],
      [4, 'FTR', 'FTR "A" disagrees with the score 2-1 (expected H)'],
      [4, 'HTHG', 'half-time score 3-0 exceeds the full-time score 2-1'],
      [4, 'HS', 'HS "1.5" is not a whole number ≥ 0'],
      [4, 'B365H', 'B365H "abc" is not a number'],
      [5, 'FTHG', 'FTHG "-1" is not a whole number ≥ 0'],
    ])
    expect(err.problems.every((p) => p.file === 'malformed.csv')).toBe(true)
    expect(err.message.split('\n')[0]).toBe('malformed.csv:2: FTHG "x" is not a number')
    expect(err.details).toEqual({ file: 'malformed.csv', problems: err.problems, omitted: 0 })
  })

  it('formats the message as file:line: column "value" problem', () => {
    const err = rejection(`${HEADER}\nE0,16/08/31,A,B,x,0,H\n`, 'E0_2031-32.csv')
    expect(err.message).toBe('E0_2031-32.csv:2: FTHG "x" is not a number')
    expect(err.problems).toEqual([
      { file: 'E0_2031-32.csv', line: 2, column: 'FTHG', message: 'FTHG "x" is not a number' },
    ])
  })

  it('stops listing at the limit and says how many more there are', () => {
    const rows = Array.from({ length: 60 }, () => 'E0,16/08/31,A,B,x,0,').join('\n')
    const err = rejection(`${HEADER}\n${rows}\n`, 'x.csv')
    expect(err.problems).toHaveLength(50)
    expect(err.omitted).toBe(10)
    expect(err.message.split('\n').at(-1)).toBe('... and 10 more problems')
    const few = rejection(`${HEADER}\n${rows}\n`, 'x.csv', { maxProblems: 3 })
    expect(few.problems).toHaveLength(3)
    expect(few.omitted).toBe(57)
  })

  it('names missing required columns', () => {
    const err = rejection(
      csvLines([
        ['Div', 'Date', 'HomeTeam', 'FTHG', 'FTR'],
        ['E0', '16/08/31', 'A', 1, 'H'],
      ]),
      'x.csv',
    )
    expect(err.problems.map((p) => [p.line, p.column, p.message])).toEqual([
      [1, 'AwayTeam', 'missing required column AwayTeam (or Away, AT)'],
      [1, 'FTAG', 'missing required column FTAG (or AG)'],
    ])
  })

  it('rejects an empty file clearly', () => {
    for (const empty of [
      '',
      '\ufeff',
      '\r\n\r\n',
      ',,,\n,,,\n',
      new Uint8Array(0),
      new Uint8Array([0xef, 0xbb, 0xbf]),
    ]) {
      const err = rejection(empty, 'empty.csv')
      expect(err.message).toMatch(/^empty\.csv:1: file is empty/)
    }
  })

  it('says so when given UTF-16 text or an Excel workbook instead of a CSV', () => {
    const utf16 = new Uint8Array([0xff, 0xfe, ...Buffer.from(HEADER, 'utf16le')])
    expect(rejection(utf16, 'E0.csv').message).toMatch(/^E0\.csv:1: file is UTF-16 text/)
    const xlsx = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00])
    expect(rejection(xlsx, 'all-euro-data-2023-2024.xlsx').message).toMatch(/Excel \.xlsx workbook/)
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1])
    expect(rejection(xls, 'E0.xls').message).toMatch(/Excel \.xls workbook/)
  })

  it('rejects a result without goals, half a score, and a bad FTR', () => {
    const err = rejection(
      `${HEADER}\nE0,16/08/31,A,B,,,H\nE0,16/08/31,A,B,1,,\nE0,16/08/31,A,B,1,1,X\nE0,16/08/31,A,B,1,1,\n`,
      'x.csv',
    )
    expect(err.problems.map((p) => [p.line, p.column, p.message])).toEqual([
      [2, 'FTR', 'FTR is "H" but FTHG/FTAG are empty'],
      [3, 'FTAG', 'FTAG is empty but FTHG is not'],
      [4, 'FTR', 'FTR "X" is not H, D or A'],
    ])
  })

  it('rejects bad times, empty dates and rows longer than the header', () => {
    const err = rejection(
      csvLines([
        withTime(COLUMNS.slice(0, 6)),
        ['E0', '16/08/31', '25:00', 'A', 'B', 1, 0],
        ['E0', '', '15:00', 'A', 'B', 1, 0],
        ['E0', '16/08/31', '', 'A', 'B', 1, 0, 7],
      ]),
      'x.csv',
    )
    expect(err.problems.map((p) => [p.line, p.column, p.message])).toEqual([
      [2, 'Time', 'Time "25:00" is not a time (HH:MM)'],
      [3, 'Date', 'Date is empty'],
      [4, null, 'row has 8 fields but the header has 7 columns'],
    ])
  })

  it('rejects an unterminated quoted field at the line where it starts', () => {
    const err = rejection(`${HEADER}\nE0,16/08/31,"A,B,1,0,H\nE0,17/08/31,C,D,1,0,H\n`, 'x.csv')
    expect(err.problems).toEqual([
      {
        file: 'x.csv',
        line: 2,
        column: null,
        message: 'a quoted field starting on this line is never closed (missing ")',
      },
    ])
  })
})
