/**
 * MlflowTrackingStore: the TrackingStore contract over an MLflow tracking server's REST API, so runs and
 * versions are readable by MLflow's own UI and Python client. Traffic goes from the main process only.
 */
import { randomUUID } from 'node:crypto'
import { TrackingError, isTrackingError } from './errors'
import { silentLogger, systemClock } from './logger'
import type { Clock, TrackingLogger } from './logger'
import type { MlflowClient } from './mlflowClient'
import { escapeFilterString } from './mlflowClient'
import type { MlflowExperiment, MlflowModelVersion, MlflowRegisteredModel, MlflowRun } from './mlflowSchemas'
import type { PromotionLog } from './promotionLog'
import { validateAlias } from './localTrackingStore'
import { EXPERIMENT_KIND, MAX_HISTORY_POINTS, TAGS, normaliseLog, toRecord } from './trackingStore'

/** Runs per request of MLflow's bulk-interval metric history (the server refuses more). */
const BULK_HISTORY_RUNS = 100
import type {
  ArtifactEntry,
  CreateModelVersionInput,
  Experiment,
  LifecycleStage,
  LogInput,
  MetricPoint,
  ModelVersion,
  Page,
  PushResult,
  RegisteredModel,
  Run,
  RunInfo,
  SearchModelVersionsInput,
  SearchRunsInput,
  Stage,
  StartRunInput,
  TrackingStatus,
  TrackingStore,
} from './trackingStore'

export interface MlflowTrackingStoreOptions {
  client: MlflowClient
  /** Promotion decisions are recorded locally (MLflow keeps no alias history). */
  promotions: PromotionLog
  clock?: Clock
  logger?: TrackingLogger
  /** Called by close() (e.g. to close the tracking database). */
  onClose?: () => void
}

export class MlflowTrackingStore implements TrackingStore {
  readonly kind = 'mlflow' as const
  readonly client: MlflowClient
  readonly promotions: PromotionLog
  private readonly clock: Clock
  private readonly logger: TrackingLogger
  private readonly artifactUris = new Map<string, string>()
  private readonly experiments = new Map<string, { experiment: Experiment; until: number }>()
  private readonly onClose?: () => void
  private lastOnline = true

  constructor(options: MlflowTrackingStoreOptions) {
    this.client = options.client
    this.promotions = options.promotions
    this.clock = options.clock ?? systemClock
    this.logger = options.logger ?? silentLogger
    this.onClose = options.onClose
  }

  // ---------------------------------------------------------------- experiments

  /** Cached for a minute per name: a pipeline run ensures its experiment every time. */
  async ensureExperiment(name: string, tags: Record<string, string> = {}): Promise<Experiment> {
    const cached = this.experiments.get(name)
    if (cached && cached.until > this.clock() && Object.keys(tags).length === 0) return cached.experiment
    const wanted = { [TAGS.experimentKind]: EXPERIMENT_KIND, ...tags }
    const experiment = toExperiment(await this.client.ensureExperiment(name, keyValues(wanted)))
    // an experiment created before the kind tag (or by someone else) gets it once (#21)
    if (!experiment.tags[TAGS.experimentKind]) {
      await this.client.setExperimentTag(experiment.id, TAGS.experimentKind, wanted[TAGS.experimentKind])
      experiment.tags[TAGS.experimentKind] = wanted[TAGS.experimentKind]
    }
    this.experiments.set(name, { experiment, until: this.clock() + 60_000 })
    return experiment
  }

  async getExperimentByName(name: string): Promise<Experiment | null> {
    const e = await this.client.getExperimentByName(name)
    return e ? toExperiment(e) : null
  }

  async searchExperiments(
    input: { nameLike?: string; maxResults?: number; pageToken?: string } = {},
  ): Promise<Page<Experiment>> {
    const page = await this.client.searchExperiments({
      filter: input.nameLike ? `name LIKE '${escapeFilterString(input.nameLike)}'` : undefined,
      maxResults: input.maxResults,
      pageToken: input.pageToken,
      orderBy: ['experiment_id ASC'],
    })
    return { items: page.items.map(toExperiment), nextPageToken: page.nextPageToken }
  }

