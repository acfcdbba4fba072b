/**
 * A pseudo-goal fit (the 'shots' and 'market' variants) in the engine's form. Their forecasts are the
 * engine's formula with their own parameters — λ = exp(γ + α_home + β_away), μ = exp(α_away + β_home),
 * Dixon & Coles (1997) τ with ρ (eq. 4.2) — so a champion of either is served by the engine's prediction
 * paths with exactly the variant's probabilities. Standard errors are not available (null): the
 * objective's information matrix mixes goals with pseudo-goals and is not the goals' observed information.
 */
import type { FittedModel } from '../../dixonColes/types'
import type { VariantMatch } from '../types'
import type { PseudoGoalModel } from './pseudoGoalFit'

/** τ at the four low scores for rates λ, μ and dependence ρ; the smallest of them. */
function minLowScoreTau(lambda: number, mu: number, rho: number): number {
  return Math.min(1 - lambda * mu * rho, 1 + lambda * rho, 1 + mu * rho, 1 - rho)
}

export function pseudoGoalAsEngineModel(fit: PseudoGoalModel, history: readonly VariantMatch[]): FittedModel {
  const index = new Map(fit.teams.map((t, i) => [t, i]))
  const matches = new Array<number>(fit.teams.length).fill(0)
  let minTau = 1
  for (const m of history) {
    if (m.date < fit.from || m.date > fit.asOf) continue
    const h = index.get(m.home)
    const a = index.get(m.away)
    if (h === undefined || a === undefined) continue
    matches[h]++
    matches[a]++
    const lambda = Math.exp((m.neutral ? 0 : fit.homeAdvantage) + fit.attack[h] + fit.defence[a])
    const mu = Math.exp(fit.attack[a] + fit.defence[h])
    minTau = Math.min(minTau, minLowScoreTau(lambda, mu, fit.rho))
  }
  return {
    model: 'dixon-coles',
    asOf: fit.asOf,
    from: fit.from,
    xi: fit.xi,
    teams: fit.teams.map((name, i) => ({
      name,
      attack: fit.attack[i],
      defence: fit.defence[i],
      attackSe: null,
      defenceSe: null,
      matches: matches[i],
    })),
    homeAdvantage: fit.homeAdvantage,
    homeAdvantageSe: null,
    rho: fit.rho,
    rhoSe: null,
    logLikelihood: fit.goalsLogLikelihood,
    nMatches: fit.nMatches,
    nTeams: fit.teams.length,
    iterations: fit.iterations,
    converged: fit.converged,
    gradientNorm: fit.gradientNorm,
    minTau,
    droppedTeams: fit.droppedTeams,
    warnings: [
      ...fit.warnings,
      ...(fit.excludedTeams.length
        ? [`left out (no finite rating yet): ${fit.excludedTeams.join(', ')}`]
        : []),
    ],
  }
}
