/**
 * Dixon-Coles with a second Poisson term of "pseudo-goals" that shares the team parameters: the core of the
 * shots-informed ('shots') and market-informed ('market') variants.
 *
 * For match k (time weight φ_k = exp(−ξ·days before asOf), Dixon & Coles 1997, section 4.5) with goals
 * (x_k, y_k) and pseudo-goals (x̃_k, ỹ_k) carrying a relative weight v_k ≥ 0 (the variant's mixing weight w,
 * 0 for a match without the extra data), the objective is
 *   ℓ(θ) = Σ_k φ_k·log[τ(x_k, y_k)·Pois(x_k; λ_k)·Pois(y_k; μ_k)]          (Dixon & Coles 1997, eq. 4.2)
 *        + Σ_k φ_k·v_k·[x̃_k·log λ_k − λ_k + ỹ_k·log μ_k − μ_k]             (Poisson kernel of the pseudo-goals)
 * with λ_k = exp(γ + α_h + β_a), μ_k = exp(α_a + β_h) as in the engine. The second term is a Poisson
 * log-likelihood (without its −log x̃! constant, which does not involve θ) of non-integer counts: a
 * quasi-likelihood whose score x̃ − λ pulls λ towards x̃ exactly as a goal would, with weight v.
 *
 * Both terms are linear in the sufficient statistics (Σφ, Σφx, Σφy) of each (home, away, neutral) group,
 * so the objective is the engine's weighted Dixon-Coles log-likelihood with augmented statistics
 *   Σφ ← Σφ + Σφv,  Σφx ← Σφx + Σφv·x̃,  Σφy ← Σφy + Σφv·ỹ  (the τ-cell counts are the goals' own),
 * and its exact gradient and Hessian are the engine's `logLikelihoodDerivatives` on those statistics. With
 * every v = 0 it is exactly the Dixon-Coles fit. ρ is informed by the goals alone (only they have τ cells).
 *
 * Fitted by the engine's constrained Newton solver (`solveConstrainedNewton`, `dixonColes/newton.ts`: Σα = 0
 * eliminated, step on −ZᵀHZ by Cholesky with a Levenberg shift when needed, Armijo backtracking; infeasible ρ has
 * ℓ = −∞ and is never accepted), with its barrier path for a maximum on the edge of the τ-region (as the engine's
 * own fit): without it such a fit stalled for its 100 iterations short of the maximum and was reported as not
 * converged (D1 with the market term at ξ 0.005: 23 of 98 walk-forward refits, two thirds of the ξ search's time,
 * #23). Neither the likelihood nor the solver is re-implemented here.
 */
import {
  DixonColesError,
  assertIdentifiable,
  buildMatchStats,
  dateOfDayNumber,
  dayNumberOf,
  defaultStart,
  logLikelihood,
  rhoInterval,
  solveConstrainedNewton,
  toMatchArrays,
  type MatchArrays,
  type MatchInput,
  type MatchStats,
} from '../../dixonColes'
import { shrinkageWeights, solveWithShrinkage, type ShrinkPlan } from '../../dixonColes/fit'
import type { ShrinkageReport } from '../../dixonColes/types'
import { fitInfoOf, notConvergedWarning } from '../common/fitReport'
import { dixonColesForecast } from '../common/forecast'
import { assertDecay, decayWeight } from '../common/timeDecay'
import { teamsToExclude } from '../dixonColes'
import type { VariantFitInfo, VariantFixture, VariantForecast, VariantMatch, VariantTerm } from '../types'

/** Same cut-off as the engine's window (`stats.ts`): a weight below e^−23 is outside the window. */
const MAX_DECAY = 23

/** Pseudo-goals per history row (index-aligned with the history); weight 0 = no extra data for that match. */
export interface PseudoGoals {
  x: Float64Array
  y: Float64Array
  /** Relative weight v_k of the row's pseudo-goals (the mixing weight w, or 0). */
  weight: Float64Array
  /** Decay per day of the pseudo term (default: the goals' ξ). */
  xi?: number
}

