import { describe, expect, it } from 'vitest'
import path from 'node:path'
import {
  DixonColesError,
  matrixOutcomes,
  outcomeProbabilities,
  overUnder,
  scoreMatrix,
} from '../../dixonColes'
import { removeMargin, removeMarginN } from '../../market'
import type { Triple } from '../../metrics'
import { mulberry32 } from '../../simulate/simulateLeague'
import { readFootballDataFile } from '../../../services/data/csv'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../../test/support/sharedData'
import { impliedRates, impliedRatesInto, marketMoments, marketSecondDerivatives } from './impliedRates'

describe('marketMoments', () => {
  it("agrees with the engine's score matrix (1X2 and over 2.5)", () => {
    for (const [lam, mu, rho] of [
      [1.5, 1.1, -0.1],
      [0.4, 2.9, 0.05],
      [3.2, 0.3, -0.2],
      [1, 1, 0],
    ]) {
      const m = marketMoments(lam, mu, rho)
      const p = outcomeProbabilities(lam, mu, rho)
      expect(Math.abs(m.home - p[0])).toBeLessThan(1e-10)
      expect(Math.abs(m.draw - p[1])).toBeLessThan(1e-10)
      expect(Math.abs(m.away - p[2])).toBeLessThan(1e-10)
      const matrix = scoreMatrix(lam, mu, rho)
      expect(Math.abs(m.over25 - overUnder(matrix, 2.5).over)).toBeLessThan(1e-9)
      expect(Math.abs(m.home - matrixOutcomes(matrix)[0])).toBeLessThan(1e-9)
    }
  })

  it('has exact derivatives in log λ and log μ (central finite differences)', () => {
    const h = 1e-6
    for (const [lam, mu, rho] of [
      [1.5, 1.1, -0.1],
      [0.6, 2.2, 0.08],
    ]) {
      const m = marketMoments(lam, mu, rho)
      const up1 = marketMoments(lam * Math.exp(h), mu, rho)
      const dn1 = marketMoments(lam * Math.exp(-h), mu, rho)
      const up2 = marketMoments(lam, mu * Math.exp(h), rho)
      const dn2 = marketMoments(lam, mu * Math.exp(-h), rho)
      const fd = (u: number, d: number) => (u - d) / (2 * h)
      expect(m.dHome[0]).toBeCloseTo(fd(up1.home, dn1.home), 8)
      expect(m.dHome[1]).toBeCloseTo(fd(up2.home, dn2.home), 8)
      expect(m.dAway[0]).toBeCloseTo(fd(up1.away, dn1.away), 8)
      expect(m.dAway[1]).toBeCloseTo(fd(up2.away, dn2.away), 8)
      expect(m.dOver[0]).toBeCloseTo(fd(up1.over25, dn1.over25), 8)
      expect(m.dOver[1]).toBeCloseTo(fd(up2.over25, dn2.over25), 8)
    }
  })

  it('has exact second derivatives in log λ and log μ (central differences of the first)', () => {
    const h = 1e-6
    for (const [lam, mu, rho] of [
      [1.5, 1.1, -0.1],
      [0.6, 2.2, 0.08],
      [3.4, 0.4, -0.03],
    ]) {
      const s = marketSecondDerivatives(lam, mu, rho)
      const up1 = marketMoments(lam * Math.exp(h), mu, rho)
      const dn1 = marketMoments(lam * Math.exp(-h), mu, rho)
      const up2 = marketMoments(lam, mu * Math.exp(h), rho)
      const dn2 = marketMoments(lam, mu * Math.exp(-h), rho)
      const fd = (u: number, d: number) => (u - d) / (2 * h)
      const cases: [[number, number, number], 'dHome' | 'dAway' | 'dOver'][] = [
        [s.home, 'dHome'],
        [s.away, 'dAway'],
        [s.over25, 'dOver'],
      ]
      for (const [second, first] of cases) {
        expect(second[0]).toBeCloseTo(fd(up1[first][0], dn1[first][0]), 8)
        expect(second[1]).toBeCloseTo(fd(up2[first][0], dn2[first][0]), 8)
        expect(second[1]).toBeCloseTo(fd(up1[first][1], dn1[first][1]), 8)
        expect(second[2]).toBeCloseTo(fd(up2[first][1], dn2[first][1]), 8)
      }
    }
  })
})

/**
 * The Newton step of ½‖r‖² (JᵀJ + Σ rᵢ∇²rᵢ)⁻¹·Jᵀr at λ, μ, from the moments alone (independent of the solver):
 * its length is how far the point is from the stationary point.
 */
