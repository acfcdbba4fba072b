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

/** The text stored for a row: null for a fixture or a row quoting neither market. */
export function packGoalsPrices(
  row: Pick<ParsedMatch, 'status' | 'totals' | 'asianHandicap'>,
): string | null {
  if (row.status !== 'played') return null
  const ah = row.asianHandicap ?? []
  if (row.totals.length === 0 && ah.length === 0) return null
  const ou: Packed[] = row.totals.map((q) => [q.bookmaker, kindCode(q.kind), q.line, q.over, q.under])
  return JSON.stringify({
    ou,
    ah: ah.map((q): Packed => [q.bookmaker, kindCode(q.kind), q.line, q.home, q.away]),
  })
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
