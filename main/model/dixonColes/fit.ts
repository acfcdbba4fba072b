/**
 * Maximum-likelihood fit of the Dixon-Coles model: window and options checked here, the maximisation
 * itself by the constrained Newton solver of `newton.ts` (Σα = 0 by elimination, damped Newton with
 * Armijo backtracking, every τ > 0, and a log-barrier path when the maximum lies on the edge of the
 * τ-region, where ρ's SE is withheld and a warning says so).
 *
 * Standard errors come from V = (−ZᵀHZ)⁻¹ at the optimum (observed information); for the
 * eliminated α_{K−1} = −1ᵀα_{free} the delta method gives var = 1ᵀ V_αα 1.
 */
import { DixonColesError } from './errors'
import { logLikelihood, minTau, rhoInterval } from './likelihood'
import { SpdSolver } from './linalg'
import { defaultStart, solveConstrainedNewton } from './newton'
import { assertIdentifiable, buildMatchStats, type MatchStats } from './stats'
import {
  dateOfDayNumber,
  dayNumberOf,
  SHRINKAGE_DEFAULTS,
  type FitOptions,
  type FittedModel,
  type MatchArrays,
  type ShrinkageReport,
} from './types'
import { promotedTeamPrior } from '../pricing/promotedPrior'

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
  /** Teams shrunk toward a prior (few matches), or null for the plain MLE. */
  shrink: ShrinkPlan | null
}

/** A warm start's promoted-team prior is reused when its fit is at most this many days older. */
const PRIOR_REUSE_DAYS = 60

const shrinkageWarning = (r: ShrinkageReport) =>
  `${r.teams.length} team(s) with few matches shrunk toward the promoted-team prior (${r.prior.description}): ` +
  r.teams.map((t) => `${t.name} (${t.matches})`).join(', ')

/** The prior's per-team weights before its mean is known (stage 1 shrinks toward the league average). */
export interface ShrinkPlan {
  prior: { precision: Float64Array; mean: Float64Array }
  /** Fitted-team indices shrunk, with their weight in pseudo-matches. */
  teams: { index: number; weight: number }[]
}

/**
 * Prior weights (#20): a team with n matches in the window gets `matches`·(1 − n/fullFrom)² pseudo-matches of
 * prior (none from `fullFrom` matches on), a pseudo-match weighing like a match on the as-of date (weight 1)
 * with the data's mean goals per side. Null when no team is shrunk.
 */
