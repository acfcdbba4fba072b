/**
 * Test helper: a pipeline-shaped candidate on a real tracking store — a finished run with its served RPS,
 * evaluation window and `predictions.csv` (per-match forecasts with match ids), registered as a version —
 * and the pipeline's promotion on the same matches (promote.ts): the champion's per-match scores from the
 * registry mirror or its run, both joined by match id, the decision by `promoteIfBetter`. Forecasts are made
 * so every match's served probability of the actual result is `quality`: a higher quality is a lower RPS.
 */
import { predictionsCsv } from '../../training/artifacts'
import type { BacktestRow } from '../../../model/backtest'
import { parsePredictionsCsv } from '../../health/healthMath'
import { CHAMPION, promoteIfBetter, type PromotionDecision } from '../promotion'
import { compareOnSameMatches, matchScores, type MatchScore } from '../sameMatches'
import type { ModelVersion, TrackingStore } from '../trackingStore'
import { TAGS } from '../trackingStore'

export const EVAL_WINDOW = 'faults-window-1'
const MATCHES = 24

function rows(quality: number): BacktestRow[] {
  const out: BacktestRow[] = []
  for (let i = 0; i < MATCHES; i++) {
    const result = (['H', 'D', 'A'] as const)[i % 3]
    const rest = (1 - quality) / 2
    const p: [number, number, number] = [rest, rest, rest]
    p['HDA'.indexOf(result)] = quality
    out.push({
      date: `2025-01-${String(1 + (i % 28)).padStart(2, '0')}`,
      home: `H${i}`,
      away: `A${i}`,
      homeGoals: result === 'H' ? 1 : 0,
      awayGoals: result === 'A' ? 1 : 0,
      result,
      model: p,
      market: null,
      blend: p,
      calibrated: p,
      alpha: null,
      skipReason: null,
    })
  }
  return out
}

export interface Candidate {
  version: ModelVersion
  runId: string
  scores: MatchScore[]
  model: string
}

export async function candidate(
  store: TrackingStore,
  input: { experimentId: string; modelName: string; quality: number; key: string },
): Promise<Candidate> {
  const r = rows(input.quality)
  const scores = matchScores(r.map((row, i) => ({ ...row, matchId: 1000 + i })))
  const served = scores.reduce((a, s) => a + (s.served as number), 0) / scores.length
  const run = await store.startRun({
    experimentId: input.experimentId,
    runName: `candidate ${input.key}`,
    clientKey: `run-${input.key}`,
    tags: { [TAGS.evalWindow]: EVAL_WINDOW },
  })
  await store.log(run.runId, { params: { gated: 'true', quality: input.quality }, metrics: { rps: served } })
  const model = JSON.stringify({ key: input.key, quality: input.quality })
  await store.logArtifact(run.runId, 'model/model.json', model)
  await store.logArtifact(
    run.runId,
    'predictions.csv',
    predictionsCsv(r, (row) => 1000 + r.indexOf(row)),
  )
  await store.endRun(run.runId, 'FINISHED')
  await store.ensureRegisteredModel(input.modelName)
  const version = await store.createModelVersion({
    name: input.modelName,
    runId: run.runId,
    artifactPath: 'model',
    clientKey: `version-${input.key}`,
  })
  return { version, runId: run.runId, scores, model }
}

/** The champion's per-match scores: the mirror's, else read from its run (and mirrored, as promote.ts does). */
async function championScores(store: TrackingStore, modelName: string, champion: ModelVersion) {
  const mirror = store.promotions.mirror
  const known = mirror.version(modelName, champion.version)?.scores
  if (known) return known
  if (!champion.runId) return undefined
  const text = await store
    .downloadArtifact(champion.runId, 'predictions.csv')
    .then((b) => Buffer.from(b).toString('utf8'))
    .catch(() => null)
  if (text === null) return undefined
  const scores = matchScores(parsePredictionsCsv(text).map((r) => ({ ...r, matchId: r.matchId ?? null })))
  mirror.recordVersion({ modelName, version: champion.version, evalWindow: EVAL_WINDOW, scores })
  return scores
}

/** The pipeline's promotion step, minus the re-score: against the champion this store knows. */
export async function promoteOnSameMatches(
  store: TrackingStore,
  modelName: string,
  c: Candidate,
  decidedBy = 'scoreline:pipeline:faults',
): Promise<PromotionDecision> {
  store.promotions.mirror.recordVersion({
    modelName,
    version: c.version.version,
    runId: c.runId,
    evalWindow: EVAL_WINDOW,
    scores: c.scores,
  })
  const champion = await store.getVersionByAlias(modelName, CHAMPION)
  const theirs = champion ? await championScores(store, modelName, champion) : undefined
  const compared = theirs ? compareOnSameMatches(c.scores, theirs) : null
  return promoteIfBetter(store, {
    modelName,
    candidateVersion: c.version.version,
    candidateScore: compared ? (compared.candidate.served as number) : mean(c.scores),
    ...(compared
      ? {
          championScore: compared.champion.served as number,
          matches: {
            n: compared.n,
            identical: compared.identical,
            candidateOnly: compared.candidateOnly,
            championOnly: compared.championOnly,
          },
        }
      : {}),
    ...(champion && !compared ? { notComparable: "the champion's per-match scores cannot be read" } : {}),
    evalWindow: EVAL_WINDOW,
    decidedBy,
  })
}

const mean = (s: MatchScore[]) => s.reduce((a, m) => a + (m.served as number), 0) / s.length
