/**
 * A variant's fit in the engine's form, for variants whose forecasts ARE the engine's formula with their own
 * parameters: λ = exp(γ + α_home + β_away), μ = exp(α_away + β_home), Dixon & Coles (1997) τ with ρ (eq. 4.1,
 * 4.2). The app then serves such a champion through the engine's prediction paths (jackpots, feature views,
 * model health) with exactly the variant's probabilities.
 *
 * Ratings are re-centred so that Σα = 0 as in the engine (the mean attack moves into every β: λ and μ are
 * unchanged). Standard errors (#20: every servable variant reports them) come from the goals' observed
 * information at these ratings (`dixonColes/standardErrors.ts`): a pseudo-goal objective's information mixes
 * goals with pseudo-goals and a filter's covariances are not a likelihood's, so the goals alone are counted,
 * which makes them conservative (an upper bound of the variant's own uncertainty); null when that information
 * is not positive definite there.
 */
import { standardErrorsAt } from '../../dixonColes/standardErrors'
import { toMatchArrays, type FittedModel } from '../../dixonColes/types'
import type { VariantMatch } from '../types'

export interface EngineRatings {
  asOf: string
  from: string
  xi: number
  /** α and β per team on the engine's scale (any goal-rate intercept or division offset already in β). */
  teams: readonly { name: string; attack: number; defence: number }[]
  homeAdvantage: number
  rho: number
  logLikelihood: number
  nMatches: number
  iterations: number
  converged: boolean
  gradientNorm: number
  droppedTeams?: readonly string[]
  warnings?: readonly string[]
}

/** τ at the four low scores for rates λ, μ and dependence ρ; the smallest of them. */
function minLowScoreTau(lambda: number, mu: number, rho: number): number {
  return Math.min(1 - lambda * mu * rho, 1 + lambda * rho, 1 + mu * rho, 1 - rho)
}

/** The engine's FittedModel of `r`; match counts and the τ bound are taken over `history` in [from, asOf]. */
export function ratingsAsEngineModel(r: EngineRatings, history: readonly VariantMatch[]): FittedModel {
  const n = r.teams.length
  const meanAttack = n ? r.teams.reduce((s, t) => s + t.attack, 0) / n : 0
  const attack = r.teams.map((t) => t.attack - meanAttack)
  const defence = r.teams.map((t) => t.defence + meanAttack)
  const index = new Map(r.teams.map((t, i) => [t.name, i]))
  const matches = new Array<number>(n).fill(0)
  let minTau = 1
  for (const m of history) {
    if (m.date < r.from || m.date > r.asOf) continue
    const h = index.get(m.home)
    const a = index.get(m.away)
    if (h === undefined || a === undefined) continue
    matches[h]++
    matches[a]++
    const lambda = Math.exp((m.neutral ? 0 : r.homeAdvantage) + attack[h] + defence[a])
    const mu = Math.exp(attack[a] + defence[h])
    minTau = Math.min(minTau, minLowScoreTau(lambda, mu, r.rho))
  }
  let errors: ReturnType<typeof standardErrorsAt> = null
  try {
    errors = standardErrorsAt(
      toMatchArrays(history),
      { asOf: r.asOf, from: r.from, xi: r.xi },
      {
        teams: r.teams.map((t, i) => ({ name: t.name, attack: attack[i], defence: defence[i] })),
        homeAdvantage: r.homeAdvantage,
        rho: r.rho,
      },
    )
  } catch {
    errors = null // no goals in the window to measure them on
  }
  return {
    model: 'dixon-coles',
    asOf: r.asOf,
    from: r.from,
    xi: r.xi,
    teams: r.teams.map((t, i) => ({
      name: t.name,
      attack: attack[i],
      defence: defence[i],
      attackSe: errors?.teams.get(t.name)?.attackSe ?? null,
      defenceSe: errors?.teams.get(t.name)?.defenceSe ?? null,
      matches: matches[i],
    })),
    homeAdvantage: r.homeAdvantage,
    homeAdvantageSe: errors?.homeAdvantageSe ?? null,
    rho: r.rho,
    rhoSe: errors?.rhoSe ?? null,
    logLikelihood: r.logLikelihood,
    nMatches: r.nMatches,
    nTeams: n,
    iterations: r.iterations,
    converged: r.converged,
    gradientNorm: r.gradientNorm,
    minTau,
    droppedTeams: [...(r.droppedTeams ?? [])],
    warnings: [...(r.warnings ?? [])],
  }
}
