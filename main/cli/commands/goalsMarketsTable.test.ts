import { describe, expect, it } from 'vitest'
import { compareGoalsMarkets, type GoalsMarketMatch } from '../../model/backtest/goalsMarkets'
import { goalsTarget, renderGoalsMarkets } from './goalsMarketsTable'

/** Four matches quoting Pinnacle's closing O/U 2.5 at evens-ish, the model slightly off the market. */
function scored(over25: number) {
  const matches: GoalsMarketMatch[] = [0, 1, 2, 3].map((i) => ({
    date: `2024-01-0${i + 1}`,
    homeGoals: i,
    awayGoals: 1,
    model: { over25, goalDifference: { min: -1, p: [0.3, 0.3, 0.4] } },
    totals: [{ bookmaker: 'PS', kind: 'closing', line: 2.5, over: 1.95, under: 1.95 }],
    asianHandicap: [{ bookmaker: 'PS', kind: 'closing', line: -0.25, home: 1.95, away: 1.95 }],
  }))
  return [compareGoalsMarkets(matches, { bookmaker: 'PS', kind: 'closing' }, 'multiplicative')]
}

describe('the goals-market table', () => {
  it('names the market columns, gives n and the interval, and judges the O/U target on Brier', () => {
    const near = { variant: 'market', goals_markets: scored(0.51) }
    const far = { variant: 'dixon-coles', goals_markets: scored(0.7) }
    const text = renderGoalsMarkets([far, near], 'multiplicative')
    expect(text).toContain('market Pinnacle closing O/U 2.5 (PC>2.5, PC<2.5)')
    expect(text).toContain('market Pinnacle closing AH home cover (AHCh, PCAHH, PCAHA)')
    expect(text).toMatch(/dixon-coles model\s+4\s/)
    expect(goalsTarget([far, near])).toMatchObject({ variant: 'market', met: true, n: 4 })
    expect(goalsTarget([far])).toMatchObject({ met: false })
    expect(text).toContain('MET')
    expect(renderGoalsMarkets([{ variant: 'x' }], 'shin')).toBe('')
  })
})
