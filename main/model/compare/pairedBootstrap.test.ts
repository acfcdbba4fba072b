import { describe, expect, it } from 'vitest'
import { mulberry32, normal } from '../simulate/simulateLeague'
import { pairedBootstrap } from './pairedBootstrap'

describe('pairedBootstrap', () => {
  const rng = mulberry32(3)
  const dates = Array.from({ length: 400 }, (_, i) => `d${Math.floor(i / 4)}`)
  const diffs = dates.map(() => 0.01 + 0.05 * normal(rng))

  it('is seeded: same input and seed, same interval; the interval brackets the mean', () => {
    const a = pairedBootstrap(diffs, dates, { resamples: 500, seed: 1 })
    expect(pairedBootstrap(diffs, dates, { resamples: 500, seed: 1 })).toEqual(a)
    expect(pairedBootstrap(diffs, dates, { resamples: 500, seed: 2 })).not.toEqual(a)
    expect(a.mean).toBeCloseTo(diffs.reduce((s, x) => s + x, 0) / diffs.length, 14)
    expect(a.lo).toBeLessThan(a.mean)
    expect(a.hi).toBeGreaterThan(a.mean)
    expect(a.n).toBe(400)
    expect(a.clusters).toBe(100)
  })

  it('has about the normal-theory width for independent differences (σ/√n·1.96 each side)', () => {
    const single = dates.map((_, i) => `m${i}`)
    const r = pairedBootstrap(diffs, single, { resamples: 4000, seed: 5 })
    const mean = r.mean
    const sd = Math.sqrt(diffs.reduce((s, x) => s + (x - mean) ** 2, 0) / (diffs.length - 1))
    const half = (1.96 * sd) / Math.sqrt(diffs.length)
    expect((r.hi - r.lo) / 2).toBeGreaterThan(half * 0.85)
    expect((r.hi - r.lo) / 2).toBeLessThan(half * 1.15)
  })

  it('clustering widens the interval when matches of a date move together', () => {
    const shared = dates.map((d) => Number(d.slice(1)))
    const common = Array.from({ length: 100 }, () => 0.05 * normal(rng))
    const correlated = shared.map((c) => 0.01 + common[c] + 0.01 * normal(rng))
    const byDate = pairedBootstrap(correlated, dates, { seed: 9 })
    const byMatch = pairedBootstrap(
      correlated,
      dates.map((_, i) => `m${i}`),
      { seed: 9 },
    )
    expect(byDate.hi - byDate.lo).toBeGreaterThan(1.5 * (byMatch.hi - byMatch.lo))
  })

  it('constant differences give a degenerate interval; all positive gives lo > 0; bad input is refused', () => {
    const c = pairedBootstrap([0.2, 0.2, 0.2], ['a', 'b', 'c'])
    expect(c.lo).toBeCloseTo(0.2, 14)
    expect(c.hi).toBeCloseTo(0.2, 14)
    expect(c.shareBelowZero).toBe(0)
    const pos = pairedBootstrap(
      diffs.map((x) => Math.abs(x) + 0.001),
      dates,
    )
    expect(pos.lo).toBeGreaterThan(0)
    expect(() => pairedBootstrap([], [])).toThrow(/one cluster per difference/)
    expect(() => pairedBootstrap([1], ['a', 'b'])).toThrow(/one cluster per difference/)
    expect(() => pairedBootstrap([NaN], ['a'])).toThrow(/not finite/)
  })
})
