import type { MatchRow } from '../../stores/dataStore'

/** The same market preference as the engine: Pinnacle closing, Pinnacle, average, Bet365. */
const PREFERENCE: { bookmaker: string; kind: 'pre-match' | 'closing'; label: string }[] = [
  { bookmaker: 'PS', kind: 'closing', label: 'Pinnacle closing' },
  { bookmaker: 'PS', kind: 'pre-match', label: 'Pinnacle' },
  { bookmaker: 'Avg', kind: 'pre-match', label: 'market average' },
  { bookmaker: 'BbAv', kind: 'pre-match', label: 'Betbrain average' },
  { bookmaker: 'B365', kind: 'pre-match', label: 'Bet365' },
]

export function marketOdds(
  match: MatchRow,
): { home: number; draw: number; away: number; bookmaker: string; label: string } | null {
  for (const pref of PREFERENCE) {
    const quote = match.odds.find((o) => o.bookmaker === pref.bookmaker && o.kind === pref.kind)
    if (quote && quote.home && quote.draw && quote.away) {
      return {
        home: quote.home,
        draw: quote.draw,
        away: quote.away,
        bookmaker: `${pref.bookmaker}${pref.kind === 'closing' ? ' closing' : ''}`,
        label: pref.label,
      }
    }
  }
  return null
}
