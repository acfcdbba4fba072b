/**
 * Promotion: the candidate against the league's champion on the same evaluation matches (`promoteIfBetter`;
 * a champion scored on another window or protocol is re-scored on this one with its own settings). With
 * MLflow unreachable it decides against the champion this desktop knows (the registry mirror holds its
 * per-match scores and params), serves the new champion at once and the outbox queues the decision (#21).
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
import type { MirroredVersion } from '../../tracking/registryMirror'
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
  // what this desktop knows of the candidate, so it can be the champion decided against offline next time
  const candidateRun = await tracking.getRun(out.runId as string).catch(() => null)
  tracking.promotions.mirror.recordVersion({
    modelName,
    version: version.version,
    runId: out.runId ?? undefined,
    evalWindow: data.evalWindow,
    ...(candidateRun ? { params: candidateRun.params } : {}),
    scores,
  })
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
  const queued =
    decision.record?.state === 'queued'
      ? ` MLflow was unreachable: decided against the champion this desktop knows${decision.previousChampion ? ` (v${decision.previousChampion})` : ' (none)'}, served here at once and queued; \`scoreline runs push\` (or the next write once the server is back) applies it, re-deciding if another desktop promoted meanwhile.`
      : ''
  out.decision = {
    action: decision.action,
    outcome: decision.outcome,
    promoted: decision.promoted,
    reason: decision.reason,
    detail: decision.detail + queued,
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
  if (!champion) return undefined
  const v = `v${champion.version}`
  const mirror = tracking.promotions.mirror
  const known = mirror.version(modelName, champion.version)
  if (known?.scores && known.params && storedScoreComparable(mirroredRun(known), data)) {
    return {
      scores: known.scores,
      note: `${v}'s per-match scores read from its run, as this desktop recorded them`,
    }
  }
  const run =
    (champion.runId ? await tracking.getRun(champion.runId).catch(() => null) : null) ??
    (known?.params ? mirroredRun(known) : null)
  if (!run) {
    // a champion exists but neither the server nor this desktop can say what it scored: not comparable
    return {
      scores: [],
      note: `${v}'s run cannot be read now and this desktop holds no record of its scores`,
    }
  }
  const remember = (scores: MatchScore[]) =>
    mirror.recordVersion({
      modelName,
      version: champion.version,
      evalWindow: data.evalWindow,
      // scored on this window by this protocol: comparable next time, even offline
      params: { ...run.params, gated: 'true', warm_up_from: warmUpFromOf(data) },
      scores,
    })
  let why = `${v} was scored on another window or protocol`
  if (storedScoreComparable(run, data) && champion.runId) {
    const stored = await tracking
      .downloadArtifact(champion.runId, 'predictions.csv')
      .then((bytes) => parsePredictionsCsv(Buffer.from(bytes).toString('utf8')))
      .catch(() => null)
    if (stored && stored.length > 0 && stored.every((r) => r.matchId !== null && r.matchId !== undefined)) {
      const scores = matchScores(stored.map((r) => ({ ...r, matchId: r.matchId ?? null })))
      remember(scores)
      return { scores, note: `${v}'s per-match scores read from its run` }
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
  const scores = matchScores(r.rows.map((row) => ({ ...row, matchId: data.matchIdOf(row) })))
  remember(scores)
  return { scores, note: `${v} re-scored on this window with its own settings: ${why}` }
}

/** A mirrored version in the shape `storedScoreComparable` and the re-score read. */
function mirroredRun(known: MirroredVersion) {
  const scores = known.scores ?? []
  const served = scores.filter((m) => m.served !== null)
  const rps = served.length ? served.reduce((a, m) => a + (m.served as number), 0) / served.length : NaN
  return {
    tags: known.evalWindow ? { [TAGS.evalWindow]: known.evalWindow } : ({} as Record<string, string>),
    params: known.params ?? {},
    metrics: { rps },
  }
}