/**
 * The pseudo-goal terms of a fit: none (null: plain Dixon-Coles), one, or several, each with its own weights
 * and decay (e.g. market-implied rates and shots on target together).
 */
export type PseudoGoalTerms = PseudoGoals | readonly PseudoGoals[] | null

const pseudoTerms = (p: PseudoGoalTerms): readonly PseudoGoals[] =>
  p === null ? [] : Array.isArray(p) ? p : [p as PseudoGoals]

/** A fitted pseudo-goal model: plain data (arrays, numbers, strings), safe to clone or serialise. */
export interface PseudoGoalModel {
  asOf: string
  from: string
  xi: number
  teams: string[]
  /** α per team (Σα = 0). */
  attack: number[]
  /** β per team (log defensive weakness; absorbs the intercept). */
  defence: number[]
  homeAdvantage: number
  rho: number
  /** Weighted Dixon-Coles log-likelihood of the goals alone at the fit (with the −log x! − log y! terms). */
  goalsLogLikelihood: number
  /** The maximised objective ℓ (goals + pseudo-goals, both without the constants of the pseudo term). */
  objective: number
  nMatches: number
  /** Matches in the window whose pseudo-goals entered (v > 0). */
  nPseudo: number
  iterations: number
  converged: boolean
  gradientNorm: number
  droppedTeams: string[]
  /** Teams left out because their matches alone make the maximum non-existent (see {@link fitExcluding}). */
  excludedTeams: string[]
  warnings: string[]
  /** Teams with few matches shrunk toward the promoted-team prior, as in the engine's fit (#20). */
  shrinkage?: ShrinkageReport
}

/** What the fit decided before iterating (exported for the gradient tests). */
export interface PreparedPseudoFit {
  /** The goals' statistics as the engine builds them. */
  goals: MatchStats
  /** The same groups with the pseudo-goals added to Σφ, Σφx, Σφy. */
  augmented: MatchStats
  asOfDay: number
  gammaFree: boolean
  rhoFree: boolean
  nPseudo: number
  /** The engine's prior on teams with few matches (#20), or null. */
  shrink: ShrinkPlan | null
}

export interface WindowSpec {
  asOf: string
  from: string
  xi: number
}

function badInput(message: string, details: Record<string, unknown> = {}): never {
  throw new DixonColesError('MODEL_BAD_INPUT', message, details)
}

/** The goals' statistics of a window with the map that places a match in its group. */
interface GoalsOfWindow {
  goals: MatchStats
  asOfDay: number
  fromDay: number
  /**
   * Row → its group ((home, away, neutral) by the fitted team indices), −1: none. Once per window instead of a
   * Map look-up per row in every fit of it (the market variant fits a window up to three times, #23).
   */
  rowGroup: Int32Array
  /** The goals alone pass the engine's identifiability check (`assertIdentifiable`). */
  identifiable: boolean
}

/** `assertIdentifiable` as a yes/no. */
function isIdentifiable(s: MatchStats): boolean {
  try {
    assertIdentifiable(s)
    return true
  } catch (error) {
    if (error instanceof DixonColesError) return false
    throw error
  }
}

/**
 * The goals' statistics of `data` in `window`, memoised per arrays object (#23): a fit that refits the same
 * matches with other pseudo-goals (the market variant at a new ρ, the cold fit for ρ) builds them once. Read
 * only: every caller copies what it changes.
 */
const goalsMemo = new WeakMap<MatchArrays, { key: string; value: GoalsOfWindow }>()

