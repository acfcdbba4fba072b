/**
 * Dixon-Coles weighted log-likelihood with its exact analytic gradient and Hessian.
 *
 * Model (Dixon & Coles 1997, "Modelling association football scores and inefficiencies in the
 * football betting market", Appl. Statist. 46(2), 265-280, section 4; equation numbers below as the
 * paper's are usually cited — the formulas themselves are what the tests check): for a match of home team h v away
 * team a with score (x, y)
 *   λ = exp(γ·[not neutral] + α_h + β_a),  μ = exp(α_a + β_h)   (the paper's λ = α_i β_j γ, μ = α_j β_i in logs)
 *   P(x, y) = τ_{λ,μ}(x, y) · Pois(x; λ) · Pois(y; μ)                                   (4.2)
 *   τ(0,0) = 1 − λμρ, τ(0,1) = 1 + λρ, τ(1,0) = 1 + μρ, τ(1,1) = 1 − ρ, otherwise 1.
 * (The paper writes μ for the home rate and λ for the away rate; here λ is home, as in GUIDE.md.)
 * Pseudo-likelihood with time weights w_k = φ(t_k) = exp(−ξ t_k) (the paper's time-dependent
 * version): L = Σ_k w_k · log P(x_k, y_k).
 *
 * Parameter vector θ (length 2K + 2): α_0..α_{K−1}, β_0..β_{K−1}, γ at 2K, ρ at 2K + 1.
 *
 * Unlike implementations that treat τ as a constant when differentiating (penaltyblog's gradient
 * drops ∂τ/∂λ and ∂τ/∂μ), the derivatives here include τ's dependence on λ and μ through
 * η₁ = log λ and η₂ = log μ. For one aggregated group with weights (Σw, Σwx, Σwy, c00, c01, c10, c11):
 *   ℓ   = Σwx·η₁ − Σw·λ + Σwy·η₂ − Σw·μ + c00·log(1 − λμρ) + c01·log(1 + λρ) + c10·log(1 + μρ) + c11·log(1 − ρ)
 *   ∂ℓ/∂η₁ = Σwx − Σw·λ − c00·λμρ/(1 − λμρ) + c01·λρ/(1 + λρ)
 *   ∂ℓ/∂η₂ = Σwy − Σw·μ − c00·λμρ/(1 − λμρ) + c10·μρ/(1 + μρ)
 *   ∂ℓ/∂ρ  = −c00·λμ/(1 − λμρ) + c01·λ/(1 + λρ) + c10·μ/(1 + μρ) − c11/(1 − ρ)
 *   ∂²ℓ/∂η₁² = −Σw·λ − c00·a/(1 − a)² + c01·b/(1 + b)²        (a = λμρ, b = λρ, c = μρ)
 *   ∂²ℓ/∂η₂² = −Σw·μ − c00·a/(1 − a)² + c10·c/(1 + c)²
 *   ∂²ℓ/∂η₁∂η₂ = −c00·a/(1 − a)²
 *   ∂²ℓ/∂η₁∂ρ = −c00·λμ/(1 − a)² + c01·λ/(1 + b)²
 *   ∂²ℓ/∂η₂∂ρ = −c00·λμ/(1 − a)² + c10·μ/(1 + c)²
 *   ∂²ℓ/∂ρ²  = −c00·(λμ)²/(1 − a)² − c01·λ²/(1 + b)² − c10·μ²/(1 + c)² − c11/(1 − ρ)²
 * and the chain rule to θ is linear: ∂η₁/∂α_h = ∂η₁/∂β_a = ∂η₁/∂γ (home venue) = 1, ∂η₂/∂α_a = ∂η₂/∂β_h = 1.
 */
import type { MatchStats } from './stats'

/** Index of γ and ρ in θ for K teams. */
export const gammaIndex = (nTeams: number): number => 2 * nTeams
export const rhoIndex = (nTeams: number): number => 2 * nTeams + 1

/**
 * The open interval of ρ for which every τ of every match in `s` is positive at the current
 * α, β, γ: 1 − λμρ > 0, 1 + λρ > 0, 1 + μρ > 0 and 1 − ρ > 0 for all groups, i.e.
 *   max_g max(−1/λ_g, −1/μ_g) < ρ < min(1, min_g 1/(λ_g μ_g)).
 */
export function rhoInterval(s: MatchStats, theta: Float64Array): [number, number] {
  const k = s.nTeams
  const gamma = theta[2 * k]
  let lo = -Infinity
  let hi = 1
  for (let g = 0; g < s.nGroups; g++) {
    const h = s.home[g]
    const a = s.away[g]
    const lam = Math.exp(theta[h] + theta[k + a] + (s.neutral[g] ? 0 : gamma))
    const mu = Math.exp(theta[a] + theta[k + h])
    const m = Math.max(lam, mu)
    if (-1 / m > lo) lo = -1 / m
    if (1 / (lam * mu) < hi) hi = 1 / (lam * mu)
  }
  return [lo, hi]
}

