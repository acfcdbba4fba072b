/**
 * A typed client for MLflow's REST API: experiments, runs, log-batch (chunked to the server's limits),
 * metric history (paged and bulk-interval), tags, proxied artifacts, registered models, model versions,
 * aliases — and stage transitions, only for callers that explicitly ask for a stage (stages are
 * deprecated since MLflow 2.9; use aliases).
 */
import { TrackingError, isTrackingError } from './errors'
import { MlflowHttp } from './mlflowHttp'
import { collectPages, collectPagesSpeculatively } from './pagedSearch'
import type { FetchPage, Page, SpeculativeStats } from './pagedSearch'
import type { MlflowConnection, MlflowHttpOptions } from './mlflowHttp'
import * as s from './mlflowSchemas'
import type {
  KeyValue,
  MlflowExperiment,
  MlflowMetric,
  MlflowModelVersion,
  MlflowRegisteredModel,
  MlflowRun,
  MlflowRunInfo,
  RunStatus,
} from './mlflowSchemas'

/** MLflow's per-request limits for runs/log-batch. */
export const LOG_BATCH_LIMITS = {
  metrics: 1000,
  params: 100,
  tags: 100,
  entities: 1000,
  /** The server refuses bodies over 1e6 bytes; keep a margin for the envelope. */
  bodyBytes: 950_000,
} as const

/**
 * Run searches read this many pages at once (a default `mlflow server` has 4 workers; 2 leaves room for
 * other clients and is what a 2-core server can use), of at most this many runs each.
 */
export const SEARCH_PARALLEL_PAGES = 2
export const SEARCH_PARALLEL_PAGE_SIZE = 500

/**
 * The page token MLflow's SQL and file stores return for the page starting at `offset`
 * (`SearchUtils.create_page_token`: base64 of Python's `json.dumps({"offset": n})`). Only ever used as a
 * prediction that the server must confirm.
 */
export function mlflowOffsetPageToken(offset: number): string {
  return Buffer.from(`{"offset": ${offset}}`, 'utf8').toString('base64')
}

/** Tag carrying the client-generated key that makes run / version creation idempotent. */
export const CLIENT_KEY_TAG = 'scoreline.client_key'

export type { Page } from './pagedSearch'

export interface MetricInput {
  key: string
  value: number
  timestamp: number
  step?: number
}

export interface LogBatchInput {
  metrics?: MetricInput[]
  params?: KeyValue[]
  tags?: KeyValue[]
}

export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL'

export class MlflowClient {
  readonly http: MlflowHttp

  constructor(connection: MlflowConnection, options: MlflowHttpOptions = {}) {
    this.http = new MlflowHttp(connection, options)
  }

  get origin(): string {
    return this.http.origin
  }

  // ---------------------------------------------------------------- experiments

  async createExperiment(name: string, tags: KeyValue[] = []): Promise<string> {
    const res = await this.http.json('POST', 'experiments/create', s.createExperimentResponse, {
      body: { name, tags },
    })
    return res.experiment_id
  }

  async getExperiment(experimentId: string): Promise<MlflowExperiment> {
    const res = await this.http.json('GET', 'experiments/get', s.getExperimentResponse, {
      query: { experiment_id: experimentId },
    })
    return res.experiment
  }

  /** The experiment with this name, or null. */
  async getExperimentByName(name: string): Promise<MlflowExperiment | null> {
    try {
      const res = await this.http.json('GET', 'experiments/get-by-name', s.getExperimentResponse, {
        query: { experiment_name: name },
      })
      return res.experiment
    } catch (error) {
      if (isTrackingError(error, 'MLFLOW_NOT_FOUND')) return null
      throw error
    }
  }