function goalsOf(data: MatchArrays, window: WindowSpec): GoalsOfWindow {
  const key = `${window.asOf}|${window.from}|${window.xi}`
  const hit = goalsMemo.get(data)
  if (hit && hit.key === key) return hit.value
  const asOfDay = dayNumberOf(window.asOf)
  const fromDay = dayNumberOf(window.from)
  const goals = buildMatchStats(data, { asOfDay, fromDay, xi: window.xi })
  if (goals.nMatches === 0) {
    throw new DixonColesError('MODEL_NO_DATA', `No matches between ${window.from} .. ${window.asOf}.`, {
      asOf: window.asOf,
      from: window.from,
    })
  }
  const k = goals.nTeams
  const compact = new Int32Array(data.teams.length).fill(-1)
  for (let c = 0; c < k; c++) compact[goals.inputIndex[c]] = c
  const group = new Map<number, number>()
  for (let g = 0; g < goals.nGroups; g++) {
    group.set((goals.home[g] * k + goals.away[g]) * 2 + goals.neutral[g], g)
  }
  const n = data.home.length
  const rowGroup = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    rowGroup[i] =
      group.get((compact[data.home[i]] * k + compact[data.away[i]]) * 2 + (data.neutral[i] ? 1 : 0)) ?? -1
  }
  const value = { goals, asOfDay, fromDay, rowGroup, identifiable: isIdentifiable(goals) }
  goalsMemo.set(data, { key, value })
  return value
}

/** Validate the window, build the goals' statistics and add the pseudo-goals group by group. */
export function preparePseudoFit(
  data: MatchArrays,
  window: WindowSpec,
  pseudo: PseudoGoalTerms,
): PreparedPseudoFit {
  const { xi } = window
  assertDecay(xi)
  const terms = pseudoTerms(pseudo)
  for (const t of terms) {
    const pxi = t.xi ?? xi
    if (!(pxi >= 0) || !Number.isFinite(pxi)) badInput(`pseudo-goal xi must be finite and ≥ 0, got ${pxi}`)
  }
  const n = data.home.length
  if (n === 0) throw new DixonColesError('MODEL_NO_DATA', 'No matches to fit: the match list is empty.', {})
  const { goals, asOfDay, fromDay, rowGroup, identifiable } = goalsOf(data, window)
  const sw = Float64Array.from(goals.sw)
  const sx = Float64Array.from(goals.sx)
  const sy = Float64Array.from(goals.sy)
  const counted = new Uint8Array(n) // rows whose pseudo-goals entered through at least one term
  for (const pseudo of terms) {
    if (pseudo.x.length !== n || pseudo.y.length !== n || pseudo.weight.length !== n) {
      badInput(`pseudo-goals must have one entry per match (${n})`)
    }
    const pxi = pseudo.xi ?? xi
    // φ per day before the as-of date, computed once per day (−1: not yet) instead of an exp per row (#23)
    const decay = new Float64Array(asOfDay - fromDay + 1).fill(-1)
    for (let i = 0; i < n; i++) {
      const v = pseudo.weight[i]
      if (!(v > 0)) continue
      const d = data.dayNumber[i]
      if (d > asOfDay || d < fromDay || (xi > 0 && xi * (asOfDay - d) > MAX_DECAY)) continue
      const px = pseudo.x[i]
      const py = pseudo.y[i]
      if (!(px >= 0 && py >= 0 && Number.isFinite(px) && Number.isFinite(py) && Number.isFinite(v))) {
        badInput(`Match ${i}: pseudo-goals must be finite and ≥ 0, got ${px}, ${py} (weight ${v})`, {
          row: i,
        })
      }
      const g = rowGroup[i]
      if (g < 0) continue
      let dw = decay[asOfDay - d]
      if (dw < 0) dw = decay[asOfDay - d] = decayWeight(pxi, asOfDay - d)
      const phi = v * dw
      sw[g] += phi
      sx[g] += phi * px
      sy[g] += phi * py
      counted[i] = 1
    }
  }
  let nPseudo = 0
  for (let i = 0; i < n; i++) nPseudo += counted[i]
  const augmented: MatchStats = { ...goals, sw, sx, sy, droppedTeams: goals.droppedTeams.slice() }
  // teams with few matches are shrunk toward the promoted-team prior as in the engine's fit (#20); weights from
  // the goals alone
  const shrink = shrinkageWeights(goals, undefined)
  if (shrink) augmented.prior = shrink.prior
  // The augmented objective has a finite maximum under the same conditions as Dixon-Coles with these counts.
  // Checked once per window when the goals alone pass: the augmented groups are the same, their counts are
  // the goals' plus non-negative pseudo-goals and a prior only relaxes the check, so they pass too (#23).
  if (!identifiable) assertIdentifiable(augmented)
  const gammaFree = goals.anyHomeVenue
  const rhoFree = goals.lowScoreWeight > 0
  return { goals, augmented, asOfDay, gammaFree, rhoFree, nPseudo, shrink }
}

