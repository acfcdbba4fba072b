/**
 * Data layer: the local SQLite cache (migrations, settings), football-data imports (SQLite and
 * Postgres), team-name resolution, screen queries, Postgres migrations, Postgres → SQLite sync with the
 * jackpot outbox, and season downloads. Plain Node: every dependency (db handle, URL, fetch) is passed in.
 */
export * from './errors'
export * from './db/index'
export * from './teams/index'
export * from './import/index'
export * from './queries/index'
export * from './jackpots/index'
export * from './download/index'
export * from './fixtures/index'
export { migratePostgres, loadPostgresMigrations, postgresMigrationsDir } from './postgres/migratePostgres'
export type { MigratePostgresResult, PgMigration } from './postgres/migratePostgres'
export { connectPostgres, probePostgres, redactUrl } from './postgres/pgConnection'
export { syncFromPostgres, SYNC_TABLES } from './sync/syncFromPostgres'
export type { SyncOptions, SyncProgress, SyncResult, SyncTable } from './sync/syncFromPostgres'
export { pushOutbox, resolveJackpotConflict } from './sync/pushOutbox'
export type { PushResult } from './sync/pushOutbox'
