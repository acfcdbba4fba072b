import type Database from 'better-sqlite3'
import { createHandlers } from '../api/handlers'
import { createTrainingDeps } from '../api/trainingHandlers'
import { createFeatureDeps } from '../api/featureHandlers'
import { createTrackingAccess, refreshRegistryCopy } from '../api/trackingHandlers'
import { readSettings } from '../api/appHandlers'
import { createHealthService } from '../services/health/healthService'
import { openAppDatabase, createSettingsStore, schemaVersion, type SettingsStore } from '../services/data/db'
import { configSecrets, resolveConfig, type ConfigSources, type ScorelineConfig } from './config'
import { createDispatch, type Dispatch, type Handlers } from './dispatch'
import { createEventBus, type EventBus } from './eventBus'
import type { EventPayload } from '../../shared/api/contract'
import { createLogger, type Logger } from './logger'
import { dataPaths, type DataPaths } from './paths'
import { createSecretStore, type SecretCipher } from './secrets'
import { readDataDirSetting } from './dataDirSetting'
import { guardOffline } from './offline'
import { defaultDataDir } from './paths'

export interface ScorelineOptions {
  shell: 'electron' | 'browser-bridge' | 'cli'
  electronVersion?: string | null
  flags?: ConfigSources['flags']
  env?: NodeJS.ProcessEnv
  /** Electron passes `app.getPath('userData')`; the CLI computes the same path. */
  defaultDataDir?: string
  /** Electron's safeStorage, wrapped; absent in the CLI and the bridge (secrets come from the environment). */
  secretCipher?: SecretCipher | null
  logger?: Logger
  terminalLogs?: boolean
  /** The training worker entry; the Electron build passes its bundled `modelWorker?modulePath`. */
  trainingWorkerUrl?: string
  /** Redis key prefix of the feature store: what the pipeline writes and the `features.*` procedures read (tests: one per run). */
  featureKeyPrefix?: string
}

/** Everything the app, the bridge and the CLI share: config, the app database, dispatch, events. */
export interface Scoreline {
  readonly config: ScorelineConfig
  readonly paths: DataPaths
  readonly db: Database.Database
  readonly settings: SettingsStore
  readonly events: EventBus
  readonly handlers: Handlers
  readonly dispatch: Dispatch
  readonly logger: Logger
  close(): Promise<void>
}

/**
 * The composition root for Node-side services. It never imports `electron`: `main/app/` passes
 * in what only Electron knows (the userData path, safeStorage secrets, the Electron version).
 */
export function createScoreline(options: ScorelineOptions): Scoreline {
  const env = options.env ?? process.env
  // the data folder setting lives beside the default data folder (the app database is inside the folder)
  const platformDataDir = options.defaultDataDir ?? defaultDataDir(env)
  const storedDataDir = readDataDirSetting(platformDataDir)
  const base = resolveConfig({
    flags: options.flags,
    env,
    defaultDataDir: options.defaultDataDir,
    settings: { dataDir: storedDataDir },
  })
  const paths = dataPaths(base.dataDir)
  const db = openAppDatabase(paths.appDb)
  const settings = createSettingsStore(db)
  const secrets = createSecretStore(settings, options.secretCipher ?? null, options.shell)
  let config = base
  const rebuildConfig = () => {
    config = resolveConfig({
      flags: options.flags,
      env,
      defaultDataDir: options.defaultDataDir,
      // the data folder stays the one opened at start (a new one takes effect after a restart)
      settings: { ...readSettings(settings), dataDir: storedDataDir },
      secrets: {
        mlflowToken: secrets.get('mlflowToken'),
        mlflowPassword: secrets.get('mlflowPassword'),
        databasePassword: secrets.get('databasePassword'),
        redisPassword: secrets.get('redisPassword'),
      },
    })
  }
  rebuildConfig()
  const events = createEventBus()
  const logger =
    options.logger ??
    createLogger('scoreline', {
      dir: paths.logs,
      terminal: options.terminalLogs ?? false,
      secrets: () => configSecrets(config),
    })

  const training = createTrainingDeps({
    db,
    settings,
    paths,
    config: () => config,
    events,
    workerUrl: options.trainingWorkerUrl,
    // stored defaults: workers when the pool starts, the modelling defaults at the start of every run
    poolSize: config.workers,
    pipelineSettings: () => ({
      margin: config.modelling.margin,
      blend: config.modelling.blend,
      calibration: config.modelling.calibration,
      promotionMargin: config.modelling.promotionMargin,
    }),
    featureKeyPrefix: options.featureKeyPrefix,
  })
  // The weekly schedule runs in the desktop app only (a missed week runs once at start).
  if (options.shell === 'electron') training.scheduler.start()
  // Opened on first use and reopened when Settings change the Redis URL.
  const features = createFeatureDeps({ config: () => config, paths, keyPrefix: options.featureKeyPrefix })
  const trackingAccess = createTrackingAccess({ paths, config: () => config })
  const health = createHealthService({ db, settings, tracking: () => trackingAccess.store() })
  // network-only procedures answer OFFLINE while offline mode is on
  const handlers = guardOffline(
    createHandlers({
      shell: options.shell,
      electronVersion: options.electronVersion ?? null,
      config: () => config,
      appDbPath: paths.appDb,
      schemaVersion: () => schemaVersion(db),
      settings,
      onSettingsChanged: rebuildConfig,
      defaultDataDir: platformDataDir,
      startup: { dataDir: base.dataDir, workers: config.workers },
      secrets,
      db,
      events,
      training: training.training,
      scheduler: training.scheduler,
      ...features,
      trackingAccess,
      health,
    }),
    () => config.offline,
  )
  // the registry as this desktop last read it answers `models list|show` offline (#21): refreshed after every
  // pipeline run; close() waits for a refresh under way (the CLI's `pipeline run` ends right after its run)
  let registryRefresh: Promise<void> = Promise.resolve()
  const unsubscribeRefresh = events.subscribe((event, payload) => {
    if (event !== 'training.finished' || config.offline) return
    const leagues = (payload as EventPayload<'training.finished'>).leagues.map((l) => l.league)
    registryRefresh = registryRefresh
      .then(() => refreshRegistryCopy(trackingAccess, leagues))
      .catch((error: unknown) =>
        logger.warn(`refreshing the registry copy failed: ${(error as Error).message}`),
      )
  })
  const dispatch = createDispatch(handlers, {
    onError: (name, error) => logger.warn(`${name} failed: ${(error as Error)?.message ?? String(error)}`),
  })

  return {
    get config() {
      return config
    },
    paths,
    db,
    settings,
    events,
    handlers,
    dispatch,
    logger,
    async close() {
      unsubscribeRefresh()
      await training.close()
      await registryRefresh
      await features.featureStore.close()
      trackingAccess.close()
      if (db.open) db.close()
    },
  }
}
