/** The feature rebuild after a promotion, and reading a league's champion back from its registered model. */
import type Database from 'better-sqlite3'
import { CHAMPION } from '../../tracking/promotion'
import type { TrackingStore } from '../../tracking/trackingStore'
import { artifactPricing, type ModelArtifact } from '../artifacts'
import { round } from './records'
import {
  modelNameOf,
  type ChampionModel,
  type PipelineDeps,
  type PipelineEvent,
  type PipelineRunRecord,
} from './types'

/**
 * When any league's champion changed: rebuild the feature views once, from the champion of every league
 * (the new ones from this run, the others read back from their registered model's `model/model.json`).
 */
export async function rebuildAfterPromotion(
  record: PipelineRunRecord,
  deps: PipelineDeps,
  emit: (e: PipelineEvent) => void,
): Promise<void> {
  const promoted = record.leagues.filter((l) => l.champion)
  const notPromoted = 'no champion changed: the feature views stay as they are'
  for (const l of record.leagues) {
    if (l.state === 'succeeded')
      l.features = { rebuilt: false, views: [], note: l.champion ? null : notPromoted }
  }
  if (promoted.length === 0) {
    record.features.note = notPromoted
    return
  }
  if (!deps.rebuildFeatures) {
    record.features.note = 'no feature store configured'
    return
  }
  emit({
    type: 'progress',
    runId: record.id,
    league: null,
    stage: 'features',
    fraction: 0.98,
    message: 'rebuilding feature views',
  })
  const t0 = performance.now()
  try {
    const champions: Record<string, ChampionModel> = {}
    for (const l of promoted) champions[l.league] = l.champion as ChampionModel
    for (const league of knownLeagues(deps.db)) {
      if (champions[league]) continue
      const champion = await readChampion(deps.tracking, league)
      if (champion) champions[league] = champion
    }
    const result = await deps.rebuildFeatures({ promoted: promoted.map((l) => l.league), champions })
    record.features = { rebuilt: true, views: result.views, note: result.note ?? null, ms: null, error: null }
    for (const l of promoted) l.features = { rebuilt: true, views: result.views, note: null }
  } catch (error) {
    const message = (error as Error)?.message ?? String(error)
    record.features.error = message
    for (const l of promoted)
      l.features = { rebuilt: false, views: [], note: `feature rebuild failed: ${message}` }
    emit({
      type: 'log',
      runId: record.id,
      league: null,
      level: 'error',
      message: `feature rebuild failed: ${message}`,
    })
  } finally {
    record.features.ms = round(performance.now() - t0)
  }
}

function knownLeagues(db: Database.Database): string[] {
  return db
    .prepare('SELECT DISTINCT league_code FROM matches WHERE deleted = 0 ORDER BY league_code')
    .pluck()
    .all() as string[]
}

/** A league's current champion, read back from its registered model's artifact; null when it has none. */
export async function readChampion(tracking: TrackingStore, league: string): Promise<ChampionModel | null> {
  const version = await tracking.getVersionByAlias(modelNameOf(league), CHAMPION).catch(() => null)
  if (!version?.runId) return null
  try {
    const bytes = await tracking.downloadArtifact(version.runId, 'model/model.json')
    const artifact = JSON.parse(Buffer.from(bytes).toString('utf8')) as ModelArtifact
    return {
      model: artifact.model,
      version: version.version,
      runId: version.runId,
      alpha: artifact.blend.alpha,
      calibrator: artifact.calibrator,
      ...artifactPricing(artifact),
    }
  } catch {
    return null
  }
}
