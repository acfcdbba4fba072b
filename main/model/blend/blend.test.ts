import { describe, expect, it } from 'vitest'
import {
  applyBlend,
  blendSpecSchema,
  fitBlendWeight,
  goldenSectionMin,
  linearPool,
  logPool,
  type BlendSpec,
} from './blend'
import type { OutcomeIndex, Triple } from '../metrics/probabilities'

/** Deterministic PRNG (mulberry32) so the synthetic data sets are the same on every run. */
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

function randomTriple(r: () => number): Triple {
  const e = [r() + 0.05, r() + 0.05, r() + 0.05]
  const s = e[0] + e[1] + e[2]
  return [e[0] / s, e[1] / s, e[2] / s]
}

/** A data set where truth = (model + market)/2 in the linear sense, outcomes drawn from the truth. */
function synthetic(seed: number, n: number) {
  const r = rng(seed)
  const model: Triple[] = []
  const market: Triple[] = []
  const ys: OutcomeIndex[] = []
  for (let i = 0; i < n; i++) {
    const m = randomTriple(r)
    const k = randomTriple(r)
    const t = linearPool(m, k, 0.3)
    const u = r()
    model.push(m)
    market.push(k)
    ys.push(u < t[0] ? 0 : u < t[0] + t[1] ? 1 : 2)
  }
  return { model, market, ys }
}

describe('pools', () => {
  const m: Triple = [0.5, 0.3, 0.2]
  const k: Triple = [0.4, 0.3, 0.3]

  it('linear pool is the weighted average (worked by hand)', () => {
    const p = linearPool(m, k, 0.25)
    expect(p[0]).toBeCloseTo(0.425, 15)
    expect(p[1]).toBeCloseTo(0.3, 15)
    expect(p[2]).toBeCloseTo(0.275, 15)
  })

  it('log pool is the normalised geometric mean (worked by hand at α = ½)', () => {
    const w = [Math.sqrt(0.2), Math.sqrt(0.09), Math.sqrt(0.06)]
    const s = w[0] + w[1] + w[2]
    const p = logPool(m, k, 0.5)
    p.forEach((x, i) => expect(x).toBeCloseTo(w[i] / s, 15))
    expect(Math.abs(p[0] + p[1] + p[2] - 1)).toBeLessThan(1e-12)
  })

  it('endpoints return the model (α = 1) or the market (α = 0) exactly, zeros included', () => {
    const z: Triple = [0.6, 0.4, 0]
    expect(logPool(z, k, 1)).toEqual([...z])
    expect(logPool(z, k, 0)).toEqual([...k])
    expect(linearPool(z, k, 1)).toEqual([...z])
    expect(logPool(z, k, 0.5)[2]).toBe(0) // a zero in either input vetoes the outcome in the log pool
  })

  it('rejects alpha outside [0, 1] and disjoint supports in the log pool', () => {
    expect(() => linearPool(m, k, 1.2)).toThrow(/alpha/)
    expect(() => logPool(m, k, NaN)).toThrow(/alpha/)
    expect(() => logPool([1, 0, 0], [0, 1, 0], 0.5)).toThrow(/share no possible outcome/)
  })

  it('applyBlend round-trips through JSON and the zod schema', () => {
    const spec: BlendSpec = blendSpecSchema.parse(JSON.parse(JSON.stringify({ kind: 'log', alpha: 0.7 })))
    expect(applyBlend(spec, m, k)).toEqual(logPool(m, k, 0.7))
    expect(blendSpecSchema.safeParse({ kind: 'geometric', alpha: 0.5 }).success).toBe(false)
    expect(blendSpecSchema.safeParse({ kind: 'linear', alpha: 2 }).success).toBe(false)
  })
})

describe('fitBlendWeight', () => {
  it('linear pool: α agrees within 1e-6 with the root of the analytic derivative', () => {
    const { model, market, ys } = synthetic(7, 3000)
    const fit = fitBlendWeight(model, market, ys, 'linear')
    // d/dα mean(−ln(α m_y + (1−α) k_y)) = −mean((m_y − k_y)/(α m_y + (1−α) k_y)), increasing in α
    const d = (a: number) =>
      -ys.reduce<number>(
        (s, y, i) => s + (model[i][y] - market[i][y]) / (a * model[i][y] + (1 - a) * market[i][y]),
        0,
      )
    let lo = 0
    let hi = 1
    for (let it = 0; it < 100; it++) {
      const mid = (lo + hi) / 2
      if (d(mid) < 0) lo = mid
      else hi = mid
    }
    expect(fit.n).toBe(3000)
    expect(fit.kind).toBe('linear')
    expect(Math.abs(fit.alpha - lo)).toBeLessThan(1e-6)
    expect(fit.alpha).toBeGreaterThan(0.15) // data generated at α = 0.3
    expect(fit.alpha).toBeLessThan(0.45)
    const ll =
      -ys.reduce<number>((s, y, i) => s + Math.log(linearPool(model[i], market[i], fit.alpha)[y]), 0) /
      ys.length
    expect(fit.logLoss).toBeCloseTo(ll, 12)
  })

  it('log pool: the fitted α is a minimum of the objective (neighbours 1e-4 away are no better)', () => {
    const { model, market, ys } = synthetic(11, 2000)
    const fit = fitBlendWeight(model, market, ys, 'log')
    const loss = (a: number) =>
      -ys.reduce<number>((s, y, i) => s + Math.log(logPool(model[i], market[i], a)[y]), 0) / ys.length
    expect(fit.alpha).toBeGreaterThan(0)
    expect(fit.alpha).toBeLessThan(1)
    expect(loss(fit.alpha - 1e-4)).toBeGreaterThanOrEqual(fit.logLoss)
    expect(loss(fit.alpha + 1e-4)).toBeGreaterThanOrEqual(fit.logLoss)
    // the derivative is ~0 at the optimum (central difference)
    expect(Math.abs((loss(fit.alpha + 1e-6) - loss(fit.alpha - 1e-6)) / 2e-6)).toBeLessThan(1e-3)
  })

  it('returns a boundary optimum exactly: a uniform model next to an informative market gives α = 0', () => {
    const model: Triple[] = Array.from({ length: 20 }, () => [1 / 3, 1 / 3, 1 / 3])
    const market: Triple[] = Array.from({ length: 20 }, () => [0.8, 0.1, 0.1])
    const ys: OutcomeIndex[] = Array.from({ length: 20 }, () => 0)
    expect(fitBlendWeight(model, market, ys, 'linear').alpha).toBe(0)
    expect(fitBlendWeight(model, market, ys, 'log').alpha).toBe(0)
    expect(fitBlendWeight(market, model, ys, 'log').alpha).toBe(1)
  })

  it('survives zeros: a market that rules out the observed outcome is clipped, not NaN', () => {
    const fit = fitBlendWeight([[0.5, 0.3, 0.2]], [[1, 0, 0]], [2], 'log')
    expect(Number.isFinite(fit.logLoss)).toBe(true)
    expect(fit.alpha).toBe(1)
  })

  it('validates lengths', () => {
    expect(() => fitBlendWeight([[0.5, 0.3, 0.2]], [], [0], 'linear')).toThrow(/predictions/)
  })
})

describe('goldenSectionMin', () => {
  it('finds the minimum of a parabola to 1e-9', () => {
    expect(goldenSectionMin((x) => (x - 0.123456789) ** 2, 0, 1, 1e-12)).toBeCloseTo(0.123456789, 9)
  })
})
