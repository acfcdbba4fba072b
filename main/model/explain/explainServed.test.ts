import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { servedForecast } from '../blend/servedForecast'
import type { Calibrator } from '../calibration/calibrator'
import { outcomeProbabilities } from '../dixonColes/predict'
import type { Triple } from '../metrics/probabilities'
import { explainServed, type ExplainServedInput } from './explainServed'

const TEMP: Calibrator = {
  kind: 'temperature',
  temperature: 1.2,
  floor: 1e-4,
  n: 300,
  logLossBefore: 1,
  logLossAfter: 0.98,
}

/** The served rule end to end for one fixture, then its explanation. */
function explainCase(
  factors: ExplainServedInput['model'],
  market: Triple | null,
  alpha: number | null,
  calibrator: Calibrator | null,
) {
  const lambda = Math.exp(factors.gamma + factors.alphaHome + factors.betaAway)
  const mu = Math.exp(factors.alphaAway + factors.betaHome)
  const model = outcomeProbabilities(lambda, mu, factors.rho)
  const s = servedForecast(model, market, {
    blend: alpha === null ? null : { kind: 'log', alpha },
    calibrator,
  })
  const stage = calibrator ? 'calibrated' : !market ? 'model' : s.alpha === 0 ? 'market' : 'blend'
  const e = explainServed({
    model: factors,
    modelProbabilities: model,
    served: {
      stage,
      blend: s.blend,
      probabilities: s.calibrated,
      alpha: s.alpha,
      fittedAlpha: alpha,
      calibrated: !!calibrator,
    },
    market: market ? { probabilities: market, label: 'Pinnacle', method: 'shin' } : null,
    names: { home: 'Northbury', away: 'Southmoor' },
  })
  return { e, model, served: s.calibrated }
}

const factorsArb = fc.record({
  gamma: fc.double({ min: -0.2, max: 0.5, noNaN: true }),
  alphaHome: fc.double({ min: -0.6, max: 0.6, noNaN: true }),
  betaHome: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
  alphaAway: fc.double({ min: -0.6, max: 0.6, noNaN: true }),
  betaAway: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
  betaMean: fc.double({ min: -0.2, max: 0.3, noNaN: true }),
  rho: fc.double({ min: -0.1, max: 0.05, noNaN: true }),
})
const marketArb = fc
  .tuple(fc.double({ min: 0.05, max: 1, noNaN: true }), fc.double({ min: 0.05, max: 1, noNaN: true }))
  .map(([a, b]): Triple => {
    const c = 0.3
    const t = a + b + c
    return [a / t, b / t, c / t]
  })

const modelSum = (e: ReturnType<typeof explainServed>, j: number) =>
  e.baseline[j] + e.steps.filter((s) => s.kind === 'model').reduce((s, x) => s + x.delta[j], 0)
const allSum = (e: ReturnType<typeof explainServed>, j: number) =>
  e.baseline[j] + e.steps.reduce((s, x) => s + x.delta[j], 0)

describe('explainServed', () => {
  it('model steps sum to the model and all steps to served (1e-12): α 0 or null, α in (0, 1), with/without calibrator, without market', () => {
    fc.assert(
      fc.property(
        factorsArb,
        marketArb,
        fc.oneof(fc.constant(0), fc.constant(null), fc.double({ min: 0.01, max: 0.99, noNaN: true })),
        fc.boolean(),
        fc.boolean(),
        (factors, market, alpha, withMarket, withCalibrator) => {
          const { e, model, served } = explainCase(
            factors,
            withMarket ? market : null,
            alpha,
            withCalibrator ? TEMP : null,
          )
          for (let j = 0; j < 3; j++) {
            expect(Math.abs(modelSum(e, j) - model[j])).toBeLessThan(1e-12)
            expect(Math.abs(allSum(e, j) - served[j])).toBeLessThan(1e-12)
          }
          const stages = e.steps.filter((s) => s.kind === 'stage').map((s) => s.key)
          const expected = [
            ...(withMarket ? [alpha ? 'blend' : 'market'] : []),
            ...(withCalibrator ? ['calibration'] : []),
          ]
          expect(stages).toEqual(expected)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('labels in words, one sign note, and a sentence saying the market sets the price when α is 0', () => {
    const factors = {
      gamma: 0.3,
      alphaHome: 0.4,
      betaHome: -0.3,
      alphaAway: 0.1,
      betaAway: 0.2,
      betaMean: 0,
      rho: -0.05,
    }
    const { e, model } = explainCase(factors, [0.498, 0.262, 0.24], 0, null)
    expect(e.steps.map((s) => s.label)).toEqual([
      'Home advantage',
      'Northbury attack',
      'Northbury defence',
      'Southmoor attack',
      'Southmoor defence',
      'Low-score correction',
      'Market (Pinnacle, Shin)',
    ])
    expect(e.note).toMatch(/^Defence: goals conceded, higher = leakier/)
    expect(e.stage).toBe('market')
    expect(e.source).toBe(
      `The market sets this price (the model has not beaten it out of sample); the model alone would say ${(model[0] * 100).toFixed(1)} % for the home win, the market 49.8 %.`,
    )
    expect(explainCase(factors, [0.5, 0.26, 0.24], null, null).e.source).toMatch(/too few earlier forecasts/)
    const blended = explainCase(factors, [0.5, 0.26, 0.24], 0.35, TEMP).e
    expect(blended.steps.slice(-2).map((s) => s.label)).toEqual(['Blend with market (α 0.35)', 'Calibration'])
    expect(blended.source).toMatch(
      /^The model blended with the market sets this price \(α 0\.35: 35 % weight on the model\), then calibrated/,
    )
    expect(explainCase(factors, null, 0.35, null).e.source).toMatch(
      /^The model sets this price \(no market price/,
    )
  })
})
