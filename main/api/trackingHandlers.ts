import { servedLabelFromMetrics } from '../../shared/servedFromMetrics'
import { bestOf } from '../../shared/bestMetric'
import os from 'node:os'
import type { CallContext, Handlers } from '../core/dispatch'
import type { EventBus } from '../core/eventBus'
import type { ScorelineConfig } from '../core/config'
import type { DataPaths } from '../core/paths'
import { createTrackingStore } from '../services/tracking/createTrackingStore'
import { compare, metricHigherIsBetter } from '../services/tracking/compareRuns'
import { versionDecision } from '../services/tracking/versionDecision'
import { compareVersions } from '../services/tracking/compareVersions'
import { RUN_TAGS } from '../services/training/pipeline/unchanged'
import { TrackingError, isNotFound } from '../services/tracking/errors'
import { collectPages } from '../services/tracking/pagedSearch'
import type { RunsMirror } from '../services/tracking/runsMirror'
import { likeMatches } from '../services/tracking/searchFilter'
import {
  isOffline,
  openRunsMirror,
  orFromMirror,
  runsFromMirror,
} from '../services/tracking/runsMirrorSearch'
import {
  CHALLENGER,
  CHAMPION,
  promoteManually,
  rollbackChampion,
  type PromotionDecision,
} from '../services/tracking/promotion'
import type { PromotionRecord } from '../services/tracking/promotionLog'
import { TAGS } from '../services/tracking/trackingStore'
import { leaguesOfModelName, legacyLeaguesOf } from '../services/tracking/modelName'
import { describeMigrations, migrateModelNames } from '../services/tracking/modelNameMigration'
import type {
  Experiment,
  ModelVersion,
  RegisteredModel,
  Run,
  TrackingStore,
} from '../services/tracking/trackingStore'
import type {
  AliasTargetDto,
  ExperimentDto,
  MetricPointDto,
  ModelDetailDto,
  ModelVersionDto,
  PromotionRecordDto,
  PromotionResultDto,
  RegisteredModelDto,
  RunComparisonDto,
  RunDto,
} from '../../shared/api/domains/tracking'

type TrackingProcedures = Extract<keyof Handlers, `tracking.${string}`>

/**
 * One tracking store for the screens and the CLI, opened lazily from the current configuration and reopened
 * when the MLflow settings change (Settings can change the URI at runtime). Stores replaced by a newer
 * configuration are closed with this object, so a request still using one finishes normally.
 */
export interface TrackingAccess {
  store(): TrackingStore
  /** The local mirror of the current store's MLflow server (runsMirror.ts); null for the local store. */
  mirror?(): RunsMirror | null
  close(): void
}

export function createTrackingAccess(input: {
  paths: DataPaths
  config: () => ScorelineConfig
  open?: (config: ScorelineConfig['mlflow'], localDbPath: string) => TrackingStore
}): TrackingAccess {
  const open =
    input.open ??
    ((mlflow, localDbPath) =>
      createTrackingStore(
        {
          trackingUri: mlflow.trackingUri ?? undefined,
          token: mlflow.token ?? undefined,
          username: mlflow.username ?? undefined,
          password: mlflow.password ?? undefined,
          localDbPath,
          databaseUrl: input.config().databaseUrl,
        },
        // the app's long-lived store replays its outbox (queued runs and promotions) once the server is back
        { autoFlushMs: 30_000 },
      ))
  let current: { key: string; store: TrackingStore; mirror?: RunsMirror | null } | null = null
  const retired: { close(): void }[] = []
  const store = () => {
    const { mlflow } = input.config()
    const key = JSON.stringify([mlflow.trackingUri, mlflow.token, mlflow.username, mlflow.password])
    if (current?.key === key) return current.store
    if (current) retired.push(current.store, ...(current.mirror ? [current.mirror] : []))
    current = { key, store: open(mlflow, input.paths.trackingDb) }
    return current.store
  }
  return {
    store,
    mirror() {
      const s = store()
      if (current && current.mirror === undefined) current.mirror = openRunsMirror(s, input.paths.trackingDb)
      return current?.mirror ?? null
    },
    close() {
      const open = current ? [current.store, ...(current.mirror ? [current.mirror] : [])] : []
      for (const store of [...retired, ...open]) {
        try {
          store.close()
        } catch {
          // already closed
        }
      }
      retired.length = 0
      current = null
    },
  }
}

