/**
 * The CSV reader and every CSV the app exports, under hostile input (fast-check, seeded).
 *
 * Reader (parseFootballDataCsv): generated football-data-like files in every encoding an analyst
 * meets (UTF-8 with and without BOM, Windows-1252, UTF-16 LE/BE with BOM), cut at a random byte,
 * with huge fields and with formula-injection team names. It either parses — and then the names
 * come back as written — or throws its typed CsvParseError whose problems name the file, a line and
 * (where it is about one cell) the column; never another exception, never a hang.
 * (Random bytes and single-byte corruption are in main/services/data/csv/fuzz.test.ts.)
 *
 * Exports: the jackpot CSV (through the real import → jackpot → export path), the backtest CLI's
 * predictions CSV and the pipeline's predictions / team-ratings artifacts never emit a text cell a
 * spreadsheet would run as a formula (= + - @ tab CR first), and every team name survives.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CsvParseError } from '../../main/services/data/csv/csvParseError'
import { parseFootballDataCsv } from '../../main/services/data/csv/parseFootballDataCsv'
import { tokenizeCsv } from '../../main/services/data/csv/tokenizeCsv'
import { predictionsCsv as backtestPredictionsCsv } from '../../main/cli/commands/backtest'
import { predictionsCsv as artifactPredictionsCsv, ratingsCsv } from '../../main/services/training/artifacts'
import type { BacktestRow } from '../../main/model/backtest'
import type { FittedModel } from '../../main/model/dixonColes'
import { createScoreline, type Scoreline } from '../../main/core/scoreline'

const FILE = 'E9_2031-32.csv'
const FORMULA_START = /^[=+\-@\t\r]/

/** Parses; anything thrown must be the typed error naming file, line (and column for cell problems). */
function parseOrTypedError(input: Uint8Array | string): ReturnType<typeof parseFootballDataCsv> | null {
  const started = performance.now()
  try {
    return parseFootballDataCsv(input, FILE)
  } catch (e) {
    if (!(e instanceof CsvParseError)) throw e
    expect(e.code).toBe('CSV_PARSE')
    expect(e.file).toBe(FILE)
    expect(e.problems.length).toBeGreaterThan(0)
    for (const p of e.problems) {
      expect(p.file).toBe(FILE)
      expect(p.line).toBeGreaterThanOrEqual(1)
      expect(p.column === null || (typeof p.column === 'string' && p.column.length > 0)).toBe(true)
      expect(e.message).toContain(`${FILE}:${p.line}:`)
    }
    return null
  } finally {
    expect(performance.now() - started, 'parse time (never hangs)').toBeLessThan(5000)
  }
}

/** A cell as written in a CSV (quoted when needed). */
const q = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

const HOSTILE_PREFIXES = [
  '=',
  '+',
  '-',
  '@',
  '\t',
  '\r',
  '=cmd|',
  "=cmd|' /C calc'!A0 ",
  '=HYPERLINK("x")',
  '',
]

