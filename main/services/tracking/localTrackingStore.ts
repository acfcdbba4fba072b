/**
 * LocalTrackingStore: MLflow's data model (experiments, runs, params, metric histories, tags, artifacts,
 * registered models, versions, aliases) in the tracking SQLite database, with artifacts as files under the
 * data folder. The embedded default when no MLflow server is configured; passes the same behavioural
 * suite as the MLflow store.
 */
import { randomUUID } from 'node:crypto'
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type Database from 'better-sqlite3'
import { TrackingError } from './errors'
import { refreshRunSummary } from './localSchema'
import { silentLogger, systemClock } from './logger'
import type { Clock, TrackingLogger } from './logger'
import { PromotionLog } from './promotionLog'
import { collectPages } from './pagedSearch'
import { comparisonSql, likeMatches, orderBySql, parseFilter } from './searchFilter'
import { EXPERIMENT_KIND, MAX_HISTORY_POINTS, TAGS, normaliseLog, samplePoints } from './trackingStore'
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
  RunStatus,
  SearchModelVersionsInput,
  SearchRunsInput,
  Stage,
  StartRunInput,
  TrackingStatus,
  TrackingStore,
} from './trackingStore'

export interface LocalTrackingStoreOptions {
  /** A migrated tracking database (see openTrackingDatabase). */
  db: Database.Database
  /** Folder for artifact files; `<db folder>/tracking-artifacts` by default. */
  artifactsDir?: string
  clock?: Clock
  logger?: TrackingLogger
  /** Close the database in close(). */
  ownsDb?: boolean
}

interface RunRow {
  run_id: string
  experiment_id: number
  run_name: string
  status: RunStatus
  start_time: number
  end_time: number | null
  lifecycle_stage: LifecycleStage
  artifact_uri: string
  summary_json: string | null
}

const MAX_RESULTS = 50_000

export class LocalTrackingStore implements TrackingStore {
  readonly kind = 'local' as const
  readonly promotions: PromotionLog
  readonly db: Database.Database
  readonly artifactsDir: string
  private readonly clock: Clock
  private readonly logger: TrackingLogger
  private readonly ownsDb: boolean

  constructor(options: LocalTrackingStoreOptions) {
    this.db = options.db
    const dbFile = this.db.name && this.db.name !== ':memory:' ? this.db.name : undefined
    this.artifactsDir = path.resolve(
      options.artifactsDir ??
        (dbFile
          ? path.join(path.dirname(dbFile), 'tracking-artifacts')
          : path.join(process.cwd(), '.scoreline', 'tracking-artifacts')),
    )
    this.clock = options.clock ?? systemClock
    this.logger = options.logger ?? silentLogger
    this.ownsDb = options.ownsDb ?? false
    this.promotions = new PromotionLog(this.db, 'local')
    this.db.function('tr_like', { deterministic: true }, likeMatches)
  }

  // ---------------------------------------------------------------- experiments

  async ensureExperiment(name: string, tags: Record<string, string> = {}): Promise<Experiment> {
    if (!name.trim()) throw new TrackingError('TRACKING_INVALID', 'An experiment needs a name')
    const now = this.clock()
    const id = this.db.transaction(() => {
      const row = this.db
        .prepare('SELECT experiment_id, lifecycle_stage FROM tr_experiments WHERE name = ?')
        .get(name) as { experiment_id: number; lifecycle_stage: string } | undefined
      if (row) {
        if (row.lifecycle_stage !== 'active') {
          this.db
            .prepare(
              `UPDATE tr_experiments SET lifecycle_stage = 'active', last_update_time = ? WHERE experiment_id = ?`,
            )
            .run(now, row.experiment_id)
        }
        // an experiment made before the kind tag gets it once, like the MLflow store's (#21)
        this.db
          .prepare('INSERT OR IGNORE INTO tr_experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)')
          .run(row.experiment_id, TAGS.experimentKind, EXPERIMENT_KIND)
        return row.experiment_id
      }
      const info = this.db
        .prepare(
          'INSERT INTO tr_experiments (name, artifact_location, creation_time, last_update_time) VALUES (?, ?, ?, ?)',
        )
        .run(name, '', now, now)
      const newId = Number(info.lastInsertRowid)
      const location = pathToFileURL(path.join(this.artifactsDir, String(newId))).href
      this.db
        .prepare('UPDATE tr_experiments SET artifact_location = ? WHERE experiment_id = ?')
        .run(location, newId)
      const insertTag = this.db.prepare(
        'INSERT INTO tr_experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)',
      )
      for (const [k, v] of Object.entries({ [TAGS.experimentKind]: EXPERIMENT_KIND, ...tags })) {
        insertTag.run(newId, k, v)
      }
      return newId
    })()
    return this.readExperiment(id)!
  }

