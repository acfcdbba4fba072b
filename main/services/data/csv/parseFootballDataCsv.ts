import { DEFAULT_MAX_PROBLEMS, ProblemList } from './csvParseError'
import { decodeText } from './decodeText'
import { buildHeaderLayout, describeAliases, missingRequired } from './headerLayout'
import type { HeaderLayout } from './headerLayout'
import {
  cleanName,
  EMPTY,
  INVALID,
  parseCountAt,
  parseDate,
  parseDecimal,
  parseDecimalAt,
  parseTime,
  trimCell,
} from './parseCells'
import { tokenizeCsvTable, UnterminatedQuoteError } from './tokenizeCsv'
import type { CsvTable } from './tokenizeCsv'
import type {
  AsianHandicapQuote,
  MatchStats,
  OddsQuote,
  ParsedFile,
  ParsedMatch,
  ParseOptions,
  TotalsQuote,
} from './types'

/**
 * Parses one football-data.co.uk season CSV. Pure: bytes (or an already decoded string) and the file name
 * in, data out. Either every row is valid and the whole file is returned, or a `CsvParseError` lists
 * what is wrong (file:line, column, message) — a file is never half read.
 */
export function parseFootballDataCsv(
  bytes: Uint8Array | string,
  fileName: string,
  opts: ParseOptions = {},
): ParsedFile {
  const problems = new ProblemList(fileName, Math.max(1, opts.maxProblems ?? DEFAULT_MAX_PROBLEMS))
  const notCsv = typeof bytes === 'string' ? undefined : recogniseNonCsv(bytes)
  if (notCsv) {
    problems.add(1, null, notCsv)
    throw problems.toError()
  }
  const { text, encoding } = decodeText(bytes, opts.encoding ?? 'auto')

  let table: CsvTable
  try {
    table = tokenizeCsvTable(text)
  } catch (e) {
    if (e instanceof UnterminatedQuoteError) {
      problems.add(e.line, null, 'a quoted field starting on this line is never closed (missing ")')
      throw problems.toError()
    }
    throw e
  }

  let r = 0
  while (r < table.length && table.isBlank(r)) r++
  if (r >= table.length) {
    problems.add(1, null, 'file is empty: expected a football-data.co.uk header line (Div,Date,HomeTeam,...)')
    throw problems.toError()
  }
  const headerLine = table.recordLine[r]
  const columns = table.recordFields(r).map(trimCell)
  while (columns.length > 0 && columns[columns.length - 1] === '') columns.pop()
  const layout = buildHeaderLayout(columns)
  const missing = missingRequired(layout, opts.allowMissingResult ?? false)
  if (missing.length > 0) {
    for (const key of missing) {
      const names = describeAliases(key)
      problems.add(headerLine, names.split(' ')[0], `missing required column ${names}`)
    }
    throw problems.toError()
  }

  const rows: ParsedMatch[] = []
  const warnings = new ProblemList(fileName, problems.limit)
  const ctx = new RowReader(table, layout, columns, problems, warnings, opts.strictOdds ?? false)
  for (r++; r < table.length; r++) {
    if (table.isBlank(r)) continue
    const match = ctx.parseRow(r)
    if (match) rows.push(match)
  }
  if (problems.count > 0) throw problems.toError()

  return {
    file: fileName,
    league: commonLeague(rows),
    encoding,
    rows,
    columns,
    oddsGroups: layout.odds.map((g) => g.prefix),
    warnings: warnings.items,
  }
}

/** Formats people point the importer at by mistake, recognised by their first bytes. */
function recogniseNonCsv(b: Uint8Array): string | undefined {
  if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff)) {
    return 'file is UTF-16 text; save it as CSV (UTF-8 or Windows-1252), as football-data.co.uk serves it'
  }
  if (b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) {
    return 'file is a zip archive or an Excel .xlsx workbook, not a CSV; download the season .csv instead'
  }
  if (b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0) {
    return 'file is an Excel .xls workbook, not a CSV; download the season .csv instead'
  }
  return undefined
}

function commonLeague(rows: ParsedMatch[]): string | null {
  let league: string | null = null
  for (const row of rows) {
    if (row.league === null) continue
    if (league === null) league = row.league
    else if (league !== row.league) return null
  }
  return league
}

/** Reads one record at a time from the table; numbers are parsed in place, only text cells are sliced. */
class RowReader {
  private line = 0
  private first = 0
  private count = 0
  private readonly text: string
  private readonly hasQuoted: boolean

  constructor(
    private readonly table: CsvTable,
    private readonly layout: HeaderLayout,
    private readonly columns: string[],
    private readonly problems: ProblemList,
    private readonly warnings: ProblemList,
    private readonly strictOdds: boolean,
  ) {
    this.text = table.text
    this.hasQuoted = table.quoted.size > 0
  }

