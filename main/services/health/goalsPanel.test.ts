import { describe, expect, it } from 'vitest'
import { fitDixonColes, toMatchArrays, scoreMatrix, fixtureRates } from '../../model/dixonColes'
import { simulateLeagueWithOdds } from '../../model/backtest/simulatedMarket'
import { over25Probability } from '../../model/metrics/goals'
import { evaluationGoalsRows, recentGoalsRows } from './goalsPanel'

describe('Model health goals panel', () => {
  const { matches } = simulateLeagueWithOdds({ seasons: 3 })
  const cut = matches[Math.floor(matches.length * 0.8)].date
  const model = fitDixonColes(toMatchArrays(matches.filter((m) => m.date <= cut)), { asOf: cut })
  const after = matches.filter((m) => m.date > cut)

  it("scores the champion's own O/U forecast of each later match; a market quoting its forecast ties", () => {
    const priced = after.map((m) => {
      const { lambda, mu } = fixtureRates(model, m.home, m.away)
      const p = over25Probability(scoreMatrix(lambda, mu, model.rho))
      return {
        ...m,
        goalsPrices: {
          totals: [{ bookmaker: 'PS', kind: 'closing' as const, line: 2.5, over: 1 / p, under: 1 / (1 - p) }],
          asianHandicap: [],
        },
      }
    })
    const rows = recentGoalsRows(
      model,
      [...priced, { ...priced[0], date: '2099-01-01', goalsPrices: null }],
      'shin',
    )
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ phase: 'recent', forecast: 'ou25', n: after.length })
    expect(rows[0].market).toBe('Pinnacle closing O/U 2.5 (PC>2.5, PC<2.5)')
    expect(rows[0].diff).toBeCloseTo(0, 12)
    expect(
      recentGoalsRows(
        model,
        after.map((m) => ({ ...m, goalsPrices: null })),
        'shin',
      ),
    ).toEqual([])
  })

  it("reads the evaluation figures from the run's goals_* metrics, naming the market", () => {
    const rows = evaluationGoalsRows({
      goals_closing_ou25_n: 372,
      goals_closing_ou25_model_brier: 0.2413,
      goals_closing_ou25_market_brier: 0.227,
      goals_closing_ou25_brier_diff: 0.0143,
      goals_closing_ou25_brier_diff_lo: 0.0061,
      goals_closing_ou25_brier_diff_hi: 0.0227,
      goals_pre_match_ah_n: 0,
    })
    expect(rows).toEqual([
      {
        phase: 'evaluation',
        market: 'Pinnacle closing O/U 2.5 (PC>2.5, PC<2.5)',
        forecast: 'ou25',
        n: 372,
        modelBrier: 0.2413,
        marketBrier: 0.227,
        diff: 0.0143,
        lo: 0.0061,
        hi: 0.0227,
      },
    ])
  })
})
