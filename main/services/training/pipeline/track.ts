/** Track the league's run (parent + child runs, params, metrics, artifacts) and register a model version. */
import { yearsBefore, type XiSelection } from '../../../model/backtest'
import { requireVariant } from '../../../model/variants'
import { TAGS, type ModelVersion } from '../../tracking/trackingStore'
import { predictionsCsv, ratingsCsv, reliabilitySvg, type ModelArtifact } from '../artifacts'
import { logMlflowModel } from '../mlflowModel'
import type { LeagueData } from '../leagueData'
import type { Evaluated } from './evaluate'
import { valueRunRecord } from './valueMetrics'
import { goalsRunRecord } from './goalsMetrics'
import { gateRecord, metricRecord, settingsRecord, warmUpFromOf } from './records'
import { currentLeagueTeams } from '../../../model/dixonColes/currentTeams'
import { matchSetId, scoredIds } from '../../tracking/sameMatches'
import type { ChosenVariant, LeagueStep } from './step'
import { configFingerprint, RUN_TAGS } from './unchanged'
import { EXPERIMENTS, experimentNameOf, modelNameOf } from './types'
import { PIPELINE_STAGE, STAGE_TAG, type Stage } from '../../tracking/pipelineRecorder'
import { registeredModelDescription } from '../../tracking/modelName'
import { runSourceTags, xiSearchMetrics } from './mlflowView'
import { recordSelection } from './storedSelection'

