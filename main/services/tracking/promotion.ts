/**
 * Registry promotion with aliases (stages are deprecated since MLflow 2.9): a new version becomes
 * `champion` — the version the app predicts with — only if it beats the current champion on the same
 * evaluation window (same matches) by at least a margin; otherwise it becomes `challenger`. Every decision
 * (both scores, the margin, who or what decided) is written as version tags and to the local promotion log,
 * because MLflow keeps no alias history. Manual promote and rollback leave the same record.
 */
import { TrackingError, isNotFound } from './errors'
import type { PromotionAction, PromotionRecord } from './promotionLog'
import { TAGS } from './trackingStore'
import type { ModelVersion, TrackingStore } from './trackingStore'

export const CHAMPION = 'champion'
export const CHALLENGER = 'challenger'

/** Version tags recording a decision (readable in MLflow's UI next to the version). */
export const PROMOTION_TAGS = {
  decision: 'scoreline.promotion.decision',
  metric: 'scoreline.promotion.metric',
  candidateScore: 'scoreline.promotion.candidate_score',
  championScore: 'scoreline.promotion.champion_score',
  championVersion: 'scoreline.promotion.champion_version',
  margin: 'scoreline.promotion.margin',
  evalWindow: 'scoreline.promotion.eval_window',
  decidedBy: 'scoreline.promotion.decided_by',
  decidedAt: 'scoreline.promotion.decided_at',
  reason: 'scoreline.promotion.reason',
} as const

export interface PromoteIfBetterInput {
  modelName: string
  candidateVersion: string
  /** Metric logged on the versions' runs; default `rps`. */
  metric?: string
  /** Default: lower is better (RPS, log loss, Brier, ECE). */
  higherIsBetter?: boolean
  /** The candidate must beat the champion by at least this much (in metric units). Default 0.001. */
  margin?: number
  /** Override the candidate's score (default: its run's latest value of `metric`). */
  candidateScore?: number
  /**
   * The champion's score on the candidate's evaluation window. Default: the champion run's metric, but only
   * when its `scoreline.eval_window` tag equals the candidate's; otherwise the scores are not comparable
   * and the candidate becomes challenger.
   */
  championScore?: number
  /** Evaluation window id (fingerprint of the evaluation matches). Default: the candidate run's tag. */
  evalWindow?: string
  /** Who or what decided; default `scoreline:auto-promotion`. */
  decidedBy?: string
  /**
   * Why the app could not serve this version even if it scored better (e.g. a model variant the
   * prediction paths cannot run yet): it becomes challenger with this reason, whatever its score.
   */
  notServable?: string
  /**
   * A second metric that decides when the first is within the margin either way (same direction and margin),
   * e.g. the goal model's own RPS when both versions' served forecasts defer to the market and tie. Its
   * scores default like the first metric's: the runs' metric, the champion's only on the same window.
   */
  tieBreak?: { metric: string; candidateScore?: number; championScore?: number }
  now?: number
}

export interface PromotionDecision {
  action: PromotionAction | 'unchanged'
  promoted: boolean
  modelName: string
  version: string
  previousChampion?: string
  metric: string
  candidateScore: number
  championScore?: number
  margin: number
  evalWindow?: string
  decidedBy: string
  reason: string
  record?: PromotionRecord
}

const fmt = (x: number) =>
  Number.isInteger(x) ? String(x) : x.toPrecision(6).replace(/0+$/, '').replace(/\.$/, '')

