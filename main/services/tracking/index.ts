/** Experiment tracking and the model registry: MLflow REST client, local store, offline outbox, promotion. */
export { createTrackingStore, trackingConfigFromEnv } from './createTrackingStore'
export type { TrackingConfig, TrackingDeps } from './createTrackingStore'
export * from './trackingStore'
export {
  TrackingError,
  isTrackingError,
  isNotFound,
  isInvalidInput,
  isUnreachable,
  redactSecrets,
  safeOrigin,
} from './errors'
export type { TrackingErrorCode, TrackingErrorDetails } from './errors'
export type { TrackingLogger, Clock } from './logger'
export {
  MlflowClient,
  LOG_BATCH_LIMITS,
  CLIENT_KEY_TAG,
  chunkLogBatch,
  escapeFilterString,
} from './mlflowClient'
export type { MlflowConnection, MlflowHttpOptions } from './mlflowHttp'
export { MlflowTrackingStore } from './mlflowTrackingStore'
export { LocalTrackingStore } from './localTrackingStore'
export { OutboxTrackingStore } from './outboxTrackingStore'
export type { OutboxItem, OutboxOp } from './outboxTrackingStore'
export {
  openTrackingDatabase,
  openMemoryTrackingDatabase,
  migrateTrackingDatabase,
  trackingMigrations,
} from './localSchema'
export { PromotionLog } from './promotionLog'
export type { PromotionRecord, PromotionAction } from './promotionLog'
export {
  promoteIfBetter,
  promoteManually,
  rollbackChampion,
  CHAMPION,
  CHALLENGER,
  PROMOTION_TAGS,
} from './promotion'
export type { PromoteIfBetterInput, PromotionDecision } from './promotion'
export { recordPipelineRun, registeredModelName, EXPERIMENTS, STAGE_TAG, PIPELINE_STAGE } from './pipelineRecorder'
export { leagueOfModelName, leaguesOfModelName, legacyLeaguesOf } from './modelName'
export type { PipelineRunInput, RecordedPipelineRun, RecordedRunInput } from './pipelineRecorder'
export { compare, compareRuns, metricHigherIsBetter } from './compareRuns'
export type { RunComparison } from './compareRuns'
