/**
 * A version's decision as the screens and `models show` read it: the full record from the team's promotion
 * history (the one the version's `scoreline.promotion.id` tag names, else the newest about that version),
 * completed by the version's short tags when this desktop has no record of it (#21).
 */
import type { PromotionRecord } from './promotionLog'
import { decisionFromTags } from './promotionTags'

export interface VersionDecision {
  action: string
  decidedBy: string | null
  decidedAt: string | null
  reason: string | null
  metric: string | null
  candidateScore: number | null
  championScore: number | null
  championVersion: string | null
  margin: number | null
  outcome: string | null
  detail: string | null
  matches: number | null
  matchSet: 'identical' | 'common' | null
}

/** `history`: newest first (PromotionLog.read / history). */
export function versionDecision(
  tags: Record<string, string>,
  version: string,
  history: readonly PromotionRecord[],
): VersionDecision | null {
  const t = decisionFromTags(tags)
  const r =
    (t?.decisionId ? history.find((h) => h.decisionId === t.decisionId) : undefined) ??
    history.find((h) => h.version === version)
  if (!r) {
    if (!t) return null
    return {
      action: t.action,
      decidedBy: t.decidedBy,
      decidedAt: t.decidedAt,
      reason: t.redecided,
      metric: t.metric,
      candidateScore: t.candidateScore,
      championScore: t.championScore,
      championVersion: t.championVersion,
      margin: t.margin,
      outcome: null,
      detail: null,
      matches: t.matches,
      matchSet: t.matchSet,
    }
  }
  return {
    action: r.action,
    decidedBy: r.decidedBy,
    decidedAt: new Date(r.decidedAt).toISOString(),
    reason: r.reason,
    metric: r.metric ?? null,
    candidateScore: r.candidateScore ?? null,
    championScore: r.championScore ?? null,
    championVersion: r.previousVersion ?? null,
    margin: r.margin ?? null,
    outcome: r.outcome ?? null,
    detail: r.detail ?? null,
    matches: r.matches ?? null,
    matchSet: r.matches === undefined ? null : r.matchesIdentical === false ? 'common' : 'identical',
  }
}
