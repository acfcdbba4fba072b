/**
 * Constrained Newton ascent of the Dixon-Coles log-likelihood (Dixon & Coles 1997, eq. 4.2, with the
 * time weights of section 4.5) on any `MatchStats`: the engine's fit and the pseudo-goal variants (whose
 * augmented statistics are the same objective with larger Σφ, Σφx, Σφy) share this one solver.
 *
 * Constraint Σα = 0 by elimination: the free parameters are u = (α_0..α_{K−2}, β_0..β_{K−1}, γ?, ρ?)
 * and α_{K−1} = −Σ_{i<K−1} α_i, i.e. θ = Z·u with Z's α columns e_i − e_{K−1}. Gradient and Hessian
 * in u are Zᵀg and ZᵀHZ. Each step solves (−ZᵀHZ + δI)·d = Zᵀg by Cholesky (δ = 0 for a pure
 * Newton step; Levenberg damping δ > 0 when −ZᵀHZ is not positive definite), then backtracks
 * (Armijo) on the log-likelihood. The log-likelihood is −∞ as soon as any τ of any match in the
 * window is ≤ 0 (all four low scores, whatever the match's actual score, so the fitted model is a
 * proper distribution for every pairing in the data), so every accepted iterate keeps ρ strictly
 * inside the interval of `rhoInterval` for the current λ, μ — the data-driven region, not a box.
 *
 * When the maximum lies on the edge of that region (no 0-0/1-1 in the data, or a small sample whose
 * best ρ is more extreme than its most lopsided pairing allows), Newton keeps aiming outside. Then
 * the solver (with `barrierPath`) follows a log-barrier path (pseudo-weight b on all four low-score
 * cells of every pairing, b → 1e-6 × mean match weight), which converges to the constrained maximum
 * from inside, with several binding pairings at once if need be.
 */
import { logLikelihood, logLikelihoodDerivatives } from './likelihood'
import { SpdSolver } from './linalg'
import type { MatchStats } from './stats'

/** Data-based starting point: log scoring/conceding rates relative to the league, ρ = 0. */
export function defaultStart(s: MatchStats, gammaFree: boolean): Float64Array {
  const k = s.nTeams
  const theta = new Float64Array(2 * k + 2)
  const scored = new Float64Array(k)
  const conceded = new Float64Array(k)
  const played = new Float64Array(k)
  let hx = 0
  let hy = 0
  let total = 0
  let weight = 0
  for (let g = 0; g < s.nGroups; g++) {
    const h = s.home[g]
    const a = s.away[g]
    scored[h] += s.sx[g]
    conceded[h] += s.sy[g]
    scored[a] += s.sy[g]
    conceded[a] += s.sx[g]
    played[h] += s.sw[g]
    played[a] += s.sw[g]
    if (!s.neutral[g]) {
      hx += s.sx[g]
      hy += s.sy[g]
    }
    total += s.sx[g] + s.sy[g]
    weight += 2 * s.sw[g]
  }
  const rate = total / weight
  const gamma = gammaFree && hx > 0 && hy > 0 ? Math.log(hx / hy) : 0
  const awayRate = gammaFree ? rate * Math.exp(-gamma / 2) : rate
  let mean = 0
  for (let i = 0; i < k; i++) {
    // (a team that never scored or conceded has a rating only under a prior: start it from half a goal)
    theta[i] = Math.log((scored[i] || 0.5) / played[i] / rate)
    mean += theta[i]
    theta[k + i] = Math.log((conceded[i] || 0.5) / played[i] / rate) + Math.log(awayRate)
  }
  for (let i = 0; i < k; i++) theta[i] -= mean / k
  theta[2 * k] = gamma
  return theta
}

/** Reduced (constrained) coordinates: which θ entry each free parameter u_r moves (α_{K−1} eliminated). */
export function freeIndices(k: number, gammaFree: boolean, rhoFree: boolean): Int32Array {
  const idx: number[] = []
  for (let i = 0; i < k - 1; i++) idx.push(i)
  for (let i = 0; i < k; i++) idx.push(k + i)
  if (gammaFree) idx.push(2 * k)
  if (rhoFree) idx.push(2 * k + 1)
  return Int32Array.from(idx)
}

