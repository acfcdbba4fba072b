/**
 * The TrackingStore contract: experiment tracking and the model registry in domain terms. Three
 * implementations share it and one behavioural test suite: MlflowTrackingStore (a server is configured),
 * LocalTrackingStore (SQLite + the data folder; the embedded default) and OutboxTrackingStore (a server is
 * configured; writes that cannot reach it are queued durably and replayed in order, exactly once).
 */
import type { PromotionLog } from './promotionLog'

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED'
export type LifecycleStage = 'active' | 'deleted'
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL'
export type Stage = 'None' | 'Staging' | 'Production' | 'Archived'

/** Tags MLflow's UI understands, plus Scoreline's own. */
export const TAGS = {
  parentRunId: 'mlflow.parentRunId',
  runName: 'mlflow.runName',
  user: 'mlflow.user',
  source: 'mlflow.source.name',
  /** MLflow 3's UI opens an experiment of this kind on its runs, not on the GenAI traces page (#21). */
  experimentKind: 'mlflow.experimentKind',
  clientKey: 'scoreline.client_key',
  dataFingerprint: 'scoreline.data_fingerprint',
  evalWindow: 'scoreline.eval_window',
  /** 12 hex of the match ids a run's served forecast scored (same id = the same matches, by match id). */
  scoredMatches: 'scoreline.scored_matches',
  /** sha256 of the settings a pipeline run trained with (with the data fingerprint: "nothing changed"). */
  configFingerprint: 'scoreline.config_fingerprint',
} as const

/** The `mlflow.experimentKind` of every experiment the app ensures: model training. */
export const EXPERIMENT_KIND = 'custom_model_development'

export interface Page<T> {
  items: T[]
  nextPageToken?: string
}

export interface Experiment {
  id: string
  name: string
  lifecycleStage: LifecycleStage
  artifactLocation?: string
  creationTime?: number
  tags: Record<string, string>
}

export interface RunInfo {
  runId: string
  experimentId: string
  runName: string
  status: RunStatus
  startTime: number
  endTime?: number
  lifecycleStage: LifecycleStage
  artifactUri?: string
}

export interface MetricPoint {
  key: string
  value: number
  /** Epoch milliseconds. */
  timestamp: number
  step: number
}

/** The most points per run a bulk metric-history read returns (MLflow's bulk-interval ceiling). */
export const MAX_HISTORY_POINTS = 2500

/** Evenly spaced points of a step-ordered history, first and last kept (what MLflow's bulk-interval does). */
export function samplePoints(points: MetricPoint[], max: number): MetricPoint[] {
  if (points.length <= max) return points
  if (max <= 1) return points.slice(-1)
  const out: MetricPoint[] = []
  const stride = (points.length - 1) / (max - 1)
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * stride)])
  return out
}

export interface Run {
  info: RunInfo
  params: Record<string, string>
  /** Latest value of each metric (MLflow's rule: highest step, then timestamp, then value). */
  metrics: Record<string, number>
  tags: Record<string, string>
}

export interface StartRunInput {
  experimentId: string
  runName?: string
  /** Makes the run a nested child (MLflow's `mlflow.parentRunId` tag). */
  parentRunId?: string
  tags?: Record<string, string>
  startTime?: number
  /** Client-generated key stored as the `scoreline.client_key` tag; generated when absent. */
  clientKey?: string
}

export interface LogInput {
  params?: Record<string, string | number | boolean>
  /** A record logs each value at `step` (default 0) and the store's clock; points carry their own. */
  metrics?: Record<string, number> | Array<Omit<MetricPoint, 'step'> & { step?: number }>
  tags?: Record<string, string>
  step?: number
}

export interface SearchRunsInput {
  experimentIds: string[]
  /** MLflow filter syntax: `metrics.rps < 0.2 and params.league = 'E0' and tags.\`a.b\` LIKE 'x%'`. */
  filter?: string
  /** e.g. `['metrics.rps ASC', 'attributes.start_time DESC']`. */
  orderBy?: string[]
  maxResults?: number
  pageToken?: string
  viewType?: ViewType
}

export interface ArtifactEntry {
  /** Relative to the run's artifact root, `/`-separated. */
  path: string
  isDir: boolean
  fileSize?: number
}

export interface RegisteredModel {
  name: string
  description?: string
  tags: Record<string, string>
  /** alias → version */
  aliases: Record<string, string>
  creationTime?: number
  lastUpdatedTime?: number
}

export interface ModelVersion {
  name: string
  version: string
  source: string
  runId?: string
  description?: string
  tags: Record<string, string>
  aliases: string[]
  /** Deprecated MLflow stage; 'None' unless a user explicitly set one. */
  stage: Stage
  creationTime?: number
}

export interface CreateModelVersionInput {
  name: string
  runId?: string
  /** Where the model lives; defaults to `<run artifact root>/<artifactPath>`. */
  source?: string
  artifactPath?: string
  tags?: Record<string, string>
  description?: string
  clientKey?: string
}

export interface SearchModelVersionsInput {
  name?: string
  runId?: string
  maxResults?: number
  pageToken?: string
}

