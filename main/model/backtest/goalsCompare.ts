/**
 * The goals markets in `compare-models` (#22 §2): each variant's walk-forward rows scored against
 * Pinnacle's over/under 2.5 and Asian handicap, closing and pre-match (goalsMarkets.ts), on the 1X2
 * comparison's common set of matches so every variant is scored on the same matches.
 */
import type { MarginMethod } from '../market'
import type { BootstrapOptions } from '../compare/pairedBootstrap'
import type { BacktestRow } from './walkForward'
import {
  compareGoalsMarkets,
  gatedOver25,
  type GoalsMarketComparison,
  type GoalsMarketKey,
  type HandicapPrice,
  type TotalsPrice,
} from './goalsMarkets'

/** A match's O/U and Asian-handicap prices (the season file's, or the store's `goals_json`). */
export interface GoalsPrices {
  totals: readonly TotalsPrice[]
  asianHandicap: readonly HandicapPrice[]
}

/** The goals markets every comparison scores against, closing first. */
export const GOALS_MARKETS: readonly GoalsMarketKey[] = [
  { bookmaker: 'PS', kind: 'closing' },
  { bookmaker: 'PS', kind: 'pre-match' },
]

/** What the served over 2.5 falls back to while the model's gate is closed: the price at ticket time. */
const PRE_MATCH: GoalsMarketKey = { bookmaker: 'PS', kind: 'pre-match' }

const keyOf = (m: { date: string; home: string; away: string }) => `${m.date}\u0000${m.home}\u0000${m.away}`

/** The matches' goals prices by date + home + away (only those quoting any); null when none does. */
export function goalsPriceMap(
  matches: readonly { date: string; home: string; away: string; goalsPrices?: GoalsPrices | null }[],
): Map<string, GoalsPrices> | null {
  const out = new Map<string, GoalsPrices>()
  for (const m of matches) {
    const p = m.goalsPrices
    if (p && (p.totals.length > 0 || p.asianHandicap.length > 0)) out.set(keyOf(m), p)
  }
  return out.size ? out : null
}

/**
 * The rows at `indices` (the common set) scored against each of {@link GOALS_MARKETS}, with the served over
 * 2.5 (the model's while its gate over Pinnacle's pre-match O/U is open; `minRows` earlier pairs first).
 */
export function goalsMarketsOf(
  rows: readonly BacktestRow[],
  indices: readonly number[],
  prices: ReadonlyMap<string, GoalsPrices>,
  margin: MarginMethod,
  bootstrap?: BootstrapOptions,
  minRows = 100,
): GoalsMarketComparison[] {
  const matches = indices.map((i) => {
    const r = rows[i]
    const p = prices.get(keyOf(r))
    return {
      date: r.date,
      homeGoals: r.homeGoals,
      awayGoals: r.awayGoals,
      model: r.goals ?? null,
      totals: p?.totals ?? [],
      asianHandicap: p?.asianHandicap ?? [],
    }
  })
  const served = gatedOver25(matches, PRE_MATCH, margin, minRows)
  return GOALS_MARKETS.map((k) => compareGoalsMarkets(matches, k, margin, bootstrap, served))
}

/** 'Pinnacle closing O/U 2.5 (PC>2.5, PC<2.5)' and the like: which prices a market figure is. */
export function goalsMarketLabel(k: GoalsMarketKey, market: 'ou' | 'ah'): string {
  const closing = k.kind === 'closing'
  if (k.bookmaker === 'PS') {
    const cols =
      market === 'ou'
        ? closing
          ? 'PC>2.5, PC<2.5'
          : 'P>2.5, P<2.5'
        : closing
          ? 'AHCh, PCAHH, PCAHA'
          : 'AHh, PAHH, PAHA'
    return `Pinnacle ${k.kind} ${market === 'ou' ? 'O/U 2.5' : 'AH home cover'} (${cols})`
  }
  return `${k.bookmaker} ${k.kind} ${market === 'ou' ? 'O/U 2.5' : 'AH home cover'}`
}
