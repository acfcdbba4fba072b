import type Database from 'better-sqlite3'
import type { Handlers } from '../core/dispatch'
import type { EventBus } from '../core/eventBus'
import type { ScorelineConfig } from '../core/config'
import type { DataPaths } from '../core/paths'
import { APP_VERSION } from '../core/version'
import type { SettingsStore } from '../services/data/db'
import { createTrackingStore } from '../services/tracking/createTrackingStore'
import { createFeatureStore } from '../services/features/createFeatureStore'
import { createTrainingService, type TrainingService } from '../services/training/trainingService'
import { createScheduler, type Scheduler } from '../services/training/scheduler'
import type { PipelineSettings } from '../services/training/pipeline'

type TrainingProcedures = Extract<keyof Handlers, `training.${string}`>

export interface TrainingHandlerDeps {
  training: TrainingService
  scheduler: Scheduler
}

/**
 * The training service and its schedule for one Scoreline instance: tracking and feature stores are opened
 * per run from the current configuration; progress, log lines and the end of a run go out as events.
 * `workerUrl`: the Electron build passes the bundled worker (`modelWorker?modulePath`); the CLI, the
 * bridge and tests use the TypeScript source.
 */
export function createTrainingDeps(input: {
  db: Database.Database
  settings: SettingsStore
  paths: DataPaths
  config: () => ScorelineConfig
  events: EventBus
  workerUrl?: string
  /** Worker threads of the training pool (default CPU cores − 1); read when the pool starts. */
  poolSize?: number
  /** The stored defaults (margin, blend, calibration, promotion margin), read at the start of every run. */
  pipelineSettings?: () => Partial<PipelineSettings>
  /** The instance's Redis feature key prefix (tests use one per run), the same the feature handlers use. */
  featureKeyPrefix?: string
}): TrainingHandlerDeps & { close(): Promise<void> } {
  const { events } = input
  const training = createTrainingService({
    db: input.db,
    settings: input.settings,
    workerUrl: input.workerUrl,
    poolSize: input.poolSize,
    pipelineSettings: input.pipelineSettings,
    codeVersion: APP_VERSION,
    experimentPrefix: () => input.config().mlflow.experimentPrefix ?? '',
    openTracking: () => {
      const { mlflow } = input.config()
      return createTrackingStore(
        {
          trackingUri: mlflow.trackingUri ?? undefined,
          token: mlflow.token ?? undefined,
          username: mlflow.username ?? undefined,
          password: mlflow.password ?? undefined,
          localDbPath: input.paths.trackingDb,
          databaseUrl: input.config().databaseUrl,
        },
        { autoFlushMs: false },
      )
    },
    openFeatures: () =>
      createFeatureStore({
        redisUrl: input.config().redisUrl,
        localDbPath: input.paths.featuresDb,
        keyPrefix: input.featureKeyPrefix,
      }),
    onEvent: (e) => {
      if (e.type === 'progress') {
        const { type: _type, ...payload } = e
        events.emit('training.progress', payload)
      } else if (e.type === 'log') {
        const { type: _type, ...payload } = e
        events.emit('training.log', payload)
      } else events.emit('training.finished', e.run)
    },
  })
  const scheduler = createScheduler({ db: input.db, settings: input.settings, service: training })
  return {
    training,
    scheduler,
    async close() {
      scheduler.stop()
      await training.close()
    },
  }
}

export function createTrainingHandlers(deps: TrainingHandlerDeps): Pick<Handlers, TrainingProcedures> {
  const { training, scheduler } = deps
  return {
    'training.runPipeline': async ({ leagues, wait, trigger, model, force }) => {
      const started = training.start({ leagues, trigger: trigger ?? 'manual', model, force })
      if (!wait) {
        started.done.catch(() => {}) // the outcome is recorded in the history and sent as events
        return { id: started.id, leagues: started.leagues, run: null }
      }
      return { id: started.id, leagues: started.leagues, run: await started.done }
    },
    'training.status': () => ({ ...training.status(), schedule: scheduler.info() }),
    'training.history': ({ limit }) => training.history(limit),
    'training.cancel': ({ id }) => ({ cancelled: training.cancel(id) }),
    'training.schedule': ({ cron, enabled }) =>
      cron === undefined && enabled === undefined ? scheduler.info() : scheduler.configure({ cron, enabled }),
  }
}
