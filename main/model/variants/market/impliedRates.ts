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

/**
 * The second derivatives in log λ, log μ of P(H), P(A) and P(over 2.5) (the exact Newton step of the
 * least-squares solve needs them): [∂²/∂η₁², ∂²/∂η₁∂η₂, ∂²/∂η₂²] of each. Exported for the tests.
 */
export function marketSecondDerivatives(
  lambda: number,
  mu: number,
  rho: number,
): { home: [number, number, number]; away: [number, number, number]; over25: [number, number, number] } {
  const out = new Float64Array(MOMENTS)
  evaluateMoments(lambda, mu, rho, out, true)
  return {
    home: [out[H11], out[H12], out[H22]],
    away: [out[A11], out[A12], out[A22]],
    over25: [out[O11], out[O12], out[O22]],
  }
}

// Slots of a moments buffer: P(H), P(A), P(over 2.5), then ∂/∂log λ, ∂/∂log μ of each, then the second
// derivatives ∂²/∂η₁², ∂²/∂η₁∂η₂, ∂²/∂η₂² of each.
const HOME = 0
const AWAY = 1
const OVER = 2
const H1 = 3
const H2 = 4
const A1 = 5
const A2 = 6
const O1 = 7
const O2 = 8
const H11 = 9
const H12 = 10
const H22 = 11
const A11 = 12
const A12 = 13
const A22 = 14
const O11 = 15
const O12 = 16
const O22 = 17
// ∂D/∂ρ = λμe^{−λ−μ} (0 where ρ is clamped) and ∂²D/∂η₁∂ρ, ∂²D/∂η₂∂ρ: the only dependence on ρ (`rhoSlope`)
const DR = 18
const DR1 = 19
const DR2 = 20
const MOMENTS = 21

/** The sums stop before x = 1000 (far beyond any rate a price implies). */
const MAX_X = 1000
/** 1/x for x = 1 .. MAX_X: the Poisson recursion multiplies by λ/(x + 1) without a division in its chain (#23). */
const RECIPROCAL = new Float64Array(MAX_X + 1)
for (let x = 1; x <= MAX_X; x++) RECIPROCAL[x] = 1 / x