export async function promoteIfBetter(
  store: TrackingStore,
  input: PromoteIfBetterInput,
): Promise<PromotionDecision> {
  const metric = input.metric ?? 'rps'
  const margin = input.margin ?? 0.001
  const decidedBy = input.decidedBy ?? 'scoreline:auto-promotion'
  const now = input.now ?? Date.now()
  if (!(margin >= 0))
    throw new TrackingError('TRACKING_INVALID', `The promotion margin must be ≥ 0 (got ${margin})`)

  const candidate = await store.getModelVersion(input.modelName, input.candidateVersion)
  const candidateRun = candidate.runId ? await store.getRun(candidate.runId) : undefined
  const candidateScore = input.candidateScore ?? candidateRun?.metrics[metric]
  if (candidateScore === undefined || !Number.isFinite(candidateScore)) {
    throw new TrackingError(
      'TRACKING_INVALID',
      `Version ${candidate.version} of ${input.modelName} has no ${metric} to compare: log ${metric} on its run ` +
        'or pass candidateScore',
    )
  }
  const evalWindow = input.evalWindow ?? candidateRun?.tags[TAGS.evalWindow]
  const champion = await store.getVersionByAlias(input.modelName, CHAMPION)

  const base = {
    modelName: input.modelName,
    version: candidate.version,
    metric,
    candidateScore,
    margin,
    evalWindow,
    decidedBy,
  }

  if (champion?.version === candidate.version) {
    return {
      ...base,
      action: 'unchanged',
      promoted: false,
      previousChampion: champion.version,
      reason: 'already champion',
    }
  }

  if (input.notServable) {
    return decide(
      store,
      {
        ...base,
        action: 'challenger',
        promoted: false,
        ...(champion ? { previousChampion: champion.version } : {}),
        reason: `not promoted: ${input.notServable}`,
      },
      now,
    )
  }

  if (!champion) {
    const reason = `first version with ${metric} = ${fmt(candidateScore)}: no champion yet`
    return decide(store, { ...base, action: 'promote', promoted: true, reason }, now)
  }

  // The champion run's value of a metric, only when it was evaluated on the candidate's window.
  let championRun: Awaited<ReturnType<TrackingStore['getRun']>> | undefined | null = null
  const championMetric = async (key: string): Promise<number | undefined> => {
    if (!champion.runId) return undefined
    if (championRun === null) {
      championRun = await store.getRun(champion.runId).catch((error) => {
        if (isNotFound(error)) return undefined
        throw error
      })
    }
    const championWindow = championRun?.tags[TAGS.evalWindow]
    return evalWindow !== undefined && championWindow === evalWindow ? championRun?.metrics[key] : undefined
  }
  const championScore = input.championScore ?? (await championMetric(metric))
  if (championScore === undefined || !Number.isFinite(championScore)) {
    const reason =
      `champion v${champion.version} has no ${metric} on evaluation window ${evalWindow ?? '(unknown)'}: ` +
      're-evaluate it on the same matches (pass championScore) to compare'
    return decide(
      store,
      { ...base, action: 'challenger', promoted: false, previousChampion: champion.version, reason },
      now,
    )
  }

  const gain = (cand: number, champ: number) => (input.higherIsBetter ? cand - champ : champ - cand)
  const beats = (g: number) => g > 0 && g >= margin - 1e-12
  const improvement = gain(candidateScore, championScore)
  let better = beats(improvement)
  const direction = input.higherIsBetter ? 'higher' : 'lower'
  let reason = better
    ? `${metric} ${fmt(candidateScore)} beats champion v${champion.version}'s ${fmt(championScore)} by ${fmt(improvement)} ` +
      `(≥ margin ${fmt(margin)}, ${direction} is better)`
    : `${metric} ${fmt(candidateScore)} vs champion v${champion.version}'s ${fmt(championScore)}: improvement ` +
      `${fmt(improvement)} is below the margin ${fmt(margin)} (${direction} is better)`
  const tie = input.tieBreak
  if (!better && tie && Math.abs(improvement) < margin - 1e-12) {
    const cand = tie.candidateScore ?? candidateRun?.metrics[tie.metric]
    const champ = tie.championScore ?? (await championMetric(tie.metric))
    if (cand !== undefined && champ !== undefined && Number.isFinite(cand) && Number.isFinite(champ)) {
      const g = gain(cand, champ)
      better = beats(g)
      reason +=
        `; within the margin either way, so ${tie.metric} decides: ${fmt(cand)} vs ${fmt(champ)}, ` +
        (better ? `better by ${fmt(g)}` : `improvement ${fmt(g)} is below the margin`)
    }
  }
  return decide(
    store,
    {
      ...base,
      championScore,
      previousChampion: champion.version,
      action: better ? 'promote' : 'challenger',
      promoted: better,
      reason,
    },
    now,
  )
}

