/**
 * What the value backtest (valueBets.ts) is fed: which price a bet is taken at (a PRE-MATCH quote: the odds at
 * ticket time), Pinnacle's closing price for the closing-line value, and which walk-forward forecast is judged.
 * Quotes are the store's normalised 1X2 groups (football-data PSH… → bookmaker 'PS', kind 'pre-match'; PSCH… →
 * 'PS', 'closing'; MaxH… → 'Max'; B365H… → 'B365'). Pure, no I/O.
 */
import type { BacktestRow } from './walkForward'
import type { Odds3, ValueMatch } from './valueBets'

export type ValuePriceChoice = 'pinnacle' | 'max' | 'b365'
export const VALUE_PRICE_CHOICES: readonly ValuePriceChoice[] = ['pinnacle', 'max', 'b365']

/** `served`: what the app serves (the walk-forward's calibrated row); `model`: the goal model alone. */
export type ValueForecast = 'served' | 'model'
export const VALUE_FORECASTS: readonly ValueForecast[] = ['served', 'model']

interface QuoteKey {
  bookmaker: string
  kind: 'pre-match' | 'closing'
}

export interface QuoteLike extends QuoteKey {
  home: number | null
  draw: number | null
  away: number | null
}

/** Each choice's quotes in preference order, and how figures name it. */
export const VALUE_PRICES: Record<ValuePriceChoice, { label: string; keys: readonly QuoteKey[] }> = {
  pinnacle: { label: 'Pinnacle pre-match (PSH/PSD/PSA)', keys: [{ bookmaker: 'PS', kind: 'pre-match' }] },
  max: {
    label: 'market maximum pre-match (MaxH/MaxD/MaxA; BbMxH… before 2019-20)',
    keys: [
      { bookmaker: 'Max', kind: 'pre-match' },
      { bookmaker: 'BbMx', kind: 'pre-match' },
    ],
  },
  b365: { label: 'Bet365 pre-match (B365H/B365D/B365A)', keys: [{ bookmaker: 'B365', kind: 'pre-match' }] },
}

export const CLOSING_KEY: QuoteKey = { bookmaker: 'PS', kind: 'closing' }
export const CLOSING_LABEL = 'Pinnacle closing (PSCH/PSCD/PSCA)'

/** The first quote of `keys` with three prices above 1, as H, D, A; null when none is. */
export function quoteOf(quotes: readonly QuoteLike[], keys: readonly QuoteKey[]): Odds3 | null {
  for (const k of keys) {
    const q = quotes.find((x) => x.bookmaker === k.bookmaker && x.kind === k.kind)
    if (
      q &&
      q.home !== null &&
      q.draw !== null &&
      q.away !== null &&
      q.home > 1 &&
      q.draw > 1 &&
      q.away > 1
    ) {
      return [q.home, q.draw, q.away]
    }
  }
  return null
}

/** The price a bet is taken at and Pinnacle's close, from a match's quotes. */
export function valuePricesOf(
  quotes: readonly QuoteLike[],
  choice: ValuePriceChoice,
): { price: Odds3 | null; closing: Odds3 | null } {
  return { price: quoteOf(quotes, VALUE_PRICES[choice].keys), closing: quoteOf(quotes, [CLOSING_KEY]) }
}

export const matchKey = (m: { date: string; home: string; away: string }): string =>
  `${m.date}\u0000${m.home}\u0000${m.away}`

/** Walk-forward rows with their prices (looked up by date, home, away) as the value backtest's matches. */
/** What the value backtest reads of a forecast row (a walk-forward row, or one read back from predictions.csv). */
export type ValueRow = Pick<BacktestRow, 'date' | 'home' | 'away' | 'result' | 'model' | 'calibrated'>

export function valueMatchesOf<R extends ValueRow>(
  rows: readonly R[],
  forecast: ValueForecast,
  prices: (row: R) => { price: Odds3 | null; closing: Odds3 | null } | null | undefined,
): ValueMatch[] {
  return rows.map((r) => {
    const p = prices(r)
    return {
      date: r.date,
      home: r.home,
      away: r.away,
      result: r.result,
      forecast: forecast === 'served' ? r.calibrated : r.model,
      price: p?.price ?? null,
      closing: p?.closing ?? null,
    }
  })
}

/** "served forecast" / "model forecast". */
export const forecastLabel = (f: ValueForecast): string =>
  f === 'served' ? 'served forecast (model → pre-match market blend → calibrator, gated)' : 'model alone'