/**
 * {@link marketMoments} into `out` without allocating; with `derivatives` false only P(H), P(A) and P(over 2.5)
 * (the solver's trial points), computed by the very same operations, so the values are identical either way.
 * With `derivatives` the second derivatives too (slots H11 ..):
 *   ∂²P₀(H)/∂η₁² = Σ_x [(x − λ)² − λ]·Pois(x; λ)·F_μ(x − 1), ∂²P₀(H)/∂η₁∂η₂ = −μ·Σ_x (x − λ)·Pois(x; λ)·Pois(x − 1; μ),
 *   ∂²P₀(H)/∂η₂² = −μ·Σ_x (x − μ)·Pois(x; λ)·Pois(x − 1; μ) (and P(A) mirrored), ∂²D/∂η₁² = ((1 − λ)² − λ)·D,
 *   ∂²D/∂η₁∂η₂ = (1 − λ)(1 − μ)·D; with g(s) = e^{−s}s²/2, g′(s) = e^{−s}(s − s²/2):
 *   ∂²P(over)/∂η₁² = λg + λ²g′, ∂²P(over)/∂η₁∂η₂ = λμg′.
 * Performance (#23): Pois(x + 1) = Pois(x)·(λ·(1/(x + 1))) with 1/(x + 1) from a table, so the recursion's
 * dependency chain is one multiplication (it was a multiplication and a division), and e^{−λ−μ} = e^{−λ}·e^{−μ}.
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
  const ex = Math.exp(-lambda)
  const ey = Math.exp(-mu)
  let px = ex // Pois(x; λ) at the current x
  let py = ey
  let fx = 0 // F_λ(x − 1)
  let fy = 0 // F_μ(x − 1)
  let home = 0
  let away = 0
  const top = Math.max(lambda, mu) + 5
  const e = ex * ey
  const D = lambda * mu * r * e
  const sum = lambda + mu
  const under = e * (1 + sum + (sum * sum) / 2)
  if (!derivatives) {
    for (let x = 0; x < MAX_X; x++) {
      if (x > 0) {
        home += px * fy
        away += py * fx
      }
      if (x > top && px < 1e-17 && py < 1e-17) break
      fx += px
      fy += py
      const inv = RECIPROCAL[x + 1]
      px *= lambda * inv
      py *= mu * inv
    }
    out[HOME] = home + D
    out[AWAY] = away + D
    out[OVER] = 1 - under
    return
  }
  let pxPrev = 0 // Pois(x − 1; λ)
  let pyPrev = 0
  // P₀(H) terms t = Pois(x; λ)·F_μ(x − 1): Σ(x − λ)t, Σ(x − λ)²t; u = Pois(x; λ)·Pois(x − 1; μ): Σu, Σ(x − λ)u,
  // Σ(x − μ)u; and the same mirrored for P₀(A)
  let h1 = 0
  let h11 = 0
  let u0 = 0
  let u1 = 0
  let u2 = 0
  let a2 = 0
  let a22 = 0
  let v0 = 0
  let v1 = 0
  let v2 = 0
  for (let x = 0; x < MAX_X; x++) {
    if (x > 0) {
      const dl = x - lambda
      const dm = x - mu
      const t = px * fy
      home += t
      h1 += dl * t
      h11 += dl * dl * t
      const u = px * pyPrev
      u0 += u
      u1 += dl * u
      u2 += dm * u
      const ta = py * fx
      away += ta
      a2 += dm * ta
      a22 += dm * dm * ta
      const v = py * pxPrev
      v0 += v
      v1 += dl * v
      v2 += dm * v
    }
    if (x > top && px < 1e-17 && py < 1e-17) break
    fx += px
    fy += py
    pxPrev = px
    pyPrev = py
    const inv = RECIPROCAL[x + 1]
    px *= lambda * inv
    py *= mu * inv
  }
  const g = (e * sum * sum) / 2 // ∂P(over)/∂s
  const g1 = e * (sum - (sum * sum) / 2) // ∂²P(over)/∂s²
  const l1 = 1 - lambda
  const m1 = 1 - mu
  out[HOME] = home + D
  out[AWAY] = away + D
  out[OVER] = 1 - under
  out[H1] = h1 + l1 * D
  out[H2] = -mu * u0 + m1 * D
  out[A1] = -lambda * v0 + l1 * D
  out[A2] = a2 + m1 * D
  out[O1] = lambda * g
  out[O2] = mu * g
  const d11 = (l1 * l1 - lambda) * D
  const d12 = l1 * m1 * D
  const d22 = (m1 * m1 - mu) * D
  out[H11] = h11 - lambda * home + d11
  out[H12] = -mu * u1 + d12
  out[H22] = -mu * u2 + d22
  out[A11] = -lambda * v1 + d11
  out[A12] = -lambda * v2 + d12
  out[A22] = a22 - mu * away + d22
  out[O11] = lambda * g + lambda * lambda * g1
  out[O12] = lambda * mu * g1
  out[O22] = mu * g + mu * mu * g1
  const dD = r === rho ? lambda * mu * e : 0
  out[DR] = dD
  out[DR1] = l1 * dD
  out[DR2] = m1 * dD
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
  /**
   * ∂log λ̂/∂ρ and ∂log μ̂/∂ρ (implicit function theorem, −H⁻¹·∂(Jᵀr)/∂ρ, from the last point with derivatives,
   * at most 1e-6 from the answer): the answer at a nearby ρ′ is ≈ e^{log λ̂ + (ρ′ − ρ)·slope}, a start that is
   * one Newton step closer than the answer itself (#23). 0 where ρ is clamped to the τ-region's edge.
   */
  rhoSlope: [number, number]
}

const isProbability = (v: number) => typeof v === 'number' && Number.isFinite(v) && v > 0 && v < 1

/** True when `p` is a margin-free triple and `over25` absent or a probability (what {@link impliedRates} accepts). */
function validPrices(p: Triple, over25: number | null | undefined): boolean {
  return (
    Array.isArray(p) &&
    p.length === 3 &&
    isProbability(p[0]) &&
    isProbability(p[1]) &&
    isProbability(p[2]) &&
    Math.abs(p[0] + p[1] + p[2] - 1) <= 1e-6 &&
    (over25 === null || over25 === undefined || isProbability(over25))
  )
}

/** {@link validPrices}, as the error that names what is wrong. */
function checkProbabilities(p: Triple, over25: number | null | undefined): void {
  if (validPrices(p, over25)) return
  if (!validPrices(p, null)) {
    throw new DixonColesError(
      'MODEL_BAD_INPUT',
      `Market 1X2 probabilities must be three numbers in (0, 1) summing to 1 (margin removed), got ${JSON.stringify(p)}`,
      { probabilities: p },
    )
  }
  throw new DixonColesError('MODEL_BAD_INPUT', `Over 2.5 probability must be in (0, 1), got ${over25}`, {
    over25,
  })
}

