/**
 * Model health's goals-market panel (#22 §2): the champion's over/under 2.5 and Asian-handicap forecasts
 * against Pinnacle's closing and pre-match prices the store keeps (`goals_json`), in two phases:
 *  - evaluation: the figures its pipeline run logged (goals_* metrics: the walk-forward of its evaluation
 *    season, every forecast made before the match);
 *  - recent: the champion, unchanged, applied to the matches played after its as-of date (its score matrix
 *    from its ratings and ρ), scored here.
 * Model vs market Brier (p − y)², with n and the paired interval of the difference (model − market).
 */
import type Database from 'better-sqlite3'
import { goalsPricesByMatch } from '../data/queries/goalsPriceQueries'
import { fixtureRates, scoreMatrix, type FittedModel, type MatchInput } from '../../model/dixonColes'
import type { MarginMethod } from '../../model/market'
import {
  GOALS_MARKETS,
  goalsMarketLabel,
  goalsMarketsOf,
  type GoalsPrices,
} from '../../model/backtest/goalsCompare'
import type { BacktestRow } from '../../model/backtest'
import { resultOf } from '../../model/metrics'
import { goalDifferenceOf, over25Probability } from '../../model/metrics/goals'
import { playedAfter, playedMatchInput } from './playedAfter'

export interface GoalsPanelRow {
  phase: 'evaluation' | 'recent'
  /** Which prices: e.g. 'Pinnacle closing O/U 2.5 (PC>2.5, PC<2.5)'. */
  market: string
  forecast: 'ou25' | 'ah'
  n: number
  modelBrier: number
  marketBrier: number
  /** Mean model − market Brier with its paired 95 % interval (null bounds: not logged). */
  diff: number
  lo: number | null
  hi: number | null
}

export interface GoalsPanel {
  margin: MarginMethod
  rows: GoalsPanelRow[]
}

export interface PlayedWithGoalsPrices extends MatchInput {
  goalsPrices: GoalsPrices | null
}

const PHASE_KEYS = [
  ['closing', 0],
  ['pre_match', 1],
] as const

/** The evaluation rows from a run's goals_* metrics (none when the run logged none). */
export function evaluationGoalsRows(metrics: Readonly<Record<string, number>>): GoalsPanelRow[] {
  const rows: GoalsPanelRow[] = []
  for (const [key, i] of PHASE_KEYS) {
    for (const forecast of ['ou25', 'ah'] as const) {
      const p = `goals_${key}_${forecast}`
      const n = metrics[`${p}_n`]
      if (!n || metrics[`${p}_model_brier`] === undefined) continue
      rows.push({
        phase: 'evaluation',
        market: goalsMarketLabel(GOALS_MARKETS[i], forecast === 'ou25' ? 'ou' : 'ah'),
        forecast,
        n,
        modelBrier: metrics[`${p}_model_brier`],
        marketBrier: metrics[`${p}_market_brier`],
        diff: metrics[`${p}_brier_diff`],
        lo: metrics[`${p}_brier_diff_lo`] ?? null,
        hi: metrics[`${p}_brier_diff_hi`] ?? null,
      })
    }
  }
  return rows
}

/** The champion's forecasts of matches played since it was trained, scored against the stored prices. */
export function recentGoalsRows(
  model: FittedModel,
  matches: readonly PlayedWithGoalsPrices[],
  margin: MarginMethod,
): GoalsPanelRow[] {
  const known = new Set(model.teams.map((t) => t.name))
  const rows: BacktestRow[] = []
  const prices = new Map<string, GoalsPrices>()
  for (const m of matches) {
    if (!m.goalsPrices || !known.has(m.home) || !known.has(m.away)) continue
    const { lambda, mu } = fixtureRates(model, m.home, m.away, m.neutral ?? false)
    const matrix = scoreMatrix(lambda, mu, model.rho)
    prices.set(`${m.date}\u0000${m.home}\u0000${m.away}`, m.goalsPrices)
    rows.push({
      ...m,
      result: resultOf(m),
      model: null,
      market: null,
      blend: null,
      calibrated: null,
      alpha: null,
      skipReason: null,
      goals: { over25: over25Probability(matrix), goalDifference: goalDifferenceOf(matrix) },
    })
  }
  if (rows.length === 0) return []
  const out: GoalsPanelRow[] = []
  goalsMarketsOf(
    rows,
    rows.map((_, i) => i),
    prices,
    margin,
  ).forEach((g) => {
    for (const [forecast, s] of [
      ['ou25', g.over25],
      ['ah', g.asian_handicap],
    ] as const) {
      if (!s) continue
      out.push({
        phase: 'recent',
        market: goalsMarketLabel(g.market, forecast === 'ou25' ? 'ou' : 'ah'),
        forecast,
        n: s.n,
        modelBrier: s.model.brier,
        marketBrier: s.market.brier,
        diff: s.brier_diff.mean,
        lo: s.brier_diff.lo,
        hi: s.brier_diff.hi,
      })
    }
  })
  return out
}

/**
 * The panel for a league's champion: its run's logged evaluation figures and its forecasts of the matches
 * played after `trainedTo` (null when neither has a priced match).
 */
export function goalsPanelFor(
  db: Database.Database,
  league: string,
  champion: {
    model: FittedModel
    trainedTo: string
    margin: MarginMethod
    runMetrics: Record<string, number>
  },
): GoalsPanel | null {
  const prices = goalsPricesByMatch(db, league)
  const recent = playedAfter(db, league, champion.trainedTo).map((m) => ({
    ...playedMatchInput(m),
    goalsPrices: prices.get(m.id) ?? null,
  }))
  const rows = [
    ...evaluationGoalsRows(champion.runMetrics),
    ...recentGoalsRows(champion.model, recent, champion.margin),
  ]
  return rows.length ? { margin: champion.margin, rows } : null
}
