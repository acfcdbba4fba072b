/**
 * The weekly training pipeline, league by league:
 *  1. load played matches and the market's odds from the local store (`loadLeagueData`);
 *  2. choose ξ on a grid by walk-forward RPS over the evaluation window (the latest season), the grid
 *     fanned out across the worker pool;
 *  3. walk-forward with the chosen ξ: model, market, blend and calibrated forecasts of every evaluation
 *     match, each made only from earlier matches (α and the calibrator are refitted on earlier dates only);
 *     the α and calibrator fitted on the whole window are kept for future fixtures;
 *  4. fit Dixon-Coles on the training window ending at the last played match (what the app predicts with);
 *  5. evaluation = the walk-forward metrics of the four forecasts on the same matches;
 *  6. track a parent run (experiment `dixon_coles_poisson`) with child runs nested under it in the same
 *     experiment, tagged `scoreline.stage` `dixon_coles_poisson`, `dixon_coles_blending`,
 *     `dixon_coles_calibration`: params, metrics, artifacts;
 *  7. register a version of `scoreline-<league>` (variant: its `scoreline.model_variant` tag) and promote it only if it beats the champion on the
 *     same evaluation matches (`promoteIfBetter`; when the champion was evaluated on another window it is
 *     re-scored on this one with its own settings);
 *  8. on promotion, rebuild the feature views (injected `rebuildFeatures`).
 * A failing league is recorded with its reason and the next one runs. Everything is deterministic: the
 * same data and settings give the same parameters, bit for bit, however many workers run the grid.
 *
 * The ξ used for the reported evaluation is chosen on that same window (one hyper-parameter out of a grid of
 * ten); every individual forecast is still out-of-sample. The promotion metric `rps` is the calibrated
 * forecast's RPS: the forecast the app serves. When two versions' served forecasts are within the margin
 * (both defer to the market once the gates close), the goal model's own RPS (`model_rps`) decides.
 */
export * from './types'
export { summariseRun, runPipeline } from './run'
export { readChampion } from './features'
export { storedScoreComparable } from './promote'
export type { BacktestMatch } from '../../../model/backtest'
