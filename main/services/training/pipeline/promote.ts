/**
 * Promotion: the candidate against the league's champion on the same evaluation matches (`promoteIfBetter`;
 * a champion scored on another window or protocol is re-scored on this one with its own settings).
 */
import {
  type CalibrationKind,
  type WalkForwardOptions,
  type WalkForwardResult,
} from '../../../model/backtest'
import type { BlendKind } from '../../../model/blend'
import type { MarginMethod } from '../../../model/market'
import { CHAMPION, promoteIfBetter } from '../../tracking/promotion'
import { TAGS, type ModelVersion, type TrackingStore } from '../../tracking/trackingStore'
import type { LeagueData } from '../leagueData'
import { backtestInPool } from '../modelJobClient'
import type { packMatches } from '../packedMatches'
import type { WorkerPool } from '../workerPool'
import { parsePredictionsCsv } from '../../health/healthMath'
import { compareOnSameMatches, matchScores, type MatchScore } from '../../tracking/sameMatches'
import type { Evaluated } from './evaluate'
import { parseParams, walkOptions, warmUpFromOf } from './records'
import type { ChosenVariant, LeagueStep } from './step'
import { modelNameOf, type PipelineSettings } from './types'

export async function promoteStep(
  ctx: LeagueStep,
  data: LeagueData,
  variant: ChosenVariant,
  evaluated: Evaluated,
  version: ModelVersion,
): Promise<void> {
  const { league, s, deps, meta, out, progress, time, jobOptions } = ctx
  const { tracking, pool } = deps
  const { packed, backtest, fitted, servable, candidateScore, scores } = evaluated
  const modelName = modelNameOf(league)
  progress('promote', 0.9, `${league}: comparing v${version.version} with the champion`)
  const { decision, compared } = await time('promote', async () => {
    const champion = await championScores(tracking, pool, modelName, data, packed, s, jobOptions)
    const compared = champion ? compareOnSameMatches(scores, champion.scores) : null
    const fair =
      compared && compared.n > 0 && compared.candidate.served !== null && compared.champion.served !== null
    const decision = await promoteIfBetter(tracking, {
      modelName,
      candidateVersion: version.version,
      // on the matches both versions scored (by match id), so the two figures are like for like
      candidateScore: fair ? (compared.candidate.served as number) : candidateScore,
      margin: s.promotionMargin,
      evalWindow: data.evalWindow,
      ...(fair ? { championScore: compared.champion.served as number } : {}),
      ...(compared && champion
        ? {
            matches: {
              n: compared.n,
              identical: compared.identical,
              candidateOnly: compared.candidateOnly,
              championOnly: compared.championOnly,
              matchSet: compared.matchSet,
              note: champion.note,
            },
          }
        : {}),
      ...(compared && !fair
        ? { notComparable: `no match of ${data.evaluation.season} was scored by both (${champion?.note})` }
        : {}),
      // when both served forecasts tie within the margin (typically: both defer to the market), the
      // better goal model wins: it serves fixtures without odds, the team ratings and the feature views
      tieBreak: {
        metric: 'model_rps',
        ...(fair && compared.modelN > 0
          ? {
              candidateScore: compared.candidate.model as number,
              championScore: compared.champion.model as number,
            }
          : backtest.metrics.model
            ? { candidateScore: backtest.metrics.model.rps }
            : {}),
      },
      decidedBy: `scoreline:pipeline:${meta.trigger}`,
      // The app's prediction paths (jackpots, feature views, model health) run the engine's fit; a
      // champion of another variant would be scored on its own forecasts but served Dixon-Coles ones.
      ...(servable
        ? {}
        : {
            notServable: `${variant.model} scored RPS ${candidateScore.toFixed(4)} on the evaluation window, but its forecasts need its own code, which the app's prediction paths (jackpots, feature views, model health) cannot run yet; they are in this run (compare with \`scoreline compare-models\`)`,
          }),
    })
    return { decision, compared }
  })
  out.decision = {
    action: decision.action,
    outcome: decision.outcome,
    promoted: decision.promoted,
    reason: decision.reason,
    detail: decision.detail,
    candidateScore: decision.candidateScore,
    championScore: decision.championScore ?? null,
    previousChampion: decision.previousChampion ?? null,
    matches: compared
      ? {
          n: compared.n,
          identical: compared.identical,
          candidateOnly: compared.candidateOnly,
          championOnly: compared.championOnly,
        }
      : null,
  }

  out.champion = decision.promoted
    ? {
        model: fitted,
        version: version.version,
        runId: out.runId as string,
        alpha: backtest.final.alpha,
        calibrator: backtest.final.calibrator,
        margin: s.margin, // what its artifact records (track.ts)
        blend: s.blend,
      }
    : null
}

