/** Feature store: one FeatureStore interface, a Redis and a local SQLite implementation, pure feature maths. */
export { createFeatureStore, type CreateFeatureStoreOptions } from './createFeatureStore'
export {
  FeatureStoreError,
  describeRedisUrl,
  isFeatureStoreError,
  type FeatureStoreErrorCode,
} from './errors'
export { FeatureRegistry } from './featureRegistry'
export { featureStoreMigrations } from './featureMigrations'
export {
  DEFAULT_RETIRED_GRACE_MS,
  matchEntityId,
  type EntityHit,
  type EntityMiss,
  type EntityRead,
  type FeatureLogger,
  type FeatureRow,
  type FeatureStore,
  type FeatureStoreStats,
  type HistoryEntry,
  type LatencySummary,
  type LeagueRead,
  type MatchRow,
  type PublishOptions,
  type PublishResult,
  type TeamRow,
  type ValidationFailure,
  type ValidationReport,
  type VersionInfo,
  type VersionState,
  type VersionStats,
  type ViewInfo,
  type WriteOptions,
  type WriteResult,
} from './featureStore'
export { DEFAULT_KEY_PREFIX, RedisFeatureStore, type RedisFeatureStoreOptions } from './redisFeatureStore'
export { SqliteFeatureStore, type SqliteFeatureStoreOptions } from './sqliteFeatureStore'
export {
  BUILTIN_VIEWS,
  DEFAULT_FORM_WINDOW,
  featureSpecSchema,
  lineageSchema,
  matchProbabilitiesView,
  teamFormView,
  teamRatingsView,
  validateValues,
  valuesSchema,
  viewDefinitionSchema,
  type FeatureIssue,
  type FeatureSpec,
  type FeatureValue,
  type Lineage,
  type ValidationPolicy,
  type ViewDefinition,
} from './views'
export {
  asOfEventTime,
  computeMatchProbabilities,
  computeTeamForm,
  computeTeamRatings,
  fingerprintMatches,
  type Fixture,
  type MatchProbabilityOptions,
  type PlayedMatch,
  type RatingsModel,
  type Triple,
} from './computeFeatures'
export { rebuildFeatureViews, type RebuildInput, type RebuildResult } from './rebuildFeatures'
export * from './featureSchemas'
export { formatEntityRead, formatFeatureStats, formatLeagueRead } from './featureText'
