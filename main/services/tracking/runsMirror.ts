/**
 * RunsMirror: a local copy (tracking SQLite, runsMirrorSchema.ts) of an MLflow server's experiments and
 * active runs, so a run list answers from SQLite at once and still answers while the server is down.
 *
 * The first refresh of an experiment is the server's full search. Later refreshes ask only for what can
 * have changed since the high-water mark (the start of the last refresh, on this desktop's clock), because
 * MLflow 3.17's run search cannot filter on a run's last update (`attributes.last_update_time` is refused:
 * only start_time / end_time / created are numeric attributes, and only run_id takes IN lists):
 *   1. `attributes.start_time >= mark − overlap`      new runs;
 *   2. `attributes.end_time >= mark − overlap`        runs that ended since (their final metrics and status);
 *   3. `attributes.status = 'RUNNING'`                 runs still running (their metrics and tags change);
 *   4. by id (`attributes.run_id IN (…)`, 500 a request): mirrored runs that were running and rule 3 no
 *      longer lists (ended with an end time before the mark — a replayed or killed run — or deleted), and
 *      runs this desktop's offline outbox replayed (tr_outbox_ids) that the mirror has not seen;
 *   5. deleted view, by the mirrored ids: runs deleted since (at most every `deleteCheckMs`: the server
 *      parses ~1,000 ids in ~0.4 s).
 * The overlap (15 min) absorbs clock differences between desktops and runs written during a refresh.
 * What these cannot see — a run another desktop wrote later with old start and end times (its outbox
 * replayed), a restored run, a metric logged to a run that ended long ago — is caught by a full search in
 * the background once an experiment's last one is older than `reconcileMs` (1 h), or on `refresh({ full })`.
 */
import type Database from 'better-sqlite3'
import { isNotMlflow, isUnreachable } from './errors'
import { silentLogger, systemClock } from './logger'
import type { Clock, TrackingLogger } from './logger'
import type { MlflowTrackingStore } from './mlflowTrackingStore'
import { escapeFilterString } from './mlflowClient'
import { collectPages } from './pagedSearch'
import type { Experiment, Run, RunStatus } from './trackingStore'

export interface RunsMirrorOptions {
  db: Database.Database
  remote: MlflowTrackingStore
  clock?: Clock
  logger?: TrackingLogger
  overlapMs?: number
  reconcileMs?: number
  deleteCheckMs?: number
  /** Closes `db` with the mirror (it opened its own connection). */
  ownsDb?: boolean
  /** Mirror only the experiments whose names match this LIKE pattern (default: every active one). */
  nameLike?: string
  /** A full search keeps at most this many runs, newest first (default 10,000: the longest list asked for). */
  fullLimit?: number
}

export interface RefreshResult {
  /** Experiments read with the server's full search this time. */
  full: number
  /** Runs inserted, changed or removed in the mirror. */
  changed: number
  asOf: number
}

/** Where a mirrored answer stands: when it was last refreshed and whether the last try reached the server. */
export interface MirrorMark {
  asOf: number | null
  offline: boolean
  refreshing: boolean
  lastError: string | null
}

const BY_ID_CHUNK = 500

export class RunsMirror {
  readonly target: string
  private readonly db: Database.Database
  private readonly remote: MlflowTrackingStore
  private readonly clock: Clock
  private readonly logger: TrackingLogger
  private readonly overlapMs: number
  private readonly reconcileMs: number
  private readonly deleteCheckMs: number
  private readonly ownsDb: boolean
  private readonly nameLike?: string
  private readonly fullLimit: number
  private readonly inFlight = new Map<string, Promise<RefreshResult>>()
  /** When each experiment's mirrored runs were last checked for deletions (this process). */
  private readonly deleteCheckedAt = new Map<string, number>()
  /** Outbox-replayed runs already looked for by id (this process), found or not. */
  private readonly replayedLookedUp = new Set<string>()
  /** Runs as parsed for each experiment scope, valid while `parsedVersion` holds. */
  private readonly parsed = new Map<string, Run[]>()
  private parsedVersion = ''
  /** Transactions of this connection that changed mirrored runs. */
  private writes = 0
  private lastError: string | null = null
  /** When the last refresh ended (this process; 0: none yet). */
  private lastEnded = 0
  /** The last refresh failed because the server could not be reached (or what answered is not MLflow). */
  private offline = false