/** Start from a previous fit, teams matched by name (new teams: α = 0, the mean β). */
function warmStart(s: MatchStats, prev: PseudoGoalModel, gammaFree: boolean, rhoFree: boolean): Float64Array {
  const k = s.nTeams
  const theta = new Float64Array(2 * k + 2)
  const byName = new Map(prev.teams.map((t, i) => [t, i]))
  let betaMean = 0
  for (const b of prev.defence) betaMean += b
  betaMean = prev.defence.length ? betaMean / prev.defence.length : 0
  let mean = 0
  for (let i = 0; i < k; i++) {
    const j = byName.get(s.teams[i])
    theta[i] = j !== undefined ? prev.attack[j] : 0
    theta[k + i] = j !== undefined ? prev.defence[j] : betaMean
    mean += theta[i]
  }
  for (let i = 0; i < k; i++) theta[i] -= mean / k
  theta[2 * k] = gammaFree ? prev.homeAdvantage : 0
  if (rhoFree) {
    const [lo, hi] = rhoInterval(s, theta)
    theta[2 * k + 1] = prev.rho > lo && prev.rho < hi ? prev.rho : 0
  }
  return theta
}

/** True when `value` looks like a {@link PseudoGoalModel} (a warm start handed back by the caller). */
export function isPseudoGoalModel(value: unknown): value is PseudoGoalModel {
  const v = value as PseudoGoalModel | null
  return (
    !!v &&
    typeof v === 'object' &&
    Array.isArray(v.teams) &&
    Array.isArray(v.attack) &&
    Array.isArray(v.defence) &&
    v.attack.length === v.teams.length &&
    v.defence.length === v.teams.length &&
    Number.isFinite(v.homeAdvantage) &&
    Number.isFinite(v.rho)
  )
}

interface NewtonOutcome {
  theta: Float64Array
  objective: number
  gradientNorm: number
  iterations: number
  converged: boolean
}

/**
 * Damped Newton ascent of the augmented log-likelihood from `start` (see the file comment): the engine's
 * solver, with its barrier path to a maximum on the edge of the τ-region.
 */
export function maximise(
  s: MatchStats,
  start: Float64Array,
  gammaFree: boolean,
  rhoFree: boolean,
  maxIterations = 100,
  tolerance = 1e-8,
): NewtonOutcome {
  const res = solveConstrainedNewton(s, start, {
    gammaFree,
    rhoFree,
    maxIterations,
    tolerance,
    barrierPath: true,
  })
  return {
    theta: res.theta,
    objective: res.logLikelihood,
    gradientNorm: res.gradientNorm,
    iterations: res.iterations,
    converged: res.converged,
  }
}

export interface PseudoFitOptions {
  previous?: unknown
  maxIterations?: number
  tolerance?: number
}

/**
 * Fit goals + pseudo-goals on the matches of `history` inside [from, asOf]. `pseudo` null (or all weights 0)
 * is plain Dixon-Coles. Throws DixonColesError: MODEL_NO_DATA, MODEL_DEGENERATE, MODEL_BAD_INPUT.
 */
