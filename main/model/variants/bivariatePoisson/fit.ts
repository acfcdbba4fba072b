/**
 * Maximum-likelihood fit of the bivariate Poisson (see `likelihood.ts`) by L-BFGS on the exact gradient,
 * time-decayed like the engine (w = exp(−ξ·days before asOf)).
 *
 * Start: the engine's independent Poisson fit on the same window and λ₃ = 0.05 — or, warm, the previous fit's
 * parameters by team name. Σα = 0 through the penalty ½(Σα)² (the likelihood is invariant under α + c, β − c,
 * so the penalised maximum is the constrained one). λ₃ ∈ [0, 2]: the bound 0 is the independent Poisson, where a
 * fit on data without positive score correlation stops. `params.lambda3` fixes λ₃ (0: independent Poisson).
 */
import { DixonColesError } from '../../dixonColes'
import { minimiseLbfgs } from '../common/lbfgs'
import { notConvergedWarning } from '../common/fitReport'
import { buildMatchGroups, type MatchGroups } from '../common/matchGroups'
import { setStartRatings, startRatings, teamRatingsOf } from '../common/teamRatings'
import { centreAttack, sumToZeroObjective } from '../common/sumToZero'
import type { VariantFitContext, VariantMatch } from '../types'
import { bpIndex, bpLogLikelihood, bpParameterCount } from './likelihood'

export interface BivariatePoissonFit {
  variant: 'bivariate-poisson'
  asOf: string
  from: string
  xi: number
  /** α (log attack, Σα = 0) and β (log defensive weakness) of log λ₁, log λ₂. */
  teams: { name: string; attack: number; defence: number; matches: number }[]
  homeAdvantage: number
  /** λ₃: the covariance of home and away goals (goals added to both sides). */
  lambda3: number
  lambda3Fixed: boolean
  logLikelihood: number
  nMatches: number
  iterations: number
  converged: boolean
  gradientNorm: number
  warnings: string[]
}

export const MAX_LAMBDA3 = 2
const START_LAMBDA3 = 0.05

/**
 * A degeneracy of the bivariate Poisson that Dixon-Coles does not have: when every goal a team scored came in a
 * match where its opponent scored at least as many, all of them can be put on the shared component X₃, and the
 * likelihood keeps increasing as the team's own rate λ → 0 (log P → const − λ₁ because S(x, y) ~ t^x as
 * t = λ₃/(λ₁λ₂) → ∞). Same for defence with goals conceded. No finite MLE: MODEL_DEGENERATE naming the teams in the
 * engine's `neverScored` / `neverConceded` details, so the walk-forward leaves them out like a newcomer that has
 * not scored (a real case: Las Palmas in September 2023, every goal so far in a draw or a defeat).
 */
function assertFiniteBivariate(s: MatchGroups): void {
  const k = s.nTeams
  const attackFree = new Uint8Array(k) // some goal scored that X₃ cannot carry
  const defenceFree = new Uint8Array(k)
  for (let g = 0; g < s.nGroups; g++) {
    const h = s.home[g]
    const a = s.away[g]
    if (s.x[g] > s.y[g]) {
      attackFree[h] = 1
      defenceFree[a] = 1
    }
    if (s.y[g] > s.x[g]) {
      attackFree[a] = 1
      defenceFree[h] = 1
    }
  }
  const neverScored = s.teams.filter((_, i) => !attackFree[i])
  const neverConceded = s.teams.filter((_, i) => !defenceFree[i])
  if (neverScored.length || neverConceded.length) {
    throw new DixonColesError(
      'MODEL_DEGENERATE',
      'No finite bivariate Poisson rating exists for teams whose every goal scored (or conceded) came in a match where ' +
        `the other side scored at least as many: ${[...neverScored, ...neverConceded].join(', ')}. ` +
        'Widen the window, leave them out, or fix lambda3 = 0.',
      { neverScored, neverConceded },
    )
  }
}

function isBivariatePoissonFit(v: unknown): v is BivariatePoissonFit {
  return typeof v === 'object' && v !== null && (v as { variant?: unknown }).variant === 'bivariate-poisson'
}

export function fitBivariatePoisson(
  history: readonly VariantMatch[],
  ctx: VariantFitContext,
): BivariatePoissonFit {
  const fixed = ctx.params?.lambda3
  if (fixed !== undefined && !(fixed >= 0 && fixed <= MAX_LAMBDA3)) {
    throw new DixonColesError('MODEL_BAD_INPUT', `lambda3 must be in [0, ${MAX_LAMBDA3}], got ${fixed}`, {
      lambda3: fixed,
    })
  }
  const s = buildMatchGroups(history, ctx)
  if (fixed !== 0) assertFiniteBivariate(s)
  const k = s.nTeams
  const idx = bpIndex(k)
  const P = bpParameterCount(k)
  const previous = isBivariatePoissonFit(ctx.previous) ? ctx.previous : undefined
  const start = startRatings(s, ctx, previous, 'poisson')
  const theta0 = new Float64Array(P)
  setStartRatings(theta0, s.teams, start.teams)
  theta0[idx.gamma] = s.anyHomeVenue ? start.homeAdvantage : 0
  theta0[idx.lambda3] = fixed ?? (previous ? previous.lambda3 : START_LAMBDA3)
  const lower = new Float64Array(P).fill(-Infinity)
  const upper = new Float64Array(P).fill(Infinity)
  const warnings: string[] = []
  if (!s.anyHomeVenue) {
    lower[idx.gamma] = upper[idx.gamma] = 0
    warnings.push('Every match was at a neutral venue: home advantage fixed at 0.')
  }
  lower[idx.lambda3] = fixed ?? 0
  upper[idx.lambda3] = fixed ?? MAX_LAMBDA3
  const objective = sumToZeroObjective((theta, grad) => bpLogLikelihood(s, theta, grad), k)
  const res = minimiseLbfgs(objective, theta0, {
    lower,
    upper,
    tolerance: ctx.params?.tolerance ?? 1e-6,
    maxIterations: 3000,
  })
  const theta = res.x
  centreAttack(theta, k)
  const lambda3 = theta[idx.lambda3]
  if (fixed === undefined && lambda3 === 0) {
    warnings.push('λ3 is at its bound 0: no positive score correlation, the fit is the independent Poisson.')
  }
  if (!res.converged) warnings.push(notConvergedWarning(res))
  return {
    variant: 'bivariate-poisson',
    asOf: ctx.asOf,
    from: ctx.from,
    xi: ctx.xi,
    teams: teamRatingsOf(s, theta),
    homeAdvantage: theta[idx.gamma],
    lambda3,
    lambda3Fixed: fixed !== undefined,
    logLikelihood: bpLogLikelihood(s, theta, null),
    nMatches: s.nMatches,
    iterations: res.iterations,
    converged: res.converged,
    gradientNorm: res.gradientNorm,
    warnings,
  }
}
