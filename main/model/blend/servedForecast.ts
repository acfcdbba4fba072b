/**
 * What a champion serves for a fixture, by the walk-forward's own rule (`backtest/walkForward.ts`, steps 4–5),
 * so that model health, the feature views and jackpots serve exactly the forecasts the champion was evaluated
 * on:
 *  - with a market: the α blend of model and market; α null (never fitted: too few earlier forecasts) or 0
 *    (the blend has not beaten the market out of sample) serves the market itself;
 *  - without a market: the model;
 *  - then the calibrator, when the champion has one (null: it has not beaten the uncalibrated forecast).
 */
import { applyCalibrator, type Calibrator } from '../calibration'
import type { Triple } from '../metrics'
import { applyBlend, type BlendKind } from './blend'

export interface ServedStages {
  blend: { kind: BlendKind; alpha: number | null } | null
  calibrator: Calibrator | null
}

export interface ServedForecast {
  /** The blend stage's output (the market when α is null or 0; the model without a market). */
  blend: Triple
  /** α the blend used: 0 for the market alone, 1 for the model alone (no market). */
  alpha: number
  /** The calibrator applied to the blend, or the blend itself. */
  calibrated: Triple
}

export function servedForecast(model: Triple, market: Triple | null, stages: ServedStages): ServedForecast {
  const alpha = market ? (stages.blend?.alpha ?? 0) : 1
  const blend = !market
    ? model
    : alpha === 0
      ? market
      : applyBlend({ kind: stages.blend!.kind, alpha }, model, market)
  const calibrated = stages.calibrator ? applyCalibrator(stages.calibrator, blend) : blend
  return { blend, alpha, calibrated }
}
