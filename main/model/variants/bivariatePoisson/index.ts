/** Karlis & Ntzoufras (2003) bivariate Poisson as a goal-model variant. */
import { variantOfOneShape } from '../common/variantShape'
import { fitInfoOf, summaryWithTeams } from '../common/fitReport'
import type { GoalModelVariant } from '../types'
import { fitBivariatePoisson, type BivariatePoissonFit } from './fit'
import { explainBivariatePoisson, predictBivariatePoisson } from './predict'

export { fitBivariatePoisson, type BivariatePoissonFit } from './fit'
export { bivariatePoissonMatrix } from './predict'

export const bivariatePoissonVariant: GoalModelVariant<BivariatePoissonFit> = variantOfOneShape({
  id: 'bivariate-poisson',
  label: 'Bivariate Poisson',
  description:
    'Karlis & Ntzoufras (2003) bivariate Poisson: home and away goals share a common Poisson component λ3 (their ' +
    'covariance), team attack/defence and home advantage on the other two rates; time-decayed maximum likelihood, λ3 ' +
    'fitted unless params.lambda3 fixes it (0 = independent Poisson).',
  fit: fitBivariatePoisson,
  predict: predictBivariatePoisson,
  explain: explainBivariatePoisson,
  fitInfo: fitInfoOf,
  summary: summaryWithTeams,
})
