/**
 * The mirror's tables (runsMirrorSchema.ts) for one MLflow server (`target`): reads, and the writes a
 * refresh makes (runsMirror.ts decides which). Parsed runs are kept per version of the tables: this
 * connection's changes, or SQLite's `data_version` when another connection (the CLI beside the app) commits.
 */
import type Database from 'better-sqlite3'
import type { Experiment, Run, RunStatus } from './trackingStore'

export type MirrorState = 'runs' | 'models' | 'partial'

export class RunsMirrorTables {
  /** Runs as parsed for each experiment scope, valid while `parsedVersion` holds. */
  private readonly parsed = new Map<string, Run[]>()
  private parsedVersion = ''
  /** Transactions of this connection that changed mirrored runs. */
  private writes = 0

  constructor(
    readonly db: Database.Database,
    readonly target: string,
  ) {}

  /** Call after a transaction that changed mirrored runs (parsed copies are then read again). */
  changed(): void {
    this.writes++
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

  /** Upserts the server's active experiments; forgets experiments (and their runs) it no longer lists. */
  saveExperiments(active: Experiment[]): number {
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

  experimentState(): Map<string, { fullAt: number | null; mark: number | null }> {
    const rows = this.db
      .prepare('SELECT experiment_id, full_at, mark FROM tr_mirror_experiments WHERE target = ?')
      .all(this.target) as { experiment_id: string; full_at: number | null; mark: number | null }[]
    return new Map(rows.map((r) => [r.experiment_id, { fullAt: r.full_at, mark: r.mark }]))
  }

  runIds(experimentIds: readonly string[]): string[] {
    return this.db
      .prepare(
        `SELECT run_id FROM tr_mirror_runs WHERE target = ? AND experiment_id IN (SELECT value FROM json_each(?))`,
      )
      .pluck()
      .all(this.target, JSON.stringify(experimentIds)) as string[]
  }

  /** A full search's answer: the experiments' mirrored runs become exactly these. */
  replaceRuns(experimentIds: string[], runs: Run[]): number {
    if (experimentIds.length === 0) return 0
    const seen = new Set(runs.map((r) => r.info.runId))
    let changed = this.upsertRuns(runs)
    const remove = this.db.prepare('DELETE FROM tr_mirror_runs WHERE target = ? AND run_id = ?')
    for (const id of this.runIds(experimentIds))
      if (!seen.has(id)) changed += remove.run(this.target, id).changes
    return changed
  }

  /** Inserts or updates runs; counts only those whose stored content actually changed. */
  upsertRuns(runs: Run[]): number {
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

  runningIds(experimentIds: readonly string[]): string[] {
    return this.db
      .prepare(
        `SELECT run_id FROM tr_mirror_runs WHERE target = ? AND status = 'RUNNING'
         AND experiment_id IN (SELECT value FROM json_each(?))`,
      )
      .pluck()
      .all(this.target, JSON.stringify(experimentIds)) as string[]
  }

  /** Runs the offline outbox replayed to this server (tr_outbox_ids) that the mirror does not hold. */
  replayedUnseen(skip: ReadonlySet<string>, limit: number): string[] {
    const ids = this.db
      .prepare(
        `SELECT o.remote_id FROM tr_outbox_ids o
         WHERE o.target = ? AND o.local_id LIKE 'pending-run-%'
           AND NOT EXISTS (SELECT 1 FROM tr_mirror_runs m WHERE m.target = o.target AND m.run_id = o.remote_id)`,
      )
      .pluck()
      .all(this.target) as string[]
    return ids.filter((id) => !skip.has(id)).slice(0, limit)
  }

  removeRuns(ids: readonly string[]): number {
    const remove = this.db.prepare('DELETE FROM tr_mirror_runs WHERE target = ? AND run_id = ?')
    let changed = 0
    for (const id of ids) changed += remove.run(this.target, id).changes
    return changed
  }

  /** The high-water mark of these experiments, and their full search when `full`. */
  setMarks(experimentIds: readonly string[], at: number, full: boolean): void {
    const setMark = this.db.prepare(
      `UPDATE tr_mirror_experiments SET mark = ?, full_at = CASE WHEN ? THEN ? ELSE full_at END
       WHERE target = ? AND experiment_id = ?`,
    )
    for (const id of experimentIds) setMark.run(at, full ? 1 : 0, at, this.target, id)
  }

  /** Keep the last registered-models list the server gave (`complete`: it was the whole list). */
  saveModels<T extends { name: string }>(models: readonly T[], complete: boolean, at: number): void {
    this.db.transaction(() => {
      if (complete) this.db.prepare('DELETE FROM tr_mirror_models WHERE target = ?').run(this.target)
      const upsert = this.db.prepare(
        'INSERT OR REPLACE INTO tr_mirror_models (target, name, model_json) VALUES (?, ?, ?)',
      )
      for (const m of models) upsert.run(this.target, m.name, JSON.stringify(m))
      if (complete) this.setAsOf('models', at)
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

  saveModelDetail<T>(name: string, detail: T, at: number): void {
    this.db
      .prepare(
        'INSERT OR REPLACE INTO tr_mirror_model_details (target, name, detail_json, as_of) VALUES (?, ?, ?, ?)',
      )
      .run(this.target, name, JSON.stringify(detail), at)
  }

  /** A model's detail as the server last gave it, or null when it never did to this desktop. */
  modelDetail<T>(name: string): { detail: T; asOf: number } | null {
    const row = this.db
      .prepare('SELECT detail_json, as_of FROM tr_mirror_model_details WHERE target = ? AND name = ?')
      .get(this.target, name) as { detail_json: string; as_of: number } | undefined
    return row ? { detail: JSON.parse(row.detail_json) as T, asOf: row.as_of } : null
  }

  clearAsOf(what: MirrorState): void {
    this.db.prepare('DELETE FROM tr_mirror_state WHERE target = ? AND what = ?').run(this.target, what)
  }

  asOf(what: MirrorState): number | null {
    const row = this.db
      .prepare('SELECT as_of FROM tr_mirror_state WHERE target = ? AND what = ?')
      .get(this.target, what) as { as_of: number } | undefined
    return row?.as_of ?? null
  }

  setAsOf(what: MirrorState, at: number): void {
    this.db
      .prepare('INSERT OR REPLACE INTO tr_mirror_state (target, what, as_of) VALUES (?, ?, ?)')
      .run(this.target, what, at)
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
