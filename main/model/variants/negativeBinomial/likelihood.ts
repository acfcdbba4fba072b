/**
 * Negative binomial Dixon-Coles: weighted log-likelihood and its exact gradient.
 *
 * Model (as in the R package goalmodel, `model = 'negbin'` with `dc = TRUE`, by Jonas Langseth): for home
 * team h v away team a with score (x, y)
 *   λ = exp(γ·[not neutral] + α_h + β_a),  μ = exp(α_a + β_h)          (the engine's rates, GUIDE.md)
 *   P(x, y) ∝ τ_{λ,μ,ρ}(x, y) · NB(x; λ, φ) · NB(y; μ, φ)              (Dixon & Coles 1997, eq. 4.2, with NB margins)
 *   NB(x; m, φ) = Γ(x + r) / (Γ(r)·x!) · (r/(r+m))^r · (m/(r+m))^x,  r = 1/φ  (mean m, variance m + φ·m²)
 * φ ≥ 0 is the dispersion (goalmodel's `dispersion`, size = 1/φ); φ → 0 (r → ∞) is the Poisson, so the model
 * reduces to Dixon-Coles. Like goalmodel, the likelihood multiplies by τ without renormalising (with NB margins
 * the τ adjustments no longer cancel exactly); `predict` renormalises the score matrix.
 *
 * Parameters θ = (α_0..α_{K−1}, β_0..β_{K−1}, γ, ρ, φ), φ ≥ 0 directly (not its log), so the Poisson is the
 * boundary φ = 0 and a fit on under-dispersed data stops exactly there. For integer x, Γ(x + r)/Γ(r) =
 * Π_{j<x} (r + j), so no digamma is needed; in terms of φ (exact at φ = 0, no cancellation as φ → 0):
 *   log NB   = Σ_{j<x} log1p(φ(j − m)/(1 + φm)) − log x! − log1p(φm)/φ + x·log m     (φ = 0: −m + x log m − log x!)
 *   ∂/∂log m = x − m(1 + φx)/(1 + φm)
 *   ∂/∂φ     = −Σ_{j<x} (m − j)/((1 + φj)(1 + φm)) − [φm/(1 + φm) − log1p(φm)]/φ²
 * which at φ = 0 is ((x − m)² − x)/2, the familiar score test for over-dispersion.
 * τ's derivatives are the engine's (dixonColes/likelihood.ts): ∂log τ/∂η₁, ∂η₂, ∂ρ.
 */
import { logFactorial } from '../common/logFactorial'
import type { MatchGroups } from '../common/matchGroups'

/** Index of γ, ρ and φ in θ for K teams. */
export const nbIndex = (k: number) => ({ gamma: 2 * k, rho: 2 * k + 1, dispersion: 2 * k + 2 })
export const nbParameterCount = (k: number) => 2 * k + 3

/** [u/(1+u) − log1p(u)]/φ² for u = φm (its series m²(−1/2 + 2u/3 − 3u²/4 + 4u³/5) below u = 1e-3). */
function bracket(m: number, phi: number): number {
  const u = phi * m
  if (u < 1e-3) return m * m * (-0.5 + u * (2 / 3 + u * (-0.75 + 0.8 * u)))
  return (u / (1 + u) - Math.log1p(u)) / (phi * phi)
}

/**
 * log NB(x; m, φ) and its derivatives in log m and φ, written into `out` = [value, d/dlog m, d/dφ]. Exact at φ = 0
 * too, where every log1p(φ(j − m)/q) is log1p(±0) = ±0 and q = 1 + φj = 1: nbLogLikelihood's φ = 0 branch is
 * these formulas with those terms left out (the same values bit for bit, tested). Exported for the tests.
 */
export function logNegBinom(x: number, m: number, phi: number, out: Float64Array): void {
  const q = 1 + phi * m
  let v = -logFactorial(x) + (x > 0 ? x * Math.log(m) : 0) - (phi === 0 ? m : Math.log1p(phi * m) / phi)
  let dphi = -bracket(m, phi)
  for (let j = 0; j < x; j++) {
    v += Math.log1p((phi * (j - m)) / q)
    dphi -= (m - j) / ((1 + phi * j) * q)
  }
  out[0] = v
  out[1] = x - (m * (1 + phi * x)) / q
  out[2] = dphi
}