async function decide(
  store: TrackingStore,
  decision: Omit<PromotionDecision, 'record'> & { action: PromotionAction },
  now: number,
): Promise<PromotionDecision> {
  const { modelName, version } = decision
  if (
    decision.action === 'promote' ||
    decision.action === 'manual-promote' ||
    decision.action === 'rollback'
  ) {
    await store.setAlias(modelName, CHAMPION, version)
    const challenger = await store.getVersionByAlias(modelName, CHALLENGER)
    if (challenger?.version === version) await store.deleteAlias(modelName, CHALLENGER)
  } else {
    await store.setAlias(modelName, CHALLENGER, version)
  }
  const tags: Record<string, string> = {
    [PROMOTION_TAGS.decision]: decision.action,
    [PROMOTION_TAGS.decidedBy]: decision.decidedBy,
    [PROMOTION_TAGS.decidedAt]: new Date(now).toISOString(),
    [PROMOTION_TAGS.reason]: decision.reason,
  }
  if (decision.metric) {
    tags[PROMOTION_TAGS.metric] = decision.metric
    tags[PROMOTION_TAGS.margin] = String(decision.margin)
  }
  if (Number.isFinite(decision.candidateScore))
    tags[PROMOTION_TAGS.candidateScore] = String(decision.candidateScore)
  if (decision.championScore !== undefined)
    tags[PROMOTION_TAGS.championScore] = String(decision.championScore)
  if (decision.previousChampion) tags[PROMOTION_TAGS.championVersion] = decision.previousChampion
  if (decision.evalWindow) tags[PROMOTION_TAGS.evalWindow] = decision.evalWindow
  for (const [key, value] of Object.entries(tags))
    await store.setModelVersionTag(modelName, version, key, value)
  const record = store.promotions.append({
    decidedAt: now,
    modelName,
    action: decision.action,
    alias: decision.action === 'challenger' ? CHALLENGER : CHAMPION,
    version,
    previousVersion: decision.previousChampion,
    metric: decision.metric || undefined,
    candidateScore: Number.isFinite(decision.candidateScore) ? decision.candidateScore : undefined,
    championScore: decision.championScore,
    margin: decision.margin,
    evalWindow: decision.evalWindow,
    decidedBy: decision.decidedBy,
    reason: decision.reason,
  })
  return { ...decision, record }
}

/** Make `version` the champion by hand (the analyst's call), with the same record as automatic promotion. */
export async function promoteManually(
  store: TrackingStore,
  input: { modelName: string; version: string; decidedBy: string; reason?: string; now?: number },
): Promise<PromotionDecision> {
  const version: ModelVersion = await store.getModelVersion(input.modelName, input.version)
  const champion = await store.getVersionByAlias(input.modelName, CHAMPION)
  return decide(
    store,
    {
      action: 'manual-promote',
      promoted: true,
      modelName: input.modelName,
      version: version.version,
      previousChampion: champion?.version,
      metric: '',
      candidateScore: Number.NaN,
      margin: 0,
      decidedBy: input.decidedBy,
      reason: input.reason ?? `promoted by hand by ${input.decidedBy}`,
    },
    input.now ?? Date.now(),
  )
}

/**
 * Point `champion` back at the version it replaced (from the promotion log), or at `toVersion`.
 */
export async function rollbackChampion(
  store: TrackingStore,
  input: { modelName: string; decidedBy: string; toVersion?: string; reason?: string; now?: number },
): Promise<PromotionDecision> {
  const current = await store.getVersionByAlias(input.modelName, CHAMPION)
  let target = input.toVersion
  if (!target) {
    const last = store.promotions
      .history(input.modelName)
      .find((r) => r.alias === CHAMPION && r.version === current?.version && r.action !== 'challenger')
    target = last?.previousVersion
  }
  if (!target) {
    throw new TrackingError(
      'TRACKING_INVALID',
      `No earlier champion of ${input.modelName} is recorded in the promotion log; pass the version to roll back to`,
    )
  }
  await store.getModelVersion(input.modelName, target)
  return decide(
    store,
    {
      action: 'rollback',
      promoted: true,
      modelName: input.modelName,
      version: target,
      previousChampion: current?.version,
      metric: '',
      candidateScore: Number.NaN,
      margin: 0,
      decidedBy: input.decidedBy,
      reason:
        input.reason ?? `rolled back from v${current?.version ?? '?'} to v${target} by ${input.decidedBy}`,
    },
    input.now ?? Date.now(),
  )
}
