/**
 * The pipeline's value-backtest metrics (#22 §3): does betting the evaluation season's edges of 3 %+ at
 * Pinnacle's pre-match price pay? Logged on the league's parent run as value_* beside the RPS.
 *
 * Which forecast: the served one only when the walk-forward's market is pre-match quotes alone. With the
 * default market preference (Pinnacle closing first) the served forecast is the closing market or a blend with
 * it, and its "edge" over the pre-match price would be how the price later moved: look-ahead. Then the model
 * alone is judged (it trains on earlier matches' closing prices only). The params say which.
 */
import type { BacktestRow } from '../../../model/backtest'
import { DEFAULT_MIN_EDGE, valueBacktest, type ValueSummary } from '../../../model/backtest/valueBets'
import {
  CLOSING_LABEL,
  VALUE_PRICES,
  valueMatchesOf,
  valuePricesOf,
  type ValueForecast,
} from '../../../model/backtest/valueInput'
import type { MarketKey } from '../../data/csv'
import type { LeagueData } from '../leagueData'

/** The forecast whose edge the pipeline judges (see the module comment). */
export const valueForecastFor = (market: readonly MarketKey[]): ValueForecast =>
  market.length > 0 && market.every((k) => k.kind === 'pre-match') ? 'served' : 'model'

export interface ValueRunRecord {
  params: Record<string, string | number>
  metrics: Record<string, number>
  summary: ValueSummary
}

/** Null when the store has no quotes for the matches (a league data without `quotesOf`). */
export function valueRunRecord(
  rows: readonly BacktestRow[],
  data: Pick<LeagueData, 'quotesOf'>,
  market: readonly MarketKey[],
  minEdge = DEFAULT_MIN_EDGE,
): ValueRunRecord | null {
  const quotesOf = data.quotesOf
  if (!quotesOf) return null
  const forecast = valueForecastFor(market)
  const summary = valueBacktest(
    valueMatchesOf(rows, forecast, (r) => valuePricesOf(quotesOf(r), 'pinnacle')),
    { minEdge },
  )
  const f = summary.flat
  const c = summary.clv
  const k = summary.kelly
  const metrics: Record<string, number> = { value_matches: summary.matches, value_bets: f?.bets ?? 0 }
  if (f) {
    Object.assign(metrics, {
      value_hit_rate: f.hitRate,
      value_roi: f.roi.mean,
      value_roi_lo: f.roi.lo,
      value_roi_hi: f.roi.hi,
    })
  }
  if (c) {
    Object.assign(metrics, {
      value_clv: c.meanLogRatio.mean,
      value_clv_lo: c.meanLogRatio.lo,
      value_clv_hi: c.meanLogRatio.hi,
      value_clv_beat: c.beatRate,
    })
  }
  if (k) Object.assign(metrics, { value_kelly_growth: k.growth, value_kelly_roi: k.roi })
  return {
    params: {
      value_forecast: forecast,
      value_price: VALUE_PRICES.pinnacle.label,
      value_closing: CLOSING_LABEL,
      value_min_edge: minEdge,
      value_kelly_fraction: k?.fraction ?? 0.25,
    },
    metrics,
    summary,
  }
}
