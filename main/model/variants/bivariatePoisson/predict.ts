/**
 * Score matrix of the bivariate Poisson by the recursions of Kocherlakota & Kocherlakota (1992), as used by
 * Karlis & Ntzoufras (2003): P(0,0) = e^{−(λ₁+λ₂+λ₃)}, x·P(x,y) = λ₁·P(x−1,y) + λ₃·P(x−1,y−1),
 * y·P(0,y) = λ₂·P(0,y−1). Goals 0..N with N the smallest cap whose marginal tails (Poisson(λ₁+λ₃) and
 * Poisson(λ₂+λ₃)) together hold less than the engine's 1e-10, renormalised to sum to 1.
 */
import { DixonColesError, SCORE_TAIL_MASS, matrixOutcomes } from '../../dixonColes'
import { ratesOf, ratingTerms, type RateTerms } from '../common/forecast'
import type { VariantFixture, VariantForecast } from '../types'
import type { BivariatePoissonFit } from './fit'

const HARD_GOAL_CAP = 400

function poissonCap(m1: number, m2: number): number {
  let p1 = Math.exp(-m1)
  let p2 = Math.exp(-m2)
  let f1 = p1
  let f2 = p2
  let n = 0
  while (!((2 - f1 - f2 < SCORE_TAIL_MASS && n >= 1) || n >= HARD_GOAL_CAP)) {
    n++
    p1 *= m1 / n
    p2 *= m2 / n
    f1 += p1
    f2 += p2
  }
  return n
}

export function bivariatePoissonMatrix(l1: number, l2: number, l3: number): number[][] {
  if (!(l1 > 0 && l2 > 0 && l3 >= 0 && Number.isFinite(l1 + l2 + l3))) {
    throw new DixonColesError(
      'MODEL_BAD_INPUT',
      `Bivariate Poisson rates must be positive (${l1}, ${l2}, ${l3})`,
      {
        l1,
        l2,
        l3,
      },
    )
  }
  const n = poissonCap(l1 + l3, l2 + l3)
  const m: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(n + 1).fill(0))
  m[0][0] = Math.exp(-(l1 + l2 + l3))
  for (let y = 1; y <= n; y++) m[0][y] = (l2 * m[0][y - 1]) / y
  for (let x = 1; x <= n; x++) {
    m[x][0] = (l1 * m[x - 1][0]) / x
    for (let y = 1; y <= n; y++) m[x][y] = (l1 * m[x - 1][y] + l3 * m[x - 1][y - 1]) / x
  }
  let total = 0
  for (const row of m) for (const v of row) total += v
  for (const row of m) for (let y = 0; y <= n; y++) row[y] /= total
  return m
}

/** Log-rate terms of λ₁ and λ₂ (λ₃ is a constant shared by both, not a per-team term). */
export function explainBivariatePoisson(fit: BivariatePoissonFit, f: VariantFixture): RateTerms | null {
  return ratingTerms(fit, f)
}

export function predictBivariatePoisson(
  fit: BivariatePoissonFit,
  fixture: VariantFixture,
): VariantForecast | null {
  const t = explainBivariatePoisson(fit, fixture)
  if (!t) return null
  const { lambda: l1, mu: l2 } = ratesOf(t)
  const matrix = bivariatePoissonMatrix(l1, l2, fit.lambda3)
  return { lambda: l1 + fit.lambda3, mu: l2 + fit.lambda3, matrix, probabilities: matrixOutcomes(matrix) }
}