  /** Get or create by name; a concurrent creator (RESOURCE_ALREADY_EXISTS) is resolved by a re-read. */
  async ensureExperiment(name: string, tags: KeyValue[] = []): Promise<MlflowExperiment> {
    const existing = await this.getExperimentByName(name)
    if (existing) {
      if (existing.lifecycle_stage === 'deleted') {
        await this.http.json('POST', 'experiments/restore', s.empty, {
          body: { experiment_id: existing.experiment_id },
        })
      }
      return existing
    }
    try {
      const id = await this.createExperiment(name, tags)
      return await this.getExperiment(id)
    } catch (error) {
      if (!isTrackingError(error, 'MLFLOW_ALREADY_EXISTS')) throw error
      const raced = await this.getExperimentByName(name)
      if (!raced) throw error
      return raced
    }
  }

  async searchExperiments(
    options: {
      filter?: string
      maxResults?: number
      orderBy?: string[]
      pageToken?: string
      viewType?: ViewType
    } = {},
  ): Promise<Page<MlflowExperiment>> {
    const res = await this.http.json('POST', 'experiments/search', s.searchExperimentsResponse, {
      body: {
        filter: options.filter,
        max_results: options.maxResults ?? 1000,
        order_by: options.orderBy,
        page_token: options.pageToken,
        view_type: options.viewType ?? 'ACTIVE_ONLY',
      },
    })
    return { items: res.experiments, nextPageToken: res.next_page_token || undefined }
  }

  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    await this.http.json('POST', 'experiments/set-experiment-tag', s.empty, {
      body: { experiment_id: experimentId, key, value },
    })
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    await this.http.json('POST', 'experiments/delete', s.empty, { body: { experiment_id: experimentId } })
  }

  // ---------------------------------------------------------------- runs

  /**
   * Create a run. With `clientKey`, the key is stored as the `scoreline.client_key` tag and a retry after an
   * ambiguous failure first looks the key up, so a retried (or replayed) create never makes a duplicate.
   */
  async createRun(input: {
    experimentId: string
    runName?: string
    startTime?: number
    tags?: KeyValue[]
    userId?: string
    clientKey?: string
  }): Promise<MlflowRun> {
    const tags = [...(input.tags ?? [])]
    if (input.clientKey && !tags.some((t) => t.key === CLIENT_KEY_TAG)) {
      tags.push({ key: CLIENT_KEY_TAG, value: input.clientKey })
    }
    const clientKey = input.clientKey
    const res = await this.http.json('POST', 'runs/create', s.runResponse, {
      body: {
        experiment_id: input.experimentId,
        run_name: input.runName,
        start_time: input.startTime ?? Date.now(),
        user_id: input.userId,
        tags,
      },
      recover: clientKey
        ? async () => {
            const found = await this.findRunByClientKey(input.experimentId, clientKey)
            return found ? { run: found } : undefined
          }
        : undefined,
    })
    return res.run
  }

  /** The active or deleted run carrying this client key, if any. */
  async findRunByClientKey(experimentId: string, clientKey: string): Promise<MlflowRun | null> {
    const page = await this.searchRuns({
      experimentIds: [experimentId],
      filter: `tags.\`${CLIENT_KEY_TAG}\` = '${escapeFilterString(clientKey)}'`,
      maxResults: 2,
      runViewType: 'ALL',
    })
    return page.items[0] ?? null
  }

  async updateRun(input: {
    runId: string
    status?: RunStatus
    endTime?: number
    runName?: string
  }): Promise<MlflowRunInfo> {
    const res = await this.http.json('POST', 'runs/update', s.updateRunResponse, {
      body: { run_id: input.runId, status: input.status, end_time: input.endTime, run_name: input.runName },
    })
    return res.run_info
  }

  async getRun(runId: string): Promise<MlflowRun> {
    const res = await this.http.json('GET', 'runs/get', s.runResponse, { query: { run_id: runId } })
    return res.run
  }

  async searchRuns(options: {
    experimentIds: string[]
    filter?: string
    orderBy?: string[]
    maxResults?: number
    pageToken?: string
    runViewType?: ViewType
  }): Promise<Page<MlflowRun>> {
    const res = await this.http.json('POST', 'runs/search', s.searchRunsResponse, {
      body: {
        experiment_ids: options.experimentIds,
        filter: options.filter ?? '',
        order_by: options.orderBy,
        max_results: options.maxResults ?? 1000,
        page_token: options.pageToken,
        run_view_type: options.runViewType ?? 'ACTIVE_ONLY',
      },
    })
    return { items: res.runs, nextPageToken: res.next_page_token || undefined }
  }

  /**
   * Every page of a run search (stops at `limit`). With a finite `limit` above one page, pages are read
   * {@link SEARCH_PARALLEL_PAGES} at a time by predicting MLflow's offset page tokens; a prediction the
   * server does not confirm falls back to plain sequential paging (see pagedSearch.ts), so the result is
   * always the sequential one.
   */
  async searchAllRuns(
    options: Omit<Parameters<MlflowClient['searchRuns']>[0], 'pageToken'>,
    limit = Number.POSITIVE_INFINITY,
    paging: { pageSize?: number; parallel?: number; stats?: SpeculativeStats } = {},
  ): Promise<MlflowRun[]> {
    const fetchPage: FetchPage<MlflowRun> = (pageToken, maxResults) =>
      this.searchRuns({ ...options, pageToken, maxResults })
    const requested = options.maxResults ?? 1000
    if (!Number.isFinite(limit)) return collectPages(fetchPage, requested, limit)
    return collectPagesSpeculatively(
      fetchPage,
      {
        pageSize: Math.min(requested, paging.pageSize ?? SEARCH_PARALLEL_PAGE_SIZE),
        limit,
        parallel: paging.parallel ?? SEARCH_PARALLEL_PAGES,
        tokenAt: mlflowOffsetPageToken,
      },
      paging.stats,
    )
  }

  async deleteRun(runId: string): Promise<void> {
    await this.http.json('POST', 'runs/delete', s.empty, { body: { run_id: runId } })
  }

  async restoreRun(runId: string): Promise<void> {
    await this.http.json('POST', 'runs/restore', s.empty, { body: { run_id: runId } })
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.http.json('POST', 'runs/set-tag', s.empty, { body: { run_id: runId, key, value } })
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.http.json('POST', 'runs/delete-tag', s.empty, { body: { run_id: runId, key } })
  }

  /**
   * Log params, tags and metrics, split into as many requests as MLflow's limits require (1000 metrics,
   * 100 params, 100 tags, 1000 entities, ~1 MB per request). Returns the number of requests sent.
   * Re-sending the same batch is harmless: params with equal values, tags, and identical metric points
   * (same key, value, timestamp, step) are deduplicated by the server.
   */
  async logBatch(runId: string, batch: LogBatchInput): Promise<number> {
    const chunks = chunkLogBatch(runId, batch)
    for (const chunk of chunks) {
      await this.http.json('POST', 'runs/log-batch', s.empty, { body: chunk })
    }
    return chunks.length
  }

  /** Full history of one metric, following page tokens. */
  async getMetricHistory(runId: string, metricKey: string): Promise<MlflowMetric[]> {
    const out: MlflowMetric[] = []
    let pageToken: string | undefined
    do {
      const res = await this.http.json('GET', 'metrics/get-history', s.metricHistoryResponse, {
        query: { run_id: runId, metric_key: metricKey, page_token: pageToken, max_results: 25000 },
      })
      out.push(...res.metrics)
      pageToken = res.next_page_token || undefined
    } while (pageToken)
    return out
  }

  /**
   * A sampled history of one metric for up to 100 runs at once (MLflow's chart endpoint): at most
   * `maxResults` points per run, always keeping the first and last step.
   */
  async getMetricHistoryBulkInterval(options: {
    runIds: string[]
    metricKey: string
    maxResults?: number
    startStep?: number
    endStep?: number
  }): Promise<(MlflowMetric & { run_id: string })[]> {
    const res = await this.http.json('GET', 'metrics/get-history-bulk-interval', s.metricBulkResponse, {
      query: {
        run_ids: options.runIds,
        metric_key: options.metricKey,
        max_results: options.maxResults,
        start_step: options.startStep,
        end_step: options.endStep,
      },
    })
    return res.metrics
  }

  // ---------------------------------------------------------------- artifacts (proxied)

  async uploadArtifact(
    artifactUri: string,
    relativePath: string,
    content: Uint8Array | string,
  ): Promise<void> {
    const body = typeof content === 'string' ? new TextEncoder().encode(content) : content
    await this.http.raw('PUT', this.artifactPath(artifactUri, relativePath), {
      body,
      contentType: guessContentType(relativePath),
    })
  }

  async downloadArtifact(artifactUri: string, relativePath: string): Promise<Uint8Array> {
    const res = await this.http.raw('GET', this.artifactPath(artifactUri, relativePath))
    return new Uint8Array(await res.arrayBuffer())
  }

  /** Entries directly under `relativeDir` ('' for the run's root), with paths relative to the run root. */
  async listArtifacts(
    artifactUri: string,
    relativeDir = '',
  ): Promise<{ path: string; isDir: boolean; fileSize?: number }[]> {
    const root = artifactRoot(artifactUri)
    const dir = joinPath(root, relativeDir)
    const res = await this.http.raw('GET', '/api/2.0/mlflow-artifacts/artifacts', { query: { path: dir } })
    const parsed = s.listArtifactsResponse.parse(await res.json())
    return parsed.files.map((f) => ({
      path: joinPath(relativeDir, f.path.split('/').pop() ?? f.path),
      isDir: f.is_dir,
      fileSize: f.file_size,
    }))
  }

  private artifactPath(artifactUri: string, relativePath: string): string {
    const full = joinPath(artifactRoot(artifactUri), relativePath)
    return `/api/2.0/mlflow-artifacts/artifacts/${full.split('/').map(encodeURIComponent).join('/')}`
  }

  // ---------------------------------------------------------------- registered models

  async createRegisteredModel(
    name: string,
    options: { description?: string; tags?: KeyValue[] } = {},
  ): Promise<MlflowRegisteredModel> {
    const res = await this.http.json('POST', 'registered-models/create', s.registeredModelResponse, {
      body: { name, description: options.description, tags: options.tags ?? [] },
    })
    return res.registered_model
  }

  async getRegisteredModel(name: string): Promise<MlflowRegisteredModel | null> {
    try {
      const res = await this.http.json('GET', 'registered-models/get', s.registeredModelResponse, {
        query: { name },
      })
      return res.registered_model
    } catch (error) {
      if (isTrackingError(error, 'MLFLOW_NOT_FOUND')) return null
      throw error
    }
  }

  async ensureRegisteredModel(
    name: string,
    options: { description?: string; tags?: KeyValue[] } = {},
  ): Promise<MlflowRegisteredModel> {
    const existing = await this.getRegisteredModel(name)
    if (existing) return existing
    try {
      return await this.createRegisteredModel(name, options)
    } catch (error) {
      if (!isTrackingError(error, 'MLFLOW_ALREADY_EXISTS')) throw error
      const raced = await this.getRegisteredModel(name)
      if (!raced) throw error
      return raced
    }
  }

  async searchRegisteredModels(
    options: { filter?: string; maxResults?: number; orderBy?: string[]; pageToken?: string } = {},
  ): Promise<Page<MlflowRegisteredModel>> {
    const res = await this.http.json('GET', 'registered-models/search', s.searchRegisteredModelsResponse, {
      query: {
        filter: options.filter,
        max_results: options.maxResults ?? 100,
        order_by: options.orderBy,
        page_token: options.pageToken,
      },
    })
    return { items: res.registered_models, nextPageToken: res.next_page_token || undefined }
  }

  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    await this.http.json('POST', 'registered-models/set-tag', s.empty, { body: { name, key, value } })
  }

  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    await this.http.json('DELETE', 'registered-models/delete-tag', s.empty, { body: { name, key } })
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    await this.http.json('DELETE', 'registered-models/delete', s.empty, { body: { name } })
  }

  // ---------------------------------------------------------------- model versions

  /** Create a version; with `clientKey`, retries and replays find the version already created. */
  async createModelVersion(input: {
    name: string
    source: string
    runId?: string
    tags?: KeyValue[]
    description?: string
    runLink?: string
    clientKey?: string
  }): Promise<MlflowModelVersion> {
    const tags = [...(input.tags ?? [])]
    if (input.clientKey && !tags.some((t) => t.key === CLIENT_KEY_TAG)) {
      tags.push({ key: CLIENT_KEY_TAG, value: input.clientKey })
    }
    const clientKey = input.clientKey
    const res = await this.http.json('POST', 'model-versions/create', s.modelVersionResponse, {
      body: {
        name: input.name,
        source: input.source,
        run_id: input.runId,
        tags,
        description: input.description,
        run_link: input.runLink,
      },
      recover: clientKey
        ? async () => {
            const found = await this.findModelVersionByClientKey(input.name, clientKey)
            return found ? { model_version: found } : undefined
          }
        : undefined,
    })
    return res.model_version
  }

  async findModelVersionByClientKey(name: string, clientKey: string): Promise<MlflowModelVersion | null> {
    const page = await this.searchModelVersions({
      filter: `name = '${escapeFilterString(name)}' and tags.\`${CLIENT_KEY_TAG}\` = '${escapeFilterString(clientKey)}'`,
      maxResults: 2,
    })
    return page.items[0] ?? null
  }

  async getModelVersion(name: string, version: string): Promise<MlflowModelVersion> {
    const res = await this.http.json('GET', 'model-versions/get', s.modelVersionResponse, {
      query: { name, version },
    })
    return res.model_version
  }

  async searchModelVersions(
    options: { filter?: string; maxResults?: number; orderBy?: string[]; pageToken?: string } = {},
  ): Promise<Page<MlflowModelVersion>> {
    const res = await this.http.json('GET', 'model-versions/search', s.searchModelVersionsResponse, {
      query: {
        filter: options.filter,
        max_results: options.maxResults ?? 200,
        order_by: options.orderBy,
        page_token: options.pageToken,
      },
    })
    return { items: res.model_versions, nextPageToken: res.next_page_token || undefined }
  }

  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.http.json('POST', 'model-versions/set-tag', s.empty, { body: { name, version, key, value } })
  }

  async deleteModelVersionTag(name: string, version: string, key: string): Promise<void> {
    await this.http.json('DELETE', 'model-versions/delete-tag', s.empty, { body: { name, version, key } })
  }

  /**
   * Deprecated in MLflow since 2.9 — aliases replace stages. Offered only for a user who explicitly asks for
   * a stage (`Staging`, `Production`, `Archived`, `None`).
   */
  async transitionModelVersionStage(
    name: string,
    version: string,
    stage: 'None' | 'Staging' | 'Production' | 'Archived',
    archiveExistingVersions = false,
  ): Promise<MlflowModelVersion> {
    const res = await this.http.json('POST', 'model-versions/transition-stage', s.modelVersionResponse, {
      body: { name, version, stage, archive_existing_versions: archiveExistingVersions },
    })
    return res.model_version
  }

  // ---------------------------------------------------------------- aliases

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.http.json('POST', 'registered-models/alias', s.empty, { body: { name, alias, version } })
  }

  /** The version an alias points to, or null when the alias (or the model) does not exist. */
  async getModelVersionByAlias(name: string, alias: string): Promise<MlflowModelVersion | null> {
    try {
      const res = await this.http.json('GET', 'registered-models/alias', s.modelVersionResponse, {
        query: { name, alias },
      })
      return res.model_version
    } catch (error) {
      // MLflow reports an unknown alias as INVALID_PARAMETER_VALUE ("alias … not found"), HTTP 400.
      if (isTrackingError(error, 'MLFLOW_NOT_FOUND')) return null
      if (isTrackingError(error, 'MLFLOW_INVALID') && /alias .* not found/i.test(error.message)) return null
      throw error
    }
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.http.json('DELETE', 'registered-models/alias', s.empty, { body: { name, alias } })
  }
}

