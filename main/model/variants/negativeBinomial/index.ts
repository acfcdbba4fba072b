/** Negative binomial Dixon-Coles (goalmodel's `negbin` with the DC correction) as a goal-model variant. */
import { variantOfOneShape } from '../common/variantShape'
import { fitInfoOf, summaryWithTeams } from '../common/fitReport'
import type { GoalModelVariant } from '../types'
import { fitNegativeBinomial, type NegativeBinomialFit } from './fit'
import { explainNegativeBinomial, predictNegativeBinomial } from './predict'

export { fitNegativeBinomial, type NegativeBinomialFit } from './fit'
export { negativeBinomialMatrix } from './predict'

export const negativeBinomialVariant: GoalModelVariant<NegativeBinomialFit> = variantOfOneShape({
  id: 'negative-binomial',
  label: 'Negative binomial Dixon-Coles',
  description:
    'Dixon-Coles with negative binomial goal counts (mean and dispersion φ, variance m + φm²) and the τ low-score ' +
    'correction, as in the R package goalmodel (Langseth); time-decayed maximum likelihood, φ fitted unless ' +
    'params.dispersion fixes it.',
  fit: fitNegativeBinomial,
  predict: predictNegativeBinomial,
  explain: explainNegativeBinomial,
  fitInfo: fitInfoOf,
  summary: summaryWithTeams,
})
