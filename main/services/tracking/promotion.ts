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
import { fmt4, shortText, type DecisionOutcome } from '../../../shared/modelReport'

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
  /** What the label says (`shared/modelReport.ts` DECISION_OUTCOMES). */
  outcome: 'scoreline.promotion.outcome',
  /** The full account behind the one-line reason. */
  detail: 'scoreline.promotion.detail',
  /** Matches both scores were taken on (n). */
  matches: 'scoreline.promotion.matches',
  /** 'identical' or 'common' (re-scored on the matches both scored). */
  matchSet: 'scoreline.promotion.match_set',
} as const

/** The matches a comparison was made on (`sameMatches.ts`): both versions' scores are means over the same ids. */
export interface ComparedMatches {
  /** Matches both versions scored with their served forecast. */
  n: number
  /** Both scored exactly the same matches (else the scores are re-taken on the matches both scored). */
  identical: boolean
  candidateOnly: number
  championOnly: number
  /** 12 hex of the compared match ids. */
  matchSet?: string
  /** How the champion's per-match scores were obtained, e.g. "re-scored on this window: …". */
  note?: string
}

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
   * The champion's score on the candidate's matches. Default: the champion run's metric, but only when its
   * `scoreline.eval_window` tag equals the candidate's AND both runs scored the same matches (their
   * `scoreline.scored_matches` tags, else their `<stage>_n` counts); otherwise the scores are not comparable
   * and the candidate becomes challenger, saying why.
   */
  championScore?: number
  /**
   * The matches `candidateScore` and `championScore` were both taken on (the pipeline joins the two versions'
   * per-match scores by match id). With it, n is recorded beside the decision.
   */
  matches?: ComparedMatches
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
   * Why the two versions cannot be compared fairly (e.g. no match scored by both): it becomes challenger
   * with this reason (outcome 'not-comparable').
   */
  notComparable?: string
  /**
   * A second metric that decides when the first is within the margin either way (same direction and margin),
   * e.g. the goal model's own RPS when both versions' served forecasts defer to the market and tie. Its
   * scores default like the first metric's: the runs' metric, the champion's only on the same matches.
   */
  tieBreak?: { metric: string; candidateScore?: number; championScore?: number }
  now?: number
}

export interface PromotionDecision {
  action: PromotionAction | 'unchanged'
  /** What the label says (`shared/modelReport.ts` `decisionLabel`). */
  outcome: DecisionOutcome
  promoted: boolean
  modelName: string
  version: string
  previousChampion?: string
  metric: string
  candidateScore: number
  championScore?: number
  margin: number
  evalWindow?: string
  /** The matches both scores were taken on (absent for a first version, a manual promote or a rollback). */
  matches?: ComparedMatches
  decidedBy: string
  /** One plain sentence, 4 decimals, at most 120 characters. */
  reason: string
  /** The full account (both scores, the margin, the matches, the tie-break): one click away in the screens. */
  detail: string
  record?: PromotionRecord
}

/** The detail's figures: 6 decimals (precise, never 17 digits). */
const fmt6 = (x: number) => (Number.isFinite(x) ? x.toFixed(6) : String(x))

/** Metric names as an analyst reads them. */
const metricWord = (metric: string) =>
  metric === 'rps' ? 'RPS' : metric === 'model_rps' ? 'model RPS' : metric.replace(/_/g, ' ')

const matchWord = (m: ComparedMatches | undefined) =>
  m ? (m.identical ? `${m.n} same matches` : `${m.n} common matches`) : 'the same matches'

const matchDetail = (m: ComparedMatches | undefined) =>
  m
    ? m.identical
      ? ` Both were scored on the same ${m.n} matches (by match id).`
      : ` Scored on different matches, so both were re-scored on the ${m.n} matches both scored (the candidate alone scored ${m.candidateOnly}, the champion alone ${m.championOnly}).`
    : ''

/** Whether two runs scored the same matches, from what they logged; null when neither says. */
function sameScoredMatches(
  a: { tags: Record<string, string>; metrics: Record<string, number> } | undefined,
  b: { tags: Record<string, string>; metrics: Record<string, number> } | undefined,
): { same: boolean; why: string } | null {
  if (!a || !b) return null
  const ta = a.tags[TAGS.scoredMatches]
  const tb = b.tags[TAGS.scoredMatches]
  const na = a.metrics.calibrated_n ?? a.metrics.model_n
  const nb = b.metrics.calibrated_n ?? b.metrics.model_n
  if (ta && tb) return { same: ta === tb, why: `scored on different matches (${na ?? '?'} vs ${nb ?? '?'})` }
  if (na !== undefined && nb !== undefined)
    return { same: na === nb, why: `scored on different numbers of matches (${na} vs ${nb})` }
  return null
}

