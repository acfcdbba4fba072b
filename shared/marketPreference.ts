/**
 * "The market" when a screen or a model needs one 1X2 price: Pinnacle closing, then Pinnacle,
 * then the market average (then Betbrain's average in older files), then Bet365. Every figure
 * derived from it says which quote was used.
 */
export const MARKET_PREFERENCE: readonly {
  bookmaker: string
  kind: 'pre-match' | 'closing'
  label: string
}[] = [
  { bookmaker: 'PS', kind: 'closing', label: 'Pinnacle closing' },
  { bookmaker: 'PS', kind: 'pre-match', label: 'Pinnacle' },
  { bookmaker: 'Avg', kind: 'pre-match', label: 'market average' },
  { bookmaker: 'BbAv', kind: 'pre-match', label: 'Betbrain average' },
  { bookmaker: 'B365', kind: 'pre-match', label: 'Bet365' },
]

export interface QuoteLike {
  bookmaker: string
  kind: 'pre-match' | 'closing'
  home: number | null
  draw: number | null
  away: number | null
}

/** The first quote in preference order with three prices above 1, or null. */
export function pickMarketQuote(
  odds: readonly QuoteLike[],
  preference: readonly {
    bookmaker: string
    kind: 'pre-match' | 'closing'
    label?: string
  }[] = MARKET_PREFERENCE,
): { home: number; draw: number; away: number; bookmaker: string; label: string } | null {
  for (const pref of preference) {
    const quote = odds.find((o) => o.bookmaker === pref.bookmaker && o.kind === pref.kind)
    if (
      quote &&
      quote.home &&
      quote.draw &&
      quote.away &&
      quote.home > 1 &&
      quote.draw > 1 &&
      quote.away > 1
    ) {
      return {
        home: quote.home,
        draw: quote.draw,
        away: quote.away,
        bookmaker: `${pref.bookmaker}${pref.kind === 'closing' ? ' closing' : ''}`,
        label: pref.label ?? `${pref.bookmaker} ${pref.kind}`,
      }
    }
  }
  return null
}
