/**
 * The few short model-version tags a promotion decision leaves in MLflow's registry (#21): what was decided,
 * both scores, n, the margin, who and when, and the decision's id — the key of its full record in the shared
 * Postgres history and every desktop's promotion log. The full account (reason, detail, outcome) lives there,
 * not in seven long tags per version.
 */
import type { PromotionRecord } from './promotionLog'

export const PROMOTION_TAGS = {
  /** promote | challenger | manual-promote | rollback */
  decision: 'scoreline.promotion.decision',
  /** "rps 0.198712 vs v3 0.200113": the candidate's score, then the champion's (when there was one). */
  scores: 'scoreline.promotion.scores',
  /** "378 same" or "377 common": the matches both scores were taken on. */
  n: 'scoreline.promotion.n',
  margin: 'scoreline.promotion.margin',
  by: 'scoreline.promotion.by',
  /** UTC ISO time of the decision. */
  at: 'scoreline.promotion.at',
  id: 'scoreline.promotion.id',
  /** Only when the replay re-decided against a champion another desktop promoted meanwhile. */
  redecided: 'scoreline.promotion.redecided',
} as const

const f6 = (x: number) => x.toFixed(6)

export function decisionTags(r: PromotionRecord): Record<string, string> {
  const tags: Record<string, string> = {
    [PROMOTION_TAGS.decision]: r.action,
    [PROMOTION_TAGS.by]: r.decidedBy.slice(0, 250),
    [PROMOTION_TAGS.at]: new Date(r.decidedAt).toISOString(),
    [PROMOTION_TAGS.id]: r.decisionId,
  }
  if (r.candidateScore !== undefined) {
    const champ =
      r.championScore !== undefined ? ` vs v${r.previousVersion ?? '?'} ${f6(r.championScore)}` : ''
    tags[PROMOTION_TAGS.scores] = `${r.metric ?? 'rps'} ${f6(r.candidateScore)}${champ}`
  }
  if (r.matches !== undefined)
    tags[PROMOTION_TAGS.n] = `${r.matches} ${r.matchesIdentical === false ? 'common' : 'same'}`
  if (r.metric && r.margin !== undefined) tags[PROMOTION_TAGS.margin] = String(r.margin)
  if (r.redecided) tags[PROMOTION_TAGS.redecided] = r.redecided.slice(0, 250)
  return tags
}

/** What a version's tags alone say about its decision (a desktop without the full record reads this). */
export interface TaggedDecision {
  action: string
  decisionId: string | null
  decidedBy: string | null
  decidedAt: string | null
  metric: string | null
  candidateScore: number | null
  championScore: number | null
  championVersion: string | null
  margin: number | null
  matches: number | null
  matchSet: 'identical' | 'common' | null
  redecided: string | null
}

const SCORES = /^(\S+) (-?[\d.e+-]+)(?: vs v(\S+) (-?[\d.e+-]+))?$/

export function decisionFromTags(tags: Record<string, string>): TaggedDecision | null {
  const action = tags[PROMOTION_TAGS.decision]
  if (!action) return null
  const s = SCORES.exec(tags[PROMOTION_TAGS.scores] ?? '')
  const n = /^(\d+) (same|common)$/.exec(tags[PROMOTION_TAGS.n] ?? '')
  const num = (x: string | undefined) => (x !== undefined && Number.isFinite(Number(x)) ? Number(x) : null)
  return {
    action,
    decisionId: tags[PROMOTION_TAGS.id] ?? null,
    decidedBy: tags[PROMOTION_TAGS.by] ?? null,
    decidedAt: tags[PROMOTION_TAGS.at] ?? null,
    metric: s?.[1] ?? null,
    candidateScore: num(s?.[2]),
    championScore: num(s?.[4]),
    championVersion: s?.[3] && s[3] !== '?' ? s[3] : null,
    margin: num(tags[PROMOTION_TAGS.margin]),
    matches: n ? Number(n[1]) : null,
    matchSet: n ? (n[2] === 'same' ? 'identical' : 'common') : null,
    redecided: tags[PROMOTION_TAGS.redecided] ?? null,
  }
}