export async function promoteIfBetter(
  store: TrackingStore,
  input: PromoteIfBetterInput,
): Promise<PromotionDecision> {
  const metric = input.metric ?? 'rps'
  const word = metricWord(metric)
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
  const v = `v${candidate.version}`

  const base = {
    modelName: input.modelName,
    version: candidate.version,
    metric,
    candidateScore,
    margin,
    evalWindow,
    decidedBy,
    ...(input.matches ? { matches: input.matches } : {}),
  }

  if (champion?.version === candidate.version) {
    return {
      ...base,
      action: 'unchanged',
      outcome: 'unchanged',
      promoted: false,
      previousChampion: champion.version,
      reason: `${v} is already the champion`,
      detail: `${v} is already the champion of ${input.modelName}: nothing to decide.`,
    }
  }

  if (input.notServable) {
    return decide(
      store,
      {
        ...base,
        action: 'challenger',
        outcome: 'not-servable',
        promoted: false,
        ...(champion ? { previousChampion: champion.version } : {}),
        reason: shortText(
          `challenger: ${word} ${fmt4(candidateScore)}, but the app cannot serve this model yet`,
        ),
        detail: `Not promoted: ${input.notServable}.`,
      },
      now,
    )
  }

  const n = input.matches ? ` on ${input.matches.n} matches` : ''
  // kept as challenger because the two cannot be compared fairly, saying why
  const notComparable = (championVersion: string, reason: string, detail: string) =>
    decide(
      store,
      {
        ...base,
        action: 'challenger',
        outcome: 'not-comparable',
        promoted: false,
        previousChampion: championVersion,
        reason: shortText(reason),
        detail,
      },
      now,
    )
  if (champion && input.notComparable) {
    return notComparable(
      champion.version,
      `challenger: not comparable with champion v${champion.version}, ${input.notComparable}`,
      `Not compared with champion v${champion.version}: ${input.notComparable}.`,
    )
  }
  if (!champion) {
    return decide(
      store,
      {
        ...base,
        action: 'promote',
        outcome: 'first-version',
        promoted: true,
        reason: `champion (first version): ${word} ${fmt4(candidateScore)}${n}, no earlier champion`,
        detail: `${v} is the first version of ${input.modelName} to be judged, so it becomes champion with ${metric} = ${fmt6(candidateScore)}${n}.`,
      },
      now,
    )
  }
  const cv = `v${champion.version}`

  // The champion run's value of a metric, only when it was evaluated on the candidate's matches.
  let championRun: Awaited<ReturnType<TrackingStore['getRun']>> | undefined | null = null
  let notSame: string | null = null
  const championMetric = async (key: string): Promise<number | undefined> => {
    if (!champion.runId) return undefined
    if (championRun === null) {
      championRun = await store.getRun(champion.runId).catch((error) => {
        if (isNotFound(error)) return undefined
        throw error
      })
    }
    const championWindow = championRun?.tags[TAGS.evalWindow]
    if (evalWindow === undefined || championWindow !== evalWindow) return undefined
    const same = sameScoredMatches(candidateRun, championRun)
    if (same && !same.same) {
      notSame = same.why
      return undefined
    }
    return championRun?.metrics[key]
  }
  const championScore = input.championScore ?? (await championMetric(metric))
  if (championScore === undefined || !Number.isFinite(championScore)) {
    const why = notSame
      ? `${v} and champion ${cv} were ${notSame}`
      : `champion ${cv} has no ${word} on these matches (evaluation window ${evalWindow ?? 'unknown'})`
    return notComparable(
      champion.version,
      `challenger: not comparable, ${why}`,
      `Not compared: ${why}. Re-score both on the matches both scored (the pipeline does this with ` +
        `their per-match scores) and pass the scores to compare.`,
    )
  }

  const gain = (cand: number, champ: number) => (input.higherIsBetter ? cand - champ : champ - cand)
  const beats = (g: number) => g > 0 && g >= margin - 1e-12
  const improvement = gain(candidateScore, championScore)
  const direction = input.higherIsBetter ? 'higher' : 'lower'
  const on = matchWord(input.matches)
  const scores = `${word} ${fmt4(candidateScore)} vs ${fmt4(championScore)}`
  const detailHead =
    `${v}'s ${metric} ${fmt6(candidateScore)} vs champion ${cv}'s ${fmt6(championScore)}: a gain of ` +
    `${fmt6(improvement)} (${direction} is better; the margin is ${fmt6(margin)}).${matchDetail(input.matches)}` +
    (input.matches?.note ? ` ${input.matches.note}.` : '')
  if (beats(improvement)) {
    return decide(
      store,
      {
        ...base,
        championScore,
        previousChampion: champion.version,
        action: 'promote',
        outcome: 'beat-champion',
        promoted: true,
        reason: shortText(`promoted: beat ${cv}, ${scores} on ${on} (margin ${fmt4(margin)})`),
        detail: `${detailHead} It beats the champion by at least the margin.`,
      },
      now,
    )
  }
  const tie = input.tieBreak
  if (tie && Math.abs(improvement) < margin - 1e-12) {
    const cand = tie.candidateScore ?? candidateRun?.metrics[tie.metric]
    const champ = tie.championScore ?? (await championMetric(tie.metric))
    if (cand !== undefined && champ !== undefined && Number.isFinite(cand) && Number.isFinite(champ)) {
      const g = gain(cand, champ)
      const better = beats(g)
      const tieWord = metricWord(tie.metric)
      return decide(
        store,
        {
          ...base,
          championScore,
          previousChampion: champion.version,
          action: better ? 'promote' : 'challenger',
          outcome: better ? 'tie-break' : 'below-margin',
          promoted: better,
          reason: shortText(
            better
              ? `promoted: ${word} ties ${cv} on ${on} (${fmt4(candidateScore)} vs ${fmt4(championScore)}); better ${tieWord} ${fmt4(cand)} vs ${fmt4(champ)}`
              : `kept ${cv}: ${word} ties on ${on} (${fmt4(candidateScore)} vs ${fmt4(championScore)}); ${tieWord} ${fmt4(cand)} vs ${fmt4(champ)} not better by the margin`,
          ),
          detail:
            `${detailHead} Within the margin either way, so ${tie.metric} decides: ${fmt6(cand)} vs ${fmt6(champ)}, ` +
            `a gain of ${fmt6(g)}${better ? ', at least the margin: promoted' : ', below the margin: kept as challenger'}.`,
        },
        now,
      )
    }
  }
  return decide(
    store,
    {
      ...base,
      championScore,
      previousChampion: champion.version,
      action: 'challenger',
      outcome: 'below-margin',
      promoted: false,
      reason: shortText(
        `kept ${cv}: ${scores} on ${on}, gain ${fmt4(improvement)} below the margin ${fmt4(margin)}`,
      ),
      detail: `${detailHead} The gain is below the margin: kept as challenger.`,
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
    [PROMOTION_TAGS.outcome]: decision.outcome,
    // MLflow caps a tag value at 5000 characters
    [PROMOTION_TAGS.detail]: decision.detail.slice(0, 5000),
  }
  if (decision.matches) {
    tags[PROMOTION_TAGS.matches] = String(decision.matches.n)
    tags[PROMOTION_TAGS.matchSet] = decision.matches.identical ? 'identical' : 'common'
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
    outcome: decision.outcome,
    detail: decision.detail,
    matches: decision.matches?.n,
    matchesIdentical: decision.matches?.identical,
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
      outcome: 'manual',
      promoted: true,
      modelName: input.modelName,
      version: version.version,
      previousChampion: champion?.version,
      metric: '',
      candidateScore: Number.NaN,
      margin: 0,
      decidedBy: input.decidedBy,
      reason: shortText(input.reason ?? `promoted by hand by ${input.decidedBy}`),
      detail:
        `v${version.version} made champion by hand by ${input.decidedBy}` +
        `${champion ? ` (replacing v${champion.version})` : ''}${input.reason ? `: ${input.reason}` : '.'}`,
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
      outcome: 'rollback',
      promoted: true,
      modelName: input.modelName,
      version: target,
      previousChampion: current?.version,
      metric: '',
      candidateScore: Number.NaN,
      margin: 0,
      decidedBy: input.decidedBy,
      reason: shortText(
        input.reason ?? `rolled back from v${current?.version ?? '?'} to v${target} by ${input.decidedBy}`,
      ),
      detail:
        `Champion rolled back from v${current?.version ?? '?'} to v${target} by ${input.decidedBy}` +
        `${input.reason ? `: ${input.reason}` : '.'}`,
    },
    input.now ?? Date.now(),
  )
}
