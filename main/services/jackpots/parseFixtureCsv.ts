/**
 * Jackpot fixtures from a CSV file: a header row naming the columns, then one fixture per row.
 * Required columns: home and away (also accepted: HomeTeam / AwayTeam, as in football-data files).
 * Optional odds: H, D, A (also accepted: odds_home / odds_draw / odds_away, home_odds / draw_odds /
 * away_odds, 1 / X / 2); all three or none per row. Separator: comma, or semicolon when the header uses
 * it (spreadsheets in many locales); decimal commas in odds are accepted with the semicolon separator.
 * Every problem names its line and field. Pure: name resolution happens elsewhere.
 */
import { tokenizeCsv, UnterminatedQuoteError } from '../data/csv/tokenizeCsv'
import type { FixtureTextProblem, ParsedFixtureLine } from './parseFixtureText'

export interface FixtureCsvProblem extends FixtureTextProblem {
  /** The column the problem is in, when it is about one. */
  field: string | null
}

const COLUMNS: Record<'home' | 'away' | 'oddsHome' | 'oddsDraw' | 'oddsAway', string[]> = {
  home: ['home', 'hometeam', 'home_team', 'home team'],
  away: ['away', 'awayteam', 'away_team', 'away team'],
  oddsHome: ['h', 'odds_home', 'home_odds', 'oddshome', '1'],
  oddsDraw: ['d', 'odds_draw', 'draw_odds', 'oddsdraw', 'x', 'draw'],
  oddsAway: ['a', 'odds_away', 'away_odds', 'oddsaway', '2'],
}
const MAX_ROWS = 200
const MAX_BYTES = 200_000

export function parseFixtureCsv(text: string): {
  fixtures: ParsedFixtureLine[]
  problems: FixtureCsvProblem[]
} {
  const fixtures: ParsedFixtureLine[] = []
  const problems: FixtureCsvProblem[] = []
  if (text.length > MAX_BYTES)
    return {
      fixtures,
      problems: [
        { line: 1, field: null, message: `the file is over ${MAX_BYTES / 1000} KB: is it a jackpot?` },
      ],
    }
  const clean = text.replace(/^\uFEFF/, '')
  const firstLine = clean.split(/\r?\n/, 1)[0] ?? ''
  const semicolon = firstLine.includes(';') && !firstLine.includes(',')
  let records
  try {
    records = tokenizeCsv(semicolon ? toCommaSeparated(clean) : clean).filter(
      (r) => !(r.fields.length === 1 && r.fields[0].trim() === ''),
    )
  } catch (error) {
    if (error instanceof UnterminatedQuoteError)
      return { fixtures, problems: [{ line: error.line, field: null, message: error.message }] }
    throw error
  }
  if (records.length === 0)
    return {
      fixtures,
      problems: [{ line: 1, field: null, message: 'the file is empty: expected a header row' }],
    }
  const header = records[0].fields.map((h) => h.trim().toLowerCase())
  const index = Object.fromEntries(
    Object.entries(COLUMNS).map(([key, names]) => [key, header.findIndex((h) => names.includes(h))]),
  ) as Record<keyof typeof COLUMNS, number>
  const missing = (['home', 'away'] as const).filter((k) => index[k] < 0)
  if (missing.length > 0)
    return {
      fixtures,
      problems: missing.map((k) => ({
        line: records[0].line,
        field: k,
        message: `no "${k}" column in the header (found: ${records[0].fields.map((f) => f.trim()).join(', ') || 'nothing'})`,
      })),
    }
  const oddsKeys = ['oddsHome', 'oddsDraw', 'oddsAway'] as const
  const oddsColumns = oddsKeys.filter((k) => index[k] >= 0)
  if (oddsColumns.length > 0 && oddsColumns.length < 3) {
    const names = oddsColumns.map((k) => records[0].fields[index[k]].trim())
    problems.push({
      line: records[0].line,
      field: names[0],
      message: `odds need three columns (H, D, A); found only ${names.join(', ')}, so odds are ignored`,
    })
  }
  const withOdds = oddsColumns.length === 3
  const rows = records.slice(1)
  if (rows.length > MAX_ROWS)
    return {
      fixtures,
      problems: [
        ...problems,
        {
          line: rows[MAX_ROWS].line,
          field: null,
          message: `more than ${MAX_ROWS} fixtures: is this a jackpot?`,
        },
      ],
    }
  for (const record of rows) {
    const { line, fields } = record
    const cell = (k: keyof typeof COLUMNS) => (index[k] >= 0 ? (fields[index[k]] ?? '').trim() : '')
    if (fields.every((f) => f.trim() === '') || fields[0]?.trim().startsWith('#')) continue
    const home = cell('home')
    const away = cell('away')
    let bad = false
    for (const [k, value] of [
      ['home', home],
      ['away', away],
    ] as const) {
      if (value === '') {
        problems.push({ line, field: k, message: `the ${k} team is empty` })
        bad = true
      } else if (value.length > 80) {
        problems.push({ line, field: k, message: `the ${k} team name is longer than 80 characters` })
        bad = true
      }
    }
    if (!bad && home.toLowerCase() === away.toLowerCase()) {
      problems.push({ line, field: 'away', message: `a team cannot play itself ("${home}")` })
      bad = true
    }
    let odds: ParsedFixtureLine['odds'] = null
    if (withOdds) {
      const texts = oddsKeys.map((k) => cell(k))
      if (texts.some((t) => t !== '')) {
        const values = texts.map((t) => Number(t.replace(',', '.')))
        texts.forEach((t, i) => {
          if (t === '' || !Number.isFinite(values[i]) || !(values[i] > 1)) {
            const column = records[0].fields[index[oddsKeys[i]]].trim()
            problems.push({
              line,
              field: column,
              message:
                t === ''
                  ? `odds ${column} is empty (give all three odds or none)`
                  : `odds ${column} must be decimal odds above 1, got "${t}"`,
            })
            bad = true
          }
        })
        if (!bad) odds = { home: values[0], draw: values[1], away: values[2] }
      }
    }
    if (!bad) fixtures.push({ line, home, away, odds })
  }
  if (fixtures.length === 0 && problems.length === 0)
    problems.push({ line: records[0].line, field: null, message: 'no fixtures under the header row' })
  return { fixtures, problems }
}

/** Semicolon-separated text as comma-separated (quoted fields kept; decimal commas survive as quoted text). */
function toCommaSeparated(text: string): string {
  let out = ''
  let quoted = false
  let field = ''
  const flush = (end: string) => {
    out += field.includes(',') && !field.startsWith('"') ? `"${field}"${end}` : `${field}${end}`
    field = ''
  }
  for (const ch of text) {
    if (ch === '"') quoted = !quoted
    if (!quoted && ch === ';') flush(',')
    else if (!quoted && ch === '\n') flush('\n')
    else field += ch
  }
  flush('')
  return out
}