export function fitPseudoGoalModel(
  history: readonly MatchInput[],
  window: WindowSpec,
  pseudo: PseudoGoalTerms,
  options: PseudoFitOptions = {},
): PseudoGoalModel {
  if (history.length === 0) {
    throw new DixonColesError('MODEL_NO_DATA', 'No matches to fit: the match list is empty.', {})
  }
  const data = toMatchArrays(history)
  return fitPseudoGoalArrays(data, window, pseudo, options)
}

/** {@link fitPseudoGoalModel} on the compact match arrays. */
export function fitPseudoGoalArrays(
  data: MatchArrays,
  window: WindowSpec,
  pseudo: PseudoGoalTerms,
  options: PseudoFitOptions = {},
): PseudoGoalModel {
  const prep = preparePseudoFit(data, window, pseudo)
  const { goals, augmented, gammaFree, rhoFree } = prep
  const k = goals.nTeams
  const warnings: string[] = []
  if (goals.droppedTeams.length) {
    warnings.push(
      `${goals.droppedTeams.length} team(s) have no match in the window: ${goals.droppedTeams.join(', ')}`,
    )
  }
  if (!rhoFree) warnings.push('No match ended 0-0, 0-1, 1-0 or 1-1: rho fixed at 0.')
  const previous = isPseudoGoalModel(options.previous) ? options.previous : null
  // a warm start outside the τ-region (ℓ = −∞) falls back to the default start
  let start = previous
    ? warmStart(augmented, previous, gammaFree, rhoFree)
    : defaultStart(augmented, gammaFree)
  if (previous && logLikelihood(augmented, start) === -Infinity) start = defaultStart(augmented, gammaFree)
  const solved = solveWithShrinkage(augmented, prep.shrink, start, {
    gammaFree,
    rhoFree,
    maxIterations: options.maxIterations,
    tolerance: options.tolerance,
    barrierPath: true,
    // a recent fit's prior (earlier matches only) saves the first stage, as in the engine
    lent:
      previous?.shrinkage && prep.asOfDay - dayNumberOf(previous.asOf) <= 60
        ? previous.shrinkage.prior
        : null,
  })
  const res = {
    theta: solved.result.theta,
    objective: solved.result.logLikelihood,
    gradientNorm: solved.result.gradientNorm,
    iterations: solved.result.iterations,
    converged: solved.result.converged,
  }
  if (solved.shrinkage)
    warnings.push(
      `${solved.shrinkage.teams.length} team(s) with few matches shrunk toward the promoted-team prior (${solved.shrinkage.prior.description})`,
    )
  if (!res.converged) warnings.push(notConvergedWarning(res))
  const theta = res.theta
  return {
    asOf: dateOfDayNumber(prep.asOfDay),
    from: window.from,
    xi: window.xi,
    teams: goals.teams.slice(),
    attack: Array.from(theta.subarray(0, k)),
    defence: Array.from(theta.subarray(k, 2 * k)),
    homeAdvantage: theta[2 * k],
    rho: theta[2 * k + 1],
    goalsLogLikelihood: logLikelihood(goals, theta),
    objective: res.objective,
    nMatches: goals.nMatches,
    nPseudo: prep.nPseudo,
    iterations: res.iterations,
    converged: res.converged,
    gradientNorm: res.gradientNorm,
    droppedTeams: goals.droppedTeams.slice(),
    excludedTeams: [],
    warnings,
    ...(solved.shrinkage ? { shrinkage: solved.shrinkage } : {}),
  }
}

/**
 * `fit(history)`, and when it is MODEL_DEGENERATE because of particular teams (a newcomer that has not scored
 * yet, a group of teams not linked to the rest: the Dixon-Coles adapter's `teamsToExclude`), up to three more
 * attempts without their matches, as the engine's walk-forward did; the teams left out are recorded in
 * `excludedTeams` and the warnings (their fixtures get no forecast).
 *
 * Not the walk-forward's `backtest/fitExcluding`: that one wraps a whole variant and reports the exclusions
 * beside the fit (`{ fit, info }`), while the pseudo-goal fits carry them in the fit itself (its summary and
 * warnings), for callers outside the walk-forward too.
 */