  constructor(options: RunsMirrorOptions) {
    this.db = options.db
    this.remote = options.remote
    this.target = options.remote.client.http.baseUrl
    this.clock = options.clock ?? systemClock
    this.logger = options.logger ?? silentLogger
    this.overlapMs = options.overlapMs ?? 15 * 60_000
    this.reconcileMs = options.reconcileMs ?? 60 * 60_000
    this.deleteCheckMs = options.deleteCheckMs ?? 60_000
    this.ownsDb = options.ownsDb ?? false
    this.nameLike = options.nameLike
    this.fullLimit = options.fullLimit ?? 10_000
  }

  // ---------------------------------------------------------------- reads (SQLite only)

  /** Whether these experiments' runs (all mirrored experiments' when empty) have had their first full search. */
  ready(experimentIds: readonly string[] = []): boolean {
    const state = this.scopeState(experimentIds)
    return this.asOf('runs') !== null && state.every((e) => e.fullAt !== null)
  }

  /** Whether a refresh ended less than `ms` ago (in this process). */
  refreshedWithin(ms: number): boolean {
    return this.clock() - this.lastEnded < ms
  }

  /** When the experiments list last came from the server (null: never). */
  listedAt(): number | null {
    return this.asOf('runs')
  }

  /** Where a list of these experiments (all when empty) stands: its oldest refresh, and the last try. */
  mark(experimentIds: readonly string[] = []): MirrorMark {
    const marks = this.scopeState(experimentIds).map((e) => e.mark)
    return {
      asOf:
        marks.length === 0
          ? this.asOf('runs')
          : marks.some((m) => m === null)
            ? null
            : Math.min(...(marks as number[])),
      offline: this.offline,
      refreshing: this.inFlight.size > 0,
      lastError: this.lastError,
    }
  }

  private scopeState(experimentIds: readonly string[]): { fullAt: number | null; mark: number | null }[] {
    const state = this.experimentState()
    const ids = experimentIds.length ? experimentIds : [...state.keys()]
    return ids.map((id) => state.get(id) ?? { fullAt: null, mark: null })
  }

  experiments(): Experiment[] {
    const rows = this.db
      .prepare(
        `SELECT experiment_id, name, lifecycle_stage, creation_time FROM tr_mirror_experiments
         WHERE target = ? ORDER BY name`,
      )
      .all(this.target) as {
      experiment_id: string
      name: string
      lifecycle_stage: string
      creation_time: number | null
    }[]
    return rows.map((r) => ({
      id: r.experiment_id,
      name: r.name,
      lifecycleStage: r.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
      creationTime: r.creation_time ?? undefined,
      tags: {},
    }))
  }

  /** The mirrored active runs of these experiments (all of them when empty), newest first; shared objects: read only. */
  runs(experimentIds: readonly string[] = []): Run[] {
    // parsed once per version of the mirror: this connection's writes, or a commit by another (the CLI)
    const version = `${String(this.db.pragma('data_version', { simple: true }))}:${this.writes}`
    if (version !== this.parsedVersion) {
      this.parsed.clear()
      this.parsedVersion = version
    }
    const ids = JSON.stringify([...experimentIds].sort())
    let runs = this.parsed.get(ids)
    if (!runs) {
      runs = this.readRuns(ids)
      this.parsed.set(ids, runs)
    }
    return runs.slice()
  }

  private readRuns(ids: string): Run[] {
    const rows = this.db
      .prepare(
        `SELECT run_id, experiment_id, run_name, status, start_time, end_time, data_json FROM tr_mirror_runs
         WHERE target = ? AND (json_array_length(?) = 0 OR experiment_id IN (SELECT value FROM json_each(?)))
         ORDER BY start_time DESC, run_id`,
      )
      .raw()
      .all(this.target, ids, ids) as [string, string, string, RunStatus, number, number | null, string][]
    return rows.map(([runId, experimentId, runName, status, startTime, endTime, json]) => {
      const data = JSON.parse(json) as {
        params: Record<string, string>
        metrics: Record<string, number | null>
        tags: Record<string, string>
      }
      const metrics: Record<string, number> = {}
      for (const k in data.metrics) metrics[k] = data.metrics[k] ?? Number.NaN
      return {
        info: {
          runId,
          experimentId,
          runName,
          status,
          startTime,
          endTime: endTime ?? undefined,
          lifecycleStage: 'active',
        },
        params: data.params,
        metrics,
        tags: data.tags,
      }
    })
  }

  // ---------------------------------------------------------------- refresh (the server)

