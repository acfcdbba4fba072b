import { describe, expect, it } from 'vitest'
import { describeRpsFromMetrics, servedLabelFromMetrics } from './servedFromMetrics'

describe('which forecast a run’s RPS scores (#20)', () => {
  it('names the market when α is 0 or absent, the blend when α > 0, the model without a market', () => {
    const market = {
      rps: 0.1971,
      model_rps: 0.2005,
      market_rps: 0.1971,
      blend_rps: 0.1971,
      calibrated_rps: 0.1971,
    }
    expect(servedLabelFromMetrics(market)).toBe('market (blend off)')
    expect(servedLabelFromMetrics({ ...market, alpha: 0 })).toBe('market (blend off)')
    expect(describeRpsFromMetrics({ ...market, calibrated_n: 378 })).toBe(
      'served: market (blend off), 0.1971; model 0.2005; market 0.1971 (378 matches)',
    )
    const blend = {
      rps: 0.196,
      model_rps: 0.2005,
      market_rps: 0.1971,
      blend_rps: 0.1962,
      calibrated_rps: 0.196,
      alpha: 0.3,
    }
    expect(servedLabelFromMetrics(blend)).toBe('blend (α 0.30), calibrated')
    expect(servedLabelFromMetrics({ rps: 0.21, model_rps: 0.21 })).toBe('model (no market)')
    expect(servedLabelFromMetrics({ model_n: 3 })).toBeNull()
  })
})