export interface TrackingHandlerDeps {
  trackingAccess: TrackingAccess
  events: EventBus
  config: () => ScorelineConfig
}

const MAX_ARTIFACT_BYTES = 5 * 1024 * 1024
/**
 * Metric-history requests in flight while comparing: MLflow needs one per run and metric (5 pipeline runs ≈ 175
 * requests; measured against a local MLflow 3 server: 8 in flight ≈ 1.3 s, 16 ≈ 0.9 s).
 */
const HISTORY_CONCURRENCY = 16
const TEXT_TYPES: Record<string, string> = {
  json: 'application/json',
  csv: 'text/csv',
  svg: 'image/svg+xml',
  txt: 'text/plain',
  md: 'text/markdown',
  yaml: 'text/yaml',
  yml: 'text/yaml',
  log: 'text/plain',
  html: 'text/html',
}
const BINARY_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
}

const finite = (value: number | undefined): number | null =>
  value !== undefined && Number.isFinite(value) ? value : null

export function toRunDto(run: Run): RunDto {
  return {
    runId: run.info.runId,
    experimentId: run.info.experimentId,
    runName: run.info.runName,
    status: run.info.status,
    startTime: run.info.startTime,
    endTime: run.info.endTime ?? null,
    parentRunId: run.tags[TAGS.parentRunId] ?? null,
    params: run.params,
    // JSON cannot carry NaN or ±Infinity: such values are left out (the UI shows "—")
    metrics: Object.fromEntries(Object.entries(run.metrics).filter(([, v]) => Number.isFinite(v))),
    tags: run.tags,
  }
}

const toExperimentDto = (e: Experiment): ExperimentDto => ({
  id: e.id,
  name: e.name,
  lifecycleStage: e.lifecycleStage,
  creationTime: e.creationTime ?? null,
})

const toRecordDto = (r: PromotionRecord): PromotionRecordDto => ({
  id: r.id,
  decidedAt: r.decidedAt,
  modelName: r.modelName,
  action: r.action,
  alias: r.alias,
  version: r.version,
  previousVersion: r.previousVersion ?? null,
  metric: r.metric ?? null,
  candidateScore: finite(r.candidateScore),
  championScore: finite(r.championScore),
  margin: finite(r.margin),
  evalWindow: r.evalWindow ?? null,
  decidedBy: r.decidedBy,
  reason: r.reason,
  state: r.state,
  outcome: r.outcome ?? null,
  detail: r.detail ?? null,
  matches: finite(r.matches),
  matchesIdentical: r.matchesIdentical ?? null,
})

const toResultDto = (d: PromotionDecision): PromotionResultDto => ({
  action: d.action,
  promoted: d.promoted,
  modelName: d.modelName,
  version: d.version,
  previousChampion: d.previousChampion ?? null,
  decidedBy: d.decidedBy,
  reason: d.reason,
  record: d.record ? toRecordDto(d.record) : null,
})

/** Runs `work` over `items` with at most `limit` in flight (MLflow requests are one per history). */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await work(items[i])
    }
  })
  await Promise.all(lanes)
  return out
}

/** Lists on the Experiments and Models screens stop here. */
const LIST_LIMIT = 10_000

async function allExperiments(store: TrackingStore, nameLike?: string): Promise<Experiment[]> {
  const out = await collectPages(
    (pageToken, maxResults) => store.searchExperiments({ nameLike, maxResults, pageToken }),
    1000,
    LIST_LIMIT,
  )
  return out.filter((e) => e.lifecycleStage === 'active').sort((a, b) => a.name.localeCompare(b.name))
}

