/** Negative binomial Dixon-Coles (goalmodel's `negbin` with the DC correction) as a goal-model variant. */
import type { GoalModelVariant } from '../types'
import { fitNegativeBinomial, type NegativeBinomialFit } from './fit'
import { explainNegativeBinomial, predictNegativeBinomial } from './predict'

export { fitNegativeBinomial, type NegativeBinomialFit } from './fit'
export { negativeBinomialMatrix } from './predict'

export const negativeBinomialVariant: GoalModelVariant<NegativeBinomialFit> = {
  id: 'negative-binomial',
  label: 'Negative binomial Dixon-Coles',
  description:
    'Dixon-Coles with negative binomial goal counts (mean and dispersion φ, variance m + φm²) and the τ low-score ' +
    'correction, as in the R package goalmodel (Langseth); time-decayed maximum likelihood, φ fitted unless ' +
    'params.dispersion fixes it.',
  fit: fitNegativeBinomial,
  predict: predictNegativeBinomial,
  explain: explainNegativeBinomial,
  fitInfo: (fit) => ({
    nMatches: fit.nMatches,
    nTeams: fit.teams.length,
    iterations: fit.iterations,
    converged: fit.converged,
    gradientNorm: fit.gradientNorm,
    excludedTeams: [],
  }),
  summary: (fit) => ({ ...fit, teams: fit.teams.map((t) => ({ ...t })) }),
}
