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
import { DixonColesError } from '../../dixonColes'
import type { VariantFitContext, VariantMatch } from '../types'
import { minimiseLbfgs } from '../common/lbfgs'
import { notConvergedWarning } from '../common/fitReport'
import { buildMatchGroups, type MatchGroups } from '../common/matchGroups'
import { setStartRatings, startRatings, teamRatingsOf } from '../common/teamRatings'
import { centreAttack, sumToZeroObjective } from '../common/sumToZero'
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
  const start = startRatings(s, ctx, previous, 'dixon-coles')
  setStartRatings(theta, s.teams, start.teams)
  theta[idx.gamma] = s.anyHomeVenue ? start.homeAdvantage : 0
  theta[idx.rho] = s.lowScoreWeight > 0 ? start.rho : 0
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
  const objective = sumToZeroObjective((theta, grad) => nbLogLikelihood(s, theta, grad), k)
  const res = minimiseLbfgs(objective, theta0, {
    lower,
    upper,
    tolerance: params.tolerance ?? 1e-6,
    maxIterations: 3000,
  })
  const theta = res.x
  centreAttack(theta, k)
  const dispersion = theta[idx.dispersion]
  if (fixedDispersion === undefined && dispersion === 0) {
    warnings.push(
      'The dispersion is at its bound 0: the data are not over-dispersed, the fit is the Poisson Dixon-Coles.',
    )
  }
  if (!res.converged) warnings.push(notConvergedWarning(res))
  return {
    variant: 'negative-binomial',
    asOf: ctx.asOf,
    from: ctx.from,
    xi: ctx.xi,
    teams: teamRatingsOf(s, theta),
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