async function allRegisteredModels(store: TrackingStore, nameLike?: string): Promise<RegisteredModel[]> {
  const out = await collectPages(
    (pageToken, maxResults) => store.searchRegisteredModels({ nameLike, maxResults, pageToken }),
    1000,
    LIST_LIMIT,
  )
  return out.sort((a, b) => a.name.localeCompare(b.name))
}

async function allVersions(store: TrackingStore, name: string): Promise<ModelVersion[]> {
  const out = await collectPages(
    (pageToken, maxResults) => store.searchModelVersions({ name, maxResults, pageToken }),
    1000,
    LIST_LIMIT,
  )
  return out.sort((a, b) => Number(b.version) - Number(a.version))
}

/** A run that may have been deleted: null instead of an error. */
async function runOrNull(store: TrackingStore, runId: string | undefined): Promise<Run | null> {
  if (!runId) return null
  try {
    return await store.getRun(runId)
  } catch (error) {
    const code = (error as { code?: unknown })?.code
    if (code === 'TRACKING_NOT_FOUND' || code === 'MLFLOW_NOT_FOUND') return null
    throw error
  }
}

const leagueOf = (model: RegisteredModel, version?: ModelVersion | null): string | null =>
  version?.tags['scoreline.league'] ??
  model.tags['scoreline.league'] ??
  (leaguesOfModelName(model.name) ?? legacyLeaguesOf(model.name))?.join('+') ??
  null

/** The run whose value is ★best (shared/bestMetric.ts), null where best means nothing. */
function bestRunId(
  key: string,
  ids: readonly string[],
  values: readonly (number | undefined)[],
  params: readonly Record<string, string>[],
): string | null {
  const i = bestOf(key, values, params).best.indexOf(true)
  return i < 0 ? null : ids[i]
}

function aliasTarget(version: ModelVersion, run: Run | null): AliasTargetDto {
  const m = run?.metrics ?? {}
  const p = run?.params ?? {}
  return {
    version: version.version,
    runId: version.runId ?? null,
    creationTime: version.creationTime ?? null,
    rps: finite(m.rps),
    marketRps: finite(m.market_rps),
    modelRps: finite(m.model_rps),
    served: servedLabelFromMetrics(m),
    evalSeason: p.eval_season ?? null,
    evalFrom: p.eval_from ?? null,
    evalTo: p.eval_to ?? null,
    matches: finite(m.calibrated_n ?? m.model_n ?? m.market_n),
    marginMethod: p.margin_method ?? null,
    evaluationMatches: finite(m.eval_matches),
    countsNote: run?.tags[RUN_TAGS.countsNote] ?? null,
    rpsSummary: run?.tags[RUN_TAGS.rpsSummary] ?? null,
  }
}

async function describedModels(s: TrackingStore, nameLike?: string): Promise<RegisteredModelDto[]> {
  const models = await allRegisteredModels(s, nameLike)
  return mapLimit(models, 8, (m) => describeModel(s, m))
}

/**
 * After a pipeline run: the registered models and the detail of each model of the run's leagues, read from
 * the MLflow server into this desktop's copy, so `models list`, `models show` and the Models page answer with
 * what the run registered and promoted once the server is out of reach (#21). Only with an MLflow server (a
 * local store needs no copy); a server that does not answer leaves the copy as it was.
 */
export async function refreshRegistryCopy(access: TrackingAccess, leagues: readonly string[]): Promise<void> {
  const mirror = access.mirror?.() ?? null
  if (!mirror) return
  const s = access.store()
  try {
    const described = await describedModels(s)
    mirror.saveModels(described, true)
    for (const m of described) {
      const of = leaguesOfModelName(m.name) ?? (m.league ? [m.league] : [])
      if (of.some((l) => leagues.includes(l))) mirror.saveModelDetail(m.name, await modelDetail(s, m.name))
    }
  } catch (error) {
    if (!isOffline(error)) throw error
  }
}

