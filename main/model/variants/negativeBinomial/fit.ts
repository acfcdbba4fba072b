/**
 * Maximum-likelihood fit of the negative binomial Dixon-Coles model (see `likelihood.ts`) by L-BFGS
 * (`../common/lbfgs.ts`) on the exact gradient, time-decayed like the engine.
 *
 * Start: the engine's Dixon-Coles fit on the same window (its α, β, γ, ρ) and φ = 0.05 — or, warm, the previous
 * fit's parameters matched by team name. Σα = 0 is imposed through the penalty ½(Σα)², which changes nothing
 * else: the likelihood is invariant under α + c, β − c, so the penalised maximum is the constrained one.
 * φ is kept in [0, 10]: football goals are often slightly under-dispersed, and then the maximum is the bound
 * φ = 0 — exactly the engine's Dixon-Coles. `params.dispersion` fixes φ instead of fitting it.
 */
import { DixonColesError, prepareFit } from '../../dixonColes'
import type { VariantFitContext, VariantMatch } from '../types'
import { minimiseLbfgs } from '../common/lbfgs'
import { buildMatchGroups, engineFit, type MatchGroups } from '../common/matchGroups'
import { nbIndex, nbLogLikelihood, nbParameterCount } from './likelihood'

export interface NegativeBinomialTeam {
  name: string
  /** α: log attack strength, Σα = 0. */
  attack: number
  /** β: log defensive weakness (absorbs the goal-rate intercept). */
  defence: number
  matches: number
}

/** A fitted negative binomial Dixon-Coles model: plain JSON. */
export interface NegativeBinomialFit {
  variant: 'negative-binomial'
  asOf: string
  from: string
  xi: number
  teams: NegativeBinomialTeam[]
  homeAdvantage: number
  rho: number
  /** φ: variance = m + φ·m² for a mean m (goalmodel's dispersion; 0 is the Poisson). */
  dispersion: number
  dispersionFixed: boolean
  logLikelihood: number
  nMatches: number
  iterations: number
  converged: boolean
  gradientNorm: number
  warnings: string[]
}

export const MAX_DISPERSION = 10
const START_DISPERSION = 0.05

export interface NegativeBinomialParams {
  /** Fix φ (≥ 0; 0 is the Poisson, i.e. the engine's Dixon-Coles). */
  dispersion?: number
  tolerance?: number
}

function readParams(params: Readonly<Record<string, number>> | undefined): NegativeBinomialParams {
  const out: NegativeBinomialParams = {}
  if (params?.dispersion !== undefined) {
    const d = params.dispersion
    if (!(d >= 0 && d <= MAX_DISPERSION)) {
      throw new DixonColesError('MODEL_BAD_INPUT', `dispersion must be in [0, ${MAX_DISPERSION}], got ${d}`, {
        dispersion: d,
      })
    }
    out.dispersion = d
  }
  if (params?.tolerance !== undefined) out.tolerance = params.tolerance
  return out
}

function isNegativeBinomialFit(v: unknown): v is NegativeBinomialFit {
  return typeof v === 'object' && v !== null && (v as { variant?: unknown }).variant === 'negative-binomial'
}

function startTheta(
  s: MatchGroups,
  ctx: VariantFitContext,
  previous: NegativeBinomialFit | undefined,
  dispersion: number,
): Float64Array {
  const k = s.nTeams
  const idx = nbIndex(k)
  const theta = new Float64Array(nbParameterCount(k))
  let teams: { name: string; attack: number; defence: number }[]
  let gamma: number
  let rho: number
  if (previous) {
    // The engine's identifiability checks, without its fit.
    prepareFit(s.arrays, { asOf: ctx.asOf, from: ctx.from, xi: ctx.xi })
    teams = previous.teams
    gamma = previous.homeAdvantage
    rho = previous.rho
  } else {
    const dc = engineFit(s, ctx, 'dixon-coles')
    teams = dc.teams
    gamma = dc.homeAdvantage
    rho = dc.rho
  }
  const byName = new Map(teams.map((t) => [t.name, t]))
  const meanDefence = teams.reduce((acc, t) => acc + t.defence, 0) / Math.max(1, teams.length)
  for (let i = 0; i < k; i++) {
    const t = byName.get(s.teams[i])
    theta[i] = t ? t.attack : 0
    theta[k + i] = t ? t.defence : meanDefence
  }
  theta[idx.gamma] = s.anyHomeVenue ? gamma : 0
  theta[idx.rho] = s.lowScoreWeight > 0 ? rho : 0
  theta[idx.dispersion] = dispersion
  if (nbLogLikelihood(s, theta, null) === -Infinity) theta[idx.rho] = 0
  return theta
}

