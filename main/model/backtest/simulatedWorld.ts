/**
 * The simulated leagues' true match model (gateSimulation.ts, valueSimulation.ts): Dixon-Coles with a fixed
 * home advantage and ρ, the true H/D/A probabilities of a match given the teams' true ratings. Pure.
 */
import { outcomeProbabilities } from '../dixonColes'
import type { Triple } from '../metrics'
import type { SimTeam } from '../simulate/simulateLeague'

export const SIM_HOME_ADVANTAGE = 0.25
export const SIM_RHO = -0.08

/** True (H, D, A) of `home` v `away` in the simulated world. */
export function simulatedProbabilities(home: SimTeam, away: SimTeam): Triple {
  return outcomeProbabilities(
    Math.exp(SIM_HOME_ADVANTAGE + home.attack + away.defence),
    Math.exp(away.attack + home.defence),
    SIM_RHO,
  ) as Triple
}