  // ---------------------------------------------------------------- runs

  /**
   * With a caller's client key the key is looked up first (idempotent start); `lookup: false` skips that
   * round trip for a key generated just now (a lost answer is still recovered by the client's retry).
   */
  async startRun(input: StartRunInput, options: { lookup?: boolean } = {}): Promise<RunInfo> {
    if (input.clientKey && options.lookup !== false) {
      const existing = await this.client.findRunByClientKey(input.experimentId, input.clientKey)
      if (existing) return toRun(this.remember(existing)).info
    }
    const tags: Record<string, string> = { ...input.tags }
    if (input.parentRunId) tags[TAGS.parentRunId] = input.parentRunId
    const run = await this.client.createRun({
      experimentId: input.experimentId,
      runName: input.runName,
      startTime: input.startTime ?? this.clock(),
      tags: keyValues(tags),
      clientKey: input.clientKey ?? randomUUID(),
    })
    return toRun(this.remember(run)).info
  }

  async log(runId: string, input: LogInput): Promise<void> {
    const { params, metrics, tags } = normaliseLog(input, this.clock())
    await this.client.logBatch(runId, { params, metrics, tags })
  }

  async logArtifact(runId: string, path: string, content: Uint8Array | string): Promise<void> {
    await this.client.uploadArtifact(await this.artifactUri(runId), path, content)
  }

  async listArtifacts(runId: string, dir = ''): Promise<ArtifactEntry[]> {
    const entries = await this.client.listArtifacts(await this.artifactUri(runId), dir)
    return entries
      .map((e) =>
        e.isDir ? { path: e.path, isDir: true } : { path: e.path, isDir: false, fileSize: e.fileSize },
      )
      .sort((a, b) => a.path.localeCompare(b.path))
  }

  async downloadArtifact(runId: string, path: string): Promise<Uint8Array> {
    return this.client.downloadArtifact(await this.artifactUri(runId), path)
  }

  async endRun(
    runId: string,
    status: 'FINISHED' | 'FAILED' | 'KILLED' = 'FINISHED',
    endTime?: number,
  ): Promise<void> {
    await this.client.updateRun({ runId, status, endTime: endTime ?? this.clock() })
  }

  async getRun(runId: string): Promise<Run> {
    return toRun(this.remember(await this.client.getRun(runId)))
  }

  async searchRuns(input: SearchRunsInput): Promise<Page<Run>> {
    const page = await this.client.searchRuns({ ...toClientSearch(input), pageToken: input.pageToken })
    return { items: page.items.map((r) => toRun(this.remember(r))), nextPageToken: page.nextPageToken }
  }

  async searchAllRuns(input: Omit<SearchRunsInput, 'pageToken'>, limit?: number): Promise<Run[]> {
    const runs = await this.client.searchAllRuns(toClientSearch(input), limit)
    return runs.map((r) => toRun(this.remember(r)))
  }

  async deleteRun(runId: string): Promise<void> {
    await this.client.deleteRun(runId)
  }

  async restoreRun(runId: string): Promise<void> {
    await this.client.restoreRun(runId)
  }

