import type { MatchRow } from '../../stores/dataStore'
import { pickMarketQuote } from '../../../../shared/marketPreference'

/** The same market preference as the engine (shared/marketPreference.ts). */
export function marketOdds(match: MatchRow) {
  return pickMarketQuote(match.odds)
}
