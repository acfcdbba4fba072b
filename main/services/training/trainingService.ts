/**
 * The training service the app, the bridge and the CLI share: starts pipeline runs (one at a time across
 * processes, see pipelineLock), reports status and progress, keeps the run history, cancels.
 *
 * The tracking and feature stores are opened per run through the injected factories and closed after it,
 * so a long-lived app holds no connection to MLflow or Redis between weekly runs. Pipeline runs are
 * recorded in the app database's `settings` table (key `training.pipeline.history`, newest first, the last
 * 50) — the schema has no table of its own for them yet.
 */
import { randomUUID } from 'node:crypto'
import type Database from 'better-sqlite3'
import type { SettingsStore } from '../data/db'
import type { TrackingStore } from '../tracking/trackingStore'
import type { FeatureStore } from '../features/featureStore'
import { TrainingError } from './errors'
import { createPipelineLock, type LockInfo, type PipelineLock } from './pipelineLock'
import {
  DEFAULT_PIPELINE_SETTINGS,
  runPipeline,
  type PipelineEvent,
  type PipelineRunRecord,
  type PipelineSettings,
  type PipelineTrigger,
} from './pipeline'
import { featureStoreRebuilder } from './featureRebuild'
import { createSelectionMemo } from './pipeline/selectionMemo'
import { createWorkerPool, defaultPoolSize, type JobInfo, type WorkerPool } from './workerPool'

export const HISTORY_KEY = 'training.pipeline.history'
export const LEAGUES_KEY = 'training.leagues'
export const HISTORY_LIMIT = 50

export type TrainingEvent =
  | {
      type: 'progress'
      runId: string
      league: string | null
      stage: string
      fraction: number
      message: string
    }
  | {
      type: 'log'
      runId: string
      league: string | null
      level: 'info' | 'warn' | 'error'
      message: string
      at: number
    }
  | { type: 'finished'; run: PipelineRunRecord }

export interface TrainingServiceOptions {
  db: Database.Database
  settings: SettingsStore
  /** Opens the tracking store for a run (closed after it). */
  openTracking: () => TrackingStore | Promise<TrackingStore>
  /** Opens the feature store for a run (closed after it); null or absent: no feature rebuild. */
  openFeatures?: () => Promise<FeatureStore | null>
  /** The worker entry; default this folder's `modelWorker.ts` (Electron passes its `?modulePath` build). */
  workerUrl?: URL | string
  /** Default CPU cores − 1, at least 1. */
  poolSize?: number
  /** Fixed settings, or a function read at the start of every run (the app's stored defaults). */
  pipelineSettings?: Partial<PipelineSettings> | (() => Partial<PipelineSettings>)
  onEvent?: (event: TrainingEvent) => void
  now?: () => number
  codeVersion?: string
  /** The experiments' name prefix (config `mlflow.experimentPrefix`), read at the start of every run. */
  experimentPrefix?: () => string
}

export interface RunProgress {
  league: string | null
  stage: string
  fraction: number
  message: string
}

export interface TrainingStatus {
  state: 'idle' | 'running'
  current: {
    id: string
    trigger: PipelineTrigger
    startedAt: number
    leagues: string[]
    progress: RunProgress | null
    cancelling: boolean
  } | null
  /** A run in another process (the lock holder), when this one is idle. */
  elsewhere: LockInfo | null
  jobs: JobInfo[]
  workers: { size: number; live: number }
  lastRun: PipelineRunRecord | null
}

export interface StartedRun {
  id: string
  leagues: string[]
  done: Promise<PipelineRunRecord>
}

export interface TrainingService {
  /** `model`: the goal-model variant (or 'auto') for this run only, over the stored settings. */
  start(input?: {
    leagues?: string[]
    trigger?: PipelineTrigger
    model?: PipelineSettings['model']
    /** Train and register even when nothing changed since the newest version (same data and settings). */
    force?: boolean
  }): StartedRun
  status(): TrainingStatus
  history(limit?: number): PipelineRunRecord[]
  cancel(id?: string): boolean
  /** Leagues a run without `leagues` trains: the `training.leagues` setting, else every league in the store. */
  defaultLeagues(): string[]
  readonly lock: PipelineLock
  close(): Promise<void>
}