export interface ConstrainedNewtonOptions {
  /** γ is estimated (else held at 0: every match at a neutral venue). */
  gammaFree: boolean
  /** ρ is estimated (else held at 0: independent Poisson, or no low score in the data). */
  rhoFree: boolean
  /** Newton steps per stage (default 100). */
  maxIterations?: number
  /** Converged when ‖Zᵀg‖ < tolerance (default 1e-8). */
  tolerance?: number
  /**
   * When ρ is free and Newton keeps aiming outside the τ-region, follow the log-barrier path to the
   * constrained maximum on its edge (default true). false: plain damped Newton throughout, which stalls
   * (converged: false) short of a maximum on the edge.
   */
  barrierPath?: boolean
}

export interface ConstrainedNewtonResult {
  /** θ = (α_0..α_{K−1}, β_0..β_{K−1}, γ, ρ), Σα = 0; γ and ρ are 0 when not free. */
  theta: Float64Array
  /** ℓ(θ) on the given statistics (never the barrier objective). */
  logLikelihood: number
  /** ‖Zᵀg‖ at θ (on the edge: of the final barrier problem). */
  gradientNorm: number
  /** Newton steps over all stages. */
  iterations: number
  converged: boolean
  /** θ is the constrained maximum on the edge of the τ-region (the barrier path's answer). */
  onEdge: boolean
  /** Free-parameter indices into θ, the row order of `information`. */
  freeIndices: Int32Array
  /** Observed information −ZᵀHZ at θ (on the edge: of the final barrier problem), row-major m×m. */
  information: Float64Array
}

/**
 * Maximise ℓ on `stats` from `theta0` (copied; γ and ρ set to 0 when they are not free) subject to
 * Σα = 0 and every τ > 0 (see the file comment). Non-convergence is reported, never thrown.
 */
export function solveConstrainedNewton(
  stats: MatchStats,
  theta0: Float64Array,
  options: ConstrainedNewtonOptions,
): ConstrainedNewtonResult {
  const { gammaFree, rhoFree } = options
  const maxIterations = options.maxIterations ?? 100
  const tolerance = options.tolerance ?? 1e-8
  const s = stats
  const k = s.nTeams
  const P = 2 * k + 2
  const free = freeIndices(k, gammaFree, rhoFree)
  const m = free.length
  const start = Float64Array.from(theta0)
  if (!gammaFree) start[2 * k] = 0
  if (!rhoFree) start[2 * k + 1] = 0
  const work: Workspace = {
    trial: new Float64Array(P),
    trialRates: new Float64Array(2 * s.nGroups),
    grad: new Float64Array(P),
    hess: new Float64Array(P * P),
    gr: new Float64Array(m),
    A: new Float64Array(m * m),
    d: new Float64Array(m),
    solver: new SpdSolver(m),
  }

  const detectEdge = rhoFree && options.barrierPath !== false
  let res = newton(s, k, free, start, work, maxIterations, tolerance, detectEdge)
  let iterations = res.iterations
  let onEdge = false
  if (res.status === 'edge') {
    // The maximum is on (or very near) the edge of the τ-region. Follow the log-barrier path
    //   max ℓ(θ) + b·Σ_g Σ_cells log τ_cell(g),  b = (1e-2, 1e-3, …, 1e-6) × mean match weight
    // which is the likelihood with a pseudo-weight b added to all four low-score cells of every
    // pairing, so the same exact derivatives apply. Every iterate stays strictly inside, several
    // binding pairings at once are handled, and b → 0 converges to the constrained maximum.
    const barrier: MatchStats = {
      ...s,
      c00: new Float64Array(s.nGroups),
      c01: new Float64Array(s.nGroups),
      c10: new Float64Array(s.nGroups),
      c11: new Float64Array(s.nGroups),
    }
    let meanWeight = 0
    for (let g = 0; g < s.nGroups; g++) meanWeight += s.sw[g]
    meanWeight /= s.nMatches
    for (const bRel of BARRIER_PATH) {
      const b = bRel * meanWeight // relative to the data's own weight scale (ξ > 0 shrinks it)
      for (let g = 0; g < s.nGroups; g++) {
        barrier.c00[g] = s.c00[g] + b
        barrier.c01[g] = s.c01[g] + b
        barrier.c10[g] = s.c10[g] + b
        barrier.c11[g] = s.c11[g] + b
      }
      res = newton(barrier, k, free, res.theta, work, maxIterations, tolerance, false)
      iterations += res.iterations
      if (res.status !== 'converged') break
    }
    // False alarm (the maximum is inside)? Then plain Newton from here converges; if it heads for the
    // edge again, the barrier solution is the answer.
    const polish = newton(s, k, free, res.theta, work, maxIterations, tolerance, true)
    iterations += polish.iterations
    if (polish.status === 'converged') {
      res = polish
    } else {
      onEdge = true
      // Recompute the barrier problem's derivatives at its solution (information, gradient figure) and
      // report the plain log-likelihood there.
      res = newton(barrier, k, free, res.theta, work, 0, tolerance, false)
      res.ll = logLikelihood(s, res.theta)
    }
  }
  return {
    theta: res.theta,
    logLikelihood: res.ll,
    gradientNorm: res.gnorm,
    iterations,
    converged: res.status === 'converged',
    onEdge,
    freeIndices: free,
    information: work.A,
  }
}