/**
 * A champion's stored score compares with a candidate's only when it was scored on the same matches (its eval
 * window tag) by the same protocol (stages gated on out-of-sample evidence, warmed up on the season before);
 * otherwise the champion is re-scored on this window.
 */
export function storedScoreComparable(
  run: { tags: Record<string, string>; params: Record<string, string>; metrics: Record<string, number> },
  data: Pick<LeagueData, 'evalWindow' | 'evaluation'>,
): boolean {
  return (
    run.tags[TAGS.evalWindow] === data.evalWindow &&
    run.params.gated === 'true' &&
    run.params.warm_up_from === warmUpFromOf(data) &&
    Number.isFinite(run.metrics.rps)
  )
}

/**
 * The champion's per-match scores on this window, by match id: read from its run's `predictions.csv` when it
 * was scored on these matches by this protocol and stored match ids; otherwise its settings are re-run on
 * this window (its own ξ and methods) and the note says why. Undefined when there is no champion (or its run
 * cannot be read).
 */
async function championScores(
  tracking: TrackingStore,
  pool: WorkerPool,
  modelName: string,
  data: LeagueData,
  packed: ReturnType<typeof packMatches>,
  s: PipelineSettings,
  jobOptions: { signal?: AbortSignal; timeoutMs: number },
): Promise<{ scores: MatchScore[]; note: string } | undefined> {
  const champion = await tracking.getVersionByAlias(modelName, CHAMPION)
  if (!champion?.runId) return undefined
  const run = await tracking.getRun(champion.runId).catch(() => null)
  if (!run) return undefined
  const v = `v${champion.version}`
  let why = `${v} was scored on another window or protocol`
  if (storedScoreComparable(run, data)) {
    const stored = await tracking
      .downloadArtifact(champion.runId, 'predictions.csv')
      .then((bytes) => parsePredictionsCsv(Buffer.from(bytes).toString('utf8')))
      .catch(() => null)
    if (stored && stored.length > 0 && stored.every((r) => r.matchId !== null && r.matchId !== undefined)) {
      return {
        scores: matchScores(stored.map((r) => ({ ...r, matchId: r.matchId ?? null }))),
        note: `${v}'s per-match scores read from its run`,
      }
    }
    why = `${v}'s run stored no per-match scores (before #20)`
  }
  const p = run.params
  const num = (k: string, d: number) =>
    p[k] !== undefined && Number.isFinite(Number(p[k])) ? Number(p[k]) : d
  const options: WalkForwardOptions = {
    ...walkOptions(s, data, num('xi', 0.0019)),
    windowYears: num('window_years', s.windowYears),
    minHistory: num('min_history', s.minHistory),
    ...(p.model_variant || p.model
      ? { model: String(p.model_variant ?? p.model) as WalkForwardOptions['model'] }
      : {}),
    ...(p.model_params ? { params: parseParams(String(p.model_params)) } : {}),
    ...(p.margin_method ? { margin: p.margin_method as MarginMethod } : {}),
    ...(p.blend ? { blend: p.blend as BlendKind } : {}),
    ...(p.calibration ? { calibration: p.calibration as CalibrationKind } : {}),
  }
  const r: WalkForwardResult = await backtestInPool(pool, packed, options, {
    ...jobOptions,
    label: `${modelName} champion re-score`,
  })
  return {
    scores: matchScores(r.rows.map((row) => ({ ...row, matchId: data.matchIdOf(row) }))),
    note: `${v} re-scored on this window with its own settings: ${why}`,
  }
}