/** Team names: plain, accented (Windows-1252-encodable), with CSV-significant and formula characters. */
const teamName = fc
  .tuple(
    fc.constantFrom(...HOSTILE_PREFIXES),
    fc.stringMatching(/^[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ0-9 .&'()|!"/,-]{0,18}[A-Za-z0-9.)]$/),
  )
  .map(([prefix, body]) => prefix + body)

const teamsArb = fc.uniqueArray(teamName, {
  minLength: 2,
  maxLength: 6,
  selector: (s) => s.trim().toLowerCase(),
})

/** A football-data-like season: header with odds columns, every pairing once, results and odds. */
function seasonCsv(teams: string[], opts: { bom?: boolean; eol?: string } = {}): string {
  const eol = opts.eol ?? '\r\n'
  const lines = [
    'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HS,AS,B365H,B365D,B365A,PSCH,PSCD,PSCA,P>2.5,P<2.5',
  ]
  let day = 1
  for (const h of teams)
    for (const a of teams) {
      if (h === a) continue
      const hg = (day * 7) % 4
      const ag = (day * 3) % 3
      const res = hg > ag ? 'H' : hg === ag ? 'D' : 'A'
      const dd = String(((day - 1) % 28) + 1).padStart(2, '0')
      const mm = String(8 + Math.floor((day - 1) / 28)).padStart(2, '0')
      lines.push(
        [
          'E9',
          `${dd}/${mm}/2031`,
          '15:00',
          q(h),
          q(a),
          hg,
          ag,
          res,
          10,
          8,
          '2.10',
          '3.40',
          '3.60',
          '2.05',
          '3.50',
          '3.70',
          '1.9',
          '1.95',
        ].join(','),
      )
      day++
    }
  return (opts.bom ? '\ufeff' : '') + lines.join(eol) + eol
}

function encode(
  text: string,
  encoding: 'utf-8' | 'utf-8-bom' | 'windows-1252' | 'utf-16le' | 'utf-16be',
): Uint8Array {
  switch (encoding) {
    case 'utf-8':
      return new TextEncoder().encode(text)
    case 'utf-8-bom':
      return new TextEncoder().encode('\ufeff' + text)
    case 'windows-1252':
      // every generated character is in Latin-1, where Windows-1252 agrees except 0x80–0x9F (unused)
      return Uint8Array.from([...text].map((c) => c.charCodeAt(0)))
    case 'utf-16le':
      return new Uint8Array(Buffer.from('\ufeff' + text, 'utf16le'))
    case 'utf-16be': {
      const le = Buffer.from('\ufeff' + text, 'utf16le')
      return new Uint8Array(le.swap16())
    }
  }
}

const expectedName = (s: string) => s.replace(/\u00a0/g, ' ').trim()

describe('CSV reader under hostile input (property)', () => {
  it('reads a generated season in UTF-8 (with or without BOM) and Windows-1252, names as written', () => {
    fc.assert(
      fc.property(
        teamsArb,
        fc.constantFrom('utf-8', 'utf-8-bom', 'windows-1252') as fc.Arbitrary<'utf-8'>,
        fc.constantFrom('\r\n', '\n'),
        (teams, encoding, eol) => {
          const parsed = parseOrTypedError(encode(seasonCsv(teams, { eol }), encoding))
          expect(parsed, 'a valid file parses').not.toBeNull()
          expect(parsed!.rows.length).toBe(teams.length * (teams.length - 1))
          const names = new Set(parsed!.rows.flatMap((r) => [r.home, r.away]))
          expect([...names].sort()).toEqual(teams.map(expectedName).sort())
        },
      ),
      { numRuns: 150, seed: 1121 },
    )
  })

  it('refuses UTF-16 files (either byte order) with the typed error saying so', () => {
    fc.assert(
      fc.property(
        teamsArb,
        fc.constantFrom('utf-16le', 'utf-16be') as fc.Arbitrary<'utf-16le'>,
        (teams, encoding) => {
          const parsed = parseOrTypedError(encode(seasonCsv(teams), encoding))
          expect(parsed).toBeNull()
          try {
            parseFootballDataCsv(encode(seasonCsv(teams), encoding), FILE)
          } catch (e) {
            expect((e as Error).message).toMatch(/UTF-16/)
          }
        },
      ),
      { numRuns: 30, seed: 1122 },
    )
  })

  it('a generated season cut at any byte parses (a prefix of the rows) or raises the typed error', () => {
    fc.assert(
      fc.property(
        teamsArb,
        fc.constantFrom('utf-8', 'utf-8-bom', 'windows-1252', 'utf-16le') as fc.Arbitrary<'utf-8'>,
        fc.double({ min: 0, max: 1, noNaN: true }),
        (teams, encoding, fraction) => {
          const bytes = encode(seasonCsv(teams), encoding)
          const cut = bytes.subarray(0, Math.floor(bytes.length * fraction))
          const parsed = parseOrTypedError(cut)
          if (parsed) expect(parsed.rows.length).toBeLessThanOrEqual(teams.length * (teams.length - 1))
        },
      ),
      { numRuns: 300, seed: 1123 },
    )
  })

  it('huge fields (MBs in one cell, quoted with newlines, or a runaway quote) parse or fail typed, quickly', () => {
    const big = fc.record({
      size: fc.integer({ min: 100_000, max: 3_000_000 }),
      where: fc.constantFrom('team', 'odds', 'extra', 'quoted-newlines', 'unterminated'),
      ch: fc.constantFrom('x', '9', ',', '"', '\n', 'é'),
    })
    fc.assert(
      fc.property(big, ({ size, where, ch }) => {
        const teams = ['Alpha', 'Beta', 'Gamma']
        let text = seasonCsv(teams)
        const huge = ch.repeat(size)
        if (where === 'team') text = text.replace('Alpha', q('Alpha' + huge))
        else if (where === 'odds') text = text.replace('2.10', q(huge))
        else if (where === 'extra')
          text = text.replace('P<2.5', `P<2.5,Notes`).replace(/1\.95\r\n/, `1.95,${q(huge)}\r\n`)
        else if (where === 'quoted-newlines')
          text = text.replace('Beta', `"Beta${'\n'.repeat(Math.min(size, 200_000))}"`)
        else text = text.replace('Gamma', `"Gamma${huge}`)
        parseOrTypedError(text)
        parseOrTypedError(new TextEncoder().encode(text))
      }),
      { numRuns: 12, seed: 1124 },
    )
  })

  it('formula-injection team names are read as plain data (or refused typed), never evaluated or crashing', () => {
    fc.assert(
      fc.property(teamsArb, (teams) => {
        const parsed = parseOrTypedError(seasonCsv(teams))
        if (!parsed) return
        const names = new Set(parsed.rows.flatMap((r) => [r.home, r.away]))
        for (const t of teams) expect(names.has(expectedName(t)), t).toBe(true)
      }),
      { numRuns: 150, seed: 1125 },
    )
  })
})

/** Every text cell of an exported CSV: none may start like a formula, unless it is a plain number. */
function expectNoFormulaCells(csv: string, what: string): string[][] {
  const records = tokenizeCsv(csv)
    .map((r) => r.fields)
    .filter((fields) => !(fields.length === 1 && fields[0] === ''))
  for (const [i, fields] of records.entries()) {
    for (const cell of fields) {
      const numeric = cell.trim() !== '' && Number.isFinite(Number(cell)) && !/^\s/.test(cell)
      if (!numeric)
        expect(FORMULA_START.test(cell), `${what} row ${i + 1}: cell ${JSON.stringify(cell)}`).toBe(false)
    }
  }
  return records
}

/** What a defused cell reads as in a spreadsheet: the leading apostrophe is not part of the value. */
const undefused = (cell: string) =>
  cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell

const triple = fc.option(
  fc
    .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([a, b]) => [a * (1 - b), (1 - a) * (1 - b), b] as [number, number, number]),
)
const rowArb: fc.Arbitrary<BacktestRow> = fc.record({
  date: fc.constantFrom('2031-08-01', '2031-09-12'),
  home: teamName,
  away: teamName,
  homeGoals: fc.nat(6),
  awayGoals: fc.nat(6),
  result: fc.constantFrom('H', 'D', 'A'),
  model: triple,
  market: triple,
  blend: triple,
  calibrated: triple,
  alpha: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
  skipReason: fc.option(fc.oneof(teamName, fc.constantFrom('=1+1', '-no model', '@risk', 'plain'))),
}) as fc.Arbitrary<BacktestRow>

describe('exported CSVs never carry a formula cell (property)', () => {
  it('backtest CLI predictions.csv', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 8 }), (rows) => {
        const records = expectNoFormulaCells(backtestPredictionsCsv(rows), 'backtest predictions.csv')
        expect(records.slice(1).map((r) => [undefused(r[1]), undefused(r[2])])).toEqual(
          rows.map((r) => [r.home, r.away]),
        )
      }),
      { numRuns: 150, seed: 1126 },
    )
  })

  it('pipeline artifact predictions.csv', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 8 }), (rows) => {
        const records = expectNoFormulaCells(artifactPredictionsCsv(rows), 'artifact predictions.csv')
        const [home, away] = [records[0].indexOf('home'), records[0].indexOf('away')]
        expect(records.slice(1).map((r) => [undefused(r[home]), undefused(r[away])])).toEqual(
          rows.map((r) => [r.home, r.away]),
        )
      }),
      { numRuns: 150, seed: 1127 },
    )
  })

  it('pipeline artifact team_ratings.csv', () => {
    fc.assert(
      fc.property(
        teamsArb,
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 12, maxLength: 12 }),
        (teams, xs) => {
          const model = {
            teams: teams.map((name, i) => ({
              name,
              attack: xs[i % 12],
              defence: xs[(i + 6) % 12],
              attackSe: 0.1,
              defenceSe: 0.1,
              matches: 10,
            })),
          } as unknown as FittedModel
          const records = expectNoFormulaCells(ratingsCsv(model), 'team_ratings.csv')
          expect(
            records
              .slice(1)
              .map((r) => undefused(r[0]))
              .sort(),
          ).toEqual([...teams].sort())
        },
      ),
      { numRuns: 150, seed: 1128 },
    )
  })

  describe('jackpot CSV through the real import → jackpot → export path', () => {
    let home: string
    let scoreline: Scoreline
    beforeAll(() => {
      home = mkdtempSync(path.join(os.tmpdir(), 'scoreline-csv-prop-'))
      scoreline = createScoreline({
        shell: 'browser-bridge',
        env: { SCORELINE_HOME: home, SCORELINE_LOG_LEVEL: 'error' },
      })
    })
    afterAll(async () => {
      await scoreline?.close()
      rmSync(home, { recursive: true, force: true })
    })

    it('hostile team names imported from a CSV come out of the jackpot export defused', async () => {
      let n = 0
      let exported = 0
      await fc.assert(
        fc.asyncProperty(
          teamsArb.filter((t) => t.length >= 2),
          async (teams) => {
            const league = `J${n++}`
            const csv = seasonCsv(teams).replace(/^E9,/gm, `${league},`)
            const ctx = { transport: 'test' as const }
            const imported = await scoreline.dispatch(
              'data.importCsv',
              {
                files: [
                  { name: `${league}_2031-32.csv`, contentBase64: Buffer.from(csv).toString('base64') },
                ],
                league,
                season: '2031-32',
              },
              ctx,
            )
            expect(imported.ok, JSON.stringify(imported)).toBe(true)
            const outcomes = (imported as { value: { ok: boolean; error?: { code: string } }[] }).value
            if (!outcomes[0].ok) {
              expect(outcomes[0].error?.code).toMatch(/^[A-Z_]+$/)
              return
            }
            const names = teams.map(expectedName)
            const created = await scoreline.dispatch(
              'jackpots.create',
              {
                name: `=cmd|' /C calc'!A0 ${league}`,
                league,
                fixtures: [
                  { home: names[0], away: names[1] },
                  { home: names[1], away: names[0] },
                ],
              },
              ctx,
            )
            expect(created.ok, JSON.stringify(created)).toBe(true)
            const id = (created as { value: { id: string } }).value.id
            const result = await scoreline.dispatch('jackpots.exportCsv', { id }, ctx)
            expect(result.ok, JSON.stringify(result)).toBe(true)
            const { csv: out } = (result as { value: { csv: string } }).value
            const records = expectNoFormulaCells(out, 'jackpot export')
            const header = records[0]
            const h = header.indexOf('home')
            const a = header.indexOf('away')
            // fixture rows (then the coupon summary rows follow)
            const fixtures = records.slice(1).filter((r) => /^\d+$/.test(r[0]))
            expect(fixtures.map((r) => [undefused(r[h]), undefused(r[a])])).toEqual([
              [names[0], names[1]],
              [names[1], names[0]],
            ])
            exported++
          },
        ),
        { numRuns: 15, seed: 1129 },
      )
      expect(exported, 'jackpots exported (the property is not vacuous)').toBeGreaterThan(5)
    }, 60_000)
  })
})