// The solver's buffers (one solve at a time: it never yields): the accepted point with its derivatives and a
// trial point of the line search, which swap roles when a full step is accepted.
const current = new Float64Array(MOMENTS)
/** With totals: a step shorter than this (in log λ, log μ) ends the solve (see {@link impliedRates}). */
const STEP_TOLERANCE = 1e-9
/**
 * With totals: an accepted full Newton step shorter than this ends the solve. Newton converges quadratically,
 * so the next step would be of the order of its square (≈ 1e-12), far below {@link STEP_TOLERANCE}: its point
 * is evaluated without derivatives and not iterated from (#23; the test 'is stationary at the answer'
 * checks the step at every answer on real prices).
 */
const FINAL_STEP = 1e-6
const trial = new Float64Array(MOMENTS)

/**
 * Starting point with totals and no caller's guess: the goal total s that reproduces the over 2.5 price alone
 * (1 − e^{−s}(1 + s + s²/2) = p_over, a few Newton steps in s), split by the favourite's edge e = p_H − p_A
 * (log λ/μ ≈ 1.75·e − 0.55·e·|e| + e³ on real leagues). Writes log λ, log μ into `eta`.
 */
function totalsStart(pHome: number, pAway: number, pOver: number, eta: Float64Array): void {
  const target = 1 - pOver // P(at most 2 goals) = e^{−s}(1 + s + s²/2), decreasing in s
  let s = 2.6
  for (let i = 0; i < 6; i++) {
    const e = Math.exp(-s)
    const f = e * (1 + s + (s * s) / 2) - target
    const step = f / ((e * s * s) / 2) // f / −f′
    const next = s + step
    s = next < 0.5 * s ? 0.5 * s : next > 2 * s ? 2 * s : next
    if (Math.abs(step) < 1e-3 * s) break
  }
  const e = pHome - pAway
  // log λ/μ against the favourite's edge, least squares over the answers on E0, E1, SP1 and D1 2018-2026
  // (RMS error 0.04; the 1X2 start's 2.4·(p_H − p_A): 0.22)
  const d = e * (1.75 - 0.55 * Math.abs(e) + e * e)
  const share = 1 / (1 + Math.exp(-d)) // λ/(λ + μ) with λ/μ = e^d
  eta[0] = Math.log(s * share)
  eta[1] = Math.log(s * (1 - share))
}
const startEta = new Float64Array(2)

/**
 * λ, μ reproducing margin-free market probabilities under Dixon-Coles with the given ρ. Throws MODEL_BAD_INPUT
 * for probabilities that are not a valid triple, and MODEL_DEGENERATE when the solve does not converge.
 *
 * With totals the least-squares minimum of ½‖r‖² is found by Newton's method on it: Hessian JᵀJ + Σ rᵢ∇²rᵢ
 * (exact second derivatives, {@link evaluateMoments}); where that is not positive definite (far from the
 * minimum) the Gauss-Newton step JᵀJ. Gauss-Newton alone converges only linearly at a minimum with residual
 * (the three prices are never exactly consistent): ~5 iterations from the answer at a neighbouring ρ, where
 * Newton takes 2 (#23).
 *
 * Performance (#23): no allocation per iteration; a trial point of the line search is evaluated without the
 * derivatives (recomputed, identically, once it is accepted); a trial point that rounds to the current point
 * (e + t·d = e in floating point) is not evaluated: its residual is the current one, which is no decrease, and
 * every smaller t rounds to it too.
 */
export function impliedRates(market: Triple, rho: number, options: ImpliedRatesOptions = {}): ImpliedRates {
  checkProbabilities(market, options.over25)
  const over = options.over25 ?? null
  if (!Number.isFinite(rho) || !(rho < 1)) {
    throw new DixonColesError('MODEL_BAD_INPUT', `rho must be finite and < 1, got ${rho}`, { rho })
  }
  const start = options.start
  const guess = !!start && start[0] > 0 && start[1] > 0
  const a = solve(
    market,
    over,
    rho,
    guess ? Math.log(start[0]) : NaN,
    guess ? Math.log(start[1]) : NaN,
    options.tolerance ?? 1e-12,
    options.maxIterations ?? 60,
  )
  const residual = a[RESIDUAL]
  if (a[CONVERGED] === 0) {
    const s = market[0] + market[1] + market[2]
    const p = [market[0] / s, market[1] / s, market[2] / s]
    throw new DixonColesError(
      'MODEL_DEGENERATE',
      `No λ, μ reproduce the market ${p.map((v) => v.toFixed(4)).join('/')} under Dixon-Coles with ρ = ${rho} ` +
        `(residual ${residual.toExponential(2)} after ${a[ITERATIONS]} iterations).`,
      { probabilities: p, rho, residual },
    )
  }
  const lambda = a[LAMBDA]
  const mu = a[MU]
  return {
    lambda,
    mu,
    rho: clampRho(lambda, mu, rho).rho,
    residual,
    iterations: a[ITERATIONS],
    converged: true,
    rhoSlope: [a[SLOPE1], a[SLOPE2]],
  }
}

