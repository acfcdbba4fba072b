import { describe, expect, it } from 'vitest'
import { DixonColesError } from './errors'
import {
  SCORE_TAIL_MASS,
  bothTeamsToScore,
  clampRho,
  fixtureRhoInterval,
  matrixOutcomes,
  outcomeProbabilities,
  overUnder,
  predictFixture,
  scoreMatrix,
  topScores,
} from './predict'
import type { FittedModel } from './types'

const poisson = (k: number, l: number) => {
  let p = Math.exp(-l)
  for (let i = 1; i <= k; i++) p *= l / i
  return p
}
const poissonCdf = (n: number, l: number) => {
  let s = 0
  for (let k = 0; k <= n; k++) s += poisson(k, l)
  return s
}
const sum = (m: number[][]) => m.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0)

const CASES: Array<[number, number, number]> = [
  [1.5, 1.1, -0.13],
  [0.3, 0.2, 0.5],
  [3.2, 0.6, -0.2],
  [2.0, 2.0, 0],
  [6.5, 0.9, 0.1],
]

describe('scoreMatrix', () => {
  it('sums to 1, has no negative entries, and the cap is the smallest with Poisson tail < 1e-10', () => {
    for (const [l, m, r] of CASES) {
      const mat = scoreMatrix(l, m, r)
      const n = mat.length - 1
      expect(mat.every((row) => row.length === n + 1)).toBe(true)
      expect(Math.abs(sum(mat) - 1)).toBeLessThan(1e-12)
      for (const row of mat) for (const v of row) expect(v).toBeGreaterThanOrEqual(0)
      expect(1 - poissonCdf(n, l) * poissonCdf(n, m)).toBeLessThan(SCORE_TAIL_MASS)
      expect(1 - poissonCdf(n - 1, l) * poissonCdf(n - 1, m)).toBeGreaterThanOrEqual(SCORE_TAIL_MASS)
    }
  })

  it('is tau(x,y)·Pois(x;λ)·Pois(y;μ) cell by cell (Dixon & Coles 1997 eq. 4.2), renormalisation negligible', () => {
    const [l, m, r] = [1.4, 0.9, -0.12]
    const mat = scoreMatrix(l, m, r)
    const tau = (x: number, y: number) =>
      x === 0 && y === 0
        ? 1 - l * m * r
        : x === 0 && y === 1
          ? 1 + l * r
          : x === 1 && y === 0
            ? 1 + m * r
            : x === 1 && y === 1
              ? 1 - r
              : 1
    for (let x = 0; x < 6; x++) {
      for (let y = 0; y < 6; y++) expect(mat[x][y]).toBeCloseTo(tau(x, y) * poisson(x, l) * poisson(y, m), 10)
    }
    // With rho = 0 it is the product of the marginals.
    const ind = scoreMatrix(l, m, 0)
    expect(ind[2][3]).toBeCloseTo(poisson(2, l) * poisson(3, m), 11)
  })

  it('honours an explicit goal cap and still sums to 1', () => {
    const mat = scoreMatrix(2.5, 1.5, -0.1, { maxGoals: 4 })
    expect(mat).toHaveLength(5)
    expect(sum(mat)).toBeCloseTo(1, 14)
  })

  it('rejects non-positive or non-finite rates', () => {
    expect(() => scoreMatrix(0, 1, 0)).toThrow(DixonColesError)
    expect(() => scoreMatrix(1, Number.NaN, 0)).toThrow(DixonColesError)
  })
})

describe('markets from the matrix', () => {
  it('1X2, totals, BTTS and double chance are consistent with the matrix and with each other', () => {
    for (const [l, m, r] of CASES) {
      const mat = scoreMatrix(l, m, r)
      const [h, d, a] = matrixOutcomes(mat)
      expect(h + d + a).toBeCloseTo(1, 12)
      const fast = outcomeProbabilities(l, m, r)
      expect(fast[0]).toBeCloseTo(h, 12)
      expect(fast[1]).toBeCloseTo(d, 12)
      expect(fast[2]).toBeCloseTo(a, 12)
      expect(fast[0] + fast[1] + fast[2]).toBeCloseTo(1, 12)
      // Totals: P(total = k) summed by anti-diagonals.
      const byTotal: number[] = []
      mat.forEach((row, x) => row.forEach((v, y) => (byTotal[x + y] = (byTotal[x + y] ?? 0) + v)))
      const ou = overUnder(mat, 2.5)
      expect(ou.under).toBeCloseTo(byTotal[0] + byTotal[1] + byTotal[2], 12)
      expect(ou.over + ou.under).toBeCloseTo(1, 12)
      expect(ou.push).toBe(0)
      const ou2 = overUnder(mat, 2)
      expect(ou2.push).toBeCloseTo(byTotal[2], 12)
      expect(ou2.over + ou2.under + ou2.push).toBeCloseTo(1, 12)
      const btts = bothTeamsToScore(mat)
      const noGoalHome = mat[0].reduce((s, v) => s + v, 0)
      const noGoalAway = mat.reduce((s, row) => s + row[0], 0)
      expect(btts.no).toBeCloseTo(noGoalHome + noGoalAway - mat[0][0], 12)
      expect(btts.yes + btts.no).toBeCloseTo(1, 12)
    }
  })

  it('topScores lists the k most likely scores in order', () => {
    const mat = scoreMatrix(1.3, 1.0, -0.1)
    const top = topScores(mat, 4)
    expect(top).toHaveLength(4)
    for (let i = 1; i < top.length; i++) expect(top[i].p).toBeLessThanOrEqual(top[i - 1].p)
    const max = Math.max(...mat.flat())
    expect(top[0].p).toBe(max)
    expect(mat[top[0].homeGoals][top[0].awayGoals]).toBe(max)
  })
})