export function shrinkageWeights(s: MatchStats, option: FitOptions['shrinkage']): ShrinkPlan | null {
  if (option === false) return null
  const matches = option?.matches ?? SHRINKAGE_DEFAULTS.matches
  const fullFrom = option?.fullFrom ?? SHRINKAGE_DEFAULTS.fullFrom
  if (!(matches > 0) || !(fullFrom > 0)) return null
  const k = s.nTeams
  let weight = 0
  let goals = 0
  for (let g = 0; g < s.nGroups; g++) {
    weight += s.sw[g]
    goals += s.sx[g] + s.sy[g]
  }
  // a pseudo-match weighs like a match on the as-of date (weight 1): a newcomer's matches are the latest
  const perMatch = goals / (2 * weight)
  if (!(perMatch > 0)) return null
  const teams: ShrinkPlan['teams'] = []
  const precision = new Float64Array(2 * k)
  for (let i = 0; i < k; i++) {
    const n = s.teamMatches[i]
    if (n >= fullFrom) continue
    const w = matches * (1 - n / fullFrom) ** 2
    teams.push({ index: i, weight: w })
    precision[i] = w * perMatch
    precision[k + i] = w * perMatch
  }
  if (teams.length === 0 || teams.length === k) return null
  return { prior: { precision, mean: new Float64Array(2 * k) }, teams }
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
  const shrink = shrinkageWeights(stats, options.shrinkage)
  if (shrink) stats.prior = shrink.prior
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
  return { stats, asOfDay, fromDay, xi, model, gammaFree, rhoFree, warnings, shrink }
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

/**
 * Maximise on `s` with its teams with few matches shrunk toward the promoted-team prior (#20), for the engine's
 * fit and the pseudo-goal variants alike: stage 1 shrinks them toward the league average; the promoted-team
 * prior (`promotedTeamPrior`, the one pricing uses for unrated teams) is read from the other teams' stage-1
 * ratings; stage 2 shrinks toward it. `lent`: a recent fit's prior (earlier matches only), which saves stage 1.
 * Without a plan it is the plain solve.
 */
export function solveWithShrinkage(
  s: MatchStats,
  plan: ShrinkPlan | null,
  start: Float64Array,
  o: {
    gammaFree: boolean
    rhoFree: boolean
    maxIterations?: number
    tolerance?: number
    barrierPath?: boolean
    lent?: ShrinkageReport['prior'] | null
  },
): { result: ReturnType<typeof solveConstrainedNewton>; shrinkage: ShrinkageReport | undefined } {
  const k = s.nTeams
  const solve = (from: Float64Array) =>
    solveConstrainedNewton(s, from, {
      gammaFree: o.gammaFree,
      rhoFree: o.rhoFree,
      maxIterations: o.maxIterations,
      tolerance: o.tolerance,
      ...(o.barrierPath === undefined ? {} : { barrierPath: o.barrierPath }),
    })
  if (!plan) return { result: solve(start), shrinkage: undefined }
  s.prior = plan.prior
  const { prior, teams } = plan
  const report = (p: ShrinkageReport['prior']): ShrinkageReport => ({
    prior: p,
    teams: teams.map((t) => ({ name: s.teams[t.index], matches: s.teamMatches[t.index], weight: t.weight })),
  })
  const setMean = (attack: number, defence: number) => {
    for (const { index } of teams) {
      prior.mean[index] = attack
      prior.mean[k + index] = defence
    }
  }
  if (o.lent) {
    setMean(o.lent.attack, o.lent.defence)
    return { result: solve(start), shrinkage: report({ ...o.lent }) }
  }
  // stage 1: the league average (α 0, β the mean data-based start of the other teams)
  const shrunk = new Set(teams.map((t) => t.index))
  const ds = defaultStart(s, o.gammaFree)
  let beta = 0
  for (let i = 0; i < k; i++) if (!shrunk.has(i)) beta += ds[k + i]
  setMean(0, beta / (k - shrunk.size))
  const stage1 = solve(start)
  const pp = promotedTeamPrior({
    teams: s.teams
      .map((name, i) => ({
        name,
        attack: stage1.theta[i],
        defence: stage1.theta[k + i],
        attackSe: null,
        defenceSe: null,
        matches: s.teamMatches[i],
      }))
      .filter((_, i) => !shrunk.has(i)),
  })
  if (!pp) return { result: stage1, shrinkage: undefined }
  setMean(pp.attack, pp.defence)
  const stage2 = solve(stage1.theta)
  stage2.iterations += stage1.iterations
  return {
    result: stage2,
    shrinkage: report({
      attack: pp.attack,
      defence: pp.defence,
      basis: pp.basis,
      description: pp.description,
    }),
  }
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
  let start: Float64Array = options.warmStart
    ? warmStartTheta(s, options.warmStart, gammaFree, rhoFree)
    : defaultStart(s, gammaFree)
  if (logLikelihood(s, start) === -Infinity) {
    // A warm start can be infeasible for new data; the default start (ρ = 0) never is.
    start = defaultStart(s, gammaFree)
  }
  const solved = solveWithShrinkage(s, prepared.shrink, start, {
    gammaFree,
    rhoFree,
    maxIterations,
    tolerance,
    lent:
      options.warmStart?.shrinkage &&
      prepared.asOfDay - dayNumberOf(options.warmStart.asOf) <= PRIOR_REUSE_DAYS
        ? options.warmStart.shrinkage.prior
        : null,
  })
  const res = solved.result
  const shrinkage = solved.shrinkage
  if (shrinkage) warnings.push(shrinkageWarning(shrinkage))
  const { theta, iterations, onEdge, converged, freeIndices: free } = res
  // the reported log-likelihood is the data's alone (comparable with other software), without the prior
  const ll = s.prior ? logLikelihood({ ...s, prior: null }, theta) : res.logLikelihood
  const gnorm = res.gradientNorm
  const m = free.length

  // Observed information and standard errors (at an edge: of the final barrier problem, ρ withheld).
  let covariance: Float64Array | null = null
  const se = new Float64Array(P).fill(NaN)
  const solver = new SpdSolver(m)
  if (solver.factor(res.information)) {
    const { diag, leadingSum } = solver.inverseSummary(k - 1)
    for (let r = 0; r < m; r++) se[free[r]] = Math.sqrt(diag[r])
    se[k - 1] = Math.sqrt(leadingSum)
    if (extra.covariance) covariance = solver.inverse()
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
    ...(shrinkage ? { shrinkage } : {}),
  }
  return { model, theta, prepared, freeIndices: free, covariance }
}