/**
 * Smallest τ over all matches in `s` and all four low scores at θ (1 when ρ = 0). The likelihood
 * is only a probability model when this is > 0.
 */
export function minTau(s: MatchStats, theta: Float64Array): number {
  const k = s.nTeams
  const gamma = theta[2 * k]
  const rho = theta[2 * k + 1]
  if (rho === 0) return 1
  let m = 1 - rho
  for (let g = 0; g < s.nGroups; g++) {
    const h = s.home[g]
    const a = s.away[g]
    const lam = Math.exp(theta[h] + theta[k + a] + (s.neutral[g] ? 0 : gamma))
    const mu = Math.exp(theta[a] + theta[k + h])
    const t = rho > 0 ? 1 - lam * mu * rho : 1 + Math.max(lam, mu) * rho
    if (t < m) m = t
  }
  return m
}

/**
 * Weighted (pseudo-)log-likelihood Σ w·log P(x, y) including −Σw(log x! + log y!). Returns −Infinity when some τ
 * of some match in `s` is ≤ 0 (θ outside the valid region), so a line search can never accept it. With `rates`
 * (2 per group), each group's λ and μ at θ are written there (a group past a τ ≤ 0 is left as it was).
 */
export function logLikelihood(s: MatchStats, theta: Float64Array, rates: Float64Array | null = null): number {
  const k = s.nTeams
  const gamma = theta[2 * k]
  const rho = theta[2 * k + 1]
  if (!(rho < 1)) return -Infinity
  const c11Log = rho === 0 ? 0 : Math.log(1 - rho)
  const { home, away, neutral, sw, sx, sy, c00, c01, c10, c11 } = s
  let ll = 0
  for (let g = 0; g < s.nGroups; g++) {
    const h = home[g]
    const a = away[g]
    const e1 = theta[h] + theta[k + a] + (neutral[g] ? 0 : gamma)
    const e2 = theta[a] + theta[k + h]
    const lam = Math.exp(e1)
    const mu = Math.exp(e2)
    if (rates !== null) {
      rates[2 * g] = lam
      rates[2 * g + 1] = mu
    }
    ll += sx[g] * e1 + sy[g] * e2 - sw[g] * (lam + mu)
    if (rho !== 0) {
      const t00 = 1 - lam * mu * rho
      const t01 = 1 + lam * rho
      const t10 = 1 + mu * rho
      if (!(t00 > 0 && t01 > 0 && t10 > 0)) return -Infinity
      if (c00[g] !== 0) ll += c00[g] * Math.log(t00)
      if (c01[g] !== 0) ll += c01[g] * Math.log(t01)
      if (c10[g] !== 0) ll += c10[g] * Math.log(t10)
      if (c11[g] !== 0) ll += c11[g] * c11Log
    }
  }
  return ll - s.logFactorials - priorPenalty(s, theta)
}

/** ½ Σ precision·(θ − mean)² of the stats' prior (0 without one). */
export function priorPenalty(s: MatchStats, theta: Float64Array): number {
  if (!s.prior) return 0
  const { precision, mean } = s.prior
  let p = 0
  for (let i = 0; i < precision.length; i++) {
    if (precision[i] === 0) continue
    const d = theta[i] - mean[i]
    p += precision[i] * d * d
  }
  return p / 2
}

/**
 * Log-likelihood, gradient and (optionally) Hessian with respect to the full θ at once.
 * `grad` (length P = 2K + 2) and `hess` (P×P row-major) are overwritten. The Hessian is exact
 * and symmetric; rows/columns of parameters the caller holds fixed are filled in too and simply
 * ignored by the caller. Returns the log-likelihood (−Infinity when some τ ≤ 0; derivatives then
 * are meaningless). Allocation-free. `rates`: λ, μ of every group at this very θ, as `logLikelihood` wrote them
 * (the same exponentials, so the same numbers): a Newton step's accepted trial point skips recomputing them (#23).
 */
