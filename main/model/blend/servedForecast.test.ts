import { describe, expect, it } from 'vitest'
import { simulateLeagueWithOdds } from '../backtest/simulatedMarket'
import { walkForward } from '../backtest/walkForward'
import { applyCalibrator, fitTemperature } from '../calibration'
import type { Triple } from '../metrics'
import { applyBlend } from './blend'
import { servedForecast } from './servedForecast'

const model: Triple = [0.5, 0.3, 0.2]
const market: Triple = [0.4, 0.3, 0.3]

describe('servedForecast', () => {
  it('serves the market when α is null (never fitted) or 0, the model without a market, else the α pool', () => {
    for (const alpha of [null, 0]) {
      const s = servedForecast(model, market, { blend: { kind: 'log', alpha }, calibrator: null })
      expect(s).toEqual({ blend: market, alpha: 0, calibrated: market })
    }
    expect(servedForecast(model, market, { blend: null, calibrator: null }).blend).toEqual(market)
    expect(servedForecast(model, null, { blend: { kind: 'log', alpha: 0.3 }, calibrator: null })).toEqual({
      blend: model,
      alpha: 1,
      calibrated: model,
    })
    for (const kind of ['log', 'linear'] as const) {
      const s = servedForecast(model, market, { blend: { kind, alpha: 0.3 }, calibrator: null })
      expect(s.blend).toEqual(applyBlend({ kind, alpha: 0.3 }, model, market))
      expect(s.alpha).toBe(0.3)
    }
  })

  it('applies the calibrator to whatever the blend stage served', () => {
    const calibrator = fitTemperature([model, market, [0.7, 0.2, 0.1]], ['H', 'A', 'H'])
    const s = servedForecast(model, market, { blend: { kind: 'log', alpha: 0.5 }, calibrator })
    expect(s.calibrated).toEqual(applyCalibrator(calibrator, s.blend))
    expect(servedForecast(model, null, { blend: null, calibrator }).calibrated).toEqual(
      applyCalibrator(calibrator, model),
    )
  })

  it('is the walk-forward’s own rule: every served blend row of a backtest is reproduced', () => {
    const { matches } = simulateLeagueWithOdds()
    const wf = walkForward(matches, { from: '2022-08-01', minHistory: 30, gate: false })
    let checked = 0
    for (const r of wf.rows) {
      if (!r.model || !r.market || r.alpha === null) continue
      const s = servedForecast(r.model, r.market, {
        blend: { kind: 'log', alpha: r.alpha },
        calibrator: null,
      })
      expect(s.blend).toEqual(r.blend)
      checked++
    }
    expect(checked).toBe(wf.rows.length)
  })
})