  async getMetricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    const history = await this.client.getMetricHistory(runId, key)
    return history
      .map((m) => ({ key: m.key, value: m.value, timestamp: m.timestamp, step: m.step }))
      .sort((a, b) => a.step - b.step || a.timestamp - b.timestamp)
  }

  async getMetricHistories(
    runIds: readonly string[],
    key: string,
    options: { maxPoints?: number } = {},
  ): Promise<Record<string, MetricPoint[]>> {
    const max = Math.min(options.maxPoints ?? MAX_HISTORY_POINTS, MAX_HISTORY_POINTS)
    const unique = [...new Set(runIds)]
    const out: Record<string, MetricPoint[]> = Object.fromEntries(unique.map((id) => [id, []]))
    for (let i = 0; i < unique.length; i += BULK_HISTORY_RUNS) {
      const points = await this.client.getMetricHistoryBulkInterval({
        runIds: unique.slice(i, i + BULK_HISTORY_RUNS),
        metricKey: key,
        maxResults: max,
      })
      for (const m of points) {
        out[m.run_id]?.push({ key: m.key, value: m.value, timestamp: m.timestamp, step: m.step })
      }
    }
    for (const id of unique) out[id].sort((a, b) => a.step - b.step || a.timestamp - b.timestamp)
    return out
  }

  private remember(run: MlflowRun): MlflowRun {
    if (run.info.artifact_uri) this.artifactUris.set(run.info.run_id, run.info.artifact_uri)
    return run
  }

  private async artifactUri(runId: string): Promise<string> {
    const known = this.artifactUris.get(runId)
    if (known) return known
    const run = await this.client.getRun(runId)
    this.remember(run)
    return run.info.artifact_uri ?? ''
  }

  // ---------------------------------------------------------------- registry

  async ensureRegisteredModel(
    name: string,
    options: { description?: string; tags?: Record<string, string> } = {},
  ): Promise<RegisteredModel> {
    const model = await this.client.ensureRegisteredModel(name, {
      description: options.description,
      tags: keyValues(options.tags ?? {}),
    })
    return toRegisteredModel(model)
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel | null> {
    const model = await this.client.getRegisteredModel(name)
    return model ? toRegisteredModel(model) : null
  }

  async searchRegisteredModels(
    input: { nameLike?: string; maxResults?: number; pageToken?: string } = {},
  ): Promise<Page<RegisteredModel>> {
    const page = await this.client.searchRegisteredModels({
      filter: input.nameLike ? `name LIKE '${escapeFilterString(input.nameLike)}'` : undefined,
      maxResults: input.maxResults,
      pageToken: input.pageToken,
      orderBy: ['name ASC'],
    })
    return { items: page.items.map(toRegisteredModel), nextPageToken: page.nextPageToken }
  }

  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    await this.client.setRegisteredModelTag(name, key, value)
  }

  async createModelVersion(
    input: CreateModelVersionInput,
    options: { lookup?: boolean } = {},
  ): Promise<ModelVersion> {
    if (input.clientKey && options.lookup !== false) {
      const existing = await this.client.findModelVersionByClientKey(input.name, input.clientKey)
      if (existing) return toModelVersion(existing)
    }
    let source = input.source
    if (!source) {
      if (!input.runId) throw new Error('A model version needs a source or a run id')
      source = `${await this.artifactUri(input.runId)}/${(input.artifactPath ?? 'model').replace(/^\/+/, '')}`
    }
    const version = await this.client.createModelVersion({
      name: input.name,
      source,
      runId: input.runId,
      tags: keyValues(input.tags ?? {}),
      description: input.description,
      clientKey: input.clientKey,
    })
    return toModelVersion(version)
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    return toModelVersion(await this.client.getModelVersion(name, version))
  }

  async searchModelVersions(input: SearchModelVersionsInput): Promise<Page<ModelVersion>> {
    const clauses: string[] = []
    if (input.name) clauses.push(`name = '${escapeFilterString(input.name)}'`)
    if (input.runId) clauses.push(`run_id = '${escapeFilterString(input.runId)}'`)
    const page = await this.client.searchModelVersions({
      filter: clauses.join(' and ') || undefined,
      maxResults: input.maxResults,
      pageToken: input.pageToken,
      orderBy: ['name ASC', 'version_number DESC'],
    })
    return { items: page.items.map(toModelVersion), nextPageToken: page.nextPageToken }
  }

  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.client.setModelVersionTag(name, version, key, value)
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    validateAlias(alias)
    await this.client.setAlias(name, alias, version)
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    try {
      await this.client.deleteAlias(name, alias)
    } catch (error) {
      if (isTrackingError(error, 'MLFLOW_INVALID') && /alias .* not found/i.test(error.message)) return
      throw error
    }
  }

  async getVersionByAlias(name: string, alias: string): Promise<ModelVersion | null> {
    const v = await this.client.getModelVersionByAlias(name, alias)
    return v ? toModelVersion(v) : null
  }

  async transitionStage(
    name: string,
    version: string,
    stage: Stage,
    archiveExisting = false,
  ): Promise<ModelVersion> {
    this.logger.warn('mlflow: stage transitions are deprecated since MLflow 2.9; prefer aliases', {
      name,
      version,
      stage,
    })
    return toModelVersion(
      await this.client.transitionModelVersionStage(name, version, stage, archiveExisting),
    )
  }

  // ---------------------------------------------------------------- operations

  /** Pings /health; `online` says whether the server answered. */
  async status(): Promise<TrackingStatus> {
    let lastError: string | undefined
    try {
      const res = await this.client.http.raw('GET', '/health')
      // MLflow's health check answers "OK"; anything else (a captive portal's page) is not MLflow
      const body = (await res.text()).trim()
      if (body !== 'OK') {
        throw new TrackingError(
          'MLFLOW_BAD_RESPONSE',
          `${this.client.origin} answered /health with something that is not MLflow's "OK" (${body.slice(0, 80)}): is the tracking URI pointing at an MLflow server?`,
          { host: this.client.origin, endpoint: '/health', notJson: true },
        )
      }
      this.lastOnline = true
    } catch (error) {
      this.lastOnline = false
      lastError = error instanceof Error ? this.client.http.redact(error.message) : String(error)
    }
    return {
      kind: 'mlflow',
      target: this.client.origin,
      online: this.lastOnline,
      pending: 0,
      failed: 0,
      lastError,
    }
  }

  async push(): Promise<PushResult> {
    return { replayed: 0, pending: 0, failed: 0, errors: [] }
  }

  close(): void {
    this.onClose?.()
  }
}

