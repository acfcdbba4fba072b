import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../../test/support/sharedData'
import { openMemoryDatabase } from '../db/index'
import { addTeamAlias } from '../teams/index'
import { SMALL_SEASON_HEADER, writeSmallSeasonCsv } from '../testing/smallSeasonCsv'
import { importFile, importFileContents } from './importFile'

const small = writeSmallSeasonCsv()
const HEADER = SMALL_SEASON_HEADER

function count(db: ReturnType<typeof openMemoryDatabase>, table: string): number {
  return db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number
}

function caught(fn: () => unknown): Error & { code?: string; details?: Record<string, unknown> } {
  try {
    fn()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}

describe('importFile (SQLite)', () => {
  it('imports a file, and a second import of the same file changes nothing', async () => {
    const db = openMemoryDatabase()
    const first = await importFile(db, small)
    expect(first).toMatchObject({
      file: 'E0_small.csv',
      league: 'E0',
      season: '2030-31',
      rows: 3,
      matches: { inserted: 3, updated: 0, unchanged: 0, rejected: 0 },
      odds: { inserted: 6, updated: 0, unchanged: 0 },
    })
    expect(first.teamsCreated).toHaveLength(6)
    const snapshot = db.prepare('SELECT * FROM matches ORDER BY id').all()
    const second = await importFile(db, small)
    expect(second.matches).toEqual({ inserted: 0, updated: 0, unchanged: 3, rejected: 0 })
    expect(second.odds).toEqual({ inserted: 0, updated: 0, unchanged: 6 })
    expect(second.teamsCreated).toEqual([])
    expect(db.prepare('SELECT * FROM matches ORDER BY id').all()).toEqual(snapshot)
    const m = db
      .prepare(
        `SELECT m.*, h.name AS home, a.name AS away FROM matches m JOIN teams h ON h.id = m.home_team_id
         JOIN teams a ON a.id = m.away_team_id WHERE h.name = 'Harbourside'`,
      )
      .get() as Record<string, unknown>
    expect(m).toMatchObject({
      league_code: 'E0',
      season: '2030-31',
      date: '2030-08-10',
      away: "Kingsbr'k Rovers",
      home_goals: 2,
      away_goals: 1,
      ht_home_goals: 2,
      home_shots: 15,
      away_shots_on_target: 2,
      status: 'played',
      source: 'football-data:E0_small.csv',
    })
    const seasons = db.prepare('SELECT start_date, end_date FROM seasons').get()
    expect(seasons).toEqual({ start_date: '2030-08-10', end_date: '2030-08-11' })
  })

  it('updates exactly the rows a corrected file changes', async () => {
    const db = openMemoryDatabase()
    await importFile(db, small)
    const corrected = readFileSync(small, 'utf8')
      .replace('Northgate,Westfield,2,2,D', 'Northgate,Westfield,2,3,A')
      .replace('2.5,3.3,2.85', '2.55,3.3,2.85')
    const r = importFileContents(db, corrected, 'E0_small.csv')
    expect(r.matches).toEqual({ inserted: 0, updated: 1, unchanged: 2, rejected: 0 })
    expect(r.odds).toEqual({ inserted: 0, updated: 1, unchanged: 5 })
    expect(db.prepare("SELECT away_goals FROM matches WHERE date = '2030-08-11'").pluck().get()).toBe(3)
  })

  it('imports nothing from a malformed file and names file, line and field', () => {
    const db = openMemoryDatabase()
    const bad = `${HEADER}\nE0,10/08/2030,Harbourside,Oakham,2,1,H,2,0,H,15,6,8,2,1.25,6.5,11,1.22,7,13\nE0,11/08/2030,Lakeside,Hillcrest,x,1,H,2,0,H,15,6,8,2,1.25,6.5,11,1.22,7,13\n`
    const error = caught(() => importFileContents(db, bad, 'E0_bad.csv'))
    expect(error.code).toBe('CSV_PARSE')
    expect(error.message).toContain('E0_bad.csv:3')
    expect(error.message).toContain('FTHG')
    for (const t of ['leagues', 'seasons', 'teams', 'matches', 'odds']) expect(count(db, t)).toBe(0)
  })

  it('refuses a look-alike team name (nothing imported) until an alias is added', async () => {
    const db = openMemoryDatabase()
    await importFile(db, small)
    const later = `${HEADER}\nE0,17/08/2030,Kingsbrook Rovers,Harbourside,0,2,A,0,1,A,5,12,1,6,7,4.5,1.4,7.5,4.6,1.38\n`
    const error = caught(() => importFileContents(db, later, 'E0_later.csv'))
    expect(error.code).toBe('UNKNOWN_TEAM')
    expect(error.message).toContain('E0_later.csv:2')
    expect(error.message).toContain("Kingsbr'k Rovers")
    expect(count(db, 'matches')).toBe(3)
    expect(db.prepare('SELECT name FROM unresolved_names').pluck().all()).toEqual(['Kingsbrook Rovers'])

    addTeamAlias(db, { team: "Kingsbr'k Rovers", alias: 'Kingsbrook Rovers', league: 'E0' })
    const ok = importFileContents(db, later, 'E0_later.csv')
    expect(ok.matches.inserted).toBe(1)
    expect(ok.teamsCreated).toEqual([])
    expect(count(db, 'unresolved_names')).toBe(0)
  })

  it('resolves normalised spellings, records them as aliases, and creates true newcomers', async () => {
    const db = openMemoryDatabase()
    await importFile(db, small)
    const later = `${HEADER}\nE0,17/08/2030,Harbourside FC,Quarry Bank,4,0,H,1,0,H,20,3,9,1,1.1,9,21,1.1,10,23\n`
    const r = importFileContents(db, later, 'E0_later.csv')
    expect(r.teamsCreated).toEqual(['Quarry Bank'])
    expect(r.aliasesAdded.map((a) => a.alias)).toEqual(['Harbourside FC'])
    expect(count(db, 'teams')).toBe(7)
  })

  it('takes league and season from options, and rejects a duplicated row', () => {
    const db = openMemoryDatabase()
    const noDiv = 'Date,HomeTeam,AwayTeam,FTHG,FTAG\n01/09/2020,A,B,1,0\n01/09/2020,A,B,1,0\n'
    expect(caught(() => importFileContents(db, noDiv, 'x.csv')).message).toMatch(
      /no Div column; pass --league/,
    )
    const r = importFileContents(db, noDiv, 'x.csv', { league: 'X1', season: '2020-21' })
    expect(r.matches).toEqual({ inserted: 1, updated: 0, unchanged: 0, rejected: 1 })
    expect(r.warnings[0].message).toMatch(/x.csv:3: .* appears twice/)
    expect(
      caught(() => importFileContents(db, noDiv, 'x.csv', { league: 'X1', season: '2020-22' })).code,
    ).toBe('IMPORT_INVALID')
  })
})

const dataDir = footballDataDir()

describe.skipIf(!dataDir)(
  `every shared football-data file${dataDir ? '' : ` (skipped: ${SHARED_DATA_SKIP_REASON})`}`,
  () => {
    it('imports, with one match per data row, and a second pass changes nothing', async () => {
      const dir = dataDir as string
      const files = readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .flatMap((d) =>
          readdirSync(path.join(dir, d.name))
            .filter((f) => f.endsWith('.csv'))
            .map((f) => path.join(dir, d.name, f)),
        )
        .sort()
      expect(files.length).toBeGreaterThan(50)
      const db = openMemoryDatabase()
      const perMatchCount = db
        .prepare('SELECT count(*) FROM matches WHERE league_code = ? AND season = ?')
        .pluck()
      let total = 0
      for (const file of files) {
        const text = readFileSync(file, 'latin1')
        const dataRows = text
          .split(/\r?\n/)
          .slice(1)
          .filter((l) => l.replace(/[,\s]/g, '') !== '').length
        const r = await importFile(db, file)
        expect({ file, rows: r.rows, inserted: r.matches.inserted }).toEqual({
          file,
          rows: dataRows,
          inserted: dataRows,
        })
        expect(perMatchCount.get(r.league, r.season)).toBe(dataRows)
        total += dataRows
      }
      expect(count(db, 'matches')).toBe(total)
      for (const file of files.slice(0, 5)) {
        const again = await importFile(db, file)
        expect(again.matches.unchanged).toBe(again.rows)
      }
    })
  },
)

describe('CSV warnings', () => {
  it('passes the reader warnings (tolerated bad prices) through to the import result', () => {
    const db = openMemoryDatabase()
    const csv = 'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,B365H,B365D,B365A\nE0,12/08/2023,A,B,1,0,0,3.2,4\n'
    const r = importFileContents(db, csv, 'E0_warn.csv')
    expect(r.matches.inserted).toBe(1)
    expect(r.odds.inserted).toBe(0)
    expect(r.warnings).toEqual([{ line: 2, message: expect.stringMatching(/^E0_warn.csv:2: .*B365/) }])
  })
})
