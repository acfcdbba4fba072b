import { cleanup, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { ValuePanelDto } from '../../../../shared/api/domains/health'
import { ValuePanel } from './ValuePanel'

afterEach(cleanup)

const interval = (mean: number, lo: number, hi: number) => ({
  mean,
  lo,
  hi,
  shareBelowZero: 0.8,
  n: 412,
  clusters: 150,
})
const value: ValuePanelDto = {
  forecast: 'model',
  forecastLabel: 'model alone',
  price: 'Pinnacle pre-match (PSH/PSD/PSA)',
  closing: 'Pinnacle closing (PSCH/PSCD/PSCA)',
  minEdge: 0.03,
  matches: 760,
  priceMargin: 0.03,
  from: '2022-08-05',
  to: '2024-05-19',
  flat: {
    bets: 412,
    wins: 130,
    hitRate: 130 / 412,
    profit: -8.7,
    roi: interval(-0.021, -0.068, 0.026),
    expectedRoi: 0.2,
    meanPrice: 3.9,
    meanEdge: 0.07,
  },
  clv: { n: 405, beat: 190, beatRate: 190 / 405, meanLogRatio: interval(-0.012, -0.02, -0.004) },
  kelly: {
    fraction: 0.25,
    bets: 412,
    turnover: 3,
    growth: 0.91,
    growthLo: 0.62,
    growthHi: 1.31,
    roi: -0.019,
    roiLo: -0.07,
    roiHi: 0.031,
    maxDrawdown: 0.38,
  },
  bootstrap: { resamples: 2000, seed: 20240701, level: 0.95, unit: 'bet date' },
}

describe('Model health: does the edge pay? (#22 §3)', () => {
  it('says which forecast, which price and how many matches and bets every figure is on', () => {
    render(<ValuePanel value={value} />)
    const headline = screen.getByTestId('health-value-headline').textContent
    expect(headline).toContain(
      'edges of 3 %+ (model alone vs Pinnacle pre-match (PSH/PSD/PSA), 2022-08-05 .. 2024-05-19, 760 matches)',
    )
    expect(headline).toContain('412 bets, hit 31.6 %, ROI −2.1 % [−6.8, +2.6]')
    expect(headline).toContain("beat Pinnacle's close on 46.9 % of 405")
    expect(screen.getByTestId('health-value-kelly').textContent).toMatch(
      /0\.25 Kelly: bankroll ×0\.91 \[0\.62, 1\.31\]/,
    )
  })

  it('explains an empty panel', () => {
    render(<ValuePanel value={null} />)
    expect(screen.getByTestId('health-value-empty').textContent).toMatch(/PSH\/PSD\/PSA/)
  })
})