/** A registered model with its versions (their runs' evaluations) and its promotion history. */
async function modelDetail(s: TrackingStore, name: string): Promise<ModelDetailDto> {
  const model = await s.getRegisteredModel(name)
  if (!model) {
    throw new TrackingError(
      'TRACKING_NOT_FOUND',
      `No registered model named ${name}: run the training pipeline to register one (scoreline models list shows the names)`,
    )
  }
  const versions = await allVersions(s, name)
  // the team's decisions (shared Postgres when configured, else this desktop's log) (#21)
  const { records: history, source: historySource } = await s.promotions.read(name, 200)
  const runIds = [...new Set(versions.flatMap((v) => (v.runId ? [v.runId] : [])))]
  const runs = new Map(
    (await mapLimit(runIds, 8, async (id) => [id, await runOrNull(s, id)] as const)).filter(
      (e): e is readonly [string, Run] => e[1] !== null,
    ),
  )
  return {
    model: await describeModel(s, model),
    versions: versions.map((v) =>
      versionDto(v, (v.runId && runs.get(v.runId)) || null, model.aliases, history),
    ),
    history: history.map(toRecordDto),
    historySource,
  }
}

/**
 * A model's detail while MLflow is unreachable: the server's last answer (`asOf`), with the aliases and the
 * promotion history as this desktop knows them now (decisions it took offline and queued included), so the
 * champion shown is the one served.
 */
async function offlineDetail(s: TrackingStore, copy: ModelDetailDto, asOf: number): Promise<ModelDetailDto> {
  const name = copy.model.name
  const mirrored = await s.getRegisteredModel(name).catch(() => null)
  const aliases = mirrored && Object.keys(mirrored.aliases).length > 0 ? mirrored.aliases : copy.model.aliases
  const history = await s.promotions.read(name, 200).catch(() => null)
  // an alias moved offline points at a version the copy describes, or at one registered since (its figures
  // are not known here: the version alone)
  const targets = [copy.model.champion, copy.model.challenger].filter((t): t is AliasTargetDto => t !== null)
  const targetOf = (version: string | undefined): AliasTargetDto | null =>
    version === undefined ? null : (targets.find((t) => t.version === version) ?? bareTarget(version))
  return {
    model: {
      ...copy.model,
      aliases,
      champion: targetOf(aliases[CHAMPION]),
      challenger: targetOf(aliases[CHALLENGER]),
      offlineAsOf: asOf,
    },
    versions: copy.versions.map((v) => ({
      ...v,
      aliases: Object.entries(aliases)
        .filter(([, version]) => version === v.version)
        .map(([alias]) => alias),
    })),
    history: history ? history.records.map(toRecordDto) : copy.history,
    historySource: history ? history.source : copy.historySource,
  }
}

const bareTarget = (version: string): AliasTargetDto => ({
  version,
  runId: null,
  creationTime: null,
  rps: null,
  marketRps: null,
  evalSeason: null,
  evalFrom: null,
  evalTo: null,
  matches: null,
  marginMethod: null,
})

async function describeModel(store: TrackingStore, model: RegisteredModel): Promise<RegisteredModelDto> {
  const target = async (alias: string) => {
    const version = model.aliases[alias]
    if (!version) return null
    // a model deleted on the team's server between the list and this read is shown without it
    const v = await store.getModelVersion(model.name, version).catch((error: unknown) => {
      if (isNotFound(error)) return null
      throw error
    })
    return v ? { version: v, run: await runOrNull(store, v.runId) } : null
  }
  const [champion, challenger] = await Promise.all([target(CHAMPION), target(CHALLENGER)])
  return {
    name: model.name,
    league: leagueOf(model, champion?.version),
    description: model.description ?? null,
    aliases: model.aliases,
    lastUpdatedTime: model.lastUpdatedTime ?? null,
    champion: champion ? aliasTarget(champion.version, champion.run) : null,
    challenger: challenger ? aliasTarget(challenger.version, challenger.run) : null,
  }
}

