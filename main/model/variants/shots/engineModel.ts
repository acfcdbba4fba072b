/**
 * A pseudo-goal fit (the 'shots' and 'market' variants) in the engine's form (`../common/engineModel.ts`):
 * their forecasts are the engine's formula with their own α, β, γ, ρ.
 */
import type { FittedModel } from '../../dixonColes/types'
import { ratingsAsEngineModel } from '../common/engineModel'
import type { VariantMatch } from '../types'
import type { PseudoGoalModel } from './pseudoGoalFit'

export function pseudoGoalAsEngineModel(fit: PseudoGoalModel, history: readonly VariantMatch[]): FittedModel {
  return ratingsAsEngineModel(
    {
      ...fit,
      teams: fit.teams.map((name, i) => ({ name, attack: fit.attack[i], defence: fit.defence[i] })),
      logLikelihood: fit.goalsLogLikelihood,
      warnings: [
        ...fit.warnings,
        ...(fit.excludedTeams.length
          ? [`left out (no finite rating yet): ${fit.excludedTeams.join(', ')}`]
          : []),
      ],
    },
    history,
  )
}