  async getExperimentByName(name: string): Promise<Experiment | null> {
    const row = this.db.prepare('SELECT experiment_id FROM tr_experiments WHERE name = ?').get(name) as
      { experiment_id: number } | undefined
    return row ? this.readExperiment(row.experiment_id) : null
  }

  async searchExperiments(
    input: { nameLike?: string; maxResults?: number; pageToken?: string } = {},
  ): Promise<Page<Experiment>> {
    const { offset, limit } = pageWindow(input.maxResults ?? 1000, input.pageToken)
    const rows = this.db
      .prepare(
        `SELECT experiment_id FROM tr_experiments WHERE lifecycle_stage = 'active' AND (? IS NULL OR tr_like(name, ?, 0))
         ORDER BY experiment_id LIMIT ? OFFSET ?`,
      )
      .all(input.nameLike ?? null, input.nameLike ?? null, limit + 1, offset) as { experiment_id: number }[]
    return paged(
      rows.map((r) => this.readExperiment(r.experiment_id)!),
      offset,
      limit,
    )
  }

  private readExperiment(id: number): Experiment | null {
    const row = this.db.prepare('SELECT * FROM tr_experiments WHERE experiment_id = ?').get(id) as
      | {
          experiment_id: number
          name: string
          artifact_location: string
          lifecycle_stage: LifecycleStage
          creation_time: number
        }
      | undefined
    if (!row) return null
    const tags = this.db
      .prepare('SELECT key, value FROM tr_experiment_tags WHERE experiment_id = ?')
      .all(id) as {
      key: string
      value: string
    }[]
    return {
      id: String(row.experiment_id),
      name: row.name,
      lifecycleStage: row.lifecycle_stage,
      artifactLocation: row.artifact_location,
      creationTime: row.creation_time,
      tags: Object.fromEntries(tags.map((t) => [t.key, t.value])),
    }
  }

  // ---------------------------------------------------------------- runs