function newtonStepLength(p: Triple, over: number, lam: number, mu: number, rho: number): number {
  const m = marketMoments(lam, mu, rho)
  const s = marketSecondDerivatives(lam, mu, rho)
  const r = [m.home - p[0], m.away - p[2], m.over25 - over]
  const J = [m.dHome, m.dAway, m.dOver]
  const S = [s.home, s.away, s.over25]
  let a11 = 0
  let a12 = 0
  let a22 = 0
  let b1 = 0
  let b2 = 0
  for (let i = 0; i < 3; i++) {
    a11 += J[i][0] * J[i][0] + r[i] * S[i][0]
    a12 += J[i][0] * J[i][1] + r[i] * S[i][1]
    a22 += J[i][1] * J[i][1] + r[i] * S[i][2]
    b1 += J[i][0] * r[i]
    b2 += J[i][1] * r[i]
  }
  const det = a11 * a22 - a12 * a12
  expect(a11).toBeGreaterThan(0)
  expect(det).toBeGreaterThan(0) // a minimum, not a saddle
  return Math.hypot((a22 * b1 - a12 * b2) / det, (a11 * b2 - a12 * b1) / det)
}

describe('impliedRates: inverting the score model', () => {
  it('round-trips λ, μ from the 1X2 alone to 1e-6 over a wide range of fixtures', () => {
    const rng = mulberry32(42)
    for (let i = 0; i < 300; i++) {
      const lam = 0.3 + 3.2 * rng()
      const mu = 0.3 + 3.2 * rng()
      const rho = -0.2 + 0.3 * rng()
      const p = outcomeProbabilities(lam, mu, rho)
      // Cold start from the default guess on purpose (no `start`).
      const r = impliedRates(p, rho)
      expect(Math.abs(r.lambda - lam)).toBeLessThan(1e-6)
      expect(Math.abs(r.mu - mu)).toBeLessThan(1e-6)
      expect(r.residual).toBeLessThan(1e-11)
    }
  })

  it('round-trips with over 2.5 as well (three consistent prices, least squares is exact)', () => {
    const rng = mulberry32(7)
    for (let i = 0; i < 100; i++) {
      const lam = 0.4 + 2.8 * rng()
      const mu = 0.4 + 2.8 * rng()
      const rho = -0.15
      const p = outcomeProbabilities(lam, mu, rho)
      const over = overUnder(scoreMatrix(lam, mu, rho), 2.5).over
      const r = impliedRates(p, rho, { over25: over })
      expect(Math.abs(r.lambda - lam)).toBeLessThan(1e-6)
      expect(Math.abs(r.mu - mu)).toBeLessThan(1e-6)
    }
  })

  it('with totals inconsistent with the 1X2, finds the least-squares compromise', () => {
    const p = outcomeProbabilities(1.6, 1.1, -0.1)
    const alone = impliedRates(p, -0.1)
    const highTotal = impliedRates(p, -0.1, { over25: 0.7 })
    // The goal total moves towards the over price; the 1X2 is then only approximately reproduced.
    expect(highTotal.lambda + highTotal.mu).toBeGreaterThan(alone.lambda + alone.mu)
    expect(highTotal.residual).toBeGreaterThan(1e-4)
    expect(highTotal.residual).toBeLessThan(0.1)
    const m = marketMoments(highTotal.lambda, highTotal.mu, -0.1)
    expect(m.over25).toBeGreaterThan(marketMoments(alone.lambda, alone.mu, -0.1).over25)
  })

  it('reproduces a real price: Pinnacle closing 1.80 / 3.80 / 4.60 (multiplicative margin removal)', () => {
    const inv = [1 / 1.8, 1 / 3.8, 1 / 4.6]
    const s = inv[0] + inv[1] + inv[2]
    const p = [inv[0] / s, inv[1] / s, inv[2] / s] as const
    const r = impliedRates(p, -0.1)
    const back = outcomeProbabilities(r.lambda, r.mu, -0.1)
    back.forEach((v, i) => expect(Math.abs(v - p[i])).toBeLessThan(1e-10))
    expect(r.lambda).toBeGreaterThan(r.mu)
    expect(r.lambda + r.mu).toBeGreaterThan(2)
    expect(r.lambda + r.mu).toBeLessThan(3.5)
  })

  it('gives the tangent in ρ of its answer (central differences), with and without totals', () => {
    const h = 1e-5
    for (const [lam, mu, over] of [
      [1.6, 1.1, 0.55],
      [0.7, 2.3, 0.6],
      [2.9, 0.5, null],
    ] as const) {
      const p = outcomeProbabilities(lam * 1.02, mu, -0.08) // with totals: not exactly consistent
      const r = impliedRates(p, -0.05, { over25: over })
      const up = impliedRates(p, -0.05 + h, { over25: over })
      const dn = impliedRates(p, -0.05 - h, { over25: over })
      const fd = [Math.log(up.lambda / dn.lambda) / (2 * h), Math.log(up.mu / dn.mu) / (2 * h)]
      expect(Math.abs(fd[0])).toBeGreaterThan(0.01) // the check has something to check
      expect(r.rhoSlope[0]).toBeCloseTo(fd[0], 5)
      expect(r.rhoSlope[1]).toBeCloseTo(fd[1], 5)
    }
  })

  it('impliedRatesInto: the same answer to the bit as impliedRates, null where impliedRates throws', () => {
    const p = outcomeProbabilities(1.4, 1.2, -0.1)
    for (const over of [0.52, null]) {
      const r = impliedRates(p, -0.05, { over25: over, start: [1.3, 1.3] })
      const a = impliedRatesInto(p, over, -0.05, Math.log(1.3), Math.log(1.3))!
      expect([a[7], a[8], Math.exp(a[0]), Math.exp(a[1]), a[2], a[3]]).toEqual([
        r.lambda,
        r.mu,
        r.lambda,
        r.mu,
        ...r.rhoSlope,
      ])
      const cold = impliedRates(p, -0.05, { over25: over })
      expect(impliedRatesInto(p, over, -0.05, NaN, NaN)![7]).toBe(cold.lambda)
    }
    expect(impliedRatesInto([0.5, 0.3, 0.3], null, -0.05, NaN, NaN)).toBeNull()
    expect(impliedRatesInto([0.5, 0.3, 0.2], 1.2, -0.05, NaN, NaN)).toBeNull()
    expect(impliedRatesInto([0.5, 0.3, 0.2], null, 1, NaN, NaN)).toBeNull()
  })

  it('refuses probabilities that are not a margin-free triple', () => {
    const bad = (p: readonly number[], over?: number) => () =>
      impliedRates(p as unknown as [number, number, number], -0.1, { over25: over })
    expect(bad([0.5, 0.3, 0.3])).toThrow(DixonColesError)
    expect(bad([0.5, 0.5, 0])).toThrow(/three numbers in \(0, 1\)/)
    expect(bad([Number.NaN, 0.5, 0.5])).toThrow(DixonColesError)
    expect(bad([0.5, 0.3, 0.2], 1.2)).toThrow(/Over 2.5/)
    expect(() => impliedRates([0.5, 0.3, 0.2], 1)).toThrow(/rho/)
  })
})

