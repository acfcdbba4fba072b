/**
 * Test helpers for the pseudo-goal variants (not exported from the barrel): simulated seasons extended with
 * shots on target and market probabilities drawn from the TRUE rates, so recovery tests know the answer.
 */
import { mulberry32, randomTeams, simulateLeague, type SimTeam } from '../../simulate/simulateLeague'
import { outcomeProbabilities } from '../../dixonColes'
import type { VariantMatch } from '../types'

export const SIM_GAMMA = 0.25
export const SIM_RHO = -0.08
/** Goals per shot on target in the simulation (real leagues: ≈ 0.30). */
export const SIM_CONVERSION = 0.3

/** Poisson draw by inversion (small means only). */
export function poissonDraw(rng: () => number, mean: number): number {
  let k = 0
  let p = Math.exp(-mean)
  let cdf = p
  const u = rng()
  while (u > cdf && k < 1000) {
    k++
    p *= mean / k
    cdf += p
  }
  return k
}

export interface SimulatedSeasons {
  teams: SimTeam[]
  matches: VariantMatch[]
  /** True λ, μ per match (index-aligned). */
  rates: Array<[number, number]>
}

/**
 * `seasons` double round robins of `nTeams` teams (Dixon-Coles scores from the engine's simulator); each match
 * gets shots on target ~ Poisson(λ / c) and Poisson(μ / c), and the market 1X2 of the true λ, μ, ρ.
 */
export function simulateWithExtras(seed: number, nTeams = 20, seasons = 3): SimulatedSeasons {
  const teams = randomTeams(nTeams, seed)
  const base = simulateLeague({ teams, homeAdvantage: SIM_GAMMA, rho: SIM_RHO, seasons, seed: seed + 1 })
  const byName = new Map(teams.map((t) => [t.name, t]))
  const rng = mulberry32(seed + 2)
  const rates: Array<[number, number]> = []
  const matches = base.map((m): VariantMatch => {
    const h = byName.get(m.home) as SimTeam
    const a = byName.get(m.away) as SimTeam
    const lambda = Math.exp(SIM_GAMMA + h.attack + a.defence)
    const mu = Math.exp(a.attack + h.defence)
    rates.push([lambda, mu])
    return {
      ...m,
      homeShotsOnTarget: poissonDraw(rng, lambda / SIM_CONVERSION),
      awayShotsOnTarget: poissonDraw(rng, mu / SIM_CONVERSION),
      market: outcomeProbabilities(lambda, mu, SIM_RHO),
    }
  })
  return { teams, matches, rates }
}

/** Root-mean-square error of fitted attack and defence against the truth (attack centred like the fit). */
export function ratingError(
  truth: SimTeam[],
  fit: { teams: string[]; attack: number[]; defence: number[] },
): number {
  const mean = truth.reduce((s, t) => s + t.attack, 0) / truth.length
  let s = 0
  let n = 0
  for (const t of truth) {
    const i = fit.teams.indexOf(t.name)
    if (i < 0) continue
    s += (fit.attack[i] - (t.attack - mean)) ** 2 + (fit.defence[i] - (t.defence + mean)) ** 2
    n += 2
  }
  return Math.sqrt(s / n)
}