// ------------------------------------------------------------------ mapping

function keyValues(record: Record<string, string>): { key: string; value: string }[] {
  return Object.entries(record).map(([key, value]) => ({ key, value: String(value) }))
}

export function toExperiment(e: MlflowExperiment): Experiment {
  return {
    id: e.experiment_id,
    name: e.name,
    lifecycleStage: (e.lifecycle_stage ?? 'active') as LifecycleStage,
    artifactLocation: e.artifact_location,
    creationTime: e.creation_time,
    tags: toRecord(e.tags),
  }
}

export function toRun(run: MlflowRun): Run {
  const metrics: Record<string, number> = {}
  for (const m of run.data.metrics ?? []) metrics[m.key] = m.value
  const tags = toRecord(run.data.tags)
  return {
    info: {
      runId: run.info.run_id,
      experimentId: run.info.experiment_id,
      runName: run.info.run_name ?? tags[TAGS.runName] ?? '',
      status: run.info.status,
      startTime: run.info.start_time ?? 0,
      endTime: run.info.end_time,
      lifecycleStage: (run.info.lifecycle_stage ?? 'active') as LifecycleStage,
      artifactUri: run.info.artifact_uri,
    },
    params: toRecord(run.data.params),
    metrics,
    tags,
  }
}

export function toModelVersion(v: MlflowModelVersion): ModelVersion {
  return {
    name: v.name,
    version: v.version,
    source: v.source ?? '',
    runId: v.run_id || undefined,
    description: v.description || undefined,
    tags: toRecord(v.tags),
    aliases: [...(v.aliases ?? [])].sort(),
    stage: (v.current_stage ?? 'None') as Stage,
    creationTime: v.creation_timestamp,
  }
}

export function toRegisteredModel(m: MlflowRegisteredModel): RegisteredModel {
  return {
    name: m.name,
    description: m.description || undefined,
    tags: toRecord(m.tags),
    aliases: Object.fromEntries((m.aliases ?? []).map((a) => [a.alias, a.version])),
    creationTime: m.creation_timestamp,
    lastUpdatedTime: m.last_updated_timestamp,
  }
}

/** The domain's run search as the MLflow client's options (its view type is MLflow's `run_view_type`). */
function toClientSearch(input: Omit<SearchRunsInput, 'pageToken'>) {
  return {
    experimentIds: input.experimentIds,
    filter: input.filter,
    orderBy: input.orderBy,
    maxResults: input.maxResults,
    runViewType: input.viewType,
  }
}
