/**
 * RunsMirror: a local copy (tracking SQLite: runsMirrorSchema.ts, read and written by runsMirrorTables.ts)
 * of an MLflow server's experiments and active runs, so a run list answers from SQLite at once and still
 * answers while the server is down.
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
import { RunsMirrorTables } from './runsMirrorTables'
import type { Experiment, Run } from './trackingStore'

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
  private readonly tables: RunsMirrorTables
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
  private lastError: string | null = null
  /** When the last refresh ended (this process; 0: none yet). */
  private lastEnded = 0
  /** The last refresh failed because the server could not be reached (or what answered is not MLflow). */
  private offline = false

  constructor(options: RunsMirrorOptions) {
    this.db = options.db
    this.tables = new RunsMirrorTables(options.db, options.remote.client.http.baseUrl)
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
    return this.tables.asOf('runs') !== null && state.every((e) => e.fullAt !== null)
  }

  /** Whether a refresh ended less than `ms` ago (in this process). */
  refreshedWithin(ms: number): boolean {
    return this.clock() - this.lastEnded < ms
  }

  /** When the experiments list last came from the server (null: never). */
  listedAt(): number | null {
    return this.tables.asOf('runs')
  }

  /** Where a list of these experiments (all when empty) stands: its oldest refresh, and the last try. */
  mark(experimentIds: readonly string[] = []): MirrorMark {
    const marks = this.scopeState(experimentIds).map((e) => e.mark)
    return {
      asOf:
        marks.length === 0
          ? this.tables.asOf('runs')
          : marks.some((m) => m === null)
            ? null
            : Math.min(...(marks as number[])),
      offline: this.offline,
      refreshing: this.inFlight.size > 0,
      lastError: this.lastError,
    }
  }

  private scopeState(experimentIds: readonly string[]): { fullAt: number | null; mark: number | null }[] {
    const state = this.tables.experimentState()
    const ids = experimentIds.length ? experimentIds : [...state.keys()]
    return ids.map((id) => state.get(id) ?? { fullAt: null, mark: null })
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
    const state = this.tables.experimentState()
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
    const t = this.tables
    t.db.transaction(() => {
      changed += t.saveExperiments(active)
      // capped: the mirror holds the newest runs only, and says so (filtered lists then ask the server)
      const capped = fullRuns.length > this.fullLimit
      changed += t.replaceRuns(fresh, fullRuns.slice(0, this.fullLimit))
      if (capped) t.setAsOf('partial', started)
      else if (fresh.length === active.length) t.clearAsOf('partial')
      changed += t.upsertRuns(recent.runs)
      changed += t.removeRuns([...deleted, ...recent.gone])
      for (const id of deleteCheck) this.deleteCheckedAt.set(id, started)
      t.setMarks(fresh, started, true)
      t.setMarks(known, started, false)
      t.setAsOf('runs', started)
      if (changed > 0) t.changed()
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
    const stopped = this.tables.runningIds(experimentIds).filter((id) => !stillRunning.has(id))
    const replayed = this.tables.replayedUnseen(this.replayedLookedUp, BY_ID_CHUNK)
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
    const found = await this.byIds(experimentIds, this.tables.runIds(experimentIds), 'DELETED_ONLY')
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

  // ---------------------------------------------------------------- reads (SQLite)

  experiments(): Experiment[] {
    return this.tables.experiments()
  }

  /** The mirrored active runs of these experiments (all of them when empty), newest first; shared objects: read only. */
  runs(experimentIds: readonly string[] = []): Run[] {
    return this.tables.runs(experimentIds)
  }

  /** Keep the last registered-models list the server gave (`complete`: it was the whole list). */
  saveModels<T extends { name: string }>(models: readonly T[], complete: boolean): void {
    this.tables.saveModels(models, complete, this.clock())
  }

  /** The last registered-models list, or null when the server never gave one to this desktop. */
  models<T>(): { models: T[]; asOf: number } | null {
    return this.tables.models<T>()
  }

  /** Keep a model's detail (versions, aliases, history) as the server gave it, for `models show` offline. */
  saveModelDetail<T>(name: string, detail: T): void {
    this.tables.saveModelDetail(name, detail, this.clock())
  }

  /** A model's last detail from the server, or null when it never gave one to this desktop. */
  modelDetail<T>(name: string): { detail: T; asOf: number } | null {
    return this.tables.modelDetail<T>(name)
  }

  /** Whether a full search was capped at `fullLimit`: the mirror lacks older runs a filter might match. */
  partial(): boolean {
    return this.tables.asOf('partial') !== null
  }

  close(): void {
    if (this.ownsDb && this.db.open) this.db.close()
  }
}