/**
 * {@link impliedRates} for a caller that inverts many prices (the market variant, #23): no result object, and
 * null instead of an exception for prices it would refuse or cannot invert. The start is given as log λ, log μ
 * (NaN: none). The answer is in a buffer that the next call overwrites: log λ, log μ, ∂/∂ρ of each
 * (`rhoSlope`), then at [7], [8] λ and μ (= e^{log λ}, e^{log μ}, as {@link impliedRates} returns them).
 */
export function impliedRatesInto(
  market: Triple,
  over25: number | null,
  rho: number,
  startEta1: number,
  startEta2: number,
): Float64Array | null {
  if (!validPrices(market, over25) || !Number.isFinite(rho) || !(rho < 1)) return null
  let a: Float64Array
  try {
    a = solve(market, over25, rho, startEta1, startEta2, 1e-12, 60)
  } catch (error) {
    if (error instanceof DixonColesError) return null // rates the moments refuse (overflow)
    throw error
  }
  return a[CONVERGED] === 0 ? null : a
}

// Slots of the answer buffer ({@link impliedRatesInto}'s callers read the first four and λ, μ by name)
export const ETA1 = 0
export const ETA2 = 1
export const SLOPE1 = 2
export const SLOPE2 = 3
const RESIDUAL = 4
const ITERATIONS = 5
const CONVERGED = 6
export const LAMBDA = 7
export const MU = 8
const answer = new Float64Array(9)

/** The solve of {@link impliedRates} on checked prices, into `answer`. Start log λ, log μ NaN: the default. */
function solve(
  market: Triple,
  over: number | null,
  rho: number,
  startEta1: number,
  startEta2: number,
  tol: number,
  maxIt: number,
): Float64Array {
  const sum3 = market[0] + market[1] + market[2]
  const pHome = market[0] / sum3
  const pAway = market[2] / sum3
  const withOver = over !== null
  const pOver = over ?? 0
  // Start: the caller's guess; or, with totals, the total the over 2.5 price implies (`totalsStart`); or a
  // typical total of 2.6 goals split by the favourite's edge (log λ/μ ≈ 2.4·(p_H − p_A) on real leagues).
  let e1: number
  let e2: number
  if (Number.isFinite(startEta1) && Number.isFinite(startEta2)) {
    e1 = startEta1
    e2 = startEta2
  } else if (withOver) {
    totalsStart(pHome, pAway, pOver, startEta)
    e1 = startEta[0]
    e2 = startEta[1]
  } else {
    const s = 2.4 * (pHome - pAway)
    e1 = Math.log(1.3) + s / 2
    e2 = Math.log(1.3) - s / 2
  }
  // `m`: the accepted point with its derivatives; `next`: the trial point (the buffers swap on acceptance)
  let m = current
  let next = trial
  let lam = Math.exp(e1)
  let mu = Math.exp(e2)
  evaluateMoments(lam, mu, rho, m, true)
  // residuals (P(H) − p_H, P(A) − p_A[, P(>2.5) − p_over]) and their sum of squares
  let r0 = m[HOME] - pHome
  let r1 = m[AWAY] - pAway
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
    let newton = false
    if (withOver) {
      a11 += m[O1] * m[O1]
      a12 += m[O1] * m[O2]
      a22 += m[O2] * m[O2]
      b1 -= m[O1] * r2
      b2 -= m[O2] * r2
      if (b1 * b1 + b2 * b2 < 1e-30) {
        stationary = true
        break
      }
      // the full Hessian of ½‖r‖²: JᵀJ + Σ rᵢ∇²rᵢ, used when positive definite
      const s11 = a11 + r0 * m[H11] + r1 * m[A11] + r2 * m[O11]
      const s12 = a12 + r0 * m[H12] + r1 * m[A12] + r2 * m[O12]
      const s22 = a22 + r0 * m[H22] + r1 * m[A22] + r2 * m[O22]
      if (s11 > 0 && s11 * s22 - s12 * s12 > 1e-6 * (s11 * s22)) {
        a11 = s11
        a12 = s12
        a22 = s22
        newton = true
      }
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
    // With totals: a step shorter than STEP_TOLERANCE (in log λ, log μ) is stationary. Below it the steps only
    // chase rounding noise, and each such step ended in a line search of ~34 halvings that found no decrease
    // (#23).
    if (withOver && len < STEP_TOLERANCE) {
      stationary = true
      break
    }
    // A short full Newton step is the last one (see FINAL_STEP): its point needs no derivatives.
    const last = newton && len < FINAL_STEP
    let accepted = false
    for (let t = 1; t > 1e-10; t *= 0.5) {
      const n1 = e1 + t * d1
      const n2 = e2 + t * d2
      if (t < 1 && n1 === e1 && n2 === e2) break // the current point again: no decrease, nor for a smaller t
      const full = t === 1 && !last // the full step is usually accepted: evaluate its derivatives at once
      const nl = Math.exp(n1)
      const nm = Math.exp(n2)
      evaluateMoments(nl, nm, rho, next, full)
      const t0 = next[HOME] - pHome
      const t1 = next[AWAY] - pAway
      const t2 = withOver ? next[OVER] - pOver : 0
      const ft = withOver ? t0 * t0 + t1 * t1 + t2 * t2 : t0 * t0 + t1 * t1
      // (the last step also when ½‖r‖² rose by no more than its rounding: near a flat minimum the rounding of
      // ‖r‖² hides the decrease of a step of ~1e-8 that the exact gradient and Hessian get right)
      if (ft < f || (t === 1 && (ft <= f || (last && ft - f <= 1e-12 * f)))) {
        e1 = n1
        e2 = n2
        lam = nl
        mu = nm
        r0 = t0
        r1 = t1
        r2 = t2
        if (last && t === 1) {
          f = ft
          stationary = true
          accepted = true
          break
        }
        if (full) {
          const swap = m
          m = next
          next = swap
        } else evaluateMoments(nl, nm, rho, m, true)
        // With totals the minimum is usually > 0: stop once the step no longer changes the fit.
        if (withOver && f - ft <= 1e-15 * f && t * len < 1e-10) stationary = true
        f = ft
        accepted = true
        break
      }
      // a short Newton step that does not decrease ½‖r‖² is below what its rounding can resolve: stationary
      // (the halvings after it found no decrease either, or one by rounding luck, at up to ~30 evaluations)
      if (last) break
    }
    if (!accepted) {
      stationary = withOver
      break
    }
    if (stationary) break
  }
  const residual = Math.sqrt(f)
  const a = answer
  a[ETA1] = e1
  a[ETA2] = e2
  a[LAMBDA] = lam
  a[MU] = mu
  a[RESIDUAL] = residual
  a[ITERATIONS] = iterations
  a[CONVERGED] = residual <= tol || (withOver && (stationary || residual < 1e-6)) || residual <= 1e-6 ? 1 : 0
  rhoSlope(m, pHome, pAway, withOver ? pOver : NaN, a)
  return a
}