export async function trackStep(
  ctx: LeagueStep,
  data: LeagueData,
  variant: ChosenVariant,
  xiChoice: XiSelection,
  evaluated: Evaluated,
): Promise<ModelVersion> {
  const { league, s, deps, meta, out, progress, time } = ctx
  const { tracking } = deps
  const { backtest, fitted, variantFit, isEngine, servable, fitMs, candidateScore } = evaluated
  progress('track', 0.8, `${league}: logging the run`)
  const modelName = modelNameOf(league)
  // the latest season's teams: ratings tables hide those that left the league (#20)
  const current = currentLeagueTeams(data.matches)
  const version = await time('track', async () => {
    // one experiment: MLflow nests child runs only under a parent of the same experiment (#21)
    const experiment = await tracking.ensureExperiment(experimentNameOf(deps.experimentPrefix))
    const tags = {
      'scoreline.league': league,
      'scoreline.pipeline_run': meta.id,
      'scoreline.trigger': meta.trigger,
      // MLflow's "Source" and "Created by" (#21)
      ...runSourceTags(meta.trigger),
      [TAGS.dataFingerprint]: data.dataFingerprint,
      [TAGS.evalWindow]: data.evalWindow,
      'scoreline.model_variant': variant.model,
      // the matches the served forecast scored, by match id: two runs compare only on the same set (#20)
      [TAGS.scoredMatches]: matchSetId(scoredIds(evaluated.scores)),
      // with the data fingerprint: a rerun on unchanged data and settings registers nothing new
      [TAGS.configFingerprint]: configFingerprint(s),
      // which forecast each RPS is, for the screens: "served: market (blend off), 0.1971; model 0.2005; …"
      ...(out.rpsSummary ? { [RUN_TAGS.rpsSummary]: out.rpsSummary } : {}),
      ...(out.counts ? { [RUN_TAGS.countsNote]: out.counts.note } : {}),
    }
    // does the evaluation season's edge pay at Pinnacle's pre-match price? (#22 §3)
    const value = valueRunRecord(backtest.rows, data, s.marketPreference)
    // the model's over/under 2.5 and Asian handicap against Pinnacle's (#22 §2)
    const goals = goalsRunRecord(backtest.rows, data, s.margin)
    const params = {
      league,
      seasons: data.seasons.join(' '),
      eval_season: data.evaluation.season,
      eval_from: data.evaluation.from,
      eval_to: data.evaluation.to,
      train_from: yearsBefore(data.evaluation.to, s.windowYears),
      train_to: data.evaluation.to,
      window_years: s.windowYears,
      xi: xiChoice.xi,
      xi_grid: s.xiGrid.join(' '),
      model: variant.model,
      model_variant: variant.model,
      model_params: JSON.stringify(variant.params),
      model_selection: s.model === 'auto' ? 'auto' : 'named',
      margin_method: s.margin,
      blend: s.blend,
      calibration: s.calibration,
      min_history: s.minHistory,
      // the scoring protocol: stages gated on out-of-sample evidence, warmed up on the season before
      gated: 'true',
      warm_up_from: warmUpFromOf(data),
      market: settingsRecord(s).market.join(' '),
      code_version: deps.codeVersion ?? 'dev',
      ...(value?.params ?? {}),
      ...(goals?.params ?? {}),
    }
    // the run starts when the league's work started (loading its matches), not when it is logged (#20)
    const parent = await tracking.startRun({
      experimentId: experiment.id,
      runName: `${league} pipeline ${meta.id}`,
      tags: { ...tags, [STAGE_TAG]: PIPELINE_STAGE },
      startTime: ctx.startedAt,
    })
    ctx.parentRunId = parent.runId
    // the --model auto choice and its key, for a later process or desktop to reuse (#23)
    if (out.variantChoice && out.variantSelection)
      await recordSelection(tracking, parent.runId, out.variantChoice, out.variantSelection)
    await tracking.log(parent.runId, {
      params,
      metrics: {
        rps: candidateScore,
        ...metricRecord('model_', backtest.metrics.model),
        ...metricRecord('market_', backtest.metrics.market),
        ...metricRecord('blend_', backtest.metrics.blend),
        ...metricRecord('calibrated_', backtest.metrics.calibrated),
        ...(value?.metrics ?? {}),
        ...(goals?.metrics ?? {}),
        log_likelihood: fitted.logLikelihood,
        iterations: fitted.iterations,
        fit_seconds: fitMs / 1000,
        ...(backtest.final.alpha !== null ? { alpha: backtest.final.alpha } : {}),
        ...(out.counts
          ? {
              eval_matches: out.counts.evaluation,
              eval_no_odds: out.counts.noOdds,
              eval_no_rating: out.counts.noRating,
            }
          : {}),
      },
    })
    // the chosen ξ's score as a column (xi_best_rps) and the grid as a curve over ξ (step ξ×10⁴) (#21)
    await tracking.log(parent.runId, { metrics: xiSearchMetrics(xiChoice, Date.now()) })
    // a child run spans the step that did its work: the fit, or the walk-forward (blend and calibration)
    const child = async (
      stage: Stage,
      name: string,
      p: Record<string, string | number>,
      m: Record<string, number>,
    ) => {
      const span = ctx.wall.get(name === 'fit' ? 'fit' : 'backtest')
      const run = await tracking.startRun({
        experimentId: experiment.id,
        runName: `${league} ${name}`,
        parentRunId: parent.runId,
        tags: { ...tags, [STAGE_TAG]: stage },
        ...(span ? { startTime: span.start } : {}),
      })
      ctx.childRuns.push(run.runId)
      await tracking.log(run.runId, { params: p, metrics: m })
      await tracking.endRun(run.runId, 'FINISHED', span?.end || undefined)
    }
    await child(
      EXPERIMENTS.poisson,
      'fit',
      {
        league,
        xi: xiChoice.xi,
        window_years: s.windowYears,
        model: variant.model,
        model_variant: variant.model,
      },
      {
        log_likelihood: fitted.logLikelihood,
        iterations: fitted.iterations,
        fit_seconds: fitMs / 1000,
        rho: fitted.rho,
        home_advantage: fitted.homeAdvantage,
        ...metricRecord('', backtest.metrics.model),
      },
    )
    await child(
      EXPERIMENTS.blending,
      'blend',
      { league, blend: s.blend, margin_method: s.margin, xi: xiChoice.xi },
      {
        ...(backtest.final.alpha !== null ? { alpha: backtest.final.alpha } : {}),
        ...metricRecord('', backtest.metrics.blend),
        ...metricRecord('market_', backtest.metrics.market),
        ...gateRecord(backtest.gates?.blend),
      },
    )
    const cal = backtest.final.calibrator
    await child(
      EXPERIMENTS.calibration,
      'calibration',
      { league, calibration: s.calibration, xi: xiChoice.xi },
      {
        ...(cal && cal.kind === 'temperature'
          ? { temperature: (cal as { temperature: number }).temperature }
          : {}),
        ...metricRecord('', backtest.metrics.calibrated),
        ...gateRecord(backtest.gates?.calibration),
      },
    )
    const artifact: ModelArtifact = {
      format: 'scoreline-dixon-coles/1',
      league,
      model: fitted,
      blend: { kind: s.blend, alpha: backtest.final.alpha },
      calibrator: backtest.final.calibrator,
      settings: params,
      variant: {
        id: variant.model,
        label: requireVariant(variant.model).label,
        params: variant.params,
        selection: out.variantSelection ?? null,
        summary: variantFit ? variantFit.summary : null,
        note: isEngine
          ? null
          : servable
            ? `\`model\` holds ${variant.model}'s own ratings in the engine's form: the app's forecasts with it are ${variant.model}'s.`
            : `The walk-forward evaluation and promotion score are ${variant.model}'s; \`model\` holds a Dixon-Coles fit on the same window for team ratings and the feature views.`,
      },
      dataFingerprint: data.dataFingerprint,
      evalWindow: data.evalWindow,
      currentTeams: [...current].sort(),
      howToPredict:
        'λ = exp(homeAdvantage + attack[home] + defence[away]), μ = exp(attack[away] + defence[home]); Dixon-Coles τ with rho; ' +
        `blend ${s.blend} with the market (margin method ${s.margin}) at weight alpha on the model; then the calibrator.`,
    }
    await tracking.logArtifact(parent.runId, 'model/model.json', JSON.stringify(artifact, null, 2))
    // the version as an MLflow Model: MLmodel (pyfunc flavor), environment and Python predict (#21)
    await logMlflowModel(tracking, parent.runId, artifact, servable)
    await tracking.logArtifact(
      parent.runId,
      'predictions.csv',
      predictionsCsv(backtest.rows, (r) => data.matchIdOf(r)),
    )
    await tracking.logArtifact(parent.runId, 'team_ratings.csv', ratingsCsv(fitted, current))
    await tracking.logArtifact(
      parent.runId,
      'reliability.svg',
      reliabilitySvg(backtest.rows, `${league} ${data.evaluation.season}`, 'calibrated'),
    )
    await tracking.endRun(parent.runId, 'FINISHED')
    out.runId = parent.runId
    await tracking.ensureRegisteredModel(modelName, { description: registeredModelDescription(league) })
    return tracking.createModelVersion({
      name: modelName,
      runId: parent.runId,
      artifactPath: 'model',
      tags: {
        'scoreline.league': league,
        [TAGS.evalWindow]: data.evalWindow,
        'scoreline.xi': String(xiChoice.xi),
        'scoreline.model_variant': variant.model,
      },
    })
  })
  out.version = version.version
  return version
}