const dataDir = footballDataDir()
describe.skipIf(!dataDir)(
  `impliedRates on real prices (${dataDir ? 'E0, D1' : SHARED_DATA_SKIP_REASON})`,
  () => {
    it('is stationary at the answer with over 2.5 (cold, and from the answer at a neighbouring ρ), in few iterations', async () => {
      const prices: { p: Triple; over: number }[] = []
      for (const file of [path.join('E0', 'E0_2023-24.csv'), path.join('D1', 'D1_2022-23.csv')]) {
        for (const r of (await readFootballDataFile(path.join(dataDir!, file))).rows) {
          const q = r.odds.find((o) => o.bookmaker === 'PS' && o.kind === 'closing')
          const t = r.totals.find((o) => o.line === 2.5)
          if (!q || !t) continue
          prices.push({
            p: removeMargin([q.home, q.draw, q.away], 'multiplicative').probabilities,
            over: removeMarginN([t.over, t.under], 'multiplicative').probabilities[0],
          })
        }
      }
      expect(prices.length).toBeGreaterThan(600)
      let coldIterations = 0
      let warmIterations = 0
      for (const rho of [-0.1, -0.0125, 0.05]) {
        for (const { p, over } of prices) {
          const cold = impliedRates(p, rho, { over25: over })
          // a Newton step from the answer moves it by less than the solver's step tolerance (1e-9 in log λ, log μ)
          expect(newtonStepLength(p, over, cold.lambda, cold.mu, rho)).toBeLessThan(1e-9)
          const warm = impliedRates(p, rho + 0.0025, { over25: over, start: [cold.lambda, cold.mu] })
          expect(newtonStepLength(p, over, warm.lambda, warm.mu, rho + 0.0025)).toBeLessThan(1e-9)
          coldIterations += cold.iterations
          warmIterations += warm.iterations
        }
      }
      // Newton from the over 2.5 start: ~3 iterations (Gauss-Newton from the 1X2 start took 6); from the
      // neighbouring ρ's answer: 2 (Gauss-Newton: 4)
      expect(coldIterations / (3 * prices.length)).toBeLessThan(4)
      expect(warmIterations / (3 * prices.length)).toBeLessThan(2.5)
    })
  },
)
