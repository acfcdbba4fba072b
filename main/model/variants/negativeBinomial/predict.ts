/**
 * Score matrix of the negative binomial Dixon-Coles model: τ_{λ,μ,ρ}(x, y)·NB(x; λ, φ)·NB(y; μ, φ)
 * (Dixon & Coles 1997, eq. 4.2, with negative binomial margins as in goalmodel), goals 0..N with N the
 * smallest cap whose missing product mass 1 − F_λ(N)·F_μ(N) is below the engine's 1e-10 (NB tails are
 * heavier than Poisson ones), ρ clamped into the fixture's τ-region like the engine, renormalised to sum to 1.
 */
import { DixonColesError, SCORE_TAIL_MASS, clampRho, matrixOutcomes } from '../../dixonColes'
import { ratesOf, ratingTerms } from '../common/forecast'
import type { VariantFixture, VariantForecast } from '../types'
import type { NegativeBinomialFit } from './fit'

const HARD_GOAL_CAP = 400

/** NB pmf 0..N for means λ and μ sharing φ: p(0) = (1 + φm)^(−1/φ), p(x+1) = p(x)·m(1 + φx)/((x + 1)(1 + φm)). */
function negBinomPair(lambda: number, mu: number, phi: number) {
  const p0 = (m: number) => (phi === 0 ? Math.exp(-m) : Math.exp(-Math.log1p(phi * m) / phi))
  const px = [p0(lambda)]
  const py = [p0(mu)]
  let fx = px[0]
  let fy = py[0]
  let n = 0
  while (!((1 - fx * fy < SCORE_TAIL_MASS && n >= 1) || n >= HARD_GOAL_CAP)) {
    const ax = (px[n] * lambda * (1 + phi * n)) / ((n + 1) * (1 + phi * lambda))
    const ay = (py[n] * mu * (1 + phi * n)) / ((n + 1) * (1 + phi * mu))
    n++
    px.push(ax)
    py.push(ay)
    fx += ax
    fy += ay
  }
  return { px, py, n }
}

/** Joint score distribution `matrix[home][away]`, summing to 1. */
export function negativeBinomialMatrix(
  lambda: number,
  mu: number,
  rho: number,
  dispersion: number,
): number[][] {
  if (!(lambda > 0 && mu > 0 && Number.isFinite(lambda) && Number.isFinite(mu) && dispersion >= 0)) {
    throw new DixonColesError(
      'MODEL_BAD_INPUT',
      `Rates must be finite and positive (lambda=${lambda}, mu=${mu})`,
      {
        lambda,
        mu,
      },
    )
  }
  const r = clampRho(lambda, mu, rho).rho
  const { px, py, n } = negBinomPair(lambda, mu, dispersion)
  const m: number[][] = []
  for (let x = 0; x <= n; x++) m.push(py.map((q) => px[x] * q))
  m[0][0] *= Math.max(0, 1 - lambda * mu * r)
  m[0][1] *= Math.max(0, 1 + lambda * r)
  m[1][0] *= Math.max(0, 1 + mu * r)
  m[1][1] *= Math.max(0, 1 - r)
  let total = 0
  for (const row of m) for (const v of row) total += v
  for (const row of m) for (let y = 0; y < row.length; y++) row[y] /= total
  return m
}

/** Log-rate terms of λ and μ: the engine's (γ, α, β; φ and ρ are not per-team terms). */
export function explainNegativeBinomial(fit: NegativeBinomialFit, fixture: VariantFixture) {
  return ratingTerms(fit, fixture)
}

export function predictNegativeBinomial(
  fit: NegativeBinomialFit,
  fixture: VariantFixture,
): VariantForecast | null {
  const t = ratingTerms(fit, fixture)
  if (!t) return null
  const { lambda, mu } = ratesOf(t)
  const matrix = negativeBinomialMatrix(lambda, mu, fit.rho, fit.dispersion)
  return { lambda, mu, matrix, probabilities: matrixOutcomes(matrix) }
}
