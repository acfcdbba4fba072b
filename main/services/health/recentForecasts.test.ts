import { describe, expect, it } from 'vitest'
import { fitDixonColes, predictFixture, toMatchArrays } from '../../model/dixonColes'
import { applyBlend } from '../../model/blend'
import { applyCalibrator, type TemperatureCalibrator } from '../../model/calibration'
import { removeMargin } from '../../model/market'
import { simulateLeague, randomTeams } from '../../model/simulate/simulateLeague'
import { forecastMatches } from './recentForecasts'

const teams = randomTeams(6, 11)
const matches = simulateLeague({
  teams,
  homeAdvantage: 0.25,
  rho: -0.05,
  seasons: 2,
  seed: 11,
  startDate: '2022-08-06',
})
const model = fitDixonColes(toMatchArrays(matches), { xi: 0 })
const calibrator: TemperatureCalibrator = {
  kind: 'temperature',
  temperature: 1.3,
  floor: 1e-4,
  n: 100,
  logLossBefore: 1,
  logLossAfter: 1,
}

describe('forecastMatches', () => {
  const [a, b] = [teams[0].name, teams[1].name]
  const odds = [2.1, 3.4, 3.6] as const

  it('gives the champion model, the margin-free market, the α blend and the calibrated forecast', () => {
    const { rows, skipped } = forecastMatches(
      { model, blend: { kind: 'log', alpha: 0.4 }, calibrator, margin: 'shin' },
      [{ date: '2024-08-10', home: a, away: b, homeGoals: 1, awayGoals: 1, odds }],
    )
    expect(skipped).toEqual({ count: 0, teams: [] })
    const p = predictFixture(model, a, b)
    const market = removeMargin(odds, 'shin').probabilities
    const blend = applyBlend({ kind: 'log', alpha: 0.4 }, [p.pHome, p.pDraw, p.pAway], market)
    expect(rows).toHaveLength(1)
    expect(rows[0].result).toBe('D')
    rows[0].model!.forEach((x, i) => expect(x).toBeCloseTo([p.pHome, p.pDraw, p.pAway][i], 10))
    expect(rows[0].market).toEqual(market)
    rows[0].blend!.forEach((x, i) => expect(x).toBeCloseTo(blend[i], 10))
    applyCalibrator(calibrator, blend).forEach((x, i) => expect(rows[0].calibrated![i]).toBeCloseTo(x, 10))
  })

  it('falls back like the walk-forward: no odds → the model; no α → the market; skips unknown teams', () => {
    const { rows, skipped } = forecastMatches(
      { model, blend: { kind: 'log', alpha: null }, calibrator: null, margin: 'multiplicative' },
      [
        { date: '2024-08-10', home: a, away: b, homeGoals: 2, awayGoals: 0, odds: null },
        { date: '2024-08-11', home: b, away: a, homeGoals: 0, awayGoals: 3, odds },
        { date: '2024-08-12', home: 'Newcomers', away: a, homeGoals: 0, awayGoals: 3, odds },
      ],
    )
    expect(rows.map((r) => r.result)).toEqual(['H', 'A'])
    expect(rows[0].market).toBeNull()
    expect(rows[0].blend).toEqual(rows[0].model)
    expect(rows[1].blend).toEqual(removeMargin(odds, 'multiplicative').probabilities)
    expect(rows[1].calibrated).toEqual(rows[1].blend)
    expect(skipped).toEqual({ count: 1, teams: ['Newcomers'] })
  })
})
