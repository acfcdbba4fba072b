import { DEFAULT_MAX_PROBLEMS, ProblemList } from './csvParseError'
import { decodeText } from './decodeText'
import { buildHeaderLayout, describeAliases, missingRequired } from './headerLayout'
import type { HeaderLayout } from './headerLayout'
import { cleanName, parseCount, parseDate, parseDecimal, parseTime, trimCell } from './parseCells'
import { tokenizeCsv, UnterminatedQuoteError } from './tokenizeCsv'
import type { CsvRecord } from './tokenizeCsv'
import type { MatchStats, OddsQuote, ParsedFile, ParsedMatch, ParseOptions, TotalsQuote } from './types'

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
  const { text, encoding } = decodeText(bytes, opts.encoding ?? 'auto')

  let records: CsvRecord[]
  try {
    records = tokenizeCsv(text)
  } catch (e) {
    if (e instanceof UnterminatedQuoteError) {
      problems.add(e.line, null, 'a quoted field starting on this line is never closed (missing ")')
      throw problems.toError()
    }
    throw e
  }

  let r = 0
  while (r < records.length && isBlank(records[r].fields)) r++
  if (r >= records.length) {
    problems.add(1, null, 'file is empty: expected a football-data.co.uk header line (Div,Date,HomeTeam,...)')
    throw problems.toError()
  }
  const headerRecord = records[r]
  const columns = headerRecord.fields.map(trimCell)
  while (columns.length > 0 && columns[columns.length - 1] === '') columns.pop()
  const layout = buildHeaderLayout(columns)
  const missing = missingRequired(layout)
  if (missing.length > 0) {
    for (const key of missing) {
      problems.add(
        headerRecord.line,
        describeAliases(key).split(' ')[0],
        `missing required column ${describeAliases(key)}`,
      )
    }
    throw problems.toError()
  }

  const rows: ParsedMatch[] = []
  const warnings = new ProblemList(fileName, problems.limit)
  const ctx = new RowContext(layout, columns, problems, warnings, opts.strictOdds ?? false)
  for (r++; r < records.length; r++) {
    const record = records[r]
    if (isBlank(record.fields)) continue
    const match = ctx.parseRow(record)
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

function isBlank(fields: string[]): boolean {
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]
    if (f.length > 0 && trimCell(f).length > 0) return false
  }
  return true
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

class RowContext {
  private line = 0
  private fields: string[] = []

  constructor(
    private readonly layout: HeaderLayout,
    private readonly columns: string[],
    private readonly problems: ProblemList,
    private readonly warnings: ProblemList,
    private readonly strictOdds: boolean,
  ) {}

  private cell(index: number): string {
    if (index < 0 || index >= this.fields.length) return ''
    return trimCell(this.fields[index])
  }

  private fail(index: number, message: string): void {
    this.problems.add(this.line, index >= 0 ? this.columns[index] : null, message)
  }

  /** Empty → null; a non-negative integer → it; anything else → a problem (and undefined). */
  private count(index: number): number | null | undefined {
    const text = this.cell(index)
    if (text === '') return null
    const v = parseCount(text)
    if (v === undefined) {
      const numeric = parseDecimal(text.charCodeAt(0) === 45 ? text.slice(1) : text) !== undefined
      const what = numeric ? 'is not a whole number ≥ 0' : 'is not a number'
      this.fail(index, `${this.columns[index]} "${text}" ${what}`)
    }
    return v
  }

  /** Empty → null; a decimal odds price > 1 → it; anything else → a problem (and undefined). */
  private price(index: number): number | null | undefined {
    const text = this.cell(index)
    if (text === '') return null
    const v = parseDecimal(text)
    if (v === undefined) {
      this.fail(index, `${this.columns[index]} "${text}" is not a number`)
      return undefined
    }
    if (!(v > 1)) {
      const message = `${this.columns[index]} "${text}" is not valid decimal odds (must be greater than 1)`
      if (this.strictOdds) this.fail(index, message)
      else this.warnings.add(this.line, this.columns[index], `${message}; price group left out for this row`)
      return undefined
    }
    return v
  }