/**
 * Weighted log-likelihood Σ w·[log τ + log NB(x; λ) + log NB(y; μ)] (including −log x! − log y!), and its
 * gradient in θ when `grad` is given. −Infinity when ρ makes some τ of some pairing in the data ≤ 0 (all four
 * low-score cells are checked, as in the engine, so the fitted model is a distribution for every pairing).
 */
export function nbLogLikelihood(s: MatchGroups, theta: Float64Array, grad: Float64Array | null): number {
  const k = s.nTeams
  const { gamma: G, rho: R, dispersion: D } = nbIndex(k)
  const gamma = theta[G]
  const rho = theta[R]
  const phi = theta[D]
  if (grad) grad.fill(0)
  if (!(rho < 1 && phi >= 0)) return -Infinity
  const nb = new Float64Array(3)
  let ll = 0
  let gRho = 0
  let gD = 0
  for (let g = 0; g < s.nGroups; g++) {
    const h = s.home[g]
    const a = s.away[g]
    const nu = s.neutral[g]
    const w = s.w[g]
    const x = s.x[g]
    const y = s.y[g]
    const lam = Math.exp(theta[h] + theta[k + a] + (nu ? 0 : gamma))
    const mu = Math.exp(theta[a] + theta[k + h])
    if (!(1 - lam * mu * rho > 0 && 1 + lam * rho > 0 && 1 + mu * rho > 0)) return -Infinity
    let l: number
    let g1: number
    let g2: number
    let dphi: number
    if (phi === 0 && lam < Infinity && mu < Infinity) {
      // φ = 0, where fits on under-dispersed goals stop (almost every evaluation of a walk-forward, #23): logNegBinom's
      // formulas for both sides with the log1p(±0) = ±0 terms and the factors 1 + φ·j = 1 left out, and
      // bracket(m, 0) = −m²/2, so the same values bit for bit without two calls and a log1p per goal
      // (at φ = 0, −[u/(1+u) − log1p u]/φ² is bracket's series at u = 0: m²·(−1/2), negated)
      let dx = -(lam * lam * -0.5)
      for (let j = 0; j < x; j++) dx -= lam - j
      let dy = -(mu * mu * -0.5)
      for (let j = 0; j < y; j++) dy -= mu - j
      l = -logFactorial(x) + (x > 0 ? x * Math.log(lam) : 0) - lam
      l += -logFactorial(y) + (y > 0 ? y * Math.log(mu) : 0) - mu
      g1 = x - lam
      g2 = y - mu
      dphi = dx + dy
    } else {
      logNegBinom(x, lam, phi, nb)
      l = nb[0]
      g1 = nb[1]
      dphi = nb[2]
      logNegBinom(y, mu, phi, nb)
      l += nb[0]
      g2 = nb[1]
      dphi += nb[2]
    }
    let gr = 0
    if (x <= 1 && y <= 1) {
      if (x === 0 && y === 0) {
        const t = 1 - lam * mu * rho
        l += Math.log(t)
        g1 -= (lam * mu * rho) / t
        g2 -= (lam * mu * rho) / t
        gr = -(lam * mu) / t
      } else if (x === 0) {
        const t = 1 + lam * rho
        l += Math.log(t)
        g1 += (lam * rho) / t
        gr = lam / t
      } else if (y === 0) {
        const t = 1 + mu * rho
        l += Math.log(t)
        g2 += (mu * rho) / t
        gr = mu / t
      } else {
        l += Math.log(1 - rho)
        gr = -1 / (1 - rho)
      }
    }
    ll += w * l
    if (grad) {
      g1 *= w
      g2 *= w
      grad[h] += g1
      grad[k + a] += g1
      if (!nu) grad[G] += g1
      grad[a] += g2
      grad[k + h] += g2
      gRho += w * gr
      gD += w * dphi
    }
  }
  if (grad) {
    grad[R] = gRho
    grad[D] = gD
  }
  return ll
}
