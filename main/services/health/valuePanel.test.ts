import { describe, expect, it } from 'vitest'
import { valuePanel } from './valuePanel'
import { matchKey } from '../../model/backtest/valueInput'
import type { ForecastRow } from './healthMath'

const row = (date: string, result: 'H' | 'D' | 'A', model: [number, number, number]): ForecastRow => ({
  date,
  home: 'A',
  away: 'B',
  result,
  model,
  market: [0.4, 0.3, 0.3],
  blend: [0.4, 0.3, 0.3],
  calibrated: [0.4, 0.3, 0.3],
})
const quote = (kind: 'pre-match' | 'closing', home: number) => ({
  bookmaker: 'PS',
  kind,
  home,
  draw: 3.4,
  away: 3.4,
  capturedAt: null,
})

describe('health value panel (#22 §3)', () => {
  it("bets the model's edges at Pinnacle pre-match and compares the price with Pinnacle's close", () => {
    const rows = [row('2024-01-06', 'H', [0.5, 0.25, 0.25]), row('2024-01-13', 'D', [0.5, 0.25, 0.25])]
    const quotes = new Map([
      [matchKey(rows[0]), [quote('pre-match', 2.3), quote('closing', 2.1)]],
      [matchKey(rows[1]), [quote('pre-match', 2.3), quote('closing', 2.5)]],
    ])
    const p = valuePanel(rows, quotes)!
    // the served (calibrated) forecast would bet nothing here: the panel judges the model (0.5 − 1/2.3 = 0.065)
    expect(p).toMatchObject({ forecast: 'model', matches: 2, minEdge: 0.03 })
    expect(p.flat).toMatchObject({ bets: 2, wins: 1 })
    expect(p.flat!.roi.mean).toBeCloseTo((1.3 - 1) / 2, 12)
    expect(p.clv).toMatchObject({ n: 2, beat: 1, beatRate: 0.5 })
    expect(p.price).toBe('Pinnacle pre-match (PSH/PSD/PSA)')
  })

  it('is null when no row has a model forecast and the pre-match price', () => {
    const rows = [row('2024-01-06', 'H', [0.5, 0.25, 0.25])]
    expect(valuePanel(rows, new Map([[matchKey(rows[0]), [quote('closing', 2.1)]]]))).toBeNull()
  })
})