  parseRow(record: CsvRecord): ParsedMatch | undefined {
    const L = this.layout
    this.line = record.line
    this.fields = record.fields
    const before = this.problems.count

    if (record.fields.length > this.columns.length) {
      for (let i = this.columns.length; i < record.fields.length; i++) {
        if (trimCell(record.fields[i]) !== '') {
          this.fail(
            -1,
            `row has ${record.fields.length} fields but the header has ${this.columns.length} columns`,
          )
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
    const homeGoals = this.count(L.homeGoals)
    const awayGoals = this.count(L.awayGoals)
    if ((homeGoals === null) !== (awayGoals === null) && homeGoals !== undefined && awayGoals !== undefined) {
      const empty = homeGoals === null ? L.homeGoals : L.awayGoals
      const other = homeGoals === null ? L.awayGoals : L.homeGoals
      this.fail(empty, `${this.columns[empty]} is empty but ${this.columns[other]} is not`)
    }
    if (L.result >= 0) this.checkResult(L.result, homeGoals, awayGoals, L.homeGoals, L.awayGoals)

    // half-time
    let halfTime: ParsedMatch['halfTime'] = null
    if (L.htHomeGoals >= 0 && L.htAwayGoals >= 0) {
      const h = this.count(L.htHomeGoals)
      const a = this.count(L.htAwayGoals)
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
      } else if ((h === null) !== (a === null) && h !== undefined && a !== undefined) {
        const empty = h === null ? L.htHomeGoals : L.htAwayGoals
        const other = h === null ? L.htAwayGoals : L.htHomeGoals
        this.fail(empty, `${this.columns[empty]} is empty but ${this.columns[other]} is not`)
      }
      if (L.htResult >= 0) this.checkResult(L.htResult, h, a, L.htHomeGoals, L.htAwayGoals)
    }

    const stats: MatchStats = {
      homeShots: this.count(L.homeShots) ?? null,
      awayShots: this.count(L.awayShots) ?? null,
      homeShotsOnTarget: this.count(L.homeShotsOnTarget) ?? null,
      awayShotsOnTarget: this.count(L.awayShotsOnTarget) ?? null,
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
      const h = this.price(g.home)
      const d = this.price(g.draw)
      const a = this.price(g.away)
      if (typeof h === 'number' && typeof d === 'number' && typeof a === 'number') {
        odds.push({ bookmaker: g.bookmaker, kind: g.kind, home: h, draw: d, away: a })
      }
    }
    const totals: TotalsQuote[] = []
    for (const g of L.totals) {
      const o = this.price(g.over)
      const u = this.price(g.under)
      if (typeof o === 'number' && typeof u === 'number') {
        totals.push({ bookmaker: g.bookmaker, kind: g.kind, line: g.line, over: o, under: u })
      }
    }

    if (this.problems.count > before) return undefined
    const played = typeof homeGoals === 'number' && typeof awayGoals === 'number'
    return {
      line: record.line,
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
    }
  }

  /** FTR/HTR must be H, D or A and agree with the goals; a result without goals is a problem. */
  private checkResult(
    index: number,
    homeGoals: number | null | undefined,
    awayGoals: number | null | undefined,
    homeIndex: number,
    awayIndex: number,
  ): void {
    const text = this.cell(index)
    if (text === '') return
    const name = this.columns[index]
    if (text !== 'H' && text !== 'D' && text !== 'A') {
      this.fail(index, `${name} "${text}" is not H, D or A`)
      return
    }
    if (homeGoals === undefined || awayGoals === undefined) return // already reported
    if (homeGoals === null || awayGoals === null) {
      this.fail(
        index,
        `${name} is "${text}" but ${this.columns[homeIndex]}/${this.columns[awayIndex]} are empty`,
      )
      return
    }
    const expected = homeGoals > awayGoals ? 'H' : homeGoals < awayGoals ? 'A' : 'D'
    if (text !== expected) {
      this.fail(
        index,
        `${name} "${text}" disagrees with the score ${homeGoals}-${awayGoals} (expected ${expected})`,
      )
    }
  }
}
