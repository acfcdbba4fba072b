import { describe, expect, it } from 'vitest'
import { bestOf, metricRule } from './bestMetric'

describe('metricRule: which way is better, stated per metric', () => {
  it('gives the direction of every score the pipeline logs', () => {
    for (const key of ['rps', 'market_rps', 'model_rps', 'calibrated_brier', 'blend_log_loss', 'model_ece'])
      expect(metricRule(key).direction, key).toBe('lower')
    for (const key of ['accuracy', 'calibrated_accuracy'])
      expect(metricRule(key).direction, key).toBe('higher')
    expect(metricRule('rps').label).toBe('lower is better')
  })

  it('has no best for counts, flags, fitted values and costs', () => {
    for (const key of [
      'model_n',
      'calibrated_n',
      'market_n',
      'n',
      'gate_rows',
      'served',
      'alpha',
      'rho',
      'home_advantage',
      'temperature',
      'xi',
      'iterations',
      'fit_seconds',
      'something_unknown',
    ])
      expect(metricRule(key).direction, key).toBeNull()
  })
})

describe('bestOf', () => {
  it('marks every run tied for the best, and none when all agree', () => {
    expect(bestOf('rps', [0.2, 0.19, 0.19]).best).toEqual([false, true, true])
    expect(bestOf('accuracy', [0.5, 0.52, undefined]).best).toEqual([false, true, false])
    expect(bestOf('rps', [0.2, 0.2]).best).toEqual([false, false])
    expect(bestOf('rps', [0.2, null]).best).toEqual([false, false])
  })

  it('never stars a count (the lower n is not "better")', () => {
    const r = bestOf('calibrated_n', [300, 377, 300])
    expect(r.best).toEqual([false, false, false])
    expect(r.reason).toBe('a count: no best')
    expect(bestOf('iterations', [40, 12]).best).toEqual([false, false])
    expect(bestOf('alpha', [0, 0.3]).best).toEqual([false, false])
  })

  it('compares log-likelihoods only between the same model type and data window', () => {
    const same = {
      model_variant: 'dixon-coles',
      train_from: '2020-07-01',
      train_to: '2023-05-28',
      xi: '0.0019',
    }
    expect(bestOf('log_likelihood', [-1200, -1100], [same, same]).best).toEqual([false, true])
    const otherModel = { ...same, model_variant: 'poisson' }
    const r = bestOf('log_likelihood', [-1200, -1100], [same, otherModel])
    expect(r.best).toEqual([false, false])
    expect(r.reason).toMatch(/different model types/)
    const otherWindow = { ...same, train_from: '2021-07-01' }
    expect(bestOf('log_likelihood', [-1200, -900], [same, otherWindow]).reason).toMatch(/data windows/)
    expect(bestOf('log_likelihood', [-1200, -1100]).best).toEqual([false, false])
  })
})