export function fitNegativeBinomial(
  history: readonly VariantMatch[],
  ctx: VariantFitContext,
): NegativeBinomialFit {
  const params = readParams(ctx.params)
  const s = buildMatchGroups(history, ctx)
  const k = s.nTeams
  const idx = nbIndex(k)
  const P = nbParameterCount(k)
  const previous = isNegativeBinomialFit(ctx.previous) ? ctx.previous : undefined
  const fixedDispersion = params.dispersion
  const theta0 = startTheta(
    s,
    ctx,
    previous,
    fixedDispersion ?? (previous ? Math.min(MAX_DISPERSION, previous.dispersion) : START_DISPERSION),
  )
  const lower = new Float64Array(P).fill(-Infinity)
  const upper = new Float64Array(P).fill(Infinity)
  const warnings: string[] = []
  if (!s.anyHomeVenue) {
    lower[idx.gamma] = upper[idx.gamma] = 0
    warnings.push('Every match was at a neutral venue: home advantage fixed at 0.')
  }
  if (s.lowScoreWeight === 0) {
    lower[idx.rho] = upper[idx.rho] = 0
    warnings.push('No match ended 0-0, 0-1, 1-0 or 1-1: rho fixed at 0.')
  }
  if (fixedDispersion !== undefined) {
    lower[idx.dispersion] = upper[idx.dispersion] = fixedDispersion
  } else {
    lower[idx.dispersion] = 0
    upper[idx.dispersion] = MAX_DISPERSION
  }
  const objective = (theta: Float64Array, grad: Float64Array) => {
    const ll = nbLogLikelihood(s, theta, grad)
    if (ll === -Infinity) return Infinity
    let sumAlpha = 0
    for (let i = 0; i < k; i++) sumAlpha += theta[i]
    for (let j = 0; j < P; j++) grad[j] = -grad[j]
    for (let i = 0; i < k; i++) grad[i] += sumAlpha
    return -ll + 0.5 * sumAlpha * sumAlpha
  }
  const res = minimiseLbfgs(objective, theta0, {
    lower,
    upper,
    tolerance: params.tolerance ?? 1e-6,
    maxIterations: 3000,
  })
  const theta = res.x
  let mean = 0
  for (let i = 0; i < k; i++) mean += theta[i] / k
  for (let i = 0; i < k; i++) {
    theta[i] -= mean
    theta[k + i] += mean
  }
  const dispersion = theta[idx.dispersion]
  if (fixedDispersion === undefined && dispersion === 0) {
    warnings.push(
      'The dispersion is at its bound 0: the data are not over-dispersed, the fit is the Poisson Dixon-Coles.',
    )
  }
  if (!res.converged) {
    warnings.push(
      `Did not converge in ${res.iterations} iterations (gradient norm ${res.gradientNorm.toExponential(2)}).`,
    )
  }
  return {
    variant: 'negative-binomial',
    asOf: ctx.asOf,
    from: ctx.from,
    xi: ctx.xi,
    teams: s.teams.map((name, i) => ({
      name,
      attack: theta[i],
      defence: theta[k + i],
      matches: s.teamMatches[i],
    })),
    homeAdvantage: theta[idx.gamma],
    rho: theta[idx.rho],
    dispersion,
    dispersionFixed: fixedDispersion !== undefined,
    logLikelihood: nbLogLikelihood(s, theta, null),
    nMatches: s.nMatches,
    iterations: res.iterations,
    converged: res.converged,
    gradientNorm: res.gradientNorm,
    warnings,
  }
}
