import { describe, expect, it } from 'vitest'
import {
  closingLineValue,
  flatProfit,
  kelly,
  kellyStake,
  selectValueBets,
  valueBacktest,
  type ValueMatch,
} from './valueBets'
import { simulateValueSeasons, type SimulatedValueMatch } from './valueSimulation'

const match = (over: Partial<ValueMatch>): ValueMatch => ({
  date: '2024-01-06',
  home: 'A',
  away: 'B',
  result: 'H',
  forecast: [0.5, 0.3, 0.2],
  price: [2.2, 3.4, 4.5],
  closing: [2.0, 3.5, 5.0],
  ...over,
})

describe('value bets: selection, settlement, CLV and Kelly by hand', () => {
  it('bets an outcome only when p − 1/price reaches the threshold', () => {
    // edges: 0.5 − 1/2.2 = 0.0455, 0.3 − 1/3.4 = 0.0059, 0.2 − 1/4.5 = −0.022
    expect(selectValueBets([match({})], 0.03).map((b) => b.outcome)).toEqual(['H'])
    expect(selectValueBets([match({})], 0).map((b) => b.outcome)).toEqual(['H', 'D'])
    expect(selectValueBets([match({})], 0.05)).toEqual([])
    expect(selectValueBets([match({ forecast: null })], 0)).toEqual([])
    expect(selectValueBets([match({ price: null })], 0)).toEqual([])
    expect(() => selectValueBets([match({})], -0.1)).toThrow(/minEdge/)
  })

  it('settles flat stakes and the closing-line value', () => {
    const bets = selectValueBets([match({ result: 'H' }), match({ date: '2024-01-13', result: 'A' })], 0.03)
    expect(flatProfit(bets[0])).toBeCloseTo(1.2, 12)
    expect(flatProfit(bets[1])).toBe(-1)
    const s = valueBacktest([match({ result: 'H' }), match({ date: '2024-01-13', result: 'A' })], {
      bootstrap: { resamples: 200 },
    })
    expect(s.flat!.bets).toBe(2)
    expect(s.flat!.roi.mean).toBeCloseTo(0.1, 12)
    expect(s.flat!.hitRate).toBe(0.5)
    expect(s.matches).toBe(2)
    expect(s.priceMargin).toBeCloseTo(1 / 2.2 + 1 / 3.4 + 1 / 4.5 - 1, 12)
    const clv = closingLineValue(bets)!
    // 2.2 against a close of 2.0 on both: beat twice, mean log ratio log 1.1
    expect(clv.beat).toBe(2)
    expect(clv.meanLogRatio.mean).toBeCloseTo(Math.log(1.1), 12)
  })

  it('compounds a fractional Kelly bankroll date by date', () => {
    // one bet a date at p 0.5, price 2.2: Kelly (1.1 − 1)/1.2 = 1/12; quarter Kelly stakes 1/48 of the bankroll
    expect(kellyStake(0.5, 2.2)).toBeCloseTo(1 / 12, 12)
    const bets = selectValueBets([match({ result: 'H' }), match({ date: '2024-01-13', result: 'A' })], 0.03)
    const k = kelly(bets, 0.25, { resamples: 200 })!
    const afterWin = 1 + (1 / 48) * 1.2
    const final = afterWin * (1 - 1 / 48)
    expect(k.growth).toBeCloseTo(final, 12)
    expect(k.turnover).toBeCloseTo(1 / 48 + afterWin / 48, 12)
    expect(k.roi).toBeCloseTo((final - 1) / k.turnover, 12)
    expect(k.maxDrawdown).toBeCloseTo(1 / 48, 12)
    expect(k.growthLo).toBeLessThanOrEqual(k.growthHi)
    // stakes of one date that add up to more than the bankroll are scaled down to it
    const many = Array.from({ length: 40 }, (_, i) =>
      match({ home: `H${i}`, forecast: [0.9, 0.05, 0.05], price: [3, 10, 10], result: 'A' }),
    )
    expect(kelly(selectValueBets(many, 0.03), 1, { resamples: 20 })!.growth).toBeCloseTo(0, 12)
  })

  it('is deterministic for a seed', () => {
    const m = simulateValueSeasons('informed', { seasons: 1 })
    expect(valueBacktest(m, { bootstrap: { resamples: 100 } })).toEqual(
      valueBacktest(m, { bootstrap: { resamples: 100 } }),
    )
  })
})

/**
 * The exact expected flat-stake ROI of the bets (true p·o − 1 averaged) and the standard error of the realised
 * ROI around it: each bet returns o − 1 with the true probability p, else −1, so its variance is o²·p·(1 − p)
 * and the ROI of n independent bets has variance Σ o²p(1−p) / n².
 */
