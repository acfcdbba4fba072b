/**
 * The promotion log: every alias decision (automatic promotion, manual promote, rollback) with both scores,
 * n, the margin and who decided. MLflow keeps no alias history, so this is the audit trail, kept in the
 * tracking database for whichever store (local or MLflow) holds the registry — and, when a database URL is
 * configured, shared with the team through Postgres (`sharedPromotionHistory.ts`) and mirrored back here so
 * it reads offline (#21). Each decision has an id, so a replay or a second pull never duplicates it.
 */
import { randomUUID } from 'node:crypto'
import type Database from 'better-sqlite3'
import { RegistryMirror } from './registryMirror'
import type { SharedPromotionHistory } from './sharedPromotionHistory'

export type PromotionAction = 'promote' | 'challenger' | 'rollback' | 'manual-promote'

export interface PromotionRecord {
  id: number
  /** The same on every desktop, MLflow's `scoreline.promotion.id` tag and the shared Postgres history. */
  decisionId: string
  /** 'queued' while it waits in the offline outbox, 'applied' once the registry holds it. */
  state: 'queued' | 'applied'
  /** Set when the replay re-decided against a champion another desktop promoted meanwhile. */
  redecided?: string
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

export type NewPromotionRecord = Omit<PromotionRecord, 'id' | 'target' | 'decisionId' | 'state'> & {
  decisionId?: string
  state?: PromotionRecord['state']
}

export class PromotionLog {
  /** The registry as this desktop last knew it (the champion it decides against offline). */
  readonly mirror: RegistryMirror
  private shared: SharedPromotionHistory | null = null

  constructor(
    private readonly db: Database.Database,
    readonly target: string,
  ) {
    this.mirror = new RegistryMirror(db, target)
  }

  /** Share decisions with the team through Postgres (a database URL is configured). */
  share(shared: SharedPromotionHistory | null): void {
    this.shared = shared
  }

  get sharedWith(): string | null {
    return this.shared?.host ?? null
  }

  /** Record a decision locally (a second record with the same decision id replaces the first). */
  append(record: NewPromotionRecord): PromotionRecord {
    const full = {
      ...record,
      decisionId: record.decisionId ?? randomUUID(),
      state: record.state ?? 'applied',
    }
    const values = [
      full.decidedAt,
      this.target,
      full.modelName,
      full.action,
      full.alias,
      full.version,
      full.previousVersion ?? null,
      full.metric ?? null,
      full.candidateScore ?? null,
      full.championScore ?? null,
      full.margin ?? null,
      full.evalWindow ?? null,
      full.decidedBy,
      full.reason,
      full.outcome ?? null,
      full.detail ?? null,
      full.matches ?? null,
      full.matchesIdentical === undefined ? null : full.matchesIdentical ? 1 : 0,
      full.decisionId,
      full.state,
    ]
    const row = this.db
      .prepare(
        `INSERT INTO tr_promotion_log (decided_at, target, model_name, action, alias, version, previous_version,
           metric, candidate_score, champion_score, margin, eval_window, decided_by, reason, outcome, detail, matches,
           matches_identical, decision_id, state)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (decision_id) DO UPDATE SET decided_at = excluded.decided_at, action = excluded.action,
           alias = excluded.alias, version = excluded.version, previous_version = excluded.previous_version,
           metric = excluded.metric, candidate_score = excluded.candidate_score,
           champion_score = excluded.champion_score, margin = excluded.margin, eval_window = excluded.eval_window,
           decided_by = excluded.decided_by, reason = excluded.reason, outcome = excluded.outcome,
           detail = excluded.detail, matches = excluded.matches, matches_identical = excluded.matches_identical,
           state = excluded.state
         RETURNING id`,
      )
      .get(...values) as { id: number }
    return { ...full, id: row.id, target: this.target }
  }

  /** Newest first. */
  history(modelName: string, limit = 100): PromotionRecord[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM tr_promotion_log WHERE target = ? AND model_name = ? ORDER BY decided_at DESC, id DESC LIMIT ?`,
      )
      .all(this.target, modelName, limit) as Record<string, unknown>[]
    return rows.map(fromRow)
  }

  byDecision(decisionId: string): PromotionRecord | null {
    const row = this.db.prepare('SELECT * FROM tr_promotion_log WHERE decision_id = ?').get(decisionId) as
      Record<string, unknown> | undefined
    return row ? fromRow(row) : null
  }

  /** A queued version got the server's number on replay. */
  renameVersion(localId: string, remoteId: string): void {
    this.db
      .prepare('UPDATE tr_promotion_log SET version = ? WHERE target = ? AND version = ?')
      .run(remoteId, this.target, localId)
    this.db
      .prepare('UPDATE tr_promotion_log SET previous_version = ? WHERE target = ? AND previous_version = ?')
      .run(remoteId, this.target, localId)
    this.mirror.rename(localId, remoteId)
  }

  /** Write a decision to the team's history (no-op without Postgres; a failure leaves it for `read`). */
  async publish(record: PromotionRecord): Promise<void> {
    if (!this.shared || record.state !== 'applied') return
    await this.shared.write([record]).catch(() => undefined)
  }

  /**
   * The history as the team sees it: with Postgres, the team's decisions are pulled into this log first (and
   * this desktop's applied ones it has not got yet are sent); without it, or when it is unreachable, the
   * local log answers. `source` says which.
   */
  async read(modelName: string, limit = 100): Promise<{ records: PromotionRecord[]; source: string }> {
    if (!this.shared) return { records: this.history(modelName, limit), source: 'this desktop' }
    try {
      // records from before decision ids (`local-<row>`) are this desktop's alone: never shared
      const local = this.history(modelName, 1000).filter(
        (r) => r.state === 'applied' && !r.decisionId.startsWith('local-'),
      )
      const team = await this.shared.sync(this.target, modelName, local)
      for (const r of team) this.append({ ...r, state: 'applied' })
      return { records: this.history(modelName, limit), source: `shared history on ${this.shared.host}` }
    } catch (error) {
      const why = (error as Error)?.message ?? String(error)
      return {
        records: this.history(modelName, limit),
        source: `this desktop's copy (shared history unreachable: ${why.split('\n')[0].slice(0, 120)})`,
      }
    }
  }
}

function fromRow(r: Record<string, unknown>): PromotionRecord {
  return {
    id: r.id as number,
    decisionId: (r.decision_id as string | null) ?? `local-${r.id as number}`,
    state: (r.state as PromotionRecord['state'] | null) ?? 'applied',
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
  }
}