  async startRun(input: StartRunInput): Promise<RunInfo> {
    const experiment = this.readExperiment(Number(input.experimentId))
    if (!experiment || !/^\d+$/.test(input.experimentId)) {
      throw new TrackingError(
        'TRACKING_NOT_FOUND',
        `No experiment with id ${input.experimentId} in the local tracking store`,
      )
    }
    if (experiment.lifecycleStage !== 'active') {
      throw new TrackingError(
        'TRACKING_INVALID',
        `Experiment ${experiment.name} is deleted; restore it before logging runs`,
      )
    }
    if (input.clientKey) {
      const existing = this.db
        .prepare(
          `SELECT r.run_id FROM tr_runs r JOIN tr_tags t ON t.run_id = r.run_id AND t.key = ? AND t.value = ? WHERE r.experiment_id = ?`,
        )
        .get(TAGS.clientKey, input.clientKey, Number(input.experimentId)) as { run_id: string } | undefined
      if (existing) return this.runRow(existing.run_id).info
    }
    if (input.parentRunId) this.requireRun(input.parentRunId)
    const runId = randomUUID().replace(/-/g, '')
    const runName = input.runName ?? `run-${runId.slice(0, 8)}`
    const startTime = input.startTime ?? this.clock()
    const artifactUri = pathToFileURL(
      path.join(this.artifactsDir, input.experimentId, runId, 'artifacts'),
    ).href
    const tags: Record<string, string> = {
      ...input.tags,
      [TAGS.runName]: runName,
      [TAGS.clientKey]: input.clientKey ?? randomUUID(),
    }
    if (input.parentRunId) tags[TAGS.parentRunId] = input.parentRunId
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO tr_runs (run_id, experiment_id, run_name, status, start_time, lifecycle_stage, artifact_uri)
           VALUES (?, ?, ?, 'RUNNING', ?, 'active', ?)`,
        )
        .run(runId, Number(input.experimentId), runName, startTime, artifactUri)
      const insertTag = this.db.prepare('INSERT INTO tr_tags (run_id, key, value) VALUES (?, ?, ?)')
      for (const [k, v] of Object.entries(tags)) insertTag.run(runId, k, v)
      refreshRunSummary(this.db, runId)
    })()
    return this.runRow(runId).info
  }

  async log(runId: string, input: LogInput): Promise<void> {
    const run = this.requireRun(runId)
    if (run.lifecycle_stage !== 'active') {
      throw new TrackingError('TRACKING_INVALID', `Run ${runId} is deleted; restore it before logging to it`)
    }
    const { params, metrics, tags } = normaliseLog(input, this.clock())
    const getParam = this.db.prepare('SELECT value FROM tr_params WHERE run_id = ? AND key = ?')
    const insertParam = this.db.prepare(
      'INSERT OR IGNORE INTO tr_params (run_id, key, value) VALUES (?, ?, ?)',
    )
    const upsertTag = this.db.prepare(
      'INSERT INTO tr_tags (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value',
    )
    const insertMetric = this.db.prepare(
      'INSERT OR IGNORE INTO tr_metrics (run_id, key, value, is_nan, timestamp, step) VALUES (?, ?, ?, ?, ?, ?)',
    )
    const getLatest = this.db.prepare(
      'SELECT value, is_nan, timestamp, step FROM tr_latest_metrics WHERE run_id = ? AND key = ?',
    )
    const putLatest = this.db.prepare(
      `INSERT INTO tr_latest_metrics (run_id, key, value, is_nan, timestamp, step) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, is_nan = excluded.is_nan,
         timestamp = excluded.timestamp, step = excluded.step`,
    )
    this.db.transaction(() => {
      for (const p of params) {
        const existing = getParam.get(runId, p.key) as { value: string } | undefined
        if (existing && existing.value !== p.value) {
          throw new TrackingError(
            'TRACKING_INVALID',
            `Param '${p.key}' of run ${runId} is already '${existing.value}'; params cannot change (log a new run)`,
          )
        }
        insertParam.run(runId, p.key, p.value)
      }
      for (const t of tags) upsertTag.run(runId, t.key, t.value)
      for (const m of metrics) {
        const isNan = Number.isNaN(m.value) ? 1 : 0
        const stored = isNan ? 0 : m.value
        insertMetric.run(runId, m.key, stored, isNan, m.timestamp, m.step)
        const latest = getLatest.get(runId, m.key) as
          { value: number; is_nan: number; timestamp: number; step: number } | undefined
        if (
          !latest ||
          m.step > latest.step ||
          (m.step === latest.step && m.timestamp > latest.timestamp) ||
          (m.step === latest.step && m.timestamp === latest.timestamp && stored > latest.value)
        ) {
          putLatest.run(runId, m.key, stored, isNan, m.timestamp, m.step)
        }
      }
      refreshRunSummary(this.db, runId)
    })()
  }

  async logArtifact(runId: string, relativePath: string, content: Uint8Array | string): Promise<void> {
    const file = this.artifactFile(runId, relativePath)
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, content)
  }

  async listArtifacts(runId: string, dir = ''): Promise<ArtifactEntry[]> {
    const folder = this.artifactFile(runId, dir)
    if (!existsSync(folder) || !statSync(folder).isDirectory()) return []
    const prefix = cleanRelative(dir)
    return readdirSync(folder, { withFileTypes: true })
      .map((entry) => {
        const rel = prefix ? `${prefix}/${entry.name}` : entry.name
        return entry.isDirectory()
          ? { path: rel, isDir: true }
          : { path: rel, isDir: false, fileSize: statSync(path.join(folder, entry.name)).size }
      })
      .sort((a, b) => a.path.localeCompare(b.path))
  }

  async downloadArtifact(runId: string, relativePath: string): Promise<Uint8Array> {
    const file = this.artifactFile(runId, relativePath)
    if (!existsSync(file) || statSync(file).isDirectory()) {
      throw new TrackingError('TRACKING_NOT_FOUND', `Run ${runId} has no artifact '${relativePath}'`)
    }
    return new Uint8Array(readFileSync(file))
  }

  async endRun(
    runId: string,
    status: 'FINISHED' | 'FAILED' | 'KILLED' = 'FINISHED',
    endTime?: number,
  ): Promise<void> {
    this.requireRun(runId)
    this.db
      .prepare('UPDATE tr_runs SET status = ?, end_time = ? WHERE run_id = ?')
      .run(status, endTime ?? this.clock(), runId)
  }

  async getRun(runId: string): Promise<Run> {
    return this.runRow(runId)
  }

  async searchAllRuns(
    input: Omit<SearchRunsInput, 'pageToken'>,
    limit = Number.POSITIVE_INFINITY,
  ): Promise<Run[]> {
    return collectPages(
      (pageToken, maxResults) => this.searchRuns({ ...input, pageToken, maxResults }),
      input.maxResults ?? 1000,
      limit,
    )
  }

  async searchRuns(input: SearchRunsInput): Promise<Page<Run>> {
    const { offset, limit } = pageWindow(input.maxResults ?? 1000, input.pageToken)
    const params: unknown[] = []
    const where: string[] = []
    const ids = input.experimentIds.map(Number).filter((n) => Number.isInteger(n))
    if (ids.length === 0) return { items: [] }
    where.push(`r.experiment_id IN (${ids.map(() => '?').join(', ')})`)
    params.push(...ids)
    const view = input.viewType ?? 'ACTIVE_ONLY'
    if (view !== 'ALL')
      where.push(view === 'ACTIVE_ONLY' ? `r.lifecycle_stage = 'active'` : `r.lifecycle_stage = 'deleted'`)
    for (const c of parseFilter(input.filter)) where.push(comparisonSql(c, params))
    const order = orderBySql(input.orderBy, params)
    params.push(limit + 1, offset)
    const rows = this.db
      .prepare(`SELECT r.* FROM tr_runs r WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...params) as RunRow[]
    return paged(this.hydrate(rows), offset, limit)
  }

  async deleteRun(runId: string): Promise<void> {
    this.requireRun(runId)
    this.db.prepare(`UPDATE tr_runs SET lifecycle_stage = 'deleted' WHERE run_id = ?`).run(runId)
  }

  async restoreRun(runId: string): Promise<void> {
    this.requireRun(runId)
    this.db.prepare(`UPDATE tr_runs SET lifecycle_stage = 'active' WHERE run_id = ?`).run(runId)
  }

  async getMetricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    this.requireRun(runId)
    const rows = this.db
      .prepare(
        'SELECT key, value, is_nan, timestamp, step FROM tr_metrics WHERE run_id = ? AND key = ? ORDER BY step, timestamp',
      )
      .all(runId, key) as { key: string; value: number; is_nan: number; timestamp: number; step: number }[]
    return rows.map((r) => ({
      key: r.key,
      value: r.is_nan ? Number.NaN : r.value,
      timestamp: r.timestamp,
      step: r.step,
    }))
  }

  async getMetricHistories(
    runIds: readonly string[],
    key: string,
    options: { maxPoints?: number } = {},
  ): Promise<Record<string, MetricPoint[]>> {
    const max = Math.min(options.maxPoints ?? MAX_HISTORY_POINTS, MAX_HISTORY_POINTS)
    const out: Record<string, MetricPoint[]> = {}
    for (const id of runIds) {
      this.requireRun(id)
      out[id] = []
    }
    const rows = this.db
      .prepare(
        `SELECT run_id, key, value, is_nan, timestamp, step FROM tr_metrics
          WHERE key = ? AND run_id IN (SELECT value FROM json_each(?)) ORDER BY run_id, step, timestamp`,
      )
      .all(key, JSON.stringify([...new Set(runIds)])) as {
      run_id: string
      key: string
      value: number
      is_nan: number
      timestamp: number
      step: number
    }[]
    for (const r of rows) {
      out[r.run_id].push({
        key: r.key,
        value: r.is_nan ? Number.NaN : r.value,
        timestamp: r.timestamp,
        step: r.step,
      })
    }
    for (const id of Object.keys(out)) out[id] = samplePoints(out[id], max)
    return out
  }

  private requireRun(runId: string): RunRow {
    const row = this.db.prepare('SELECT * FROM tr_runs WHERE run_id = ?').get(runId) as RunRow | undefined
    if (!row) throw new TrackingError('TRACKING_NOT_FOUND', `No run ${runId} in the local tracking store`)
    return row
  }

  private runRow(runId: string): Run {
    return this.hydrate([this.requireRun(runId)])[0]
  }

  /** Runs from their rows; params, tags and latest metrics come from the run's summary document. */
  private hydrate(rows: RunRow[]): Run[] {
    return rows.map((row) => {
      const summary = JSON.parse(row.summary_json ?? '{}') as {
        params?: Record<string, string>
        tags?: Record<string, string>
        metrics?: Record<string, number | null>
      }
      const metrics: Record<string, number> = {}
      for (const [k, v] of Object.entries(summary.metrics ?? {})) metrics[k] = v === null ? Number.NaN : v
      return {
        info: {
          runId: row.run_id,
          experimentId: String(row.experiment_id),
          runName: row.run_name,
          status: row.status,
          startTime: row.start_time,
          endTime: row.end_time ?? undefined,
          lifecycleStage: row.lifecycle_stage,
          artifactUri: row.artifact_uri,
        },
        params: summary.params ?? {},
        metrics,
        tags: summary.tags ?? {},
      }
    })
  }

  private artifactFile(runId: string, relativePath: string): string {
    const run = this.requireRun(runId)
    const root = fileURLToPath(run.artifact_uri)
    const rel = cleanRelative(relativePath)
    return rel ? path.join(root, ...rel.split('/')) : root
  }

  // ---------------------------------------------------------------- registry

  async ensureRegisteredModel(
    name: string,
    options: { description?: string; tags?: Record<string, string> } = {},
  ): Promise<RegisteredModel> {
    validateModelName(name)
    const now = this.clock()
    this.db.transaction(() => {
      const exists = this.db.prepare('SELECT 1 FROM tr_registered_models WHERE name = ?').get(name)
      if (exists) return
      this.db
        .prepare(
          'INSERT INTO tr_registered_models (name, description, creation_time, last_updated_time) VALUES (?, ?, ?, ?)',
        )
        .run(name, options.description ?? null, now, now)
      const insertTag = this.db.prepare(
        'INSERT INTO tr_registered_model_tags (name, key, value) VALUES (?, ?, ?)',
      )
      for (const [k, v] of Object.entries(options.tags ?? {})) insertTag.run(name, k, v)
    })()
    return (await this.getRegisteredModel(name))!
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel | null> {
    const row = this.db.prepare('SELECT * FROM tr_registered_models WHERE name = ?').get(name) as
      | { name: string; description: string | null; creation_time: number; last_updated_time: number }
      | undefined
    if (!row) return null
    const tags = this.db
      .prepare('SELECT key, value FROM tr_registered_model_tags WHERE name = ?')
      .all(name) as {
      key: string
      value: string
    }[]
    const aliases = this.db.prepare('SELECT alias, version FROM tr_aliases WHERE name = ?').all(name) as {
      alias: string
      version: number
    }[]
    return {
      name: row.name,
      description: row.description ?? undefined,
      tags: Object.fromEntries(tags.map((t) => [t.key, t.value])),
      aliases: Object.fromEntries(aliases.map((a) => [a.alias, String(a.version)])),
      creationTime: row.creation_time,
      lastUpdatedTime: row.last_updated_time,
    }
  }

  async searchRegisteredModels(
    input: { nameLike?: string; maxResults?: number; pageToken?: string } = {},
  ): Promise<Page<RegisteredModel>> {
    const { offset, limit } = pageWindow(input.maxResults ?? 100, input.pageToken)
    const rows = this.db
      .prepare(
        `SELECT name FROM tr_registered_models WHERE (? IS NULL OR tr_like(name, ?, 0)) ORDER BY name LIMIT ? OFFSET ?`,
      )
      .all(input.nameLike ?? null, input.nameLike ?? null, limit + 1, offset) as { name: string }[]
    const models: RegisteredModel[] = []
    for (const r of rows) models.push((await this.getRegisteredModel(r.name))!)
    return paged(models, offset, limit)
  }

  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    this.requireModel(name)
    this.db
      .prepare(
        'INSERT INTO tr_registered_model_tags (name, key, value) VALUES (?, ?, ?) ON CONFLICT (name, key) DO UPDATE SET value = excluded.value',
      )
      .run(name, key, value)
  }

  async createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion> {
    this.requireModel(input.name)
    if (input.clientKey) {
      const existing = this.db
        .prepare('SELECT version FROM tr_model_version_tags WHERE name = ? AND key = ? AND value = ?')
        .get(input.name, TAGS.clientKey, input.clientKey) as { version: number } | undefined
      if (existing) return this.getModelVersion(input.name, String(existing.version))
    }
    let source = input.source
    if (!source) {
      if (!input.runId)
        throw new TrackingError('TRACKING_INVALID', 'A model version needs a source or a run id')
      source = `${this.requireRun(input.runId).artifact_uri}/${cleanRelative(input.artifactPath ?? 'model')}`
    } else if (input.runId) this.requireRun(input.runId)
    const now = this.clock()
    const tags = { ...input.tags, ...(input.clientKey ? { [TAGS.clientKey]: input.clientKey } : {}) }
    const version = this.db.transaction(() => {
      const next =
        ((
          this.db
            .prepare('SELECT MAX(version) AS v FROM tr_model_versions WHERE name = ?')
            .get(input.name) as { v: number | null }
        ).v ?? 0) + 1
      this.db
        .prepare(
          `INSERT INTO tr_model_versions (name, version, source, run_id, description, creation_time, last_updated_time)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(input.name, next, source, input.runId ?? null, input.description ?? null, now, now)
      const insertTag = this.db.prepare(
        'INSERT INTO tr_model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)',
      )
      for (const [k, v] of Object.entries(tags)) insertTag.run(input.name, next, k, v)
      this.db
        .prepare('UPDATE tr_registered_models SET last_updated_time = ? WHERE name = ?')
        .run(now, input.name)
      return next
    })()
    return this.getModelVersion(input.name, String(version))
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    const row = this.db
      .prepare('SELECT * FROM tr_model_versions WHERE name = ? AND version = ?')
      .get(name, Number(version)) as
      | {
          name: string
          version: number
          source: string
          run_id: string | null
          description: string | null
          stage: Stage
          creation_time: number
        }
      | undefined
    if (!row)
      throw new TrackingError(
        'TRACKING_NOT_FOUND',
        `Model ${name} has no version ${version} in the local registry`,
      )
    const tags = this.db
      .prepare('SELECT key, value FROM tr_model_version_tags WHERE name = ? AND version = ?')
      .all(name, row.version) as { key: string; value: string }[]
    const aliases = this.db
      .prepare('SELECT alias FROM tr_aliases WHERE name = ? AND version = ? ORDER BY alias')
      .all(name, row.version) as { alias: string }[]
    return {
      name: row.name,
      version: String(row.version),
      source: row.source,
      runId: row.run_id ?? undefined,
      description: row.description ?? undefined,
      tags: Object.fromEntries(tags.map((t) => [t.key, t.value])),
      aliases: aliases.map((a) => a.alias),
      stage: row.stage,
      creationTime: row.creation_time,
    }
  }

  async searchModelVersions(input: SearchModelVersionsInput): Promise<Page<ModelVersion>> {
    const { offset, limit } = pageWindow(input.maxResults ?? 200, input.pageToken)
    const rows = this.db
      .prepare(
        `SELECT name, version FROM tr_model_versions WHERE (? IS NULL OR name = ?) AND (? IS NULL OR run_id = ?)
         ORDER BY name, version DESC LIMIT ? OFFSET ?`,
      )
      .all(
        input.name ?? null,
        input.name ?? null,
        input.runId ?? null,
        input.runId ?? null,
        limit + 1,
        offset,
      ) as {
      name: string
      version: number
    }[]
    const items: ModelVersion[] = []
    for (const r of rows) items.push(await this.getModelVersion(r.name, String(r.version)))
    return paged(items, offset, limit)
  }

  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.getModelVersion(name, version)
    this.db
      .prepare(
        `INSERT INTO tr_model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)
         ON CONFLICT (name, version, key) DO UPDATE SET value = excluded.value`,
      )
      .run(name, Number(version), key, value)
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    validateAlias(alias)
    await this.getModelVersion(name, version)
    this.db
      .prepare(
        'INSERT INTO tr_aliases (name, alias, version) VALUES (?, ?, ?) ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version',
      )
      .run(name, alias, Number(version))
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    this.requireModel(name)
    this.db.prepare('DELETE FROM tr_aliases WHERE name = ? AND alias = ?').run(name, alias)
  }

  async getVersionByAlias(name: string, alias: string): Promise<ModelVersion | null> {
    const row = this.db
      .prepare('SELECT version FROM tr_aliases WHERE name = ? AND alias = ?')
      .get(name, alias) as { version: number } | undefined
    return row ? this.getModelVersion(name, String(row.version)) : null
  }

  async transitionStage(
    name: string,
    version: string,
    stage: Stage,
    archiveExisting = false,
  ): Promise<ModelVersion> {
    await this.getModelVersion(name, version)
    const now = this.clock()
    this.db.transaction(() => {
      if (archiveExisting && (stage === 'Staging' || stage === 'Production')) {
        this.db
          .prepare(
            `UPDATE tr_model_versions SET stage = 'Archived', last_updated_time = ? WHERE name = ? AND stage = ? AND version != ?`,
          )
          .run(now, name, stage, Number(version))
      }
      this.db
        .prepare(
          'UPDATE tr_model_versions SET stage = ?, last_updated_time = ? WHERE name = ? AND version = ?',
        )
        .run(stage, now, name, Number(version))
    })()
    return this.getModelVersion(name, version)
  }

  private requireModel(name: string): void {
    if (!this.db.prepare('SELECT 1 FROM tr_registered_models WHERE name = ?').get(name)) {
      throw new TrackingError('TRACKING_NOT_FOUND', `No registered model ${name} in the local registry`)
    }
  }

  // ---------------------------------------------------------------- operations

  async status(): Promise<TrackingStatus> {
    return { kind: 'local', target: this.db.name, online: true, pending: 0, failed: 0 }
  }

  async push(): Promise<PushResult> {
    return { replayed: 0, pending: 0, failed: 0, errors: [] }
  }

  close(): void {
    if (this.ownsDb && this.db.open) this.db.close()
    this.logger.debug('tracking: local store closed')
  }
}

// ------------------------------------------------------------------ helpers

function pageWindow(maxResults: number, pageToken: string | undefined): { offset: number; limit: number } {
  const limit = Math.max(1, Math.min(MAX_RESULTS, Math.trunc(maxResults)))
  if (!pageToken) return { offset: 0, limit }
  try {
    const parsed = JSON.parse(Buffer.from(pageToken, 'base64url').toString('utf8')) as { offset?: unknown }
    if (typeof parsed.offset === 'number' && parsed.offset >= 0) return { offset: parsed.offset, limit }
  } catch {
    // fall through
  }
  throw new TrackingError(
    'TRACKING_INVALID',
    'Invalid page token: pass back the nextPageToken of the previous page',
  )
}

function paged<T>(rows: T[], offset: number, limit: number): Page<T> {
  if (rows.length <= limit) return { items: rows }
  return {
    items: rows.slice(0, limit),
    nextPageToken: Buffer.from(JSON.stringify({ offset: offset + limit })).toString('base64url'),
  }
}

function cleanRelative(relative: string): string {
  const parts = relative.split(/[\\/]+/).filter((p) => p !== '' && p !== '.')
  if (parts.includes('..'))
    throw new TrackingError('TRACKING_INVALID', `Artifact paths may not contain '..' (got ${relative})`)
  if (relative.includes('\0'))
    throw new TrackingError(
      'TRACKING_INVALID',
      `Artifact paths may not contain NUL (got ${JSON.stringify(relative)})`,
    )
  return parts.join('/')
}

function validateModelName(name: string): void {
  if (!name.trim()) throw new TrackingError('TRACKING_INVALID', 'A registered model needs a name')
}

/** MLflow's alias rules: letters, digits, '_' and '-', not 'latest', not like 'v12'. */
export function validateAlias(alias: string): void {
  if (!/^[\w-]{1,255}$/.test(alias) || alias.toLowerCase() === 'latest' || /^v\d+$/i.test(alias)) {
    throw new TrackingError(
      'TRACKING_INVALID',
      `'${alias}' cannot be an alias: use letters, digits, '_' or '-', not 'latest' and not a version like 'v2'`,
    )
  }
}