  /** Trimmed text of a column in the current row ('' when the column or the cell is absent). */
  private cell(column: number): string {
    if (column < 0 || column >= this.count) return ''
    return trimCell(this.table.fieldText(this.first + column))
  }

  private fail(column: number, message: string): void {
    this.problems.add(this.line, column >= 0 ? this.columns[column] : null, message)
  }

  /** Empty → null; a whole number ≥ 0 → it; anything else → a problem (and undefined). */
  private countAt(column: number): number | null | undefined {
    if (column < 0 || column >= this.count) return null
    const f = this.first + column
    const v =
      this.hasQuoted && this.table.quoted.has(f)
        ? parseCountAt(this.table.quoted.get(f)!, 0, this.table.quoted.get(f)!.length)
        : parseCountAt(this.text, this.table.fieldStart[f], this.table.fieldEnd[f])
    if (v === EMPTY) return null
    if (v !== INVALID) return v
    const text = this.cell(column)
    const numeric = parseDecimal(text.charCodeAt(0) === 45 ? text.slice(1) : text) !== undefined
    this.fail(
      column,
      `${this.columns[column]} "${text}" ${numeric ? 'is not a whole number ≥ 0' : 'is not a number'}`,
    )
    return undefined
  }

  /** Empty → null; decimal odds > 1 → it; non-numeric → a problem; ≤ 1 → a warning or, strict, a problem. */
  private priceAt(column: number): number | null | undefined {
    if (column >= this.count) return null
    const f = this.first + column
    const v =
      this.hasQuoted && this.table.quoted.has(f)
        ? parseDecimalAt(this.table.quoted.get(f)!, 0, this.table.quoted.get(f)!.length)
        : parseDecimalAt(this.text, this.table.fieldStart[f], this.table.fieldEnd[f])
    if (v > 1) return v
    if (v === EMPTY) return null
    const text = this.cell(column)
    if (v === INVALID) {
      this.fail(column, `${this.columns[column]} "${text}" is not a number`)
      return undefined
    }
    const message = `${this.columns[column]} "${text}" is not valid decimal odds (must be greater than 1)`
    if (this.strictOdds) this.fail(column, message)
    else this.warnings.add(this.line, this.columns[column], `${message}; price group left out for this row`)
    return undefined
  }

