/**
 * Maximum-likelihood fit of the Dixon-Coles model by Newton's method.
 *
 * Constraint Σα = 0 by elimination: the free parameters are u = (α_0..α_{K−2}, β_0..β_{K−1}, γ?, ρ?)
 * and α_{K−1} = −Σ_{i<K−1} α_i, i.e. θ = Z·u with Z's α columns e_i − e_{K−1}. Gradient and Hessian
 * in u are Zᵀg and ZᵀHZ. Each step solves (−ZᵀHZ + δI)·d = Zᵀg by Cholesky (δ = 0 for a pure
 * Newton step; Levenberg damping δ > 0 when −ZᵀHZ is not positive definite), then backtracks
 * (Armijo) on the log-likelihood. The log-likelihood is −∞ as soon as any τ of any match in the
 * window is ≤ 0, so every accepted iterate keeps ρ strictly inside the interval of `rhoInterval`
 * for the current λ, μ — the data-driven region, not a fixed box.
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
  let trial: Float64Array = new Float64Array(P)
  const grad = new Float64Array(P)
  const hess = new Float64Array(P * P)
  const gr = new Float64Array(m)
  const A = new Float64Array(m * m)
  const d = new Float64Array(m)
  const solver = new SpdSolver(m)

  let ll = logLikelihoodDerivatives(s, theta, grad, hess)
  if (ll === -Infinity) {
    // A warm start can be infeasible for new data; the default start (ρ = 0) never is.
    theta = defaultStart(s, gammaFree)
    ll = logLikelihoodDerivatives(s, theta, grad, hess)
  }
  reduce(k, free, grad, hess, gr, A)
  let gnorm = norm(gr)
  let iterations = 0
  let converged = gnorm < tolerance
  let maxDiag = 0
  // Solve (A + shift·I)·d = gr, raising the Levenberg shift until A + shift·I is positive definite.
  const direction = (shift: number): number => {
    while (!solver.factor(A, shift)) {
      shift = shift === 0 ? 1e-8 * (maxDiag + 1) : shift * 10
      if (shift > 1e12 * (maxDiag + 1)) return -1
    }
    solver.solve(gr, d)
    return shift
  }
  while (!converged && iterations < maxIterations) {
    maxDiag = 0
    for (let r = 0; r < m; r++) maxDiag = Math.max(maxDiag, Math.abs(A[r * m + r]))
    // Newton step first; if no step along it is acceptable, damp harder (towards steepest ascent).
    let accepted = false
    let shift = 0
    for (let attempt = 0; attempt < 6 && !accepted; attempt++) {
      shift = direction(shift)
      if (shift < 0) break
      let slope = 0
      for (let r = 0; r < m; r++) slope += gr[r] * d[r]
      // Backtracking (Armijo); infeasible points (some τ ≤ 0) have ll = −∞ and are never accepted.
      const noise = 1e-13 * (Math.abs(ll) + 1)
      for (let t = 1; t > 1e-12; t *= 0.5) {
        applyStep(k, free, theta, d, t, trial)
        const llTrial = logLikelihood(s, trial)
        // Armijo, or — once the increase is below rounding of ll — a full step that does not lose.
        if (llTrial >= ll + 1e-4 * t * slope || (t === 1 && llTrial >= ll - noise)) {
          accepted = true
          break
        }
      }
      shift = Math.max(shift * 100, 1e-4 * (maxDiag + 1))
    }
    iterations++
    if (!accepted) break
    const swap = theta
    theta = trial
    trial = swap
    ll = logLikelihoodDerivatives(s, theta, grad, hess)
    reduce(k, free, grad, hess, gr, A)
    gnorm = norm(gr)
    converged = gnorm < tolerance
  }

  // Observed information and standard errors.
  let covariance: Float64Array | null = null
  const se = new Float64Array(P).fill(NaN)
  if (solver.factor(A)) {
    const { diag, leadingSum } = solver.inverseSummary(k - 1)
    for (let r = 0; r < m; r++) se[free[r]] = Math.sqrt(diag[r])
    se[k - 1] = Math.sqrt(leadingSum)
    if (extra.covariance) covariance = solver.inverse()
  } else {
    warnings.push(
      'The observed information is not positive definite at the returned point: no standard errors.',
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
    rhoSe: rhoFree ? finiteOrNull(se[2 * k + 1]) : null,
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

function norm(v: Float64Array): number {
  let s = 0
  for (let i = 0; i < v.length; i++) s += v[i] * v[i]
  return Math.sqrt(s)
}