  /**
   * Refresh these experiments (every active one when empty) and the experiments list. A call while the same
   * refresh runs shares its answer.
   */
  refresh(options: { experimentIds?: readonly string[]; full?: boolean } = {}): Promise<RefreshResult> {
    const scope = [...new Set(options.experimentIds ?? [])].sort()
    const key = JSON.stringify([scope, Boolean(options.full)])
    let running = this.inFlight.get(key)
    if (!running) {
      running = this.refreshOnce(scope, Boolean(options.full))
        .then(
          (result) => {
            this.lastError = null
            this.offline = false
            return result
          },
          (error: unknown) => {
            this.lastError =
              error instanceof Error ? this.remote.client.http.redact(error.message) : String(error)
            this.offline = isUnreachable(error) || isNotMlflow(error)
            throw error
          },
        )
        .finally(() => {
          this.inFlight.delete(key)
          this.lastEnded = this.clock()
        })
      this.inFlight.set(key, running)
    }
    return running
  }

  private async refreshOnce(scope: string[], forceFull: boolean): Promise<RefreshResult> {
    const started = this.clock()
    const experiments = await collectPages(
      (pageToken, maxResults) =>
        this.remote.searchExperiments({ nameLike: this.nameLike, pageToken, maxResults }),
      1000,
      Number.POSITIVE_INFINITY,
    )
    const active = experiments.filter((e) => e.lifecycleStage === 'active')
    const state = this.experimentState()
    const wanted = scope.length ? active.filter((e) => scope.includes(e.id)) : active
    // first time, or the last full search is older than the reconcile period
    const stale = (id: string) => forceFull || (state.get(id)?.fullAt ?? 0) < started - this.reconcileMs
    const fresh = wanted.filter((e) => stale(e.id)).map((e) => e.id)
    const known = wanted.filter((e) => !stale(e.id)).map((e) => e.id)
    const deleteCheck = known.filter(
      (id) => started - (this.deleteCheckedAt.get(id) ?? 0) >= this.deleteCheckMs,
    )

    const [fullRuns, recent, deleted] = await Promise.all([
      fresh.length
        ? this.remote.searchAllRuns(
            { experimentIds: fresh, viewType: 'ACTIVE_ONLY', orderBy: ['attributes.start_time DESC'] },
            this.fullLimit + 1,
          )
        : [],
      known.length
        ? this.changedSince(
            known,
            Math.min(...known.map((id) => state.get(id)?.mark ?? 0)),
            active.map((e) => e.id),
          )
        : { runs: [], gone: [] },
      deleteCheck.length ? this.deletedAmong(deleteCheck) : [],
    ])
    let changed = 0
    this.db.transaction(() => {
      changed += this.saveExperiments(active)
      // capped: the mirror holds the newest runs only, and says so (filtered lists then ask the server)
      const capped = fullRuns.length > this.fullLimit
      changed += this.replaceRuns(fresh, fullRuns.slice(0, this.fullLimit))
      if (capped) this.setAsOf('partial', started)
      else if (fresh.length === active.length) this.clearAsOf('partial')
      changed += this.upsertRuns(recent.runs)
      const remove = this.db.prepare('DELETE FROM tr_mirror_runs WHERE target = ? AND run_id = ?')
      for (const id of [...deleted, ...recent.gone]) changed += remove.run(this.target, id).changes
      for (const id of deleteCheck) this.deleteCheckedAt.set(id, started)
      const setMark = this.db.prepare(
        `UPDATE tr_mirror_experiments SET mark = ?, full_at = CASE WHEN ? THEN ? ELSE full_at END
         WHERE target = ? AND experiment_id = ?`,
      )
      for (const id of fresh) setMark.run(started, 1, started, this.target, id)
      for (const id of known) setMark.run(started, 0, started, this.target, id)
      this.setAsOf('runs', started)
      if (changed > 0) this.writes++
    })()
    if (changed > 0 || fresh.length > 0)
      this.logger.info('tracking: run mirror refreshed', {
        full: fresh.length,
        changed,
        host: this.remote.client.origin,
      })
    return { full: fresh.length, changed, asOf: started }
  }

  /**
   * Rules 1–3 of the header; then, by id, mirrored runs that were running and are no longer (ended with an
   * end time before the mark, or deleted: `gone`), and runs this desktop's outbox replayed (their times are
   * those of the work, often before the mark) that the mirror has not seen yet.
   */
  private async changedSince(
    experimentIds: string[],
    mark: number,
    active: string[],
  ): Promise<{ runs: Run[]; gone: string[] }> {
    const since = Math.max(0, mark - this.overlapMs)
    const [started, ended, running] = await Promise.all(
      [
        `attributes.start_time >= ${since}`,
        `attributes.end_time >= ${since}`,
        `attributes.status = 'RUNNING'`,
      ].map((filter) => this.remote.searchAllRuns({ experimentIds, filter, viewType: 'ACTIVE_ONLY' })),
    )
    const stillRunning = new Set(running.map((r) => r.info.runId))
    const stopped = this.runningIds(experimentIds).filter((id) => !stillRunning.has(id))
    const replayed = this.replayedUnseen()
    const found = await this.byIds(active, [...new Set([...stopped, ...replayed])], 'ACTIVE_ONLY')
    for (const id of replayed) this.replayedLookedUp.add(id)
    const foundIds = new Set(found.map((r) => r.info.runId))
    return {
      runs: [...started, ...ended, ...running, ...found],
      gone: stopped.filter((id) => !foundIds.has(id)),
    }
  }