// ------------------------------------------------------------------ helpers

/** Quote a value for an MLflow filter string literal. */
export function escapeFilterString(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")
}

/** Split a batch so each request respects MLflow's log-batch limits. */
export function chunkLogBatch(
  runId: string,
  batch: LogBatchInput,
): { run_id: string; metrics: MetricInput[]; params: KeyValue[]; tags: KeyValue[] }[] {
  type Item = { kind: 'params' | 'tags' | 'metrics'; value: KeyValue | MetricInput; size: number }
  const items: Item[] = []
  for (const p of batch.params ?? []) items.push({ kind: 'params', value: p, size: 0 })
  for (const t of batch.tags ?? []) items.push({ kind: 'tags', value: t, size: 0 })
  for (const m of batch.metrics ?? []) {
    // JSON has no NaN/Infinity: MLflow accepts them as the strings "NaN", "Infinity", "-Infinity".
    const wireValue = Number.isFinite(m.value) ? m.value : (String(m.value) as unknown as number)
    const value: MetricInput = { key: m.key, value: wireValue, timestamp: m.timestamp, step: m.step ?? 0 }
    items.push({ kind: 'metrics', value, size: 0 })
  }
  const chunks: ReturnType<typeof chunkLogBatch> = []
  let current = {
    run_id: runId,
    metrics: [] as MetricInput[],
    params: [] as KeyValue[],
    tags: [] as KeyValue[],
  }
  let bytes = 128 + runId.length
  let entities = 0
  for (const item of items) {
    item.size = jsonSize(item.value) + 1
    const full =
      current[item.kind].length >= LOG_BATCH_LIMITS[item.kind] ||
      entities >= LOG_BATCH_LIMITS.entities ||
      bytes + item.size > LOG_BATCH_LIMITS.bodyBytes
    if (full && entities > 0) {
      chunks.push(current)
      current = { run_id: runId, metrics: [], params: [], tags: [] }
      bytes = 128 + runId.length
      entities = 0
    }
    ;(current[item.kind] as unknown[]).push(item.value)
    bytes += item.size
    entities++
  }
  if (entities > 0) chunks.push(current)
  return chunks
}

