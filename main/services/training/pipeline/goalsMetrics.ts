/**
 * The pipeline's goals-market metrics (#22 §2): the evaluation season's over/under 2.5 and Asian-handicap
 * forecasts of the model (its score matrix) against Pinnacle's closing and pre-match prices the store keeps
 * (`goals_json`), logged on the league's parent run as goals_* beside the RPS:
 * goals_<market>_<ou25|ah>_{n, model_brier, market_brier, model_log_loss, market_log_loss, brier_diff,
 * brier_diff_lo, brier_diff_hi}, with <market> closing or pre_match (n = matches scored; diff = model − market).
 */
import type { BacktestRow } from '../../../model/backtest'
import { GOALS_MARKETS, goalsMarketsOf } from '../../../model/backtest/goalsCompare'
import type { GoalsMarketScore } from '../../../model/backtest/goalsMarkets'
import type { MarginMethod } from '../../../model/market'
import type { LeagueData } from '../leagueData'

export interface GoalsRunRecord {
  params: Record<string, string>
  metrics: Record<string, number>
}

function scoreMetrics(prefix: string, s: GoalsMarketScore | null): Record<string, number> {
  if (!s) return { [`${prefix}_n`]: 0 }
  return {
    [`${prefix}_n`]: s.n,
    [`${prefix}_model_brier`]: s.model.brier,
    [`${prefix}_market_brier`]: s.market.brier,
    [`${prefix}_model_log_loss`]: s.model.log_loss,
    [`${prefix}_market_log_loss`]: s.market.log_loss,
    [`${prefix}_brier_diff`]: s.brier_diff.mean,
    [`${prefix}_brier_diff_lo`]: s.brier_diff.lo,
    [`${prefix}_brier_diff_hi`]: s.brier_diff.hi,
  }
}

/** Null when the store keeps no goals prices for the evaluated matches (or the data cannot say). */
export function goalsRunRecord(
  rows: readonly BacktestRow[],
  data: Pick<LeagueData, 'goalsPricesOf'>,
  margin: MarginMethod,
): GoalsRunRecord | null {
  const pricesOf = data.goalsPricesOf
  if (!pricesOf) return null
  const prices = new Map<string, NonNullable<ReturnType<typeof pricesOf>>>()
  const indices: number[] = []
  rows.forEach((r, i) => {
    const p = pricesOf(r)
    if (!p || !r.goals) return
    prices.set(`${r.date}\u0000${r.home}\u0000${r.away}`, p)
    indices.push(i)
  })
  if (indices.length === 0) return null
  const scored = goalsMarketsOf(rows, indices, prices, margin)
  const metrics: Record<string, number> = {}
  scored.forEach((g) => {
    const m = g.market.kind === 'closing' ? 'closing' : 'pre_match'
    Object.assign(metrics, scoreMetrics(`goals_${m}_ou25`, g.over25))
    Object.assign(metrics, scoreMetrics(`goals_${m}_ah`, g.asian_handicap))
  })
  return {
    params: {
      goals_markets: GOALS_MARKETS.map((k) => `${k.bookmaker} ${k.kind}`).join(', '),
      goals_scoring:
        "binary Brier / log loss; AH home cover at the market's own line, weighted by the settled share of the stake (pushes out)",
    },
    metrics,
  }
}
