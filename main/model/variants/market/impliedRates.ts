/**
 * Inverting the Dixon-Coles score model: the expected goals λ (home) and μ (away) that reproduce a market's
 * margin-free 1X2 probabilities (and, when quoted, its over 2.5 probability) for a given ρ.
 *
 * Forward model: P(x, y) = τ_{λ,μ,ρ}(x, y)·Pois(x; λ)·Pois(y; μ) (Dixon & Coles 1997, eq. 4.2), its 1X2 and
 * over 2.5 probabilities and their exact derivatives in η₁ = log λ, η₂ = log μ in O(N) (`marketMoments`).
 *
 * Solve: with 1X2 only, two equations P(H) = p_H, P(A) = p_A in two unknowns (P(D) follows), by Newton on η;
 * with over 2.5 as well, three equations in two unknowns by Gauss-Newton least squares (exact when the three
 * prices are consistent with the model). Steps are damped (backtracking on the residual norm, at most 1 in log
 * scale), so every start converges for probabilities the model can produce.
 */
import { DixonColesError, clampRho } from '../../dixonColes'
import type { Triple } from '../../metrics'

export interface MarketMoments {
  home: number
  draw: number
  away: number
  over25: number
  /** ∂/∂(log λ) and ∂/∂(log μ) of home, away and over 2.5. */
  dHome: [number, number]
  dAway: [number, number]
  dOver: [number, number]
}

/**
 * 1X2 and over 2.5 of the Dixon-Coles score distribution (on the infinite grid, summed until the Poisson
 * terms are below 1e-17) with their exact derivatives in log λ, log μ. O(N), no matrix:
 *   P₀(H) = Σ_x Pois(x; λ)·F_μ(x − 1), P₀(A) = Σ_y Pois(y; μ)·F_λ(y − 1)   (independent Poisson),
 * and the four τ adjustments (Dixon & Coles 1997, eq. 4.2) are ±D with D = λμρ·e^{−λ−μ}: 1-0 and 0-1 each
 * gain D, 0-0 and 1-1 each lose D, so P(H) = P₀(H) + D, P(A) = P₀(A) + D, P(D) = 1 − P(H) − P(A), and the
 * total-goals distribution is untouched: P(over 2.5) = 1 − e^{−s}(1 + s + s²/2), s = λ + μ.
 * Derivatives: ∂Pois(x; λ)/∂log λ = (x − λ)·Pois(x; λ), ∂F_μ(k)/∂log μ = −μ·Pois(k; μ),
 * ∂D/∂log λ = (1 − λ)·D, ∂D/∂log μ = (1 − μ)·D, ∂P(over)/∂log λ = λ·e^{−s}s²/2 (same for μ).
 * ρ outside the fixture's τ-region is clamped to its edge, as `scoreMatrix` does.
 */
export function marketMoments(lambda: number, mu: number, rho: number): MarketMoments {
  const out = new Float64Array(MOMENTS)
  evaluateMoments(lambda, mu, rho, out, true)
  return {
    home: out[HOME],
    draw: Math.max(0, 1 - out[HOME] - out[AWAY]),
    away: out[AWAY],
    over25: out[OVER],
    dHome: [out[H1], out[H2]],
    dAway: [out[A1], out[A2]],
    dOver: [out[O1], out[O2]],
  }
}

// Slots of a moments buffer: P(H), P(A), P(over 2.5), then ∂/∂log λ, ∂/∂log μ of each.
const HOME = 0
const AWAY = 1
const OVER = 2
const H1 = 3
const H2 = 4
const A1 = 5
const A2 = 6
const O1 = 7
const O2 = 8
const MOMENTS = 9

/**
 * {@link marketMoments} into `out` without allocating; with `derivatives` false only P(H), P(A) and P(over 2.5)
 * (the solver's trial points), computed by the very same operations, so the values are identical either way.
 */