function jsonSize(value: KeyValue | MetricInput): number {
  return Buffer.byteLength(JSON.stringify(value))
}

/** `mlflow-artifacts:/1/<run>/artifacts` (optionally with a host) → `1/<run>/artifacts`. */
export function artifactRoot(artifactUri: string): string {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/?(.*)$/.exec(artifactUri)
  if (!match) {
    throw new TrackingError(
      'TRACKING_INVALID',
      `This run's artifacts live at ${artifactUri.replace(/\/\/[^@/]*@/, '//')}, which Scoreline cannot reach ` +
        'through the tracking server. Start the server with artifact serving (the default in MLflow 3, ' +
        'e.g. --artifacts-destination) so artifacts go through /api/2.0/mlflow-artifacts',
    )
  }
  return match[1].replace(/\/+$/, '')
}

function joinPath(a: string, b: string): string {
  const parts = [...a.split('/'), ...b.split('/')].filter((p) => p !== '' && p !== '.')
  // a backslash is a separator on a Windows server, and NUL ends a path in C: both could escape the run
  if (parts.some((p) => p.split('\\').includes('..')) || /\0/.test(b)) {
    throw new TrackingError(
      'TRACKING_INVALID',
      `Artifact paths may not contain '..' segments or NUL characters (got ${JSON.stringify(b)})`,
    )
  }
  return parts.join('/')
}

function guessContentType(path: string): string {
  if (path.endsWith('.json')) return 'application/json'
  if (path.endsWith('.csv')) return 'text/csv'
  if (path.endsWith('.svg')) return 'image/svg+xml'
  if (path.endsWith('.txt') || path.endsWith('.md')) return 'text/plain'
  return 'application/octet-stream'
}
