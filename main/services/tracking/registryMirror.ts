/**
 * The registry as this desktop last knew it (#21): versions with their run, evaluation window, run params and
 * per-match scores, and the aliases. The pipeline decides promotion against this champion when MLflow is
 * unreachable, and the outbox answers alias and version reads from it while offline. Refreshed from every
 * answer the server gives and every decision this desktop makes; placeholders (`pending-…`) are renamed to
 * the server's ids when the outbox replays them.
 */
import type Database from 'better-sqlite3'
import type { MatchScore } from './sameMatches'

export interface MirroredVersion {
  modelName: string
  version: string
  runId?: string
  evalWindow?: string
  /** The run's params (what a champion is re-scored with). */
  params?: Record<string, string>
  /** Per-match scores on `evalWindow` (served and model RPS by match id). */
  scores?: MatchScore[]
  updatedAt: number
}

interface Row {
  model_name: string
  version: string
  run_id: string | null
  eval_window: string | null
  protocol: string | null
  scores_json: string | null
  updated_at: number
}

export class RegistryMirror {
  constructor(
    private readonly db: Database.Database,
    readonly target: string,
  ) {}

  /** Record what is known of a version; fields left undefined keep their stored value. */
  recordVersion(v: Omit<MirroredVersion, 'updatedAt'>, now = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO tr_registry_versions (target, model_name, version, run_id, eval_window, protocol, scores_json, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (target, model_name, version) DO UPDATE SET
           run_id = COALESCE(excluded.run_id, run_id), eval_window = COALESCE(excluded.eval_window, eval_window),
           protocol = COALESCE(excluded.protocol, protocol), scores_json = COALESCE(excluded.scores_json, scores_json),
           updated_at = excluded.updated_at`,
      )
      .run(
        this.target,
        v.modelName,
        v.version,
        v.runId ?? null,
        v.evalWindow ?? null,
        v.params ? JSON.stringify(v.params) : null,
        v.scores ? JSON.stringify(v.scores) : null,
        now,
      )
  }

  version(modelName: string, version: string): MirroredVersion | null {
    const row = this.db
      .prepare('SELECT * FROM tr_registry_versions WHERE target = ? AND model_name = ? AND version = ?')
      .get(this.target, modelName, version) as Row | undefined
    return row ? fromRow(row) : null
  }

  setAlias(modelName: string, alias: string, version: string, now = Date.now()): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO tr_registry_aliases (target, model_name, alias, version, updated_at) VALUES (?, ?, ?, ?, ?)`,
      )
      .run(this.target, modelName, alias, version, now)
  }

  deleteAlias(modelName: string, alias: string): void {
    this.db
      .prepare('DELETE FROM tr_registry_aliases WHERE target = ? AND model_name = ? AND alias = ?')
      .run(this.target, modelName, alias)
  }

  /** alias → version, as last known. */
  aliases(modelName: string): Record<string, string> {
    const rows = this.db
      .prepare('SELECT alias, version FROM tr_registry_aliases WHERE target = ? AND model_name = ?')
      .all(this.target, modelName) as { alias: string; version: string }[]
    return Object.fromEntries(rows.map((r) => [r.alias, r.version]))
  }

  /** Replace a model's aliases with what the server answered (aliases it no longer has are dropped). */
  replaceAliases(modelName: string, aliases: Record<string, string>, now = Date.now()): void {
    this.db.transaction(() => {
      this.db
        .prepare('DELETE FROM tr_registry_aliases WHERE target = ? AND model_name = ?')
        .run(this.target, modelName)
      for (const [alias, version] of Object.entries(aliases)) this.setAlias(modelName, alias, version, now)
    })()
  }

  /** A placeholder id became the server's id (outbox replay): versions, aliases and runs follow. */
  rename(localId: string, remoteId: string): void {
    const t = this.target
    if (localId.startsWith('pending-version-')) {
      this.db
        .prepare('UPDATE OR REPLACE tr_registry_versions SET version = ? WHERE target = ? AND version = ?')
        .run(remoteId, t, localId)
      this.db
        .prepare('UPDATE tr_registry_aliases SET version = ? WHERE target = ? AND version = ?')
        .run(remoteId, t, localId)
    } else if (localId.startsWith('pending-run-')) {
      this.db
        .prepare('UPDATE tr_registry_versions SET run_id = ? WHERE target = ? AND run_id = ?')
        .run(remoteId, t, localId)
    }
  }
}

function fromRow(r: Row): MirroredVersion {
  return {
    modelName: r.model_name,
    version: r.version,
    ...(r.run_id ? { runId: r.run_id } : {}),
    ...(r.eval_window ? { evalWindow: r.eval_window } : {}),
    ...(r.protocol ? { params: JSON.parse(r.protocol) as Record<string, string> } : {}),
    ...(r.scores_json ? { scores: JSON.parse(r.scores_json) as MatchScore[] } : {}),
    updatedAt: r.updated_at,
  }
}