function evaluateMoments(
  lambda: number,
  mu: number,
  rho: number,
  out: Float64Array,
  derivatives: boolean,
): void {
  if (!(lambda > 0 && mu > 0 && Number.isFinite(lambda) && Number.isFinite(mu) && Number.isFinite(rho))) {
    throw new DixonColesError(
      'MODEL_BAD_INPUT',
      `Score rates must be finite and positive (λ=${lambda}, μ=${mu}, ρ=${rho})`,
    )
  }
  // clampRho (../../dixonColes), inlined: no object per call
  const lo = Math.max(-1 / lambda, -1 / mu)
  const hi = Math.min(1, 1 / (lambda * mu))
  const r = rho < lo ? lo : rho > hi ? hi : rho
  let px = Math.exp(-lambda) // Pois(x; λ) at the current x
  let py = Math.exp(-mu)
  let fx = 0 // F_λ(x − 1)
  let fy = 0 // F_μ(x − 1)
  let home = 0
  let away = 0
  const top = Math.max(lambda, mu) + 5
  const e = Math.exp(-lambda - mu)
  const D = lambda * mu * r * e
  const sum = lambda + mu
  const under = e * (1 + sum + (sum * sum) / 2)
  if (!derivatives) {
    for (let x = 0; x < 1000; x++) {
      if (x > 0) {
        home += px * fy
        away += py * fx
      }
      if (x > top && px < 1e-17 && py < 1e-17) break
      fx += px
      fy += py
      px = (px * lambda) / (x + 1)
      py = (py * mu) / (x + 1)
    }
    out[HOME] = home + D
    out[AWAY] = away + D
    out[OVER] = 1 - under
    return
  }
  let pxPrev = 0 // Pois(x − 1; λ)
  let pyPrev = 0
  let h1 = 0
  let h2 = 0
  let a1 = 0
  let a2 = 0
  for (let x = 0; x < 1000; x++) {
    if (x > 0) {
      home += px * fy
      h1 += (x - lambda) * px * fy
      h2 -= px * mu * pyPrev
      away += py * fx
      a2 += (x - mu) * py * fx
      a1 -= py * lambda * pxPrev
    }
    if (x > top && px < 1e-17 && py < 1e-17) break
    fx += px
    fy += py
    pxPrev = px
    pyPrev = py
    px = (px * lambda) / (x + 1)
    py = (py * mu) / (x + 1)
  }
  const dOver = (e * sum * sum) / 2
  out[HOME] = home + D
  out[AWAY] = away + D
  out[OVER] = 1 - under
  out[H1] = h1 + (1 - lambda) * D
  out[H2] = h2 + (1 - mu) * D
  out[A1] = a1 + (1 - lambda) * D
  out[A2] = a2 + (1 - mu) * D
  out[O1] = lambda * dOver
  out[O2] = mu * dOver
}

export interface ImpliedRatesOptions {
  /** Margin-free probability of more than 2.5 goals; null/undefined: fit the 1X2 alone. */
  over25?: number | null
  /** Starting λ, μ (e.g. the previous match's answer). */
  start?: readonly [number, number]
  /** Stop when the residual norm is below this (default 1e-12). */
  tolerance?: number
  maxIterations?: number
}

export interface ImpliedRates {
  lambda: number
  mu: number
  rho: number
  /** Euclidean norm of (P(H) − p_H, P(A) − p_A[, P(>2.5) − p_over]) at the answer. */
  residual: number
  iterations: number
  /** True when the residual is below tolerance (1X2 only), or Gauss-Newton reached a stationary point (with totals). */
  converged: boolean
}

const isProbability = (v: number) => typeof v === 'number' && Number.isFinite(v) && v > 0 && v < 1

function checkProbabilities(p: Triple, over25: number | null | undefined): Triple {
  if (
    !Array.isArray(p) ||
    p.length !== 3 ||
    !p.every(isProbability) ||
    Math.abs(p[0] + p[1] + p[2] - 1) > 1e-6
  ) {
    throw new DixonColesError(
      'MODEL_BAD_INPUT',
      `Market 1X2 probabilities must be three numbers in (0, 1) summing to 1 (margin removed), got ${JSON.stringify(p)}`,
      { probabilities: p },
    )
  }
  if (over25 !== null && over25 !== undefined && !isProbability(over25)) {
    throw new DixonColesError('MODEL_BAD_INPUT', `Over 2.5 probability must be in (0, 1), got ${over25}`, {
      over25,
    })
  }
  const s = p[0] + p[1] + p[2]
  return [p[0] / s, p[1] / s, p[2] / s]
}

// The solver's buffers (one solve at a time: it never yields). `current`: the accepted point with its
// derivatives; `trial`: a trial point of the line search.
const current = new Float64Array(MOMENTS)
/** With totals: a step shorter than this (in log λ, log μ) ends the solve (see {@link impliedRates}). */
const STEP_TOLERANCE = 1e-9
const trial = new Float64Array(MOMENTS)

/**
 * λ, μ reproducing margin-free market probabilities under Dixon-Coles with the given ρ. Throws MODEL_BAD_INPUT
 * for probabilities that are not a valid triple, and MODEL_DEGENERATE when the solve does not converge.
 *
 * Performance (#23): no allocation per iteration; a trial point of the line search is evaluated without the
 * derivatives (recomputed, identically, once it is accepted); a trial point that rounds to the current point
 * (e + t·d = e in floating point) is not evaluated: its residual is the current one, which is no decrease, and
 * every smaller t rounds to it too.
 */