export interface TrackingStatus {
  kind: TrackingStore['kind']
  /** Host of the MLflow server (never with credentials), or the local database path. */
  target: string
  /** Whether the last contact with the server worked (always true for the local store). */
  online: boolean
  /** Outbox items waiting to be replayed, and items parked after a permanent error. */
  pending: number
  failed: number
  oldestPendingAt?: number
  lastError?: string
}

export interface PushResult {
  replayed: number
  pending: number
  failed: number
  errors: string[]
  /** Queued promotions the replay re-decided (the server's champion had changed), one line each. */
  notes?: string[]
}

export interface TrackingStore {
  readonly kind: 'mlflow' | 'local' | 'outbox'
  /** Where promotion decisions are recorded (always local: MLflow keeps no alias history). */
  readonly promotions: PromotionLog

  // experiments
  ensureExperiment(name: string, tags?: Record<string, string>): Promise<Experiment>
  getExperimentByName(name: string): Promise<Experiment | null>
  searchExperiments(input?: {
    nameLike?: string
    maxResults?: number
    pageToken?: string
  }): Promise<Page<Experiment>>

  // runs
  startRun(input: StartRunInput): Promise<RunInfo>
  log(runId: string, input: LogInput): Promise<void>
  logArtifact(runId: string, path: string, content: Uint8Array | string): Promise<void>
  listArtifacts(runId: string, dir?: string): Promise<ArtifactEntry[]>
  downloadArtifact(runId: string, path: string): Promise<Uint8Array>
  endRun(runId: string, status?: Exclude<RunStatus, 'RUNNING' | 'SCHEDULED'>, endTime?: number): Promise<void>
  getRun(runId: string): Promise<Run>
  searchRuns(input: SearchRunsInput): Promise<Page<Run>>
  /**
   * Every run matching a search (all pages, `maxResults` a page, up to `limit`), with params and latest
   * metrics, in the search's order. The MLflow store reads several pages at once where it safely can.
   */
  searchAllRuns(input: Omit<SearchRunsInput, 'pageToken'>, limit?: number): Promise<Run[]>
  deleteRun(runId: string): Promise<void>
  restoreRun(runId: string): Promise<void>
  getMetricHistory(runId: string, key: string): Promise<MetricPoint[]>
  /**
   * One metric's history for many runs in as few requests as the backend allows (MLflow's bulk-interval
   * endpoint: 100 runs a request), for charts: at most `maxPoints` points per run (default and ceiling
   * 2500), evenly sampled by step with the first and last kept when a run has more. Runs without the
   * metric map to []. Ordered by step, then timestamp.
   */
  getMetricHistories(
    runIds: readonly string[],
    key: string,
    options?: { maxPoints?: number },
  ): Promise<Record<string, MetricPoint[]>>

  // registry
  ensureRegisteredModel(
    name: string,
    options?: { description?: string; tags?: Record<string, string> },
  ): Promise<RegisteredModel>
  getRegisteredModel(name: string): Promise<RegisteredModel | null>
  searchRegisteredModels(input?: {
    nameLike?: string
    maxResults?: number
    pageToken?: string
  }): Promise<Page<RegisteredModel>>
  setRegisteredModelTag(name: string, key: string, value: string): Promise<void>
  createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion>
  getModelVersion(name: string, version: string): Promise<ModelVersion>
  searchModelVersions(input: SearchModelVersionsInput): Promise<Page<ModelVersion>>
  setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void>
  setAlias(name: string, alias: string, version: string): Promise<void>
  deleteAlias(name: string, alias: string): Promise<void>
  /** The version an alias points to, or null. */
  getVersionByAlias(name: string, alias: string): Promise<ModelVersion | null>
  /** Deprecated stages: only when a user explicitly asks for one. Prefer aliases. */
  transitionStage(
    name: string,
    version: string,
    stage: Stage,
    archiveExisting?: boolean,
  ): Promise<ModelVersion>

  // operations
  status(): Promise<TrackingStatus>
  /** Replay the outbox now (`scoreline tracking push`); a no-op for stores without one. */
  push(): Promise<PushResult>
  close(): void
}

/** Normalise LogInput into MLflow-shaped lists. */
export function normaliseLog(
  input: LogInput,
  now: number,
): {
  params: { key: string; value: string }[]
  metrics: MetricPoint[]
  tags: { key: string; value: string }[]
} {
  const params = Object.entries(input.params ?? {}).map(([key, value]) => ({ key, value: String(value) }))
  const tags = Object.entries(input.tags ?? {}).map(([key, value]) => ({ key, value: String(value) }))
  const step = input.step ?? 0
  const metrics: MetricPoint[] = Array.isArray(input.metrics)
    ? input.metrics.map((m) => ({ key: m.key, value: m.value, timestamp: m.timestamp, step: m.step ?? step }))
    : Object.entries(input.metrics ?? {}).map(([key, value]) => ({ key, value, timestamp: now, step }))
  return { params, metrics, tags }
}

export function toRecord(
  list: readonly { key: string; value: string }[] | undefined,
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const { key, value } of list ?? []) out[key] = value
  return out
}