/** `aliases`: the registered model's alias → version map (MLflow's version search leaves aliases out). */
function versionDto(
  v: ModelVersion,
  run: Run | null,
  aliases: Record<string, string>,
  history: readonly PromotionRecord[] = [],
): ModelVersionDto {
  const t = v.tags
  const p = run?.params ?? {}
  return {
    name: v.name,
    version: v.version,
    runId: v.runId ?? null,
    source: v.source,
    creationTime: v.creationTime ?? null,
    aliases: [
      ...new Set([...v.aliases, ...Object.keys(aliases).filter((a) => aliases[a] === v.version)]),
    ].sort(),
    stage: v.stage,
    tags: t,
    evaluation: run
      ? {
          runStatus: run.info.status,
          runStartTime: run.info.startTime,
          evalWindow: run.tags[TAGS.evalWindow] ?? t[TAGS.evalWindow] ?? null,
          evalSeason: p.eval_season ?? null,
          evalFrom: p.eval_from ?? null,
          evalTo: p.eval_to ?? null,
          matches: finite(run.metrics.calibrated_n ?? run.metrics.model_n),
          evaluationMatches: finite(run.metrics.eval_matches),
          countsNote: run.tags[RUN_TAGS.countsNote] ?? null,
          scoredMatches: run.tags[TAGS.scoredMatches] ?? null,
          rpsSummary: run.tags[RUN_TAGS.rpsSummary] ?? null,
          metrics: toRunDto(run).metrics,
          params: run.params,
        }
      : null,
    decision: versionDecision(t, v.version, history),
  }
}

export async function compareRunsWithHistory(
  store: TrackingStore,
  runIds: string[],
): Promise<RunComparisonDto> {
  const unique = [...new Set(runIds)]
  if (unique.length < 2)
    throw new TrackingError('TRACKING_INVALID', 'Choose at least two different runs to compare')
  const runs = await Promise.all(unique.map((id) => store.getRun(id)))
  const experimentIds = [...new Set(runs.map((r) => r.info.experimentId))]
  const experiments = await allExperiments(store).catch(() => [] as Experiment[])
  const names = new Map(experiments.map((e) => [e.id, e.name]))
  for (const id of experimentIds) if (!names.has(id)) names.set(id, '')
  const base = compare(runs)
  const pairs = base.metrics.flatMap((m) =>
    runs.flatMap((r, i) => (r.metrics[m.key] === undefined ? [] : [{ key: m.key, i, runId: r.info.runId }])),
  )
  // one bulk read per metric (MLflow: 100 runs a request) instead of one request per run and metric
  const keys = [...new Set(pairs.map((p) => p.key))]
  const bulk = await mapLimit(keys, HISTORY_CONCURRENCY, (key) =>
    store.getMetricHistories(
      pairs.filter((p) => p.key === key).map((p) => p.runId),
      key,
    ),
  )
  const historyOf = new Map(keys.map((k, i) => [k, bulk[i]]))
  const byKey = new Map<string, (MetricPointDto[] | null)[]>()
  pairs.forEach((p) => {
    const list = byKey.get(p.key) ?? new Array<MetricPointDto[] | null>(runs.length).fill(null)
    list[p.i] = (historyOf.get(p.key)?.[p.runId] ?? [])
      .filter((x) => Number.isFinite(x.value))
      .map((x) => ({ step: x.step, value: x.value, timestamp: x.timestamp }))
    byKey.set(p.key, list)
  })
  return {
    runs: runs.map((r) => ({
      runId: r.info.runId,
      runName: r.info.runName,
      experimentId: r.info.experimentId,
      experimentName: names.get(r.info.experimentId) || null,
      status: r.info.status,
      startTime: r.info.startTime,
    })),
    params: base.params.map((p) => ({
      key: p.key,
      values: p.values.map((v) => v ?? null),
      differs: p.differs,
    })),
    metrics: base.metrics.map((m) => {
      const series = byKey.get(m.key) ?? []
      return {
        key: m.key,
        higherIsBetter: metricHigherIsBetter(m.key),
        // ★best by the one shared rule: none on counts, flags, fitted values, or unlike log-likelihoods (#20)
        best: bestRunId(
          m.key,
          runs.map((r) => r.info.runId),
          runs.map((r) => r.metrics[m.key]),
          runs.map((r) => r.params),
        ),
        stats: runs.map((r, i) => {
          const points = series[i]
          const last = r.metrics[m.key]
          if (!points || points.length === 0 || last === undefined || !Number.isFinite(last)) return null
          const values = points.map((x) => x.value)
          return { min: Math.min(...values), max: Math.max(...values), last, points: points.length }
        }),
      }
    }),
    histories: [...byKey.entries()]
      .filter(([, list]) => list.some((points) => (points?.length ?? 0) > 1))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, list]) => ({
        key,
        series: list.flatMap((points, i) => (points ? [{ runId: runs[i].info.runId, points }] : [])),
      })),
  }
}