  /** Rule 4: which mirrored runs of these experiments the server now lists as deleted. */
  private async deletedAmong(experimentIds: string[]): Promise<string[]> {
    const found = await this.byIds(experimentIds, this.runIds(experimentIds), 'DELETED_ONLY')
    return found.map((r) => r.info.runId)
  }

  /** The runs with these ids (500 a request: the server parses ~1,000 ids in ~0.4 s). */
  private async byIds(
    experimentIds: string[],
    ids: string[],
    viewType: 'ACTIVE_ONLY' | 'DELETED_ONLY',
  ): Promise<Run[]> {
    const out: Run[] = []
    for (let i = 0; i < ids.length && experimentIds.length > 0; i += BY_ID_CHUNK) {
      const list = ids.slice(i, i + BY_ID_CHUNK).map((id) => `'${escapeFilterString(id)}'`)
      const filter = `attributes.run_id IN (${list.join(', ')})`
      out.push(...(await this.remote.searchAllRuns({ experimentIds, filter, viewType })))
    }
    return out
  }

  private runningIds(experimentIds: readonly string[]): string[] {
    return this.db
      .prepare(
        `SELECT run_id FROM tr_mirror_runs WHERE target = ? AND status = 'RUNNING'
         AND experiment_id IN (SELECT value FROM json_each(?))`,
      )
      .pluck()
      .all(this.target, JSON.stringify(experimentIds)) as string[]
  }

  /** Runs the offline outbox replayed to this server (tr_outbox_ids) that the mirror does not hold. */
  private replayedUnseen(): string[] {
    const ids = this.db
      .prepare(
        `SELECT o.remote_id FROM tr_outbox_ids o
         WHERE o.target = ? AND o.local_id LIKE 'pending-run-%'
           AND NOT EXISTS (SELECT 1 FROM tr_mirror_runs m WHERE m.target = o.target AND m.run_id = o.remote_id)`,
      )
      .pluck()
      .all(this.target) as string[]
    return ids.filter((id) => !this.replayedLookedUp.has(id)).slice(0, BY_ID_CHUNK)
  }

  // ---------------------------------------------------------------- writes (SQLite)

  /** Upserts the server's active experiments; forgets experiments (and their runs) it no longer lists. */
  private saveExperiments(active: Experiment[]): number {
    let changed = 0
    this.db.transaction(() => {
      const keep = new Set(active.map((e) => e.id))
      const upsert = this.db.prepare(
        `INSERT INTO tr_mirror_experiments (target, experiment_id, name, lifecycle_stage, creation_time)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (target, experiment_id) DO UPDATE SET name = excluded.name,
           lifecycle_stage = excluded.lifecycle_stage, creation_time = excluded.creation_time`,
      )
      for (const e of active) upsert.run(this.target, e.id, e.name, e.lifecycleStage, e.creationTime ?? null)
      for (const { id } of this.experiments()) {
        if (keep.has(id)) continue
        changed += this.db
          .prepare('DELETE FROM tr_mirror_runs WHERE target = ? AND experiment_id = ?')
          .run(this.target, id).changes
        this.db
          .prepare('DELETE FROM tr_mirror_experiments WHERE target = ? AND experiment_id = ?')
          .run(this.target, id)
      }
    })()
    return changed
  }

  private experimentState(): Map<string, { fullAt: number | null; mark: number | null }> {
    const rows = this.db
      .prepare('SELECT experiment_id, full_at, mark FROM tr_mirror_experiments WHERE target = ?')
      .all(this.target) as { experiment_id: string; full_at: number | null; mark: number | null }[]
    return new Map(rows.map((r) => [r.experiment_id, { fullAt: r.full_at, mark: r.mark }]))
  }

  private runIds(experimentIds: readonly string[]): string[] {
    return this.db
      .prepare(
        `SELECT run_id FROM tr_mirror_runs WHERE target = ? AND experiment_id IN (SELECT value FROM json_each(?))`,
      )
      .pluck()
      .all(this.target, JSON.stringify(experimentIds)) as string[]
  }

