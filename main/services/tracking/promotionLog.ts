/**
 * The local promotion log: every alias decision (automatic promotion, manual promote, rollback) with both
 * scores, the margin and who decided. MLflow keeps no alias history, so this is the audit trail, kept in
 * the tracking database for whichever store (local or MLflow) holds the registry.
 */
import type Database from 'better-sqlite3'

export type PromotionAction = 'promote' | 'challenger' | 'rollback' | 'manual-promote'

export interface PromotionRecord {
  id: number
  decidedAt: number
  /** Which registry: the MLflow host or `local`. */
  target: string
  modelName: string
  action: PromotionAction
  alias: string
  version: string
  previousVersion?: string
  metric?: string
  candidateScore?: number
  championScore?: number
  margin?: number
  evalWindow?: string
  decidedBy: string
  /** One plain sentence (≤ 120 characters). */
  reason: string
  /** What the label says (`shared/modelReport.ts`); absent on records written before it. */
  outcome?: string
  /** The full account behind `reason`. */
  detail?: string
  /** Matches both scores were taken on, and whether both versions scored exactly those. */
  matches?: number
  matchesIdentical?: boolean
}

export class PromotionLog {
  constructor(
    private readonly db: Database.Database,
    readonly target: string,
  ) {}

  append(record: Omit<PromotionRecord, 'id' | 'target'>): PromotionRecord {
    const info = this.db
      .prepare(
        `INSERT INTO tr_promotion_log (decided_at, target, model_name, action, alias, version, previous_version,
           metric, candidate_score, champion_score, margin, eval_window, decided_by, reason, outcome, detail, matches,
           matches_identical)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        record.decidedAt,
        this.target,
        record.modelName,
        record.action,
        record.alias,
        record.version,
        record.previousVersion ?? null,
        record.metric ?? null,
        record.candidateScore ?? null,
        record.championScore ?? null,
        record.margin ?? null,
        record.evalWindow ?? null,
        record.decidedBy,
        record.reason,
        record.outcome ?? null,
        record.detail ?? null,
        record.matches ?? null,
        record.matchesIdentical === undefined ? null : record.matchesIdentical ? 1 : 0,
      )
    return { ...record, id: Number(info.lastInsertRowid), target: this.target }
  }

  /** Newest first. */
  history(modelName: string, limit = 100): PromotionRecord[] {
    const rows = this.db
      .prepare(`SELECT * FROM tr_promotion_log WHERE target = ? AND model_name = ? ORDER BY id DESC LIMIT ?`)
      .all(this.target, modelName, limit) as Record<string, unknown>[]
    return rows.map((r) => ({
      id: r.id as number,
      decidedAt: r.decided_at as number,
      target: r.target as string,
      modelName: r.model_name as string,
      action: r.action as PromotionAction,
      alias: r.alias as string,
      version: r.version as string,
      previousVersion: (r.previous_version as string | null) ?? undefined,
      metric: (r.metric as string | null) ?? undefined,
      candidateScore: (r.candidate_score as number | null) ?? undefined,
      championScore: (r.champion_score as number | null) ?? undefined,
      margin: (r.margin as number | null) ?? undefined,
      evalWindow: (r.eval_window as string | null) ?? undefined,
      decidedBy: r.decided_by as string,
      reason: r.reason as string,
      outcome: (r.outcome as string | null) ?? undefined,
      detail: (r.detail as string | null) ?? undefined,
      matches: (r.matches as number | null) ?? undefined,
      matchesIdentical:
        r.matches_identical === null || r.matches_identical === undefined
          ? undefined
          : r.matches_identical === 1,
    }))
  }
}