export function fitExcluding<F extends PseudoGoalModel>(
  history: readonly VariantMatch[],
  fit: (history: readonly VariantMatch[]) => F,
): F {
  const excluded = new Set<string>()
  let current = history
  for (let attempt = 0; ; attempt++) {
    try {
      const out = fit(current)
      out.excludedTeams = [...excluded]
      if (excluded.size) out.warnings.push(`Left out so that a fit exists: ${[...excluded].join(', ')}.`)
      return out
    } catch (error) {
      if (!(error instanceof DixonColesError) || error.code !== 'MODEL_DEGENERATE' || attempt >= 3)
        throw error
      const more = teamsToExclude(error).filter((t) => !excluded.has(t))
      if (more.length === 0) throw error
      for (const t of more) excluded.add(t)
      current = history.filter((m) => !excluded.has(m.home) && !excluded.has(m.away))
    }
  }
}

/** Refit record figures for the walk-forward. */
export function pseudoModelInfo(fit: PseudoGoalModel): VariantFitInfo {
  return fitInfoOf(fit)
}

/** λ and μ of a fixture under a fitted model; null when either team has no rating. */
export function pseudoModelRates(
  fit: PseudoGoalModel,
  home: string,
  away: string,
  neutral = false,
): { lambda: number; mu: number; h: number; a: number } | null {
  const h = fit.teams.indexOf(home)
  const a = fit.teams.indexOf(away)
  if (h < 0 || a < 0 || h === a) return null
  const lambda = Math.exp((neutral ? 0 : fit.homeAdvantage) + fit.attack[h] + fit.defence[a])
  const mu = Math.exp(fit.attack[a] + fit.defence[h])
  return { lambda, mu, h, a }
}

/** The variant contract's forecast for a fixture (null when a team has no rating). */
export function pseudoModelForecast(fit: PseudoGoalModel, fixture: VariantFixture): VariantForecast | null {
  const r = pseudoModelRates(fit, fixture.home, fixture.away, fixture.neutral ?? false)
  if (!r) return null
  return dixonColesForecast(r.lambda, r.mu, fit.rho)
}

/** Log-rate terms of λ and μ: log λ = γ + α_home + β_away, log μ = α_away + β_home. */
export function pseudoModelTerms(
  fit: PseudoGoalModel,
  fixture: VariantFixture,
): { lambda: VariantTerm[]; mu: VariantTerm[] } | null {
  const r = pseudoModelRates(fit, fixture.home, fixture.away, fixture.neutral ?? false)
  if (!r) return null
  return {
    lambda: [
      { name: 'home advantage', value: fixture.neutral ? 0 : fit.homeAdvantage },
      { name: 'home attack', value: fit.attack[r.h] },
      { name: 'away defence', value: fit.defence[r.a] },
    ],
    mu: [
      { name: 'away attack', value: fit.attack[r.a] },
      { name: 'home defence', value: fit.defence[r.h] },
    ],
  }
}

/** Plain-JSON summary for the model artifact. */
export function pseudoModelSummary(fit: PseudoGoalModel): Record<string, unknown> {
  return {
    asOf: fit.asOf,
    from: fit.from,
    xi: fit.xi,
    homeAdvantage: fit.homeAdvantage,
    rho: fit.rho,
    teams: fit.teams.map((name, i) => ({ name, attack: fit.attack[i], defence: fit.defence[i] })),
    goalsLogLikelihood: fit.goalsLogLikelihood,
    objective: fit.objective,
    nMatches: fit.nMatches,
    nPseudo: fit.nPseudo,
    iterations: fit.iterations,
    converged: fit.converged,
    gradientNorm: fit.gradientNorm,
    droppedTeams: fit.droppedTeams,
    excludedTeams: fit.excludedTeams,
    warnings: fit.warnings,
  }
}
