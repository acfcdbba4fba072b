/**
 * Bivariate Poisson (Karlis & Ntzoufras 2003, "Analysis of sports data by using bivariate Poisson models",
 * The Statistician 52(3), 381-393): X = X₁ + X₃, Y = X₂ + X₃ with independent X_i ~ Pois(λ_i), so
 * Cov(X, Y) = λ₃ and
 *   P(x, y) = e^{−(λ₁+λ₂+λ₃)} · λ₁^x/x! · λ₂^y/y! · Σ_{k=0}^{min(x,y)} C(x,k)·C(y,k)·k!·(λ₃/(λ₁λ₂))^k      (their eq. 1)
 * with log λ₁ = γ·[not neutral] + α_h + β_a and log λ₂ = α_a + β_h (the engine's parametrisation, GUIDE.md) and a
 * constant covariance λ₃ ≥ 0 (their model with constant λ₃); λ₃ = 0 is the independent Poisson model.
 * Expected goals are λ₁ + λ₃ (home) and λ₂ + λ₃ (away).
 *
 * Exact gradient from the identities ∂P(x,y)/∂λ₁ = P(x−1,y) − P(x,y), ∂P/∂λ₂ = P(x,y−1) − P(x,y),
 * ∂P/∂λ₃ = P(x−1,y−1) − P(x,y) (differentiate the convolution; P(−1,·) = 0). With S(x,y) the sum above:
 *   ∂log P/∂log λ₁ = x·S(x−1,y)/S(x,y) − λ₁,   ∂log P/∂log λ₂ = y·S(x,y−1)/S(x,y) − λ₂,
 *   ∂log P/∂λ₃ = x·y/(λ₁λ₂) · S(x−1,y−1)/S(x,y) − 1.
 * Parameters θ = (α_0..α_{K−1}, β_0..β_{K−1}, γ, λ₃).
 */
import { logFactorial } from '../common/logFactorial'
import type { MatchGroups } from '../common/matchGroups'

export const bpIndex = (k: number) => ({ gamma: 2 * k, lambda3: 2 * k + 1 })
export const bpParameterCount = (k: number) => 2 * k + 2

/** S(x, y) = Σ_{k=0}^{min(x,y)} C(x,k)·C(y,k)·k!·t^k (terms by the ratio (x−k+1)(y−k+1)t/k). */
export function bpSum(x: number, y: number, t: number): number {
  if (x < 0 || y < 0) return 0
  let term = 1
  let s = 1
  const n = Math.min(x, y)
  for (let k = 1; k <= n; k++) {
    term *= ((x - k + 1) * (y - k + 1) * t) / k
    s += term
  }
  return s
}

/** Weighted log-likelihood Σ w·log P(x, y) (with −log x! − log y!) and, when `grad` is given, its gradient. */
export function bpLogLikelihood(s: MatchGroups, theta: Float64Array, grad: Float64Array | null): number {
  const k = s.nTeams
  const { gamma: G, lambda3: L3 } = bpIndex(k)
  const gamma = theta[G]
  const l3 = theta[L3]
  if (grad) grad.fill(0)
  if (!(l3 >= 0)) return -Infinity
  let ll = 0
  let g3 = 0
  for (let g = 0; g < s.nGroups; g++) {
    const h = s.home[g]
    const a = s.away[g]
    const nu = s.neutral[g]
    const w = s.w[g]
    const x = s.x[g]
    const y = s.y[g]
    const e1 = theta[h] + theta[k + a] + (nu ? 0 : gamma)
    const e2 = theta[a] + theta[k + h]
    const l1 = Math.exp(e1)
    const l2 = Math.exp(e2)
    const t = l3 / (l1 * l2)
    // t = 0 (λ₃ at its bound 0, where the fit stops on most leagues): every S(·, ·) below is exactly 1 (the sum's
    // terms are all 0), so the same values without the sums; S = 1 also when a side scored 0, and log 1 = 0
    const zero = t === 0
    const S = zero ? 1 : bpSum(x, y, t)
    const logS = S === 1 ? 0 : Math.log(S)
    ll += w * (-(l1 + l2 + l3) + x * e1 + y * e2 - logFactorial(x) - logFactorial(y) + logS)
    if (grad) {
      const d1 = w * (x === 0 ? -l1 : (x * (zero ? 1 : bpSum(x - 1, y, t))) / S - l1)
      const d2 = w * (y === 0 ? -l2 : (y * (zero ? 1 : bpSum(x, y - 1, t))) / S - l2)
      grad[h] += d1
      grad[k + a] += d1
      if (!nu) grad[G] += d1
      grad[a] += d2
      grad[k + h] += d2
      g3 +=
        w * (x === 0 || y === 0 ? -1 : ((x * y) / (l1 * l2)) * ((zero ? 1 : bpSum(x - 1, y - 1, t)) / S) - 1)
    }
  }
  if (grad) grad[L3] = g3
  return ll
}
