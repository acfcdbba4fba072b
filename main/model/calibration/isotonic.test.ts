import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { evalIsotonic, fitIsotonic, pav } from './isotonic'

describe('pav', () => {
  it('pools the textbook violators: [1,3,2,4,3,5] → [1,2.5,2.5,3.5,3.5,5]', () => {
    expect(pav([1, 3, 2, 4, 3, 5])).toEqual([1, 2.5, 2.5, 3.5, 3.5, 5])
  })

  it('weights enter the pooled means', () => {
    expect(pav([2, 0], [3, 1])).toEqual([1.5, 1.5])
  })

  it('equals the max-min formula f_i = max_{j≤i} min_{k≥i} mean(y_j..y_k) (Barlow et al. 1972, Thm 1.4.4)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 25 }), (ys) => {
        const f = pav(ys)
        return ys.every((_, i) => {
          let best = -Infinity
          for (let j = 0; j <= i; j++) {
            let worst = Infinity
            for (let k = i; k < ys.length; k++) {
              let s = 0
              for (let t = j; t <= k; t++) s += ys[t]
              worst = Math.min(worst, s / (k - j + 1))
            }
            best = Math.max(best, worst)
          }
          return Math.abs(best - f[i]) < 1e-9
        })
      }),
      { numRuns: 200 },
    )
  })

  it('is monotone and preserves the weighted total (property)', () => {
    const pts = fc.array(
      fc.tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: 0.1, max: 3, noNaN: true })),
      {
        minLength: 1,
        maxLength: 60,
      },
    )
    fc.assert(
      fc.property(pts, (p) => {
        const y = p.map((t) => t[0])
        const w = p.map((t) => t[1])
        const f = pav(y, w)
        const mono = f.every((v, i) => i === 0 || v >= f[i - 1] - 1e-12)
        const tot = y.reduce((s, v, i) => s + v * w[i], 0) - f.reduce((s, v, i) => s + v * w[i], 0)
        return mono && Math.abs(tot) < 1e-9
      }),
    )
  })
})

describe('fitIsotonic / evalIsotonic', () => {
  it('keeps both ends of each pooled block and interpolates linearly between blocks', () => {
    const m = fitIsotonic([0.4, 0.1, 0.3, 0.2], [1, 0, 0, 1]) // sorted: y = 0,1,0,1 → 0,.5,.5,1
    expect(m).toEqual({ x: [0.1, 0.2, 0.3, 0.4], y: [0, 0.5, 0.5, 1] })
    expect(evalIsotonic(m, 0.15)).toBeCloseTo(0.25, 15)
    expect(evalIsotonic(m, 0.25)).toBeCloseTo(0.5, 15)
    expect(evalIsotonic(m, 0.35)).toBeCloseTo(0.75, 15)
    expect(evalIsotonic(m, 0)).toBe(0) // constant outside the data range
    expect(evalIsotonic(m, 1)).toBe(1)
  })

  it('drops interior points of a flat block (redundant for linear interpolation)', () => {
    expect(fitIsotonic([1, 2, 3, 4], [0, 0, 0, 1])).toEqual({ x: [1, 3, 4], y: [0, 0, 1] })
  })

  it('pools tied x values before PAV, so equal inputs map to equal outputs', () => {
    const m = fitIsotonic([0.5, 0.5, 0.5, 0.7], [1, 0, 0, 1])
    expect(evalIsotonic(m, 0.5)).toBeCloseTo(1 / 3, 15)
    expect(m.x).toEqual([0.5, 0.7])
  })

  it('handles a single point and rejects empty or non-finite input', () => {
    const m = fitIsotonic([0.3], [1])
    expect(evalIsotonic(m, 0.9)).toBe(1)
    expect(() => fitIsotonic([], [])).toThrow(/no points/)
    expect(() => fitIsotonic([NaN], [1])).toThrow(/not finite/)
    expect(() => fitIsotonic([0.1, 0.2], [1])).toThrow(/x values/)
  })
})