export function impliedRates(market: Triple, rho: number, options: ImpliedRatesOptions = {}): ImpliedRates {
  const p = checkProbabilities(market, options.over25)
  const over = options.over25 ?? null
  if (!Number.isFinite(rho) || !(rho < 1)) {
    throw new DixonColesError('MODEL_BAD_INPUT', `rho must be finite and < 1, got ${rho}`, { rho })
  }
  const tol = options.tolerance ?? 1e-12
  const maxIt = options.maxIterations ?? 60
  const withOver = over !== null
  const pOver = over ?? 0
  // Start: a typical total of 2.6 goals split by the favourite's edge (log λ/μ ≈ 2.4·(p_H − p_A) on real
  // leagues), or the caller's guess.
  let e1: number
  let e2: number
  if (options.start && options.start[0] > 0 && options.start[1] > 0) {
    e1 = Math.log(options.start[0])
    e2 = Math.log(options.start[1])
  } else {
    const s = 2.4 * (p[0] - p[2])
    e1 = Math.log(1.3) + s / 2
    e2 = Math.log(1.3) - s / 2
  }
  const m = current
  evaluateMoments(Math.exp(e1), Math.exp(e2), rho, m, true)
  // residuals (P(H) − p_H, P(A) − p_A[, P(>2.5) − p_over]) and their sum of squares
  let r0 = m[HOME] - p[0]
  let r1 = m[AWAY] - p[2]
  let r2 = withOver ? m[OVER] - pOver : 0
  let f = withOver ? r0 * r0 + r1 * r1 + r2 * r2 : r0 * r0 + r1 * r1
  let iterations = 0
  let stationary = false
  while (Math.sqrt(f) > tol && iterations < maxIt) {
    iterations++
    // Normal equations (JᵀJ)·d = −Jᵀr (the exact Newton step when J is square), tiny ridge for safety.
    let a11 = 0
    let a12 = 0
    let a22 = 0
    let b1 = 0
    let b2 = 0
    a11 += m[H1] * m[H1]
    a12 += m[H1] * m[H2]
    a22 += m[H2] * m[H2]
    b1 -= m[H1] * r0
    b2 -= m[H2] * r0
    a11 += m[A1] * m[A1]
    a12 += m[A1] * m[A2]
    a22 += m[A2] * m[A2]
    b1 -= m[A1] * r1
    b2 -= m[A2] * r1
    if (withOver) {
      a11 += m[O1] * m[O1]
      a12 += m[O1] * m[O2]
      a22 += m[O2] * m[O2]
      b1 -= m[O1] * r2
      b2 -= m[O2] * r2
    }
    if (withOver && b1 * b1 + b2 * b2 < 1e-30) {
      stationary = true
      break
    }
    const ridge = 1e-14 * (a11 + a22)
    a11 += ridge
    a22 += ridge
    const det = a11 * a22 - a12 * a12
    if (!(det > 0)) break
    let d1 = (a22 * b1 - a12 * b2) / det
    let d2 = (a11 * b2 - a12 * b1) / det
    const len2 = d1 * d1 + d2 * d2
    const len = len2 > 1 ? Math.hypot(d1, d2) : Math.sqrt(len2)
    if (len > 1) {
      d1 /= len
      d2 /= len
    }
    // With totals: a Gauss-Newton step shorter than STEP_TOLERANCE (in log λ, log μ) is stationary. Below it
    // the steps only chase rounding noise, and each such step ended in a line search of ~34 halvings that
    // found no decrease: most of the solve's time for a change in λ̂, μ̂ of ~1e-10 relative (#23).
    if (withOver && len < STEP_TOLERANCE) {
      stationary = true
      break
    }
    let accepted = false
    for (let t = 1; t > 1e-10; t *= 0.5) {
      const n1 = e1 + t * d1
      const n2 = e2 + t * d2
      if (t < 1 && n1 === e1 && n2 === e2) break // the current point again: no decrease, nor for a smaller t
      const full = t === 1 // the full step is usually accepted: evaluate its derivatives at once
      evaluateMoments(Math.exp(n1), Math.exp(n2), rho, trial, full)
      const t0 = trial[HOME] - p[0]
      const t1 = trial[AWAY] - p[2]
      const t2 = withOver ? trial[OVER] - pOver : 0
      const ft = withOver ? t0 * t0 + t1 * t1 + t2 * t2 : t0 * t0 + t1 * t1
      if (ft < f || (t === 1 && ft <= f)) {
        e1 = n1
        e2 = n2
        if (full) m.set(trial)
        else evaluateMoments(Math.exp(n1), Math.exp(n2), rho, m, true)
        r0 = t0
        r1 = t1
        r2 = t2
        // With totals the minimum is usually > 0: stop once the step no longer changes the fit.
        if (withOver && f - ft <= 1e-15 * f && t * len < 1e-10) stationary = true
        f = ft
        accepted = true
        break
      }
    }
    if (!accepted) {
      stationary = withOver
      break
    }
    if (stationary) break
  }
  const residual = Math.sqrt(f)
  const converged = residual <= tol || (withOver && (stationary || residual < 1e-6))
  if (!converged && residual > 1e-6) {
    throw new DixonColesError(
      'MODEL_DEGENERATE',
      `No λ, μ reproduce the market ${p.map((v) => v.toFixed(4)).join('/')} under Dixon-Coles with ρ = ${rho} ` +
        `(residual ${residual.toExponential(2)} after ${iterations} iterations).`,
      { probabilities: p, rho, residual },
    )
  }
  return {
    lambda: Math.exp(e1),
    mu: Math.exp(e2),
    rho: clampRho(Math.exp(e1), Math.exp(e2), rho).rho,
    residual,
    iterations,
    converged: true,
  }
}
