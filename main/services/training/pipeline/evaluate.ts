/** The walk-forward with the chosen ξ and the final fit(s) on the training window, run side by side. */
import { yearsBefore, type WalkForwardResult, type XiSelection } from '../../../model/backtest'
import type { FittedModel } from '../../../model/dixonColes'
import { TrainingError } from '../errors'
import type { LeagueData } from '../leagueData'
import { backtestInPool, fitInPool, fitVariantInPool } from '../modelJobClient'
import type { FitVariantResult } from '../modelJobs'
import { packMatches } from '../packedMatches'
import { matchScores, type MatchScore } from '../../tracking/sameMatches'
import { describeRps, evaluationCountNote } from '../../../../shared/modelReport'
import { walkOptions } from './records'
import type { ChosenVariant, LeagueStep } from './step'

export interface Evaluated {
  packed: ReturnType<typeof packMatches>
  backtest: WalkForwardResult
  /** What the app serves: the engine's fit, or the variant's own parameters in the engine's form. */
  fitted: FittedModel
  variantFit: FitVariantResult | null
  isEngine: boolean
  servable: boolean
  fitMs: number
  /** The promotion score: the served (calibrated) forecast's RPS, else the model's. */
  candidateScore: number
  /** Per-match served and model RPS by match id: what a later comparison joins on (#20). */
  scores: MatchScore[]
}

export async function evaluateAndFit(
  ctx: LeagueStep,
  data: LeagueData,
  variant: ChosenVariant,
  xiChoice: XiSelection,
): Promise<Evaluated> {
  const { league, s, deps, out, jobOptions, progress, time } = ctx
  const { pool } = deps
  progress('backtest', 0.6, `${league}: walk-forward with ξ = ${xiChoice.xi}`)
  const packed = packMatches(data.matches)
  // Dixon-Coles ratings for the screens and the feature views (the engine's kind when the variant is one
  // of its two; Dixon-Coles otherwise), and the variant's own fit summary when it is another variant.
  const engineKind = variant.model === 'poisson' ? 'poisson' : 'dixon-coles'
  const isEngine = variant.model === 'dixon-coles' || variant.model === 'poisson'
  const trainFrom = yearsBefore(data.evaluation.to, s.windowYears)
  const [backtest, engineFit, variantFit] = await Promise.all([
    time('backtest', () =>
      backtestInPool(pool, packed, walkOptions(s, data, xiChoice.xi, variant), {
        ...jobOptions,
        label: `${league} backtest`,
      }),
    ),
    time('fit', () =>
      fitInPool(
        pool,
        packed,
        {
          xi: xiChoice.xi,
          model: engineKind,
          asOf: data.evaluation.to,
          from: trainFrom,
        },
        { ...jobOptions, label: `${league} fit`, excludeDegenerate: true },
      ),
    ),
    isEngine
      ? Promise.resolve<FitVariantResult | null>(null)
      : time('fit variant', () =>
          fitVariantInPool(
            pool,
            {
              matches: packed,
              model: variant.model,
              params: variant.params,
              asOf: data.evaluation.to,
              from: trainFrom,
              xi: xiChoice.xi,
            },
            { ...jobOptions, label: `${league} fit ${variant.model}` },
          ),
        ),
  ])
  // What the app serves: the engine's fit, or the variant's own parameters when its forecasts are the
  // engine's formula with them (shots, market): then the champion's probabilities are the variant's.
  const fitted = variantFit?.engineModel ?? engineFit
  const servable = isEngine || variantFit?.engineModel != null
  const fitMs = out.steps.find((t) => t.step === 'fit')?.ms ?? 0
  out.metrics = backtest.metrics
  out.alpha = backtest.final.alpha
  out.logLikelihood = fitted.logLikelihood
  const candidateScore = backtest.metrics.calibrated?.rps ?? backtest.metrics.model?.rps
  if (candidateScore === undefined) {
    throw new TrainingError(
      'PIPELINE_NO_DATA',
      `${league}: the walk-forward scored no match in ${data.evaluation.season}`,
    )
  }
  const anyMarket = backtest.rows.some((r) => r.market !== null)
  const counts = {
    evaluation: data.evaluation.matches,
    scored: backtest.nScored,
    noOdds: anyMarket ? backtest.rows.filter((r) => r.model !== null && r.market === null).length : 0,
    noRating: backtest.rows.filter((r) => r.model === null).length,
  }
  out.counts = { ...counts, note: evaluationCountNote(counts) }
  out.rpsSummary = describeRps({
    alpha: backtest.final.alpha,
    calibrated: backtest.final.calibrator !== null,
    hasMarket: anyMarket,
    served: backtest.metrics.calibrated?.rps,
    model: backtest.metrics.model?.rps,
    market: backtest.metrics.market?.rps,
    n: backtest.nScored,
  })
  const scores = matchScores(backtest.rows.map((r) => ({ ...r, matchId: data.matchIdOf(r) })))
  return { packed, backtest, fitted, variantFit, isEngine, servable, fitMs, candidateScore, scores }
}
