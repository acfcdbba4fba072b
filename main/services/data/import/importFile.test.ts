import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../../test/support/sharedData'
import { openMemoryDatabase } from '../db/index'
import { addTeamAlias } from '../teams/index'
import { importFile, importFileContents } from './importFile'

const dataDir = footballDataDir()

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

/**
 * A real season file read from ../shared in place (E0 2023-24, never copied into the repo), as cells: the
 * importer's tests take its first rows, and the later or broken rows they need are these rows edited cell by cell.
 */
function realSeason() {
  const text = readFileSync(path.join(dataDir as string, 'E0', 'E0_2023-24.csv'), 'latin1')
  const [header, ...rows] = text
    .split(/\r?\n/)
    .filter((l) => l !== '')
    .map((l) => l.split(','))
  const at = (name: string) => {
    const i = header.indexOf(name)
    if (i < 0) throw new Error(`E0_2023-24.csv has no ${name} column`)
    return i
  }
  return {
    rows,
    cell: (row: readonly string[], name: string) => row[at(name)],
    /** `row` with the named cells replaced. */
    edit: (row: readonly string[], cells: Record<string, string>) => {
      const out = [...row]
      for (const [name, value] of Object.entries(cells)) out[at(name)] = value
      return out
    },
    csv: (lines: readonly (readonly string[])[]) =>
      [header, ...lines].map((l) => l.join(',')).join('\n') + '\n',
  }
}

/** What the suite sees without ../shared: it is skipped, so none of these is called. */
const SKIPPED: ReturnType<typeof realSeason> = {
  rows: [],
  cell: () => '',
  edit: (row) => [...row],
  csv: () => '',
}

/** dd/mm/yyyy → yyyy-mm-dd. */
const isoOf = (date: string) => date.split('/').reverse().join('-')