  parseRow(record: number): ParsedMatch | undefined {
    const L = this.layout
    this.line = this.table.recordLine[record]
    this.first = this.table.recordFirst[record]
    this.count = this.table.recordCount[record]
    const before = this.problems.count

    if (this.count > this.columns.length) {
      for (let c = this.columns.length; c < this.count; c++) {
        if (this.cell(c) !== '') {
          this.fail(-1, `row has ${this.count} fields but the header has ${this.columns.length} columns`)
          break
        }
      }
    }

    // date and time
    const dateText = this.cell(L.date)
    let date = ''
    if (dateText === '') this.fail(L.date, `${this.columns[L.date]} is empty`)
    else {
      const d = parseDate(dateText)
      if (d.ok) date = d.value
      else this.fail(L.date, `${this.columns[L.date]} "${dateText}" ${d.message}`)
    }
    let time: string | null = null
    if (L.time >= 0) {
      const t = this.cell(L.time)
      if (t !== '') {
        const v = parseTime(t)
        if (v === undefined) this.fail(L.time, `${this.columns[L.time]} "${t}" is not a time (HH:MM)`)
        else time = v
      }
    }

    // teams
    const home = cleanName(this.cell(L.home))
    const away = cleanName(this.cell(L.away))
    if (home === '') this.fail(L.home, `${this.columns[L.home]} is empty`)
    if (away === '') this.fail(L.away, `${this.columns[L.away]} is empty`)

    // full-time result
    const homeGoals = this.countAt(L.homeGoals)
    const awayGoals = this.countAt(L.awayGoals)
    this.checkPair(L.homeGoals, homeGoals, L.awayGoals, awayGoals)
    if (L.result >= 0) this.checkResult(L.result, homeGoals, awayGoals, L.homeGoals, L.awayGoals)

    // half-time
    let halfTime: ParsedMatch['halfTime'] = null
    if (L.htHomeGoals >= 0 && L.htAwayGoals >= 0) {
      const h = this.countAt(L.htHomeGoals)
      const a = this.countAt(L.htAwayGoals)
      if (typeof h === 'number' && typeof a === 'number') {
        halfTime = { home: h, away: a }
        if (
          typeof homeGoals === 'number' &&
          typeof awayGoals === 'number' &&
          (h > homeGoals || a > awayGoals)
        ) {
          this.fail(
            L.htHomeGoals,
            `half-time score ${h}-${a} exceeds the full-time score ${homeGoals}-${awayGoals}`,
          )
        }
      } else this.checkPair(L.htHomeGoals, h, L.htAwayGoals, a)
      if (L.htResult >= 0) this.checkResult(L.htResult, h, a, L.htHomeGoals, L.htAwayGoals)
    }

    const stats: MatchStats = {
      homeShots: this.countAt(L.homeShots) ?? null,
      awayShots: this.countAt(L.awayShots) ?? null,
      homeShotsOnTarget: this.countAt(L.homeShotsOnTarget) ?? null,
      awayShotsOnTarget: this.countAt(L.awayShotsOnTarget) ?? null,
    }

    let referee: string | null = null
    if (L.referee >= 0) {
      const ref = cleanName(this.cell(L.referee))
      if (ref !== '') referee = ref
    }

    let league: string | null = null
    if (L.div >= 0) {
      const div = this.cell(L.div)
      if (div !== '') league = div
    }

    const odds: OddsQuote[] = []
    for (const g of L.odds) {
      const h = this.priceAt(g.home)
      const d = this.priceAt(g.draw)
      const a = this.priceAt(g.away)
      if (typeof h === 'number' && typeof d === 'number' && typeof a === 'number') {
        odds.push({ bookmaker: g.bookmaker, kind: g.kind, home: h, draw: d, away: a })
      }
    }
    const totals: TotalsQuote[] = []
    for (const g of L.totals) {
      const o = this.priceAt(g.over)
      const u = this.priceAt(g.under)
      if (typeof o === 'number' && typeof u === 'number') {
        totals.push({ bookmaker: g.bookmaker, kind: g.kind, line: g.line, over: o, under: u })
      }
    }

    let asianHandicap: AsianHandicapQuote[] | undefined
    if (L.asianHandicap.length > 0) {
      asianHandicap = []
      for (const g of L.asianHandicap) {
        const lineText = this.cell(g.line)
        const line = lineText === '' ? NaN : Number(lineText.replace(/^\+/, ''))
        if (!Number.isFinite(line)) continue // no (or no readable) handicap on this row: no AH prices
        const h = this.priceAt(g.home)
        const a = this.priceAt(g.away)
        if (typeof h === 'number' && typeof a === 'number') {
          asianHandicap.push({ bookmaker: g.bookmaker, kind: g.kind, line, home: h, away: a })
        }
      }
    }

    if (this.problems.count > before) return undefined
    const played = typeof homeGoals === 'number' && typeof awayGoals === 'number'
    return {
      line: this.line,
      league,
      date,
      time,
      home,
      away,
      homeGoals: played ? homeGoals : null,
      awayGoals: played ? awayGoals : null,
      status: played ? 'played' : 'scheduled',
      halfTime,
      stats,
      referee,
      odds,
      totals,
      ...(asianHandicap ? { asianHandicap } : {}),
    }
  }

  /** Both cells of a score must be given or both empty. */
  private checkPair(
    homeColumn: number,
    home: number | null | undefined,
    awayColumn: number,
    away: number | null | undefined,
  ): void {
    if (home === undefined || away === undefined || (home === null) === (away === null)) return
    const [empty, other] = home === null ? [homeColumn, awayColumn] : [awayColumn, homeColumn]
    this.fail(empty, `${this.columns[empty]} is empty but ${this.columns[other]} is not`)
  }

  /** FTR/HTR must be H, D or A and agree with the goals; a result without goals is a problem. */
  private checkResult(
    column: number,
    homeGoals: number | null | undefined,
    awayGoals: number | null | undefined,
    homeColumn: number,
    awayColumn: number,
  ): void {
    const text = this.cell(column)
    if (text === '') return
    const name = this.columns[column]
    if (text !== 'H' && text !== 'D' && text !== 'A') {
      this.fail(column, `${name} "${text}" is not H, D or A`)
      return
    }
    if (homeGoals === undefined || awayGoals === undefined) return // already reported
    if (homeGoals === null || awayGoals === null) {
      if (homeGoals === null && awayGoals === null) {
        this.fail(
          column,
          `${name} is "${text}" but ${this.columns[homeColumn]}/${this.columns[awayColumn]} are empty`,
        )
      }
      return
    }
    const expected = homeGoals > awayGoals ? 'H' : homeGoals < awayGoals ? 'A' : 'D'
    if (text !== expected) {
      this.fail(
        column,
        `${name} "${text}" disagrees with the score ${homeGoals}-${awayGoals} (expected ${expected})`,
      )
    }
  }
}
