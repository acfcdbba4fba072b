/**
 * Champion-vs-challenger figures on the IDENTICAL set of matches (#20): two versions' per-match scores are
 * joined by match id, and both means are taken over the matches both scored. A match only one side scored
 * changes nothing but the counts of what was left out, so "same matches" is true by construction, and the
 * number of matches (n) is always shown beside the scores.
 */
import { createHash } from 'node:crypto'
import { rps, type Triple } from '../../model/metrics'

/** One evaluation match's score of each forecast (null: that forecast did not score it). */
export interface MatchScore {
  matchId: number
  /** RPS of the served forecast (the calibrated stage, the promotion metric). */
  served: number | null
  /** RPS of the goal model alone. */
  model: number | null
}

export interface MatchSetComparison {
  /** Matches both versions scored with their served forecast: the comparison's n. */
  n: number
  /** Matches both scored with their goal model (the tie-break's n). */
  modelN: number
  /** Both versions scored exactly the same matches. */
  identical: boolean
  candidateN: number
  championN: number
  /** Scored by the candidate only / the champion only (left out of the comparison). */
  candidateOnly: number
  championOnly: number
  candidate: { served: number | null; model: number | null }
  champion: { served: number | null; model: number | null }
  /** 12 hex of a hash of the compared match ids (same id = same matches). */
  matchSet: string
}

/** 12 hex of a hash of a set of match ids (order-free). */
export function matchSetId(ids: Iterable<number>): string {
  const sorted = [...new Set(ids)].sort((a, b) => a - b)
  return createHash('sha256').update(sorted.join(',')).digest('hex').slice(0, 12)
}

/** The ids a run scored with its served forecast. */
export const scoredIds = (scores: readonly MatchScore[]): number[] =>
  scores.filter((s) => s.served !== null).map((s) => s.matchId)

function mean(ids: readonly number[], score: Map<number, number>): number | null {
  if (ids.length === 0) return null
  let sum = 0
  for (const id of ids) sum += score.get(id) as number
  return sum / ids.length
}

const byId = (scores: readonly MatchScore[], key: 'served' | 'model') => {
  const out = new Map<number, number>()
  for (const s of scores) {
    const v = s[key]
    if (v !== null && Number.isFinite(v)) out.set(s.matchId, v)
  }
  return out
}

/** Both versions' mean RPS (served and model) on the matches both scored; ids summed in ascending order. */
export function compareOnSameMatches(
  candidate: readonly MatchScore[],
  champion: readonly MatchScore[],
): MatchSetComparison {
  const cand = byId(candidate, 'served')
  const champ = byId(champion, 'served')
  const candModel = byId(candidate, 'model')
  const champModel = byId(champion, 'model')
  const common = [...cand.keys()].filter((id) => champ.has(id)).sort((a, b) => a - b)
  const commonModel = [...candModel.keys()].filter((id) => champModel.has(id)).sort((a, b) => a - b)
  return {
    n: common.length,
    modelN: commonModel.length,
    identical: common.length === cand.size && common.length === champ.size,
    candidateN: cand.size,
    championN: champ.size,
    candidateOnly: cand.size - common.length,
    championOnly: champ.size - common.length,
    candidate: { served: mean(common, cand), model: mean(commonModel, candModel) },
    champion: { served: mean(common, champ), model: mean(commonModel, champModel) },
    matchSet: matchSetId(common),
  }
}

/** "378 same matches" or "377 common matches (v2 alone scored 1, the champion alone 2)". */
export function describeMatchSet(c: MatchSetComparison): string {
  if (c.identical) return `${c.n} same matches`
  return `${c.n} common matches (the candidate alone scored ${c.candidateOnly}, the champion alone ${c.championOnly})`
}

/** A walk-forward row as the pipeline and `predictions.csv` hold it. */
export interface ScoredRow {
  matchId: number | null
  result: 'H' | 'D' | 'A'
  model: Triple | null
  market: Triple | null
  calibrated: Triple | null
}

/**
 * Per-match scores of a walk-forward's rows: the rows its metrics counted (a model forecast and, when the run
 * had any odds, a market one), with the served (calibrated) and the model's RPS. Rows without a match id
 * cannot be joined and are left out.
 */
export function matchScores(rows: readonly ScoredRow[]): MatchScore[] {
  const anyMarket = rows.some((r) => r.market !== null)
  const out: MatchScore[] = []
  for (const r of rows) {
    if (r.matchId === null || r.model === null || (anyMarket && r.market === null)) continue
    out.push({
      matchId: r.matchId,
      served: r.calibrated ? rps(r.calibrated, r.result) : null,
      model: rps(r.model, r.result),
    })
  }
  return out
}
