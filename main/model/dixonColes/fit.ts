/**
 * Maximum-likelihood fit of the Dixon-Coles model by Newton's method.
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
 * the fit follows a log-barrier path (pseudo-weight b on all four low-score cells of every pairing,
 * b → 1e-6 × mean match weight), which converges to the constrained maximum from inside, with
 * several binding pairings at once if need be; ρ's SE is withheld there and a warning says so.
 *
 * Standard errors come from V = (−ZᵀHZ)⁻¹ at the optimum (observed information); for the
 * eliminated α_{K−1} = −1ᵀα_{free} the delta method gives var = 1ᵀ V_αα 1.
 */
import { DixonColesError } from './errors'
import { logLikelihood, logLikelihoodDerivatives, minTau, rhoInterval } from './likelihood'
import { SpdSolver } from './linalg'
import { assertIdentifiable, buildMatchStats, type MatchStats } from './stats'
import { dateOfDayNumber, dayNumberOf, type FitOptions, type FittedModel, type MatchArrays } from './types'

/** Everything `fit` decided before iterating; exported for tests and benchmarks. */
export interface PreparedFit {
  stats: MatchStats
  asOfDay: number
  fromDay: number
  xi: number
  model: 'dixon-coles' | 'poisson'
  gammaFree: boolean
  rhoFree: boolean
  warnings: string[]
}

export function prepareFit(data: MatchArrays, options: FitOptions = {}): PreparedFit {
  const xi = options.xi ?? 0
  if (!(xi >= 0) || !Number.isFinite(xi)) {
    throw new DixonColesError('MODEL_BAD_INPUT', `xi must be a finite number ≥ 0 (per day), got ${xi}`, {
      xi,
    })
  }
  const model = options.model ?? 'dixon-coles'
  if (model !== 'dixon-coles' && model !== 'poisson') {
    throw new DixonColesError('MODEL_BAD_INPUT', `Unknown model "${String(model)}"`, { model })
  }
  const n = data.home.length
  let latest = -Infinity
  let earliest = Infinity
  for (let i = 0; i < n; i++) {
    const d = data.dayNumber[i]
    if (d > latest) latest = d
    if (d < earliest) earliest = d
  }
  const asOfDay = options.asOf !== undefined ? dayNumberOf(options.asOf) : latest
  const fromDay = options.from !== undefined ? dayNumberOf(options.from) : -Infinity
  const window = `${options.from ?? 'the first match'} .. ${options.asOf ?? 'the last match'}`
  if (n === 0 || asOfDay === -Infinity) {
    throw new DixonColesError('MODEL_NO_DATA', 'No matches to fit: the match list is empty.', {})
  }
  const stats = buildMatchStats(data, { asOfDay, fromDay, xi })
  if (stats.nMatches === 0) {
    throw new DixonColesError(
      'MODEL_NO_DATA',
      `No matches between ${window} (the data runs ${dateOfDayNumber(earliest)} .. ${dateOfDayNumber(latest)}).`,
      { asOf: options.asOf ?? null, from: options.from ?? null },
    )
  }
  assertIdentifiable(stats)
  const warnings: string[] = []
  if (stats.droppedTeams.length) {
    warnings.push(
      `${stats.droppedTeams.length} team(s) have no match in the window and were left out: ${stats.droppedTeams.join(', ')}`,
    )
  }
  const gammaFree = stats.anyHomeVenue
  if (!gammaFree) warnings.push('Every match was at a neutral venue: home advantage fixed at 0.')
  let rhoFree = model === 'dixon-coles'
  if (rhoFree && stats.lowScoreWeight === 0) {
    rhoFree = false
    warnings.push('No match ended 0-0, 0-1, 1-0 or 1-1: the data say nothing about rho, fixed at 0.')
  }
  return { stats, asOfDay, fromDay, xi, model, gammaFree, rhoFree, warnings }
}

/** Data-based starting point: log scoring/conceding rates relative to the league, ρ = 0. */
function defaultStart(s: MatchStats, gammaFree: boolean): Float64Array {
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
    theta[i] = Math.log(scored[i] / played[i] / rate)
    mean += theta[i]
    theta[k + i] = Math.log(conceded[i] / played[i] / rate) + Math.log(awayRate)
  }
  for (let i = 0; i < k; i++) theta[i] -= mean / k
  theta[2 * k] = gamma
  return theta
}