function contentTypeOf(path: string): { type: string; text: boolean } {
  const ext = path.toLowerCase().split('.').pop() ?? ''
  if (TEXT_TYPES[ext]) return { type: TEXT_TYPES[ext], text: true }
  if (BINARY_TYPES[ext]) return { type: BINARY_TYPES[ext], text: false }
  return { type: 'application/octet-stream', text: false }
}

function who(config: ScorelineConfig, context: CallContext): string {
  let user = config.mlflow.username ?? ''
  if (!user) {
    try {
      user = os.userInfo().username
    } catch {
      user = 'analyst'
    }
  }
  const via = { ipc: 'the app', bridge: 'the browser app', cli: 'the CLI', test: 'a test' }[context.transport]
  return `${user} via ${via}`
}

export function createTrackingHandlers(deps: TrackingHandlerDeps): Pick<Handlers, TrackingProcedures> {
  const store = () => deps.trackingAccess.store()
  return {
    'tracking.status': async () => {
      const s = await store().status()
      return {
        kind: s.kind,
        target: s.target,
        online: s.online,
        pending: s.pending,
        failed: s.failed,
        oldestPendingAt: s.oldestPendingAt ?? null,
        lastError: s.lastError ?? null,
      }
    },

    'tracking.push': async () => store().push(),

    'tracking.experiments': async ({ nameLike }) => {
      const mirror = deps.trackingAccess.mirror?.() ?? null
      const list = await orFromMirror(
        () => allExperiments(store(), nameLike),
        () =>
          mirror?.listedAt() != null
            ? mirror.experiments().filter((e) => !nameLike || likeMatches(e.name, nameLike, false))
            : null,
      )
      return list.map(toExperimentDto)
    },

    'tracking.searchRuns': async ({ experimentIds, filter, orderBy, limit, includeDeleted, refresh }) => {
      // an MLflow server: from the local mirror, refreshed incrementally (#23), offline as of its last refresh (#21)
      const mirror = includeDeleted ? null : (deps.trackingAccess.mirror?.() ?? null)
      const mirrored = mirror
        ? await runsFromMirror(
            mirror,
            { experimentIds, filter: filter?.trim() || undefined, orderBy, limit: limit ?? 2000, refresh },
            (notice) => deps.events.emit('tracking.runsRefreshed', notice),
          )
        : null
      if (mirrored) {
        return {
          runs: mirrored.runs.map(toRunDto),
          experiments: mirrored.experiments.map(toExperimentDto),
          truncated: mirrored.truncated,
          mirror: mirrored.mark,
        }
      }
      const s = store()
      const experiments = await allExperiments(s)
      const ids = experimentIds?.length ? experimentIds : experiments.map((e) => e.id)
      if (ids.length === 0) return { runs: [], experiments: [], truncated: false }
      const max = limit ?? 2000
      const runs = await s.searchAllRuns(
        {
          experimentIds: ids,
          filter: filter?.trim() || undefined,
          orderBy: orderBy?.length ? orderBy : ['attributes.start_time DESC'],
          viewType: includeDeleted ? 'ALL' : 'ACTIVE_ONLY',
        },
        max + 1,
      )
      return {
        runs: runs.slice(0, max).map(toRunDto),
        experiments: experiments.map(toExperimentDto),
        truncated: runs.length > max,
      }
    },

    'tracking.getRun': async ({ runId }) => {
      const s = store()
      const run = await s.getRun(runId)
      const artifacts = await s.listArtifacts(runId).catch(() => [])
      return {
        run: toRunDto(run),
        artifacts: artifacts.map((a) => ({ path: a.path, isDir: a.isDir, fileSize: a.fileSize ?? null })),
      }
    },

    'tracking.compareRuns': ({ runIds }) => compareRunsWithHistory(store(), runIds),

    'tracking.artifacts': async ({ runId, path }) =>
      (await store().listArtifacts(runId, path)).map((a) => ({
        path: a.path,
        isDir: a.isDir,
        fileSize: a.fileSize ?? null,
      })),

    'tracking.readArtifact': async ({ runId, path }) => {
      const bytes = await store().downloadArtifact(runId, path)
      if (bytes.byteLength > MAX_ARTIFACT_BYTES) {
        throw new TrackingError(
          'TRACKING_INVALID',
          `${path} is ${(bytes.byteLength / 1e6).toFixed(1)} MB: too large to open in the app (limit 5 MB); ` +
            'download it with MLflow instead',
        )
      }
      const { type, text } = contentTypeOf(path)
      const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      return {
        path,
        size: bytes.byteLength,
        contentType: type,
        text: text ? buffer.toString('utf8') : null,
        base64: text ? null : buffer.toString('base64'),
      }
    },

    'tracking.models': async ({ nameLike }) => {
      const s = store()
      const mirror = deps.trackingAccess.mirror?.() ?? null
      return orFromMirror(
        async () => {
          const described = await describedModels(s, nameLike)
          mirror?.saveModels(described, !nameLike)
          return described
        },
        // MLflow unreachable: the list as this desktop last read it, marked with when (#21)
        () => {
          const copy = mirror?.models<RegisteredModelDto>()
          if (!copy) return null
          return copy.models
            .filter((m) => !nameLike || likeMatches(m.name, nameLike, false))
            .map((m) => ({ ...m, offlineAsOf: copy.asOf }))
        },
      )
    },

    'tracking.model': async ({ name }) => {
      const s = store()
      const mirror = deps.trackingAccess.mirror?.() ?? null
      try {
        const detail = await modelDetail(s, name)
        mirror?.saveModelDetail(name, detail)
        return detail
      } catch (error) {
        // MLflow unreachable: the detail as this desktop last read it, marked with when (#21)
        const copy = isOffline(error) ? mirror?.modelDetail<ModelDetailDto>(name) : null
        if (!copy) throw error
        return offlineDetail(s, copy.detail, copy.asOf)
      }
    },

    'tracking.compareVersions': ({ name, base, other }) => compareVersions(store(), { name, base, other }),

    'tracking.promote': async ({ name, version, reason }, context) => {
      const s = store()
      const champion = await s.getVersionByAlias(name, CHAMPION)
      const decidedBy = who(deps.config(), context)
      if (champion?.version === version) {
        await s.getModelVersion(name, version)
        return {
          action: 'unchanged' as const,
          promoted: false,
          modelName: name,
          version,
          previousChampion: version,
          decidedBy,
          reason: `v${version} is already the champion of ${name}`,
          record: null,
        }
      }
      const decision = await promoteManually(s, { modelName: name, version, decidedBy, reason })
      deps.events.emit('tracking.changed', {
        modelName: name,
        action: decision.action,
        version: decision.version,
      })
      return toResultDto(decision)
    },

    'tracking.rollback': async ({ name, toVersion, reason }, context) => {
      const s = store()
      const decision = await rollbackChampion(s, {
        modelName: name,
        toVersion,
        reason,
        decidedBy: who(deps.config(), context),
      })
      deps.events.emit('tracking.changed', {
        modelName: name,
        action: decision.action,
        version: decision.version,
      })
      return toResultDto(decision)
    },

    'tracking.migrateNames': async () => {
      const migrations = await migrateModelNames(store())
      for (const m of migrations)
        for (const r of m.registered)
          deps.events.emit('tracking.changed', { modelName: m.to, action: 'migrate', version: r.to })
      return { migrations, lines: describeMigrations(migrations) }
    },
  }
}
