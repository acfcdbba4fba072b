import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { MARGIN_METHODS, removeMargin, removeMarginN, type MarginMethod } from './margins'
import { ModelInputError } from '../metrics/probabilities'

const ODDS = [2.7, 2.3, 4.4] as const

describe('removeMargin on 2.7 / 2.3 / 4.4', () => {
  // Expected rows worked from the formulas (independent Python, 200-step bisection); the multiplicative
  // row is the one printed in penaltyblog's implied-odds documentation for these odds.
  const cases: [MarginMethod, number[], Record<string, number>][] = [
    ['multiplicative', [0.358738, 0.421127, 0.220135], {}],
    ['additive', [0.359562, 0.423974, 0.216464], {}],
    ['power', [0.359171, 0.423731, 0.217098], { k: 1.03091 }],
    ['shin', [0.359344, 0.423244, 0.217412], { z: 0.01624 }],
  ]
  for (const [method, expected, extra] of cases) {
    it(`${method} gives ${expected.join(' / ')}`, () => {
      const r = removeMargin(ODDS, method)
      expect(r.method).toBe(method)
      r.probabilities.forEach((p, i) => expect(p).toBeCloseTo(expected[i], 6))
      expect(r.margin).toBeCloseTo(1 / 2.7 + 1 / 2.3 + 1 / 4.4 - 1, 14)
      expect(r.margin).toBeCloseTo(0.032426, 6)
      if (extra.k !== undefined) expect(r.k).toBeCloseTo(extra.k, 5)
      if (extra.z !== undefined) expect(r.z).toBeCloseTo(extra.z, 5)
      expect(Math.abs(r.probabilities[0] + r.probabilities[1] + r.probabilities[2] - 1)).toBeLessThan(1e-9)
      expect(r.clipped).toBeUndefined()
    })
  }

  it('power and Shin solve their defining equations', () => {
    const pi = ODDS.map((o) => 1 / o)
    const { k } = removeMargin(ODDS, 'power')
    expect(pi.reduce((s, x) => s + x ** k!, 0)).toBeCloseTo(1, 13)
    const { z, probabilities } = removeMargin(ODDS, 'shin')
    const B = pi.reduce((s, x) => s + x, 0)
    // the closed form of Jullien & Salanié (1994), eq. in Štrumbelj (2014) §2.2, evaluated directly
    const p0 = (Math.sqrt(z! ** 2 + (4 * (1 - z!) * pi[0] ** 2) / B) - z!) / (2 * (1 - z!))
    expect(probabilities[0]).toBeCloseTo(p0, 13)
  })

  it('with no margin every method returns the implied probabilities unchanged (z = 0, k = 1)', () => {
    const fair = [2, 2]
    for (const m of MARGIN_METHODS) {
      const r = removeMarginN(fair, m)
      expect(r.probabilities[0]).toBeCloseTo(0.5, 12)
      expect(r.margin).toBeCloseTo(0, 14)
    }
    expect(removeMarginN(fair, 'shin').z).toBeCloseTo(0, 12)
    expect(removeMarginN(fair, 'power').k).toBeCloseTo(1, 12)
  })
})