/**
 * ∂η/∂ρ at the point of `m` (with derivatives): −H⁻¹·∂g/∂ρ for g = Jᵀr, H = JᵀJ + Σ rᵢ∇²rᵢ. Only D depends on ρ:
 * ∂r_H/∂ρ = ∂r_A/∂ρ = ∂D/∂ρ = λμe^{−λ−μ}, ∂²D/∂η∂ρ = (1 − λ, 1 − μ)·∂D/∂ρ (0 where ρ is clamped).
 */
function rhoSlope(m: Float64Array, pHome: number, pAway: number, pOver: number, a: Float64Array): void {
  const withOver = !Number.isNaN(pOver)
  const r0 = m[HOME] - pHome
  const r1 = m[AWAY] - pAway
  const r2 = withOver ? m[OVER] - pOver : 0
  const o1 = withOver ? m[O1] : 0
  const o2 = withOver ? m[O2] : 0
  const h11 = m[H1] * m[H1] + m[A1] * m[A1] + o1 * o1 + r0 * m[H11] + r1 * m[A11] + r2 * m[O11]
  const h12 = m[H1] * m[H2] + m[A1] * m[A2] + o1 * o2 + r0 * m[H12] + r1 * m[A12] + r2 * m[O12]
  const h22 = m[H2] * m[H2] + m[A2] * m[A2] + o2 * o2 + r0 * m[H22] + r1 * m[A22] + r2 * m[O22]
  const g1 = m[DR1] * (r0 + r1) + (m[H1] + m[A1]) * m[DR]
  const g2 = m[DR2] * (r0 + r1) + (m[H2] + m[A2]) * m[DR]
  const det = h11 * h22 - h12 * h12
  const ok = det > 0 && h11 > 0
  a[SLOPE1] = ok ? -(h22 * g1 - h12 * g2) / det : 0
  a[SLOPE2] = ok ? -(h11 * g2 - h12 * g1) / det : 0
}