function expectation(matches: readonly SimulatedValueMatch[], minEdge: number) {
  const truth = new Map(matches.map((m) => [`${m.date}|${m.home}`, m.truth]))
  const bets = selectValueBets(matches, minEdge)
  let mean = 0
  let variance = 0
  for (const b of bets) {
    const p = truth.get(`${b.date}|${b.home}`)!['HDA'.indexOf(b.outcome)]
    mean += p * b.price - 1
    variance += b.price * b.price * p * (1 - p)
  }
  return { n: bets.length, mean: mean / bets.length, se: Math.sqrt(variance) / bets.length }
}

describe('value backtest on simulated seasons with a known truth (#22 §3)', () => {
  const MARGIN = 0.05

  it('a model that knows what the pre-match market misses makes money and beats the close', () => {
    // the market misses N(0, 0.07²) of each rating; the model is the truth with log-noise 0.1
    const matches = simulateValueSeasons('informed', { seasons: 20, hiddenSd: 0.07, margin: MARGIN })
    const s = valueBacktest(matches, { minEdge: 0.03, bootstrap: { resamples: 500 } })
    const e = expectation(matches, 0.03)
    expect(s.flat!.bets).toBe(e.n)
    expect(e.n).toBeGreaterThan(1000)
    expect(e.mean).toBeGreaterThan(0.03) // the truth says these bets pay
    expect(s.flat!.roi.mean).toBeGreaterThan(0)
    expect(s.flat!.roi.lo).toBeGreaterThan(0)
    expect(Math.abs(s.flat!.roi.mean - e.mean)).toBeLessThan(4 * e.se)
    expect(s.clv!.meanLogRatio.lo).toBeGreaterThan(0)
    expect(s.clv!.beatRate).toBeGreaterThan(0.5)
    expect(s.kelly!.growth).toBeGreaterThan(1)
    expect(s.kelly!.roi).toBeGreaterThan(0)
  })

  it('a noisy copy of the market loses the margin: ROI ≈ 1/(1 + m) − 1 within 3 standard errors', () => {
    // The market knows the truth (hiddenSd 0) and quotes o = 1/(p(1 + m)): every bet's expected return is
    // p·o − 1 = 1/(1 + m) − 1 = −4.76 % whatever the copy's noise picked. The tolerance is 3 standard errors of
    // the realised ROI on this simulation's bets, sqrt(Σ o²p(1 − p))/n: ±3.6 % on the 17,777 bets of the edge
    // threshold 0, ±8.6 % on the 2,558 of 0.03 (60 seasons, 22,800 matches); the bootstrap interval must
    // hold the expectation too.
    const matches = simulateValueSeasons('market-copy', { seasons: 60, hiddenSd: 0, margin: MARGIN })
    const expected = 1 / (1 + MARGIN) - 1
    for (const minEdge of [0, 0.03]) {
      const s = valueBacktest(matches, { minEdge, bootstrap: { resamples: 500 } })
      const e = expectation(matches, minEdge)
      expect(e.mean).toBeCloseTo(expected, 10)
      expect(s.flat!.bets).toBe(e.n)
      expect(e.n).toBeGreaterThan(2000)
      expect(Math.abs(s.flat!.roi.mean - expected)).toBeLessThan(3 * e.se)
      expect(s.flat!.roi.lo).toBeLessThan(expected)
      expect(s.flat!.roi.hi).toBeGreaterThan(expected)
      // the close is the same view with a smaller margin: a copy never beats it
      expect(s.clv!.beatRate).toBe(0)
      expect(s.clv!.meanLogRatio.mean).toBeCloseTo(Math.log(1.025 / 1.05), 10)
    }
  })

  it('a noisy copy of a market that misses part of the truth still does not beat the close', () => {
    // its bets' true expectation is no longer exactly −4.76 % (E[p/q] ≠ 1 on the outcomes picked), so the
    // realised ROI is held to the exact expectation computed from the truth
    const matches = simulateValueSeasons('market-copy', { seasons: 30, hiddenSd: 0.1, margin: MARGIN })
    const s = valueBacktest(matches, { minEdge: 0.03, bootstrap: { resamples: 500 } })
    const e = expectation(matches, 0.03)
    expect(s.flat!.bets).toBe(e.n)
    expect(s.clv!.beatRate).toBeLessThan(0.5)
    expect(Math.abs(s.flat!.roi.mean - e.mean)).toBeLessThan(4 * e.se)
    expect(s.clv!.meanLogRatio.hi).toBeLessThan(0)
  })

  it('an exact copy of the market never bets: its edge is −margin on every outcome', () => {
    const matches = simulateValueSeasons('exact-copy', { seasons: 2 })
    const s = valueBacktest(matches, { minEdge: 0 })
    // (a heavy favourite at q > 1/1.05 would be quoted below 1.00: not a price, not counted)
    expect(s.matches).toBe(matches.filter((m) => m.price!.every((o) => o > 1)).length)
    expect(s.matches).toBeGreaterThan(700)
    expect(s.flat).toBeNull()
    expect(s.kelly).toBeNull()
  })
})
