/**
 * Registry promotion with aliases (stages are deprecated since MLflow 2.9): a new version becomes
 * `champion` — the version the app predicts with — only if it beats the current champion on the same
 * evaluation window (same matches) by at least a margin; otherwise it becomes `challenger`. Every decision
 * (both scores, n, the margin, who or what decided) is written as a few short version tags and in full to the
 * promotion log (shared through Postgres when configured), because MLflow keeps no alias history. Manual
 * promote and rollback leave the same record. With MLflow unreachable the outbox queues the decision and
 * this desktop serves it at once (`promotionApply.ts`).
 */
import { randomUUID } from 'node:crypto'
import { TrackingError, isNotFound, isUnreachable } from './errors'
import { applyDecision, CHALLENGER, CHAMPION, type DecisionToApply } from './promotionApply'
import type { PromotionAction, PromotionRecord } from './promotionLog'
import { TAGS } from './trackingStore'
import type { ModelVersion, TrackingStore } from './trackingStore'
import { fmt4, shortText, type DecisionOutcome } from '../../../shared/modelReport'

export { CHAMPION, CHALLENGER } from './promotionApply'
export { PROMOTION_TAGS } from './promotionTags'

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
  /** Keep this decision id (a replay re-deciding a queued decision); a new one otherwise. */
  decisionId?: string
  /** Why the decision was taken again on replay (recorded in the detail and a tag). */
  redecided?: string
  /** Where the decision goes; default `applyDecision` (the registry, the log, the shared history). */
  apply?: (record: DecisionToApply) => Promise<PromotionRecord>
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
  const at: DecideContext = {
    now,
    decisionId: input.decisionId,
    redecided: input.redecided,
    apply: input.apply,
  }
  if (!(margin >= 0))
    throw new TrackingError('TRACKING_INVALID', `The promotion margin must be ≥ 0 (got ${margin})`)

  const candidate = await store.getModelVersion(input.modelName, input.candidateVersion)
  // offline, a run the outbox no longer holds cannot be read: the caller passes the scores instead
  const candidateRun = candidate.runId
    ? await store.getRun(candidate.runId).catch((error) => {
        if (isUnreachable(error)) return undefined
        throw error
      })
    : undefined
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
      at,
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
      at,
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
        // the label (decisionLabel: "champion (first version)") goes before it wherever it is shown
        reason: `${word} ${fmt4(candidateScore)}${n}, no earlier champion`,
        detail: `${v} is the first version of ${input.modelName} to be judged, so it becomes champion with ${metric} = ${fmt6(candidateScore)}${n}.`,
      },
      at,
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
        if (isNotFound(error) || isUnreachable(error)) return undefined
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
      at,
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
        at,
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
    at,
  )
}

interface DecideContext {
  now: number
  decisionId?: string
  redecided?: string
  apply?: (record: DecisionToApply) => Promise<PromotionRecord>
}

async function decide(
  store: TrackingStore,
  decision: Omit<PromotionDecision, 'record'> & { action: PromotionAction },
  at: DecideContext,
): Promise<PromotionDecision> {
  const record: DecisionToApply = {
    decisionId: at.decisionId ?? randomUUID(),
    decidedAt: at.now,
    modelName: decision.modelName,
    action: decision.action,
    alias: decision.action === 'challenger' ? CHALLENGER : CHAMPION,
    version: decision.version,
    previousVersion: decision.previousChampion,
    metric: decision.metric || undefined,
    candidateScore: Number.isFinite(decision.candidateScore) ? decision.candidateScore : undefined,
    championScore: decision.championScore,
    margin: decision.margin,
    evalWindow: decision.evalWindow,
    decidedBy: decision.decidedBy,
    reason: decision.reason,
    outcome: decision.outcome,
    detail: at.redecided ? `${decision.detail} ${at.redecided}.` : decision.detail,
    matches: decision.matches?.n,
    matchesIdentical: decision.matches?.identical,
    ...(at.redecided ? { redecided: at.redecided } : {}),
  }
  const saved = await (at.apply ?? ((r: DecisionToApply) => applyDecision(store, r)))(record)
  return { ...decision, record: saved }
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
    { now: input.now ?? Date.now() },
  )
}

/**
 * Point `champion` back at the version it replaced (from the team's promotion history, else this desktop's
 * log), or at `toVersion`.
 */
export async function rollbackChampion(
  store: TrackingStore,
  input: { modelName: string; decidedBy: string; toVersion?: string; reason?: string; now?: number },
): Promise<PromotionDecision> {
  const current = await store.getVersionByAlias(input.modelName, CHAMPION)
  let target = input.toVersion
  if (!target) {
    // the team's history (pulled from the shared Postgres when configured): another desktop's promotion counts
    const { records } = await store.promotions.read(input.modelName)
    const last = records.find(
      (r) => r.alias === CHAMPION && r.version === current?.version && r.action !== 'challenger',
    )
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
    { now: input.now ?? Date.now() },
  )
}
