/** Exact Dixon-Coles engine: pure maths, no I/O. */
export { DixonColesError, type DixonColesErrorCode } from './errors'
export {
  dateOfDayNumber,
  dayNumberOf,
  emptyMatchArrays,
  toMatchArrays,
  type FitOptions,
  type FittedModel,
  type MatchArrays,
  type MatchInput,
  type ModelKind,
  type TeamRating,
} from './types'
export { buildMatchStats, assertIdentifiable, type MatchStats, type Window } from './stats'
export {
  logLikelihood,
  logLikelihoodDerivatives,
  minTau,
  rhoInterval,
  gammaIndex,
  rhoIndex,
} from './likelihood'
export { fitDixonColes, fitDixonColesDetailed, prepareFit, type DetailedFit, type PreparedFit } from './fit'
export {
  defaultStart,
  solveConstrainedNewton,
  type ConstrainedNewtonOptions,
  type ConstrainedNewtonResult,
} from './newton'
export {
  SCORE_TAIL_MASS,
  bothTeamsToScore,
  clampRho,
  fixtureRates,
  fixtureRhoInterval,
  matrixOutcomes,
  outcomeProbabilities,
  overUnder,
  predictFixture,
  scoreMatrix,
  teamRating,
  topScores,
  type FixturePrediction,
  type PredictOptions,
  type ScoreMatrixOptions,
  type ScoreProbability,
} from './predict'
