import { bookmakerName, normaliseGroup } from './headerLayout'
import type { MarketKey, MarketOdds, OddsQuote, ParsedMatch } from './types'
import { MARKET_PREFERENCE } from '../../../../shared/marketPreference'

/**
 * Default market preference, the app-wide one of shared/marketPreference.ts: Pinnacle closing, Pinnacle,
 * the market average (`Avg` from 2019-20, Betbrain's `BbAv` before), then Bet365.
 */
export const DEFAULT_MARKET_PREFERENCE: readonly MarketKey[] = MARKET_PREFERENCE.map(
  ({ bookmaker, kind }) => ({
    bookmaker,
    kind,
  }),
)

/** A preference entry: a {@link MarketKey}, or a football-data column prefix such as 'PSC', 'PS', 'AvgC', 'B365'. */
export type MarketPreference = MarketKey | string

function toKey(p: MarketPreference): MarketKey {
  return typeof p === 'string' ? normaliseGroup(p) : p
}

/** `PSC` for PS closing, `B365` for B365 pre-match; Pinnacle's prefix is PS. */
function columnPrefix(q: MarketKey): string {
  return q.kind === 'closing' ? `${q.bookmaker}C` : q.bookmaker
}

export function describeMarket(q: MarketKey): string {
  const p = columnPrefix(q)
  return `${bookmakerName(q.bookmaker)}${q.kind === 'closing' ? ' closing' : ''} (${p}H/${p}D/${p}A)`
}

/**
 * The first market in `preference` quoted for the match, with `source` naming it (e.g.
 * 'Pinnacle closing (PSCH/PSCD/PSCA)'); null when none of them is.
 */
export function selectMarketOdds(
  match: Pick<ParsedMatch, 'odds'>,
  preference: readonly MarketPreference[] = DEFAULT_MARKET_PREFERENCE,
): MarketOdds | null {
  for (const p of preference) {
    const key = toKey(p)
    const quote: OddsQuote | undefined = match.odds.find(
      (q) => q.bookmaker === key.bookmaker && q.kind === key.kind,
    )
    if (quote) {
      return {
        bookmaker: quote.bookmaker,
        kind: quote.kind,
        home: quote.home,
        draw: quote.draw,
        away: quote.away,
        source: describeMarket(quote),
      }
    }
  }
  return null
}
