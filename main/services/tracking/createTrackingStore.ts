/**
 * Build the TrackingStore the app should use from its configuration:
 *  - no tracking URI → LocalTrackingStore (SQLite at `localDbPath`, artifacts beside it);
 *  - an http(s) MLflow URI → OutboxTrackingStore over MlflowTrackingStore: writes go to the server while
 *    it answers and are queued in `localDbPath` (and replayed exactly once) while it does not.
 * The promotion log always lives in `localDbPath`; with an MLflow server and a `databaseUrl`, decisions are also
 * shared with the team through Postgres (`promotion_history`) and pulled back into it (#21).
 *
 * With the app's resolved config: `createTrackingStore({ ...config.mlflow, localDbPath: dataPaths(dir).trackingDb })`.
 */
import path from 'node:path'
import type Database from 'better-sqlite3'
import { openTrackingDatabase } from './localSchema'
import { LocalTrackingStore } from './localTrackingStore'
import { silentLogger, systemClock } from './logger'
import type { Clock, TrackingLogger } from './logger'
import { MlflowClient } from './mlflowClient'
import type { MlflowHttpOptions } from './mlflowHttp'
import { MlflowTrackingStore } from './mlflowTrackingStore'
import { OutboxTrackingStore } from './outboxTrackingStore'
import { PromotionLog } from './promotionLog'
import { SharedPromotionHistory } from './sharedPromotionHistory'
import type { TrackingStore } from './trackingStore'

export interface TrackingConfig {
  /** MLFLOW_TRACKING_URI; empty, null or absent means the local store. */
  trackingUri?: string | null
  /** MLFLOW_TRACKING_TOKEN (bearer). */
  token?: string | null
  /** MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD (basic auth). */
  username?: string | null
  password?: string | null
  /** The tracking SQLite file (local store, outbox, promotion log), e.g. `<SCORELINE_HOME>/tracking.db`. */
  localDbPath: string
  /** Local artifacts folder; `<localDbPath folder>/tracking-artifacts` by default. */
  artifactsDir?: string
  /** DATABASE_URL: the shared Postgres that holds the team's promotion history (MLflow stores only). */
  databaseUrl?: string | null
}

export interface TrackingDeps {
  fetch?: typeof fetch
  clock?: Clock
  logger?: TrackingLogger
  /** An already-open, migrated tracking database (tests); otherwise `localDbPath` is opened. */
  db?: Database.Database
  /** Timeout / retry / backoff settings for the MLflow client. */
  http?: Omit<MlflowHttpOptions, 'fetch' | 'logger'>
  /** Outbox: after an unreachable server, queue without trying it for this long. */
  offlineCooldownMs?: number
  /** Outbox: replay pending items this often (ms); false to disable. Default 30 s. */
  autoFlushMs?: number | false
}

export function createTrackingStore(config: TrackingConfig, deps: TrackingDeps = {}): TrackingStore {
  const logger = deps.logger ?? silentLogger
  const clock = deps.clock ?? systemClock
  const ownsDb = !deps.db
  const db = deps.db ?? openTrackingDatabase(config.localDbPath)
  const closeDb = () => {
    if (ownsDb && db.open) db.close()
  }
  const uri = config.trackingUri?.trim()
  try {
    if (!uri) {
      return new LocalTrackingStore({
        db,
        artifactsDir:
          config.artifactsDir ??
          path.join(path.dirname(path.resolve(config.localDbPath)), 'tracking-artifacts'),
        clock,
        logger,
        ownsDb,
      })
    }
    const client = new MlflowClient(
      {
        trackingUri: uri,
        token: config.token || undefined,
        username: config.username || undefined,
        password: config.password || undefined,
      },
      { ...deps.http, fetch: deps.fetch, logger },
    )
    const promotions = new PromotionLog(db, client.http.baseUrl)
    if (config.databaseUrl?.trim()) promotions.share(new SharedPromotionHistory(config.databaseUrl.trim()))
    const remote = new MlflowTrackingStore({ client, promotions, clock, logger })
    const store = new OutboxTrackingStore({
      remote,
      db,
      clock,
      logger,
      offlineCooldownMs: deps.offlineCooldownMs,
      onClose: closeDb,
    })
    if (deps.autoFlushMs !== false) store.startAutoFlush(deps.autoFlushMs ?? 30_000)
    logger.info('tracking: using MLflow with an offline outbox', { host: client.origin })
    return store
  } catch (error) {
    closeDb()
    throw error
  }
}

/**
 * The tracking part of the configuration from MLflow's usual environment variables. Callers apply the
 * app's precedence (CLI flag > environment > stored settings > default) by spreading overrides on top.
 */
export function trackingConfigFromEnv(
  env: Record<string, string | undefined>,
  defaults: { localDbPath: string },
): TrackingConfig {
  return {
    trackingUri: env.MLFLOW_TRACKING_URI || undefined,
    token: env.MLFLOW_TRACKING_TOKEN || undefined,
    username: env.MLFLOW_TRACKING_USERNAME || undefined,
    password: env.MLFLOW_TRACKING_PASSWORD || undefined,
    localDbPath: defaults.localDbPath,
  }
}