/**
 * Barrier weights, largest first. Each stage is warm-started from the previous one (7-12 Newton
 * steps each in tests); at the last, b = 1e-6, the binding τ is ~1e-7 and the gap to the exact
 * constrained maximum is at most b per barrier term. Smaller b made the Hessian too ill-conditioned
 * (a stage at 1e-7 needed ~46 steps, 1e-8 stalled at |grad| ~ 1e-6).
 */
const BARRIER_PATH = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6]

interface Workspace {
  trial: Float64Array
  /** λ, μ of every group at `trial`, written by the line search's `logLikelihood`. */
  trialRates: Float64Array
  grad: Float64Array
  hess: Float64Array
  gr: Float64Array
  A: Float64Array
  d: Float64Array
  solver: SpdSolver
}

interface NewtonResult {
  theta: Float64Array
  ll: number
  gnorm: number
  iterations: number
  /** 'edge': Newton kept aiming outside the τ-region (only reported when `detectEdge`). */
  status: 'converged' | 'stalled' | 'edge'
}

/**
 * gr = Zᵀg, A = −ZᵀHZ for the elimination α_{K−1} = −Σα_free (the first K−1 reduced coordinates are α).
 */
function reduce(
  k: number,
  free: Int32Array,
  grad: Float64Array,
  hess: Float64Array,
  gr: Float64Array,
  A: Float64Array,
): void {
  const P = 2 * k + 2
  const m = free.length
  const L = k - 1
  const nA = k - 1
  const rowL = L * P
  for (let r = 0; r < m; r++) {
    const fr = free[r]
    gr[r] = r < nA ? grad[fr] - grad[L] : grad[fr]
  }
  for (let r = 0; r < m; r++) {
    const fr = free[r]
    const rowR = fr * P
    for (let c = r; c < m; c++) {
      const fc = free[c]
      let v = hess[rowR + fc]
      if (r < nA) v -= hess[rowL + fc]
      if (c < nA) v -= hess[rowR + L]
      if (r < nA && c < nA) v += hess[rowL + L]
      A[r * m + c] = -v
      A[c * m + r] = -v
    }
  }
}

