import { describe, expect, it } from 'vitest'
import { scoreMatrix } from '../dixonColes'
import { asianHandicap } from '../pricing/asianHandicap'
import {
  binaryBrier,
  binaryLogLoss,
  goalDifferenceOf,
  homeCoverProbability,
  over25Probability,
  settleAsianHandicap,
} from './goals'

const LINES = Array.from({ length: 23 }, (_, i) => -2.75 + i * 0.25)

describe('goals-market forecasts from a score matrix', () => {
  const m = scoreMatrix(1.7, 0.9, -0.1)

  it('P(over 2.5) is one minus the cells with at most two goals', () => {
    let under = 0
    for (let x = 0; x <= 2; x++) for (let y = 0; x + y <= 2; y++) under += m[x][y]
    expect(over25Probability(m)).toBeCloseTo(1 - under, 12)
    expect(over25Probability(scoreMatrix(0.2, 0.2, 0))).toBeLessThan(0.01)
  })

  it('the goal-difference distribution sums to the matrix and prices every line as pricing/asianHandicap does', () => {
    const gd = goalDifferenceOf(m)
    expect(gd.p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    for (const line of LINES) {
      expect(homeCoverProbability(gd, line)).toBeCloseTo(asianHandicap(m, line).homeCover, 12)
    }
  })

  it('settles whole, half and quarter lines exactly (shares of the stake won and lost)', () => {
    expect(settleAsianHandicap(1, -1)).toEqual({ won: 0, lost: 0 }) // push
    expect(settleAsianHandicap(2, -1)).toEqual({ won: 1, lost: 0 })
    expect(settleAsianHandicap(0, -0.5)).toEqual({ won: 0, lost: 1 })
    expect(settleAsianHandicap(1, -0.75)).toEqual({ won: 0.5, lost: 0 }) // −0.5 wins, −1 pushes
    expect(settleAsianHandicap(0, -0.25)).toEqual({ won: 0, lost: 0.5 }) // 0 pushes, −0.5 loses
    expect(settleAsianHandicap(0, 0.25)).toEqual({ won: 0.5, lost: 0 })
    expect(settleAsianHandicap(-2, 1.75)).toEqual({ won: 0, lost: 0.5 })
    expect(() => settleAsianHandicap(0, 0.3)).toThrow(/multiple of 0.25/)
  })

  it('the stake-weighted Brier and log loss are smallest at the cover probability W / (W + L) (proper)', () => {
    const gd = goalDifferenceOf(m)
    for (const line of [-1.25, -1, -0.75, -0.5, 0, 0.25]) {
      const expected = (p: number, score: (p: number, y: 0 | 1) => number) =>
        gd.p.reduce((s, q, i) => {
          const { won, lost } = settleAsianHandicap(gd.min + i, line)
          return s + q * (won * score(p, 1) + lost * score(p, 0))
        }, 0)
      const p = homeCoverProbability(gd, line)
      for (const score of [binaryBrier, binaryLogLoss]) {
        expect(expected(p, score)).toBeLessThan(expected(p - 0.02, score))
        expect(expected(p, score)).toBeLessThan(expected(p + 0.02, score))
      }
    }
  })
})