describe('rho outside the fixture tau-region', () => {
  it('clamps to the boundary: one tau becomes exactly 0, probabilities stay valid', () => {
    const [l, m] = [3, 2]
    const [lo, hi] = fixtureRhoInterval(l, m)
    expect(hi).toBeCloseTo(1 / 6, 15)
    expect(lo).toBeCloseTo(-1 / 3, 15)
    expect(clampRho(l, m, 0.4)).toEqual({ rho: hi, clamped: true })
    expect(clampRho(l, m, -0.5)).toEqual({ rho: lo, clamped: true })
    expect(clampRho(l, m, 0.1)).toEqual({ rho: 0.1, clamped: false })
    const mat = scoreMatrix(l, m, 0.4)
    expect(mat[0][0]).toBe(0)
    for (const row of mat) for (const v of row) expect(v).toBeGreaterThanOrEqual(0)
    expect(sum(mat)).toBeCloseTo(1, 12)
  })
})

describe('predictFixture', () => {
  const model: FittedModel = {
    model: 'dixon-coles',
    asOf: '2024-05-19',
    from: null,
    xi: 0,
    teams: [
      { name: 'Strong', attack: 0.5, defence: -0.2, attackSe: 0.1, defenceSe: 0.1, matches: 38 },
      { name: 'Weak', attack: -0.5, defence: 0.9, attackSe: 0.1, defenceSe: 0.1, matches: 38 },
    ],
    homeAdvantage: 0.3,
    homeAdvantageSe: 0.05,
    rho: -0.2,
    rhoSe: 0.05,
    logLikelihood: -100,
    nMatches: 2,
    nTeams: 2,
    iterations: 3,
    converged: true,
    gradientNorm: 1e-10,
    minTau: 0.5,
    droppedTeams: [],
    warnings: [],
  }

  it('computes lambda = exp(γ + α_h + β_a), mu = exp(α_a + β_h) and consistent markets', () => {
    const p = predictFixture(model, 'Weak', 'Strong')
    expect(p.lambda).toBeCloseTo(Math.exp(0.3 - 0.5 - 0.2), 14)
    expect(p.mu).toBeCloseTo(Math.exp(0.5 + 0.9), 14)
    expect(p.rhoClamped).toBe(false)
    expect(p.pHome + p.pDraw + p.pAway).toBeCloseTo(1, 12)
    expect(p.doubleChance.homeOrDraw).toBeCloseTo(p.pHome + p.pDraw, 14)
    expect(p.doubleChance.drawOrAway).toBeCloseTo(1 - p.pHome, 12)
    expect(p.overUnder25).toEqual(overUnder(p.matrix, 2.5))
    expect(p.topScores).toHaveLength(5)
    const n = predictFixture(model, 'Weak', 'Strong', { neutral: true })
    expect(n.lambda).toBeCloseTo(Math.exp(-0.5 - 0.2), 14)
  })

  it('flags rhoClamped when the model rho is outside this fixture’s tau-region', () => {
    // λ = exp(0.3 + 0.5 + 0.9) ≈ 5.47: −1/λ ≈ −0.18 > ρ = −0.2, so τ(0,1) = 1 + λρ would be negative.
    const p = predictFixture(model, 'Strong', 'Weak')
    expect(p.rhoClamped).toBe(true)
    expect(p.rho).toBeCloseTo(-1 / p.lambda, 14)
    expect(p.matrix[0][1]).toBe(0)
    for (const row of p.matrix) for (const v of row) expect(v).toBeGreaterThanOrEqual(0)
    expect(p.pHome + p.pDraw + p.pAway).toBeCloseTo(1, 12)
  })

  it('unknown team: UNKNOWN_TEAM naming it', () => {
    try {
      predictFixture(model, 'Strong', 'Nobody FC')
      throw new Error('expected UNKNOWN_TEAM')
    } catch (e) {
      expect((e as DixonColesError).code).toBe('UNKNOWN_TEAM')
      expect((e as Error).message).toContain('Nobody FC')
      expect((e as DixonColesError).details.team).toBe('Nobody FC')
    }
  })
})
