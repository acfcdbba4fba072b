/**
 * The value backtest (#22 §3) of one compare-models variant: its model-alone and its served forecasts on the
 * comparison's common matches, each at the same pre-match price, with Pinnacle's close for the CLV. Pure.
 */
import type { BootstrapOptions } from '../compare/pairedBootstrap'
import type { BacktestRow } from './walkForward'
import { valueBacktest, type Odds3, type ValueSummary } from './valueBets'
import { matchKey, valueMatchesOf } from './valueInput'

export interface ValueCompareOptions {
  minEdge: number
  kellyFraction?: number
  /** How the price bets are taken at is named (e.g. 'Pinnacle pre-match (PSH/PSD/PSA)'). */
  priceLabel: string
}

export interface VariantValue {
  price: string
  model: ValueSummary
  served: ValueSummary
}

export interface ValuePricedMatch {
  date: string
  home: string
  away: string
  /** The price bets are taken at (default: `preMatchOdds`). */
  valuePrice?: Odds3 | null
  preMatchOdds?: Odds3 | null
  closingOdds?: Odds3 | null
}

/** Price and close by match key, for {@link variantValue}. */
export function valuePriceMap(
  matches: readonly ValuePricedMatch[],
): Map<string, { price: Odds3 | null; closing: Odds3 | null }> {
  return new Map(
    matches.map((m) => [
      matchKey(m),
      { price: m.valuePrice ?? m.preMatchOdds ?? null, closing: m.closingOdds ?? null },
    ]),
  )
}

/** Model and served value backtests over `rows[i]` for i in `scored`. */
export function variantValue(
  rows: readonly BacktestRow[],
  scored: readonly number[],
  prices: ReadonlyMap<string, { price: Odds3 | null; closing: Odds3 | null }>,
  options: ValueCompareOptions,
  bootstrap?: BootstrapOptions,
): VariantValue {
  const picked = scored.map((i) => rows[i])
  const run = (f: 'model' | 'served') =>
    valueBacktest(
      valueMatchesOf(picked, f, (r) => prices.get(matchKey(r))),
      { minEdge: options.minEdge, kellyFraction: options.kellyFraction, bootstrap },
    )
  return { price: options.priceLabel, model: run('model'), served: run('served') }
}
