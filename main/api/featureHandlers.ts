import type Database from 'better-sqlite3'
import type { Handlers } from '../core/dispatch'
import type { ScorelineConfig } from '../core/config'
import type { DataPaths } from '../core/paths'
import { ApiError } from '../../shared/api/errors'
import { createFeatureStore } from '../services/features/createFeatureStore'
import type { FeatureLogger, FeatureStore } from '../services/features/featureStore'
import { createTrackingStore } from '../services/tracking/createTrackingStore'
import type { TrackingStore } from '../services/tracking/trackingStore'
import { readChampion, type ChampionModel } from '../services/training/pipeline'
import { featureStoreRebuilder } from '../services/training/featureRebuild'
import type { TrainingService } from '../services/training/trainingService'

type FeatureProcedures = Extract<keyof Handlers, `features.${string}`>

/**
 * The feature store one Scoreline instance reads from, opened on first use from the current config and
 * reopened when the Redis URL changes (Settings can change it at runtime). A failed open is not cached:
 * the next call tries again, so a Redis that comes back is picked up without a restart.
 */
export interface FeatureStoreAccess {
  get(): Promise<FeatureStore>
  close(): Promise<void>
}

export function createFeatureStoreAccess(input: {
  config: () => ScorelineConfig
  paths: Pick<DataPaths, 'featuresDb'>
  /** Redis key prefix (tests use one per run); default `scoreline:fs:`. */
  keyPrefix?: string
  logger?: FeatureLogger
}): FeatureStoreAccess {
  let current: { url: string | null; store: Promise<FeatureStore> } | null = null
  let closed = false
  const open = (url: string | null) =>
    createFeatureStore({
      redisUrl: url,
      localDbPath: input.paths.featuresDb,
      keyPrefix: input.keyPrefix,
      logger: input.logger,
    })
  const release = (entry: { store: Promise<FeatureStore> }) =>
    entry.store.then(
      (store) => store.close(),
      () => {}, // it never opened: nothing to close
    )
  return {
    async get() {
      if (closed) throw new ApiError('INTERNAL', 'The feature store is closed')
      const url = input.config().redisUrl ?? null
      if (current && current.url !== url) {
        const previous = current
        current = null
        await release(previous).catch(() => {})
      }
      if (!current) {
        const entry = { url, store: open(url) }
        current = entry
        entry.store.catch(() => {
          if (current === entry) current = null
        })
      }
      return current.store
    },
    async close() {
      closed = true
      const previous = current
      current = null
      if (previous) await release(previous).catch(() => {})
    },
  }
}

export interface FeatureHandlerDeps {
  db: Database.Database
  featureStore: FeatureStoreAccess
  /** Opens the tracking store the champions are read from (closed after each rebuild). */
  openFeatureTracking: () => TrackingStore
  /** The pipeline's cross-process lock: a rebuild never runs beside a pipeline run (or another rebuild). */
  training: Pick<TrainingService, 'lock'>
}

/** Wiring for createScoreline: the store access and the tracking opener from the live config. */
export function createFeatureDeps(input: {
  config: () => ScorelineConfig
  paths: Pick<DataPaths, 'featuresDb' | 'trackingDb'>
  keyPrefix?: string
  logger?: FeatureLogger
}): Pick<FeatureHandlerDeps, 'featureStore' | 'openFeatureTracking'> {
  return {
    featureStore: createFeatureStoreAccess(input),
    openFeatureTracking: () => {
      const { mlflow } = input.config()
      return createTrackingStore(
        {
          trackingUri: mlflow.trackingUri,
          token: mlflow.token,
          username: mlflow.username,
          password: mlflow.password,
          localDbPath: input.paths.trackingDb,
          databaseUrl: input.config().databaseUrl,
        },
        { autoFlushMs: false },
      )
    },
  }
}

function storeLeagues(db: Database.Database): string[] {
  return db
    .prepare('SELECT DISTINCT league_code FROM matches WHERE deleted = 0 ORDER BY league_code')
    .pluck()
    .all() as string[]
}

export function createFeatureHandlers(deps: FeatureHandlerDeps): Pick<Handlers, FeatureProcedures> {
  const store = () => deps.featureStore.get()
  return {
    'features.views': async () => (await store()).views(),
    'features.stats': async () => (await store()).stats(),
    'features.getTeam': async ({ view, league, team }) => (await store()).getTeam(view, league, team),
    'features.getTeams': async ({ view, league }) => (await store()).getTeams(view, league),
    'features.getMatch': async ({ view, league, date, home, away }) =>
      (await store()).getMatch(view, league, date, home, away),
    'features.history': async ({ view, league, entity }) => (await store()).history(view, league, entity),
    'features.validationReports': async ({ view, limit }) =>
      (await store()).validationReports({ view, limit }),

    // What a promotion does (featureStoreRebuilder), on demand from the champions in the tracking store.
    'features.rebuild': async ({ leagues }) => {
      const started = performance.now()
      const features = await store()
      const wanted = leagues?.length ? [...new Set(leagues)].sort() : storeLeagues(deps.db)
      if (wanted.length === 0) {
        throw new ApiError(
          'FEATURES_NO_DATA',
          'No league to rebuild: the local store has no matches. Import season CSVs (scoreline data import) or sync (scoreline data sync), then run the pipeline.',
        )
      }
      const lockId = `features-rebuild-${Date.now().toString(36)}`
      const acquired = deps.training.lock.acquire(lockId)
      if (!acquired.ok) {
        throw new ApiError(
          'FEATURES_BUSY',
          `A pipeline run (${acquired.heldBy.runId}, pid ${acquired.heldBy.pid} on ${acquired.heldBy.hostname}) is running; it rebuilds the features itself when it promotes a model. Try again when it has finished.`,
          { heldBy: acquired.heldBy },
        )
      }
      const tracking = deps.openFeatureTracking()
      try {
        const champions: Record<string, ChampionModel> = {}
        const skipped: { league: string; reason: string }[] = []
        for (const league of wanted) {
          const champion = await readChampion(tracking, league)
          if (champion) champions[league] = champion
          else
            skipped.push({
              league,
              reason: `no champion model for ${league}: run the pipeline (scoreline pipeline run --league ${league})`,
            })
        }
        if (Object.keys(champions).length === 0) {
          throw new ApiError(
            'FEATURES_NO_CHAMPION',
            `No champion model for ${wanted.join(', ')}: run the pipeline first (scoreline pipeline run); it promotes a champion and builds the features.`,
            { skipped },
          )
        }
        const rebuild = featureStoreRebuilder(features, deps.db, 'scoreline:features-rebuild')
        const result = await rebuild({ promoted: Object.keys(champions), champions })
        return {
          views: result.views,
          note: result.note ?? null,
          champions: Object.entries(champions).map(([league, c]) => ({
            league,
            modelVersion: c.version,
            runId: c.runId,
          })),
          skipped,
          ms: Math.round((performance.now() - started) * 10) / 10,
        }
      } finally {
        tracking.close()
        deps.training.lock.release(lockId)
      }
    },
  }
}
