import { describe, expect, it } from 'vitest'
import { analyseJackpot, poissonBinomial, type JackpotFixture } from './jackpot'
import {
  OUTCOME_LETTERS,
  type ModelInputError,
  type OutcomeLetter,
  type Triple,
} from '../metrics/probabilities'

function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function randomCoupon(seed: number, n: number): JackpotFixture[] {
  const r = rng(seed)
  const picks: (OutcomeLetter[] | undefined)[] = [
    undefined,
    ['H'],
    ['D'],
    ['A'],
    ['H', 'D'],
    ['D', 'A'],
    ['H', 'A'],
  ]
  return Array.from({ length: n }, (_, i) => {
    const e = [r() + 0.02, r() + 0.02, r() + 0.02]
    const s = e[0] + e[1] + e[2]
    const probabilities: Triple = [e[0] / s, e[1] / s, e[2] / s]
    const pick = picks[Math.floor(r() * picks.length)]
    return pick ? { probabilities, pick, label: `F${i}` } : { probabilities, label: `F${i}` }
  })
}

/** Brute force: enumerate all 3^n full-time results, add each one's probability to its number correct. */
function bruteForce(fixtures: JackpotFixture[]): number[] {
  const n = fixtures.length
  const picks = fixtures.map((f) => {
    const p = f.probabilities
    const pk = f.pick ?? OUTCOME_LETTERS[p.indexOf(Math.max(...p))]
    return typeof pk === 'string' ? [pk] : [...pk]
  })
  const dist = new Array<number>(n + 1).fill(0)
  const total = 3 ** n
  for (let code = 0; code < total; code++) {
    let c = code
    let prob = 1
    let right = 0
    for (let i = 0; i < n; i++) {
      const o = c % 3
      c = (c - o) / 3
      prob *= fixtures[i].probabilities[o]
      if (picks[i].includes(OUTCOME_LETTERS[o])) right++
    }
    dist[right] += prob
  }
  return dist
}

describe('analyseJackpot', () => {
  it.each([1, 2, 5, 9, 12])('matches brute-force enumeration of all 3^n results for n = %i', (n) => {
    const coupon = randomCoupon(100 + n, n)
    const a = analyseJackpot(coupon)
    const bf = bruteForce(coupon)
    expect(a.distribution).toHaveLength(n + 1)
    a.distribution.forEach((p, k) => expect(Math.abs(p - bf[k])).toBeLessThan(1e-12))
    expect(Math.abs(a.pAllCorrect - bf[n])).toBeLessThan(1e-12)
    const mean = bf.reduce((s, p, k) => s + k * p, 0)
    expect(a.expectedCorrect).toBeCloseTo(mean, 12)
    for (let k = 0; k <= n; k++) {
      expect(Math.abs(a.atLeast[k] - bf.slice(k).reduce((s, p) => s + p, 0))).toBeLessThan(1e-12)
    }
    expect(a.atLeast[0]).toBe(1)
    expect(Math.abs(a.distribution.reduce((s, p) => s + p, 0) - 1)).toBeLessThan(1e-12)
  })

  it('defaults to the most probable outcome and sums double-chance picks', () => {
    const a = analyseJackpot([
      { probabilities: [0.2, 0.3, 0.5] },
      { probabilities: [0.45, 0.3, 0.25], pick: ['D', 'H'] },
      { probabilities: [0.4, 0.2, 0.4] }, // tie → H
    ])
    expect(a.legs.map((l) => l.pick)).toEqual([['A'], ['H', 'D'], ['H']])
    expect(a.legs[1].probability).toBeCloseTo(0.75, 15)
    expect(a.pAllCorrect).toBeCloseTo(0.5 * 0.75 * 0.4, 15)
    expect(a.expectedCorrect).toBeCloseTo(0.5 + 0.75 + 0.4, 15)
  })

  it('lists the riskiest picks first, ties broken by position', () => {
    const a = analyseJackpot([
      { probabilities: [0.6, 0.25, 0.15], label: 'Arsenal v Spurs' },
      { probabilities: [0.2, 0.3, 0.5], pick: 'D', label: 'Leeds v Everton' },
      { probabilities: [0.5, 0.3, 0.2], pick: 'D' },
    ])
    expect(a.riskiest.map((l) => l.index)).toEqual([1, 2, 0])
    expect(a.riskiest[0].label).toBe('Leeds v Everton')
    expect(a.riskiest[1].label).toBeUndefined()
  })

  it('a triple pick is a banker with probability 1', () => {
    const a = analyseJackpot([{ probabilities: [0.2, 0.3, 0.5], pick: ['H', 'D', 'A'] }])
    expect(a.distribution).toEqual([0, 1])
  })

  it('rejects empty coupons, repeated or unknown outcomes and invalid triples', () => {
    const code = (f: () => unknown) => {
      try {
        f()
        return 'none'
      } catch (e) {
        return (e as ModelInputError).code
      }
    }
    expect(code(() => analyseJackpot([]))).toBe('EMPTY_INPUT')
    expect(code(() => analyseJackpot([{ probabilities: [0.2, 0.3, 0.5], pick: ['H', 'H'] }]))).toBe(
      'INVALID_ARGUMENT',
    )
    expect(code(() => analyseJackpot([{ probabilities: [0.2, 0.3, 0.5], pick: [] }]))).toBe(
      'INVALID_ARGUMENT',
    )
    expect(code(() => analyseJackpot([{ probabilities: [0.2, 0.3, 0.5], pick: '1' as OutcomeLetter }]))).toBe(
      'INVALID_OUTCOME',
    )
    expect(code(() => analyseJackpot([{ probabilities: [0.2, 0.3, 0.6] }]))).toBe('INVALID_PROBABILITIES')
  })
})

describe('poissonBinomial', () => {
  it('reduces to the binomial when all p are equal: 17 legs at p = 0.4', () => {
    const d = poissonBinomial(new Array(17).fill(0.4))
    const binom = (n: number, k: number) => {
      let c = 1
      for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i
      return c
    }
    for (let k = 0; k <= 17; k++) expect(d[k]).toBeCloseTo(binom(17, k) * 0.4 ** k * 0.6 ** (17 - k), 14)
  })
})
