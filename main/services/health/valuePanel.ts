/**
 * Model health's "does the edge pay?" panel (#22 §3): the champion's edges of 3 %+ over Pinnacle's pre-match
 * price, bet 1 unit each, across its evaluation season and every match played since, with the ROI interval,
 * the closing-line value and a fractional Kelly line (main/model/backtest/valueBets.ts).
 *
 * The forecast judged is the model alone: the champion's served forecast is blended with the app's market
 * (Pinnacle closing first), so its edge over the pre-match price would be how the price later moved.
 */
import { valueBacktest, type ValueSummary } from '../../model/backtest/valueBets'
import {
  CLOSING_LABEL,
  forecastLabel,
  matchKey,
  VALUE_PRICES,
  valueMatchesOf,
  valuePricesOf,
  type QuoteLike,
  type ValueRow,
} from '../../model/backtest/valueInput'

export interface ValuePanel extends ValueSummary {
  forecast: 'model'
  forecastLabel: string
  price: string
  closing: string
}

/** Null when no row has a model forecast and a Pinnacle pre-match price. */
export function valuePanel(
  rows: readonly ValueRow[],
  quotes: ReadonlyMap<string, readonly QuoteLike[]>,
  minEdge = 0.03,
): ValuePanel | null {
  const summary = valueBacktest(
    valueMatchesOf(rows, 'model', (r) => valuePricesOf(quotes.get(matchKey(r)) ?? [], 'pinnacle')),
    { minEdge },
  )
  if (summary.matches === 0) return null
  return {
    forecast: 'model',
    forecastLabel: forecastLabel('model'),
    price: VALUE_PRICES.pinnacle.label,
    closing: CLOSING_LABEL,
    ...summary,
  }
}