describe('edge cases', () => {
  it('additive clips a long shot that would go negative, renormalises and flags it', () => {
    // π = 1/1.05 + 1/6 + 1/101 ⇒ margin ≈ 0.129, margin/3 ≈ 0.043 > 1/101
    const r = removeMargin([1.05, 6, 101], 'additive')
    expect(r.clipped).toBe(true)
    expect(r.probabilities[2]).toBe(0)
    expect(r.probabilities.every((p) => p >= 0 && p <= 1)).toBe(true)
    expect(Math.abs(r.probabilities.reduce((s, x) => s + x, 0) - 1)).toBeLessThan(1e-12)
  })

  it('long-shot ordering: Shin and power shave more off the long shot than multiplicative does', () => {
    const odds = [1.3, 5.5, 11]
    const m = removeMargin(odds, 'multiplicative').probabilities
    expect(removeMargin(odds, 'shin').probabilities[2]).toBeLessThan(m[2])
    expect(removeMargin(odds, 'power').probabilities[2]).toBeLessThan(m[2])
  })

  it('under-round books (B < 1, e.g. exchange best prices) still give probabilities; Shin z < 0, k < 1', () => {
    const odds = [2.9, 3.6, 3.3]
    expect(1 / 2.9 + 1 / 3.6 + 1 / 3.3).toBeLessThan(1)
    const s = removeMargin(odds, 'shin')
    expect(s.z!).toBeLessThan(0)
    expect(removeMargin(odds, 'power').k!).toBeLessThan(1)
    for (const m of MARGIN_METHODS) {
      const r = removeMargin(odds, m)
      expect(Math.abs(r.probabilities.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-9)
      expect(r.margin).toBeLessThan(0)
    }
  })

  it('rejects odds ≤ 1, non-finite odds and wrong lengths with INVALID_ODDS', () => {
    const bad: unknown[][] = [[1, 2, 3], [0.5, 2, 3], [Infinity, 2, 3], [NaN, 2, 3], [2, 3], [2], ['2', 3, 4]]
    for (const odds of bad) {
      try {
        removeMargin(odds as number[], 'shin')
        expect.unreachable(`accepted ${JSON.stringify(odds)}`)
      } catch (e) {
        expect(e).toBeInstanceOf(ModelInputError)
        expect((e as ModelInputError).code).toBe('INVALID_ODDS')
      }
    }
    expect(() => removeMarginN([1.01], 'power')).toThrow(/at least two/)
  })

  it('the n-outcome variant handles a two-way totals market and a 6-way market', () => {
    const ou = removeMarginN([1.9, 1.95], 'shin')
    expect(ou.probabilities).toHaveLength(2)
    expect(ou.probabilities[0]).toBeGreaterThan(ou.probabilities[1])
    const six = removeMarginN([3.2, 4.1, 5.5, 7, 9, 12], 'power')
    expect(six.probabilities).toHaveLength(6)
    expect(Math.abs(six.probabilities.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-9)
  })

  it('the returned k and z solve their equations before the final renormalisation (property)', () => {
    const odds = fc.array(fc.double({ min: 1.01, max: 200, noNaN: true }), { minLength: 2, maxLength: 8 })
    fc.assert(
      fc.property(odds, (o) => {
        const pi = o.map((x) => 1 / x)
        const B = pi.reduce((s, x) => s + x, 0)
        const { z } = removeMarginN(o, 'shin')
        const shinSum = pi.reduce(
          (s, x) => s + (Math.sqrt(z! ** 2 + (4 * (1 - z!) * x * x) / B) - z!) / (2 * (1 - z!)),
          0,
        )
        const { k } = removeMarginN(o, 'power')
        const powerSum = pi.reduce((s, x) => s + x ** k!, 0)
        return Math.abs(shinSum - 1) < 1e-12 && Math.abs(powerSum - 1) < 1e-12
      }),
      { numRuns: 500 },
    )
  })

  it('every method gives a valid distribution that keeps the favourite order (property)', () => {
    const odds = fc.array(fc.double({ min: 1.01, max: 200, noNaN: true }), { minLength: 2, maxLength: 8 })
    fc.assert(
      fc.property(odds, fc.constantFrom(...MARGIN_METHODS), (o, m) => {
        const { probabilities: p } = removeMarginN(o, m)
        const okSum = Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-9
        const okRange = p.every((x) => x >= 0 && x <= 1)
        // shorter odds never get a smaller probability
        const okOrder = o.every((oi, i) => o.every((oj, j) => !(oi < oj) || p[i] >= p[j] - 1e-12))
        return okSum && okRange && okOrder
      }),
      { numRuns: 300 },
    )
  })
})