export function logLikelihoodDerivatives(
  s: MatchStats,
  theta: Float64Array,
  grad: Float64Array,
  hess: Float64Array | null,
  rates: Float64Array | null = null,
): number {
  const k = s.nTeams
  const P = 2 * k + 2
  const G = 2 * k
  const R = 2 * k + 1
  const gamma = theta[G]
  const rho = theta[R]
  grad.fill(0)
  if (hess) hess.fill(0)
  if (!(rho < 1)) return -Infinity
  const { home, away, neutral, sw, sx, sy, c00, c01, c10, c11 } = s
  let ll = 0
  let gR = 0
  let hRR = 0
  for (let g = 0; g < s.nGroups; g++) {
    const h = home[g]
    const a = away[g]
    const nu = neutral[g]
    const e1 = theta[h] + theta[k + a] + (nu ? 0 : gamma)
    const e2 = theta[a] + theta[k + h]
    const lam = rates !== null ? rates[2 * g] : Math.exp(e1)
    const mu = rates !== null ? rates[2 * g + 1] : Math.exp(e2)
    const w = sw[g]
    ll += sx[g] * e1 + sy[g] * e2 - w * (lam + mu)
    let g1 = sx[g] - w * lam
    let g2 = sy[g] - w * mu
    let h11 = -w * lam
    let h22 = -w * mu
    let h12 = 0
    let h1r = 0
    let h2r = 0
    {
      // At ρ = 0 these reduce to τ ≡ 1 but keep the (non-zero) ρ derivatives.
      const lm = lam * mu
      const A = lm * rho
      const t00 = 1 - A
      const t01 = 1 + lam * rho
      const t10 = 1 + mu * rho
      if (!(t00 > 0 && t01 > 0 && t10 > 0)) return -Infinity
      const n00 = c00[g]
      if (n00 !== 0) {
        ll += n00 * Math.log(t00)
        const q = n00 / t00
        const q2 = q / t00
        g1 -= q * A
        g2 -= q * A
        gR -= q * lm
        h11 -= q2 * A
        h22 -= q2 * A
        h12 -= q2 * A
        h1r -= q2 * lm
        h2r -= q2 * lm
        hRR -= q2 * lm * lm
      }
      const n01 = c01[g]
      if (n01 !== 0) {
        ll += n01 * Math.log(t01)
        const q = n01 / t01
        const q2 = q / t01
        g1 += q * lam * rho
        gR += q * lam
        h11 += q2 * lam * rho
        h1r += q2 * lam
        hRR -= q2 * lam * lam
      }
      const n10 = c10[g]
      if (n10 !== 0) {
        ll += n10 * Math.log(t10)
        const q = n10 / t10
        const q2 = q / t10
        g2 += q * mu * rho
        gR += q * mu
        h22 += q2 * mu * rho
        h2r += q2 * mu
        hRR -= q2 * mu * mu
      }
    }
    // Chain rule: η₁ touches α_h, β_a (and γ); η₂ touches α_a, β_h.
    const ah = h
    const ba = k + a
    const aa = a
    const bh = k + h
    grad[ah] += g1
    grad[ba] += g1
    grad[aa] += g2
    grad[bh] += g2
    if (!nu) grad[G] += g1
    if (hess) {
      const rAh = ah * P
      const rBa = ba * P
      const rAa = aa * P
      const rBh = bh * P
      // η₁ block {α_h, β_a, γ}
      hess[rAh + ah] += h11
      hess[rBa + ba] += h11
      hess[rAh + ba] += h11
      hess[rBa + ah] += h11
      // η₂ block {α_a, β_h}
      hess[rAa + aa] += h22
      hess[rBh + bh] += h22
      hess[rAa + bh] += h22
      hess[rBh + aa] += h22
      // η₁ × η₂
      if (h12 !== 0) {
        hess[rAh + aa] += h12
        hess[rAh + bh] += h12
        hess[rBa + aa] += h12
        hess[rBa + bh] += h12
        hess[rAa + ah] += h12
        hess[rBh + ah] += h12
        hess[rAa + ba] += h12
        hess[rBh + ba] += h12
      }
      // × ρ
      hess[rAh + R] += h1r
      hess[rBa + R] += h1r
      hess[rAa + R] += h2r
      hess[rBh + R] += h2r
      if (!nu) {
        const rG = G * P
        hess[rG + G] += h11
        hess[rG + ah] += h11
        hess[rG + ba] += h11
        hess[rAh + G] += h11
        hess[rBa + G] += h11
        hess[rG + aa] += h12
        hess[rG + bh] += h12
        hess[rAa + G] += h12
        hess[rBh + G] += h12
        hess[rG + R] += h1r
      }
    }
    const n11 = c11[g]
    if (n11 !== 0) {
      const t11 = 1 - rho
      ll += n11 * Math.log(t11)
      gR -= n11 / t11
      hRR -= n11 / (t11 * t11)
    }
  }
  grad[R] = gR
  if (hess) {
    hess[R * P + R] = hRR
    // Mirror the ρ column into the ρ row.
    for (let i = 0; i < R; i++) hess[R * P + i] = hess[i * P + R]
  }
  if (s.prior) {
    const { precision, mean } = s.prior
    for (let i = 0; i < precision.length; i++) {
      const q = precision[i]
      if (q === 0) continue
      grad[i] -= q * (theta[i] - mean[i])
      if (hess) hess[i * P + i] -= q
    }
  }
  return ll - s.logFactorials - priorPenalty(s, theta)
}