export function createTrainingService(options: TrainingServiceOptions): TrainingService {
  const { db, settings } = options
  const now = options.now ?? Date.now
  const lock = createPipelineLock(db)
  const settingsNow = (): PipelineSettings => ({
    ...DEFAULT_PIPELINE_SETTINGS,
    ...(typeof options.pipelineSettings === 'function'
      ? options.pipelineSettings()
      : options.pipelineSettings),
  })
  // --model auto choices reused for the service's life before the tracking store is asked (#23)
  const selectionMemo = createSelectionMemo()
  let pool: WorkerPool | null = null
  const getPool = () =>
    (pool ??= createWorkerPool({
      workerUrl: options.workerUrl ?? new URL('./modelWorker.ts', import.meta.url),
      size: options.poolSize ?? defaultPoolSize(),
    }))
  let current:
    | (NonNullable<TrainingStatus['current']> & {
        controller: AbortController
        done: Promise<PipelineRunRecord>
        model?: PipelineSettings['model']
        force?: boolean
      })
    | null = null
  let closed = false

  const emit = (event: TrainingEvent) => {
    try {
      options.onEvent?.(event)
    } catch {
      // listeners must not break a run
    }
  }

  const readHistory = (): PipelineRunRecord[] => {
    const raw = settings.get(HISTORY_KEY)
    if (!raw) return []
    try {
      const parsed = JSON.parse(raw) as unknown
      return Array.isArray(parsed) ? (parsed as PipelineRunRecord[]) : []
    } catch {
      return []
    }
  }
  /** Insert or replace a run in the history (newest first), in one transaction against other processes. */
  const saveRun = db.transaction((run: PipelineRunRecord) => {
    const list = readHistory().filter((r) => r.id !== run.id)
    list.unshift(run)
    list.sort((a, b) => b.startedAt - a.startedAt)
    settings.set(HISTORY_KEY, JSON.stringify(list.slice(0, HISTORY_LIMIT)))
  })

  /** A run left `running` by a process that died: mark it failed so the history tells the truth. */
  const markInterrupted = (stale: LockInfo) => {
    const run = readHistory().find((r) => r.id === stale.runId)
    if (run && run.state === 'running') {
      saveRun.immediate({
        ...run,
        state: 'failed',
        endedAt: now(),
        summary: `interrupted: the process running it (pid ${stale.pid}) stopped before it finished`,
      })
    }
  }

  const defaultLeagues = (): string[] => {
    const configured = settings.get(LEAGUES_KEY)
    if (configured) {
      try {
        const list = JSON.parse(configured) as unknown
        if (Array.isArray(list) && list.every((x) => typeof x === 'string') && list.length > 0) return list
      } catch {
        // fall through to every league in the store
      }
    }
    return db
      .prepare('SELECT DISTINCT league_code FROM matches WHERE deleted = 0 ORDER BY league_code')
      .pluck()
      .all() as string[]
  }

  /** The stored settings, with this run's model variant when it named one. */
  const runSettings = (model: PipelineSettings['model'] | undefined): PipelineSettings =>
    model ? { ...settingsNow(), model } : settingsNow()

  async function execute(run: NonNullable<typeof current>): Promise<PipelineRunRecord> {
    const pipelineSettings = runSettings(run.model)
    let tracking: TrackingStore | null = null
    let features: FeatureStore | null = null
    const onEvent = (e: PipelineEvent) => {
      if (e.type === 'progress') {
        run.progress = { league: e.league, stage: e.stage, fraction: e.fraction, message: e.message }
        emit(e)
      } else emit({ ...e, at: now() })
    }
    try {
      tracking = await options.openTracking()
      features = options.openFeatures
        ? await options.openFeatures().catch((error: Error) => {
            onEvent({
              type: 'log',
              runId: run.id,
              league: null,
              level: 'warn',
              message: `feature store unavailable, features will not be rebuilt: ${error.message}`,
            })
            return null
          })
        : null
      return await runPipeline(
        run.leagues,
        pipelineSettings,
        {
          db,
          tracking,
          pool: getPool(),
          rebuildFeatures: features
            ? featureStoreRebuilder(features, db, {
                margin: pipelineSettings.margin,
                blend: pipelineSettings.blend,
              })
            : null,
          onEvent,
          signal: run.controller.signal,
          now,
          codeVersion: options.codeVersion,
          force: run.force ?? false,
          experimentPrefix: options.experimentPrefix?.(),
          selectionMemo,
        },
        { id: run.id, trigger: run.trigger },
      )
    } catch (error) {
      // the stores could not be opened: every league fails with that reason
      const message = (error as Error)?.message ?? String(error)
      const code =
        typeof (error as { code?: unknown })?.code === 'string'
          ? (error as { code: string }).code
          : 'JOB_FAILED'
      return {
        id: run.id,
        trigger: run.trigger,
        state: 'failed',
        startedAt: run.startedAt,
        endedAt: now(),
        leagues: [],
        features: { rebuilt: false, views: [], note: null, ms: null, error: null },
        settings: { ...pipelineSettings, xiGrid: [...pipelineSettings.xiGrid], market: [] },
        summary: `${code}: ${message}`,
      }
    } finally {
      await features?.close().catch(() => {})
      tracking?.close()
    }
  }

  return {
    lock,
    defaultLeagues,
    start(input = {}) {
      if (closed) throw new TrainingError('POOL_CLOSED', 'The training service is closed')
      if (current) {
        throw new TrainingError(
          'PIPELINE_BUSY',
          `Pipeline run ${current.id} is already running; wait for it or cancel it.`,
          {
            runId: current.id,
          },
        )
      }
      const leagues = input.leagues?.length ? [...new Set(input.leagues)] : defaultLeagues()
      if (leagues.length === 0) {
        throw new TrainingError(
          'PIPELINE_NO_DATA',
          'No league to train: the local store has no matches. Import season CSVs (scoreline data import) or sync (scoreline data sync) first.',
        )
      }
      const id = `run-${new Date(now()).toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomUUID().slice(0, 6)}`
      const acquired = lock.acquire(id, now())
      if (!acquired.ok) {
        throw new TrainingError(
          'PIPELINE_BUSY',
          `Another pipeline run (${acquired.heldBy.runId}, pid ${acquired.heldBy.pid} on ${acquired.heldBy.hostname}) is running; only one runs at a time.`,
          { heldBy: acquired.heldBy },
        )
      }
      if (acquired.clearedStale) markInterrupted(acquired.clearedStale)
      const trigger = input.trigger ?? 'manual'
      const startedAt = now()
      const pipelineSettings = runSettings(input.model)
      const run = {
        model: input.model,
        force: input.force,
        id,
        trigger,
        startedAt,
        leagues,
        progress: null,
        cancelling: false,
        controller: new AbortController(),
        done: Promise.resolve(null as unknown as PipelineRunRecord),
      }
      saveRun.immediate({
        id,
        trigger,
        state: 'running',
        startedAt,
        endedAt: null,
        leagues: [],
        features: { rebuilt: false, views: [], note: null, ms: null, error: null },
        settings: { ...pipelineSettings, xiGrid: [...pipelineSettings.xiGrid], market: [] },
        summary: `training ${leagues.join(', ')}`,
      })
      current = run
      emit({
        type: 'log',
        runId: id,
        league: null,
        level: 'info',
        message: `pipeline ${id} started (${trigger}): ${leagues.join(', ')}`,
        at: now(),
      })
      run.done = execute(run).then((record) => {
        try {
          saveRun.immediate(record)
        } finally {
          lock.release(id)
          current = null
        }
        emit({
          type: 'log',
          runId: id,
          league: null,
          level: record.state === 'succeeded' ? 'info' : 'warn',
          message: record.summary,
          at: now(),
        })
        emit({ type: 'finished', run: record })
        return record
      })
      return { id, leagues, done: run.done }
    },
    status() {
      const held = lock.read()
      const c = current
      return {
        state: c ? 'running' : 'idle',
        current: c
          ? {
              id: c.id,
              trigger: c.trigger,
              startedAt: c.startedAt,
              leagues: c.leagues,
              progress: c.progress,
              cancelling: c.cancelling,
            }
          : null,
        elsewhere: !c && held && lock.isLive(held, now()) ? held : null,
        jobs: pool ? pool.jobs().slice(0, 50) : [],
        workers: {
          size: pool?.size ?? options.poolSize ?? defaultPoolSize(),
          live: pool?.liveWorkers() ?? 0,
        },
        lastRun: readHistory().find((r) => r.state !== 'running') ?? null,
      }
    },
    history(limit = 20) {
      return readHistory().slice(0, limit)
    },
    cancel(id) {
      if (!current || (id !== undefined && id !== current.id)) return false
      current.cancelling = true
      current.controller.abort()
      return true
    },
    async close() {
      closed = true
      if (current) {
        current.controller.abort()
        await current.done.catch(() => {})
      }
      await pool?.close()
      lock.dispose()
    },
  }
}