/** Start from a previous fit: teams matched by name; new teams get α = 0 and the mean β. */
function warmStartTheta(
  s: MatchStats,
  prev: FittedModel,
  gammaFree: boolean,
  rhoFree: boolean,
): Float64Array {
  const k = s.nTeams
  const theta = new Float64Array(2 * k + 2)
  const byName = new Map(prev.teams.map((t) => [t.name, t]))
  let betaSum = 0
  let known = 0
  for (const t of prev.teams) {
    betaSum += t.defence
    known++
  }
  const betaMean = known ? betaSum / known : 0
  let mean = 0
  for (let i = 0; i < k; i++) {
    const t = byName.get(s.teams[i])
    theta[i] = t ? t.attack : 0
    theta[k + i] = t ? t.defence : betaMean
    mean += theta[i]
  }
  for (let i = 0; i < k; i++) theta[i] -= mean / k
  theta[2 * k] = gammaFree ? prev.homeAdvantage : 0
  if (rhoFree) {
    const [lo, hi] = rhoInterval(s, theta)
    const r = prev.rho
    // Keep a previous ρ only if it is strictly inside this data's τ-region.
    theta[2 * k + 1] = r > lo && r < hi ? r : 0
  }
  return theta
}

/** Reduced (constrained) coordinates: which θ entry each free parameter u_r moves. */
function freeIndices(k: number, gammaFree: boolean, rhoFree: boolean): Int32Array {
  const idx: number[] = []
  for (let i = 0; i < k - 1; i++) idx.push(i)
  for (let i = 0; i < k; i++) idx.push(k + i)
  if (gammaFree) idx.push(2 * k)
  if (rhoFree) idx.push(2 * k + 1)
  return Int32Array.from(idx)
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
 * Fit the Dixon-Coles (or independent Poisson) model to the matches in the window.
 *
 * Teams with no match in the window are left out and listed in `droppedTeams` (not an error).
 * Throws DixonColesError: MODEL_NO_DATA (nothing in the window), MODEL_DEGENERATE (no MLE: all
 * 0-0s, a team that never scored or conceded, unlinked groups of teams, too few matches to
 * separate attack from defence), MODEL_BAD_INPUT (bad options). Non-convergence is reported as
 * `converged: false`, never thrown.
 */
export function fitDixonColes(data: MatchArrays, options: FitOptions = {}): FittedModel {
  return fitDixonColesDetailed(data, options).model
}

/** Result of {@link fitDixonColesDetailed}: the model plus the raw parameter vector and covariance. */
export interface DetailedFit {
  model: FittedModel
  /** θ = (α_0..α_{K−1}, β_0..β_{K−1}, γ, ρ) in the order of `prepared.stats.teams`. */
  theta: Float64Array
  prepared: PreparedFit
  /** Free-parameter indices into θ, in the order of the covariance rows (α_{K−1} eliminated). */
  freeIndices: Int32Array
  /** (−ZᵀHZ)⁻¹, row-major over `freeIndices`; only when asked for and available. */
  covariance: Float64Array | null
}

export function fitDixonColesDetailed(
  data: MatchArrays,
  options: FitOptions = {},
  extra: { covariance?: boolean } = {},
): DetailedFit {
  const prepared = prepareFit(data, options)
  const { stats: s, gammaFree, rhoFree, warnings } = prepared
  const k = s.nTeams
  const P = 2 * k + 2
  const maxIterations = options.maxIterations ?? 100
  const tolerance = options.tolerance ?? 1e-8
  if (!(Number.isInteger(maxIterations) && maxIterations >= 0) || !(tolerance > 0)) {
    throw new DixonColesError(
      'MODEL_BAD_INPUT',
      `maxIterations must be a non-negative integer and tolerance > 0 (got ${maxIterations}, ${tolerance})`,
      { maxIterations, tolerance },
    )
  }
  const free = freeIndices(k, gammaFree, rhoFree)
  const m = free.length
  let theta: Float64Array = options.warmStart
    ? warmStartTheta(s, options.warmStart, gammaFree, rhoFree)
    : defaultStart(s, gammaFree)
  if (logLikelihood(s, theta) === -Infinity) {
    // A warm start can be infeasible for new data; the default start (ρ = 0) never is.
    theta = defaultStart(s, gammaFree)
  }
  const work: Workspace = {
    trial: new Float64Array(P),
    grad: new Float64Array(P),
    hess: new Float64Array(P * P),
    gr: new Float64Array(m),
    A: new Float64Array(m * m),
    d: new Float64Array(m),
    solver: new SpdSolver(m),
  }

  let res = newton(s, k, free, theta, work, maxIterations, tolerance, rhoFree)
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
      // Recompute the barrier problem's derivatives at its solution (SEs, gradient figure) and
      // report the plain log-likelihood there.
      res = newton(barrier, k, free, res.theta, work, 0, tolerance, false)
      res.ll = logLikelihood(s, res.theta)
    }
  }
  theta = res.theta
  const ll = res.ll
  const gnorm = res.gnorm
  const converged = res.status === 'converged'

  // Observed information and standard errors (at an edge: of the final barrier problem, ρ withheld).
  let covariance: Float64Array | null = null
  const se = new Float64Array(P).fill(NaN)
  if (work.solver.factor(work.A)) {
    const { diag, leadingSum } = work.solver.inverseSummary(k - 1)
    for (let r = 0; r < m; r++) se[free[r]] = Math.sqrt(diag[r])
    se[k - 1] = Math.sqrt(leadingSum)
    if (extra.covariance) covariance = work.solver.inverse()
  } else {
    warnings.push(
      'The observed information is not positive definite at the returned point: no standard errors.',
    )
  }
  if (onEdge && converged) {
    const [lo, hi] = rhoInterval(s, theta)
    const side = theta[2 * k + 1] < 0 ? 'lower' : 'upper'
    warnings.push(
      `rho = ${theta[2 * k + 1].toFixed(4)} is at the ${side} edge of its valid region (${lo.toFixed(4)}, ${hi.toFixed(4)}): ` +
        'the likelihood would keep increasing but some tau would turn negative, so this is the constrained maximum ' +
        '(strictly inside). No SE for rho; the other SEs treat the edge as fixed.',
    )
  }
  const tauMin = minTau(s, theta)
  if (!converged) {
    const [lo, hi] = rhoFree ? rhoInterval(s, theta) : [0, 0]
    const rho = theta[2 * k + 1]
    const nearBoundary =
      rhoFree && (tauMin < 1e-6 || rho - lo < 1e-4 * (hi - lo) || hi - rho < 1e-4 * (hi - lo))
    if (nearBoundary) {
      // The supremum is on the edge of the τ-region: curvature there is not a valid basis for SEs.
      se.fill(NaN)
      warnings.push(
        `Did not converge: the likelihood keeps increasing towards the edge of the valid rho region ` +
          `(${lo.toFixed(4)}, ${hi.toFixed(4)}) where some tau reaches 0; rho = ${rho.toFixed(4)} is kept strictly inside ` +
          'and standard errors are withheld.',
      )
    } else {
      warnings.push(`Did not converge in ${iterations} iterations (gradient norm ${gnorm.toExponential(2)}).`)
    }
  }
  const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null)
  const model: FittedModel = {
    model: prepared.model,
    asOf: dateOfDayNumber(prepared.asOfDay),
    from: options.from ?? null,
    xi: prepared.xi,
    teams: s.teams.map((name, i) => ({
      name,
      attack: theta[i],
      defence: theta[k + i],
      attackSe: finiteOrNull(se[i]),
      defenceSe: finiteOrNull(se[k + i]),
      matches: s.teamMatches[i],
    })),
    homeAdvantage: theta[2 * k],
    homeAdvantageSe: gammaFree ? finiteOrNull(se[2 * k]) : null,
    rho: theta[2 * k + 1],
    rhoSe: rhoFree && !onEdge ? finiteOrNull(se[2 * k + 1]) : null,
    logLikelihood: ll,
    nMatches: s.nMatches,
    nTeams: k,
    iterations,
    converged,
    gradientNorm: gnorm,
    minTau: tauMin,
    droppedTeams: s.droppedTeams,
    warnings,
  }
  return { model, theta, prepared, freeIndices: free, covariance }
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
        const llTrial = logLikelihood(stats, trial)
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
      ll = logLikelihoodDerivatives(stats, theta, grad, hess)
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
