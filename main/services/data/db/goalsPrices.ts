/**
 * The packed form of a played match's goals-market prices (`matches.goals_json`, SQLite migration 005,
 * Postgres 0004): over/under and Asian-handicap quotes of the season file as compact JSON,
 * `{"ou":[[bookmaker, kind, line, over, under], …], "ah":[[bookmaker, kind, line, home, away], …]}` with
 * kind 'p' (pre-match) or 'c' (closing), quotes in header order. JSON renders doubles exactly, so prices
 * round-trip bit for bit, and one row's text is the same on every import (change detection compares it).
 */
import type { AsianHandicapQuote, OddsKind, ParsedMatch, TotalsQuote } from '../csv/types'

export interface GoalsPrices {
  totals: TotalsQuote[]
  asianHandicap: AsianHandicapQuote[]
}

type Packed = [string, 'p' | 'c', number, number, number]

const kindCode = (k: OddsKind): 'p' | 'c' => (k === 'closing' ? 'c' : 'p')

/** JSON string literals of the bookmaker names seen (a handful): quoting them once, not per quote. */
const quoted = new Map<string, string>()
const q = (name: string): string => {
  let s = quoted.get(name)
  if (s === undefined) quoted.set(name, (s = JSON.stringify(name)))
  return s
}

/** `[bookmaker,kind,line,a,b]` as JSON text; String(x) of a finite double is its JSON form. */
const entry = (bookmaker: string, kind: OddsKind, line: number, a: number, b: number): string =>
  `[${q(bookmaker)},"${kindCode(kind)}",${line},${a},${b}]`

/**
 * The text stored for a row: null for a fixture or a row quoting neither market. Written by hand rather than
 * JSON.stringify (a third of the CPU on the 25,000 rows of the shared files); the same text either way.
 */
export function packGoalsPrices(
  row: Pick<ParsedMatch, 'status' | 'totals' | 'asianHandicap'>,
): string | null {
  if (row.status !== 'played') return null
  const ah = row.asianHandicap ?? []
  if (row.totals.length === 0 && ah.length === 0) return null
  const ou = row.totals.map((t) => entry(t.bookmaker, t.kind, t.line, t.over, t.under))
  return `{"ou":[${ou.join(',')}],"ah":[${ah.map((h) => entry(h.bookmaker, h.kind, h.line, h.home, h.away)).join(',')}]}`
}

/** The quotes back from the stored text (null or malformed text: no quotes; a stored row is never fatal). */
export function unpackGoalsPrices(text: string | null | undefined): GoalsPrices {
  const out: GoalsPrices = { totals: [], asianHandicap: [] }
  if (!text) return out
  let parsed: { ou?: Packed[]; ah?: Packed[] }
  try {
    parsed = JSON.parse(text) as typeof parsed
  } catch {
    return out
  }
  const kind = (k: string): OddsKind => (k === 'c' ? 'closing' : 'pre-match')
  for (const [bookmaker, k, line, over, under] of parsed.ou ?? []) {
    out.totals.push({ bookmaker, kind: kind(k), line, over, under })
  }
  for (const [bookmaker, k, line, home, away] of parsed.ah ?? []) {
    out.asianHandicap.push({ bookmaker, kind: kind(k), line, home, away })
  }
  return out
}
