/**
 * The one way the app and the CLI get a feature store: Redis when a URL is configured (REDIS_URL or the
 * settings), otherwise the local SQLite store at `localDbPath` (`features.sqlite` in the data folder).
 * With Redis, the local file still holds the registry mirror (views, versions, lineage, reports).
 */
import type Database from 'better-sqlite3'
import { openDatabase } from '../data/db/openDatabase'
import { FeatureRegistry } from './featureRegistry'
import { featureStoreMigrations } from './featureMigrations'
import type { FeatureLogger, FeatureStore } from './featureStore'
import { silentLogger } from './featureStore'
import { RedisFeatureStore } from './redisFeatureStore'
import { SqliteFeatureStore } from './sqliteFeatureStore'
import { isFeatureStoreError } from './errors'

export interface CreateFeatureStoreOptions {
  /** Redis URL (credentials allowed; they never appear in messages). Empty or absent: local store. */
  redisUrl?: string | null
  /** Path of the local feature store SQLite file, e.g. `dataPaths(dir).featuresDb`. */
  localDbPath: string
  clock?: () => number
  logger?: FeatureLogger
  /** Redis key prefix, default `scoreline:fs:`. */
  keyPrefix?: string
  retiredGraceMs?: number
  /**
   * When Redis is configured but unreachable: `fail` (default) throws SERVICE_UNREACHABLE, `local`
   * logs a warning and opens the local store instead (features then live in two places: say so in the UI).
   */
  whenRedisUnreachable?: 'fail' | 'local'
  connectTimeoutMs?: number
  commandTimeoutMs?: number
}

export async function createFeatureStore(options: CreateFeatureStoreOptions): Promise<FeatureStore> {
  const logger = options.logger ?? silentLogger
  const redisUrl = options.redisUrl?.trim()
  if (!redisUrl) {
    return SqliteFeatureStore.open(options.localDbPath, {
      clock: options.clock,
      logger,
      retiredGraceMs: options.retiredGraceMs,
    })
  }
  const db: Database.Database = openDatabase(options.localDbPath, { migrations: featureStoreMigrations })
  try {
    const store = await RedisFeatureStore.connect({
      url: redisUrl,
      keyPrefix: options.keyPrefix,
      clock: options.clock,
      logger,
      retiredGraceMs: options.retiredGraceMs,
      mirror: new FeatureRegistry(db, 'redisMirror'),
      connectTimeoutMs: options.connectTimeoutMs,
      commandTimeoutMs: options.commandTimeoutMs,
    })
    const close = store.close.bind(store)
    store.close = async () => {
      await close()
      if (db.open) db.close()
    }
    return store
  } catch (error) {
    if (options.whenRedisUnreachable === 'local' && isFeatureStoreError(error, 'SERVICE_UNREACHABLE')) {
      logger.warn('Redis is unreachable; using the local feature store instead', { error: error.message })
      db.close()
      return SqliteFeatureStore.open(options.localDbPath, {
        clock: options.clock,
        logger,
        retiredGraceMs: options.retiredGraceMs,
      })
    }
    db.close()
    throw error
  }
}