describe.skipIf(!dataDir)(
  `importFile (SQLite), on the first rows of a real season${dataDir ? '' : ` (skipped: ${SHARED_DATA_SKIP_REASON})`}`,
  () => {
    // collected (not run) without ../shared too: read the file only where it is there
    const { rows, cell, edit, csv } = dataDir ? realSeason() : SKIPPED
    const first = () => rows.slice(0, 3)
    /** The first three matches of the season as a file `E0_small.csv`, written in a fresh folder (latin1, as read). */
    const small = () => {
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'scoreline-small-season-')), 'E0_small.csv')
      writeFileSync(file, csv(first()), 'latin1')
      return file
    }
    const teamsOf = (lines: readonly (readonly string[])[]) =>
      new Set(lines.flatMap((r) => [cell(r, 'HomeTeam'), cell(r, 'AwayTeam')]))

    it('imports a file, and a second import of the same file changes nothing', async () => {
      const db = openMemoryDatabase()
      const file = small()
      const imported = await importFile(db, file)
      expect(imported).toMatchObject({
        file: 'E0_small.csv',
        league: 'E0',
        season: '2023-24',
        rows: 3,
        matches: { inserted: 3, updated: 0, unchanged: 0, rejected: 0 },
        odds: { updated: 0, unchanged: 0 },
      })
      const odds = imported.odds.inserted
      expect(odds).toBeGreaterThan(3)
      expect(imported.teamsCreated).toHaveLength(teamsOf(first()).size)
      const snapshot = db.prepare('SELECT * FROM matches ORDER BY id').all()
      const second = await importFile(db, file)
      expect(second.matches).toEqual({ inserted: 0, updated: 0, unchanged: 3, rejected: 0 })
      expect(second.odds).toEqual({ inserted: 0, updated: 0, unchanged: odds })
      expect(second.teamsCreated).toEqual([])
      expect(db.prepare('SELECT * FROM matches ORDER BY id').all()).toEqual(snapshot)
      // every cell of one row lands in its column
      const row = first()[1]
      const m = db
        .prepare(
          `SELECT m.*, h.name AS home, a.name AS away FROM matches m JOIN teams h ON h.id = m.home_team_id
           JOIN teams a ON a.id = m.away_team_id WHERE h.name = ?`,
        )
        .get(cell(row, 'HomeTeam')) as Record<string, unknown>
      expect(m).toMatchObject({
        league_code: 'E0',
        season: '2023-24',
        date: isoOf(cell(row, 'Date')),
        away: cell(row, 'AwayTeam'),
        home_goals: Number(cell(row, 'FTHG')),
        away_goals: Number(cell(row, 'FTAG')),
        ht_home_goals: Number(cell(row, 'HTHG')),
        home_shots: Number(cell(row, 'HS')),
        away_shots_on_target: Number(cell(row, 'AST')),
        status: 'played',
        source: 'football-data:E0_small.csv',
      })
      const dates = first()
        .map((r) => isoOf(cell(r, 'Date')))
        .sort()
      const seasons = db.prepare('SELECT start_date, end_date FROM seasons').get()
      expect(seasons).toEqual({ start_date: dates[0], end_date: dates[2] })
    })

    it('updates exactly the rows a corrected file changes', async () => {
      const db = openMemoryDatabase()
      const odds = (await importFile(db, small())).odds.inserted
      const [a, b, c] = first()
      const away = Number(cell(c, 'FTAG')) + 1
      const home = Number(cell(c, 'FTHG'))
      const corrected = [
        a,
        edit(b, { B365H: (Number(cell(b, 'B365H')) + 0.05).toFixed(2) }),
        edit(c, { FTAG: String(away), FTR: home > away ? 'H' : home < away ? 'A' : 'D' }),
      ]
      const r = importFileContents(db, csv(corrected), 'E0_small.csv')
      expect(r.matches).toEqual({ inserted: 0, updated: 1, unchanged: 2, rejected: 0 })
      expect(r.odds).toEqual({ inserted: 0, updated: 1, unchanged: odds - 1 })
      const stored = db
        .prepare('SELECT m.away_goals FROM matches m JOIN teams h ON h.id = m.home_team_id WHERE h.name = ?')
        .pluck()
        .get(cell(c, 'HomeTeam'))
      expect(stored).toBe(away)
    })

    it('imports nothing from a malformed file and names file, line and field', () => {
      const db = openMemoryDatabase()
      const [a, b] = first()
      const error = caught(() => importFileContents(db, csv([a, edit(b, { FTHG: 'x' })]), 'E0_bad.csv'))
      expect(error.code).toBe('CSV_PARSE')
      expect(error.message).toContain('E0_bad.csv:3')
      expect(error.message).toContain('FTHG')
      for (const t of ['leagues', 'seasons', 'teams', 'matches', 'odds']) expect(count(db, t)).toBe(0)
    })

    it('refuses a look-alike team name (nothing imported) until an alias is added', async () => {
      const db = openMemoryDatabase()
      await importFile(db, small())
      // the return fixture of the first rows' second match, its away side spelt out in full
      const b = first()[1]
      const known = cell(b, 'AwayTeam') // Nott'm Forest, as football-data spells it
      const lookAlike = 'Nottingham Forest'
      const later = csv([edit(b, { Date: '19/08/2023', HomeTeam: lookAlike, AwayTeam: cell(b, 'HomeTeam') })])
      const error = caught(() => importFileContents(db, later, 'E0_later.csv'))
      expect(error.code).toBe('UNKNOWN_TEAM')
      expect(error.message).toContain('E0_later.csv:2')
      expect(error.message).toContain(known)
      expect(count(db, 'matches')).toBe(3)
      expect(db.prepare('SELECT name FROM unresolved_names').pluck().all()).toEqual([lookAlike])

      addTeamAlias(db, { team: known, alias: lookAlike, league: 'E0' })
      const ok = importFileContents(db, later, 'E0_later.csv')
      expect(ok.matches.inserted).toBe(1)
      expect(ok.teamsCreated).toEqual([])
      expect(count(db, 'unresolved_names')).toBe(0)
    })

    it('resolves normalised spellings, records them as aliases, and creates true newcomers', async () => {
      const db = openMemoryDatabase()
      await importFile(db, small())
      const known = teamsOf(first())
      // a later match of a side not in the first rows, against a first-rows side written with "FC"
      const row = rows
        .slice(3)
        .find((r) => !known.has(cell(r, 'HomeTeam')) && !known.has(cell(r, 'AwayTeam')))!
      const spelt = `${cell(first()[0], 'HomeTeam')} FC`
      const r = importFileContents(db, csv([edit(row, { HomeTeam: spelt })]), 'E0_later.csv')
      expect(r.teamsCreated).toEqual([cell(row, 'AwayTeam')])
      expect(r.aliasesAdded.map((a) => a.alias)).toEqual([spelt])
      expect(count(db, 'teams')).toBe(known.size + 1)
    })
  },
)

describe('importFile (SQLite), without a season file', () => {
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