  /** A full search's answer: the experiments' mirrored runs become exactly these. */
  private replaceRuns(experimentIds: string[], runs: Run[]): number {
    if (experimentIds.length === 0) return 0
    const seen = new Set(runs.map((r) => r.info.runId))
    let changed = this.upsertRuns(runs)
    const remove = this.db.prepare('DELETE FROM tr_mirror_runs WHERE target = ? AND run_id = ?')
    for (const id of this.runIds(experimentIds))
      if (!seen.has(id)) changed += remove.run(this.target, id).changes
    return changed
  }

  /** Inserts or updates runs; counts only those whose stored content actually changed. */
  private upsertRuns(runs: Run[]): number {
    const upsert = this.db.prepare(
      `INSERT INTO tr_mirror_runs (target, run_id, experiment_id, run_name, status, start_time, end_time, data_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (target, run_id) DO UPDATE SET experiment_id = excluded.experiment_id,
         run_name = excluded.run_name, status = excluded.status, start_time = excluded.start_time,
         end_time = excluded.end_time, data_json = excluded.data_json
       WHERE run_name IS NOT excluded.run_name OR status IS NOT excluded.status
         OR start_time IS NOT excluded.start_time OR end_time IS NOT excluded.end_time
         OR data_json IS NOT excluded.data_json OR experiment_id IS NOT excluded.experiment_id`,
    )
    let changed = 0
    for (const r of runs) {
      if (r.info.lifecycleStage !== 'active') continue
      const i = r.info
      changed += upsert.run(
        this.target,
        i.runId,
        i.experimentId,
        i.runName,
        i.status,
        i.startTime,
        i.endTime ?? null,
        runJson(r),
      ).changes
    }
    return changed
  }

  // ---------------------------------------------------------------- registered models (a snapshot)

  /** Keep the last registered-models list the server gave (`complete`: it was the whole list). */
  saveModels<T extends { name: string }>(models: readonly T[], complete: boolean): void {
    this.db.transaction(() => {
      if (complete) this.db.prepare('DELETE FROM tr_mirror_models WHERE target = ?').run(this.target)
      const upsert = this.db.prepare(
        'INSERT OR REPLACE INTO tr_mirror_models (target, name, model_json) VALUES (?, ?, ?)',
      )
      for (const m of models) upsert.run(this.target, m.name, JSON.stringify(m))
      if (complete) this.setAsOf('models', this.clock())
    })()
  }

  /** The last registered-models list, or null when the server never gave one to this desktop. */
  models<T>(): { models: T[]; asOf: number } | null {
    const asOf = this.asOf('models')
    if (asOf === null) return null
    const rows = this.db
      .prepare('SELECT model_json FROM tr_mirror_models WHERE target = ? ORDER BY name')
      .pluck()
      .all(this.target) as string[]
    return { models: rows.map((j) => JSON.parse(j) as T), asOf }
  }

  // ---------------------------------------------------------------- state

  /** Whether a full search was capped at `fullLimit`: the mirror lacks older runs a filter might match. */
  partial(): boolean {
    return this.asOf('partial') !== null
  }

  private clearAsOf(what: 'partial'): void {
    this.db.prepare('DELETE FROM tr_mirror_state WHERE target = ? AND what = ?').run(this.target, what)
  }

  private asOf(what: 'runs' | 'models' | 'partial'): number | null {
    const row = this.db
      .prepare('SELECT as_of FROM tr_mirror_state WHERE target = ? AND what = ?')
      .get(this.target, what) as { as_of: number } | undefined
    return row?.as_of ?? null
  }

  private setAsOf(what: 'runs' | 'models' | 'partial', at: number): void {
    this.db
      .prepare('INSERT OR REPLACE INTO tr_mirror_state (target, what, as_of) VALUES (?, ?, ?)')
      .run(this.target, what, at)
  }

  close(): void {
    if (this.ownsDb && this.db.open) this.db.close()
  }
}

/** A run's params, latest metrics (non-finite as null) and tags as JSON with sorted keys (stable to compare). */
function runJson(run: Run): string {
  const sorted = <T>(record: Record<string, T>, map: (v: T) => unknown = (v) => v) =>
    Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((k) => [k, map(record[k])]),
    )
  return JSON.stringify({
    params: sorted(run.params),
    metrics: sorted(run.metrics, (v) => (Number.isFinite(v) ? v : null)),
    tags: sorted(run.tags),
  })
}