/** out = θ(base + t·d): the free entries moved, α_{K−1} = −Σα_free kept. */
function applyStep(
  k: number,
  free: Int32Array,
  base: Float64Array,
  d: Float64Array,
  t: number,
  out: Float64Array,
) {
  out.set(base)
  const nA = k - 1
  let alphaShift = 0
  for (let r = 0; r < free.length; r++) {
    out[free[r]] += t * d[r]
    if (r < nA) alphaShift += t * d[r]
  }
  out[k - 1] -= alphaShift
}

/**
 * Damped Newton ascent on `stats` from `start` in the reduced coordinates `free`. On return
 * `work.A` holds −ZᵀHZ and `work.gr` holds Zᵀg at the returned point.
 */
function newton(
  stats: MatchStats,
  k: number,
  free: Int32Array,
  start: Float64Array,
  work: Workspace,
  maxIterations: number,
  tolerance: number,
  detectEdge: boolean,
): NewtonResult {
  const { grad, hess, gr, A, d, solver } = work
  const m = free.length
  let theta: Float64Array = Float64Array.from(start)
  let trial = work.trial
  let ll = logLikelihoodDerivatives(stats, theta, grad, hess)
  reduce(k, free, grad, hess, gr, A)
  let gnorm = norm(gr)
  let iterations = 0
  let infeasibleStreak = 0
  while (gnorm >= tolerance) {
    if (iterations >= maxIterations) return { theta, ll, gnorm, iterations, status: 'stalled' }
    let maxDiag = 0
    for (let r = 0; r < m; r++) maxDiag = Math.max(maxDiag, Math.abs(A[r * m + r]))
    // Newton step first; if no step along it is acceptable, damp harder (towards steepest ascent).
    let accepted = false
    let fullStepInfeasible = false
    let shift = 0
    for (let attempt = 0; attempt < 6 && !accepted; attempt++) {
      // Levenberg: raise the shift until −ZᵀHZ + shift·I is positive definite.
      while (!solver.factor(A, shift)) {
        shift = shift === 0 ? 1e-8 * (maxDiag + 1) : shift * 10
        if (shift > 1e12 * (maxDiag + 1)) break
      }
      if (shift > 1e12 * (maxDiag + 1)) break
      solver.solve(gr, d)
      let slope = 0
      for (let r = 0; r < m; r++) slope += gr[r] * d[r]
      // Backtracking (Armijo); infeasible points (some τ ≤ 0) have ll = −∞ and are never accepted.
      const noise = 1e-13 * (Math.abs(ll) + 1)
      for (let t = 1; t > 1e-12; t *= 0.5) {
        applyStep(k, free, theta, d, t, trial)
        const llTrial = logLikelihood(stats, trial, work.trialRates)
        if (t === 1 && attempt === 0 && llTrial === -Infinity) fullStepInfeasible = true
        // Armijo, or — once the increase is below rounding of ll — a full step that does not lose.
        if (llTrial >= ll + 1e-4 * t * slope || (t === 1 && llTrial >= ll - noise)) {
          accepted = true
          break
        }
      }
      shift = Math.max(shift * 100, 1e-4 * (maxDiag + 1))
    }
    iterations++
    if (accepted) {
      const swap = theta
      theta = trial
      trial = swap
      // the accepted trial was the line search's last point: its λ, μ are in trialRates
      ll = logLikelihoodDerivatives(stats, theta, grad, hess, work.trialRates)
      reduce(k, free, grad, hess, gr, A)
      gnorm = norm(gr)
    }
    // Newton keeps aiming outside the τ-region: the maximum is probably on its edge.
    infeasibleStreak = fullStepInfeasible ? infeasibleStreak + 1 : 0
    if (detectEdge && (infeasibleStreak >= 2 || (!accepted && fullStepInfeasible))) {
      work.trial = trial
      return { theta, ll, gnorm, iterations, status: 'edge' }
    }
    if (!accepted) break
  }
  work.trial = trial
  return { theta, ll, gnorm, iterations, status: gnorm < tolerance ? 'converged' : 'stalled' }
}

function norm(v: Float64Array): number {
  let s = 0
  for (let i = 0; i < v.length; i++) s += v[i] * v[i]
  return Math.sqrt(s)
}
