/**
 * Two registered versions side by side on the IDENTICAL matches (#20), for the promote dialog and `models`:
 * each version's per-match forecasts (its run's `predictions.csv`, with match ids since #20) are joined by
 * match id and both are scored on the matches both scored. Versions whose files carry no match ids cannot be
 * joined: the comparison then says so instead of showing two scores on different matches as comparable.
 */
import { parsePredictionsCsv } from '../health/healthMath'
import { compareOnSameMatches, describeMatchSet, matchScores, type MatchSetComparison } from './sameMatches'
import type { TrackingStore } from './trackingStore'

export interface VersionComparison {
  name: string
  /** The version compared against (usually the champion) and the one compared (the candidate). */
  base: string
  other: string
  comparable: boolean
  /** Why not, when not comparable. */
  reason: string | null
  /** On the matches both scored; null when not comparable. */
  comparison: MatchSetComparison | null
  /** "378 same matches" / "377 common matches (…)" / the reason. */
  note: string
}

async function perMatch(store: TrackingStore, name: string, version: string) {
  const v = await store.getModelVersion(name, version)
  if (!v.runId) return { scores: null, why: `v${version} has no run` }
  const text = await store
    .downloadArtifact(v.runId, 'predictions.csv')
    .then((bytes) => Buffer.from(bytes).toString('utf8'))
    .catch(() => null)
  if (text === null) return { scores: null, why: `v${version}'s run has no predictions.csv` }
  const rows = parsePredictionsCsv(text)
  if (rows.length === 0 || rows.some((r) => r.matchId === undefined || r.matchId === null)) {
    return {
      scores: null,
      why: `v${version}'s run stored no match ids (trained before #20): the next pipeline run re-scores it`,
    }
  }
  return { scores: matchScores(rows.map((r) => ({ ...r, matchId: r.matchId ?? null }))), why: null }
}

export async function compareVersions(
  store: TrackingStore,
  input: { name: string; base: string; other: string },
): Promise<VersionComparison> {
  const [a, b] = await Promise.all([
    perMatch(store, input.name, input.base),
    perMatch(store, input.name, input.other),
  ])
  const head = { name: input.name, base: input.base, other: input.other }
  if (!a.scores || !b.scores) {
    const reason = [a.why, b.why].filter(Boolean).join('; ')
    return { ...head, comparable: false, reason, comparison: null, note: `not comparable: ${reason}` }
  }
  // candidate = other, champion = base
  const comparison = compareOnSameMatches(b.scores, a.scores)
  if (comparison.n === 0) {
    const reason = `v${input.base} and v${input.other} scored no match in common`
    return { ...head, comparable: false, reason, comparison, note: `not comparable: ${reason}` }
  }
  return { ...head, comparable: true, reason: null, comparison, note: describeMatchSet(comparison) }
}
