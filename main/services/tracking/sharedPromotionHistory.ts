/**
 * The team's promotion history in the shared Postgres (`promotion_history`, Postgres migration 0003): every
 * desktop writes its decisions there and reads the others', keyed by decision id so a replayed or re-sent
 * decision is one row. Each call opens one short connection; errors name the host, never the password.
 */
import type pg from 'pg'
import { connectPostgres, redactUrl } from '../data/postgres/pgConnection'
import { TrackingError } from './errors'
import type { PromotionAction, PromotionRecord } from './promotionLog'

type SharedRecord = Omit<PromotionRecord, 'id' | 'target' | 'state'>

const COLUMNS = [
  'decision_id',
  'registry',
  'model_name',
  'version',
  'action',
  'alias',
  'previous_version',
  'metric',
  'candidate_score',
  'champion_score',
  'margin',
  'matches',
  'matches_identical',
  'eval_window',
  'outcome',
  'reason',
  'detail',
  'decided_by',
  'decided_at',
] as const

export class SharedPromotionHistory {
  /** The database as messages show it (password redacted). */
  readonly host: string

  constructor(private readonly url: string) {
    this.host = redactUrl(url)
  }

  private async withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = await connectPostgres(this.url, { connectTimeoutMs: 3000, queryTimeoutMs: 15_000 })
    try {
      return await work(client)
    } catch (error) {
      if ((error as { code?: string }).code === '42P01') {
        throw new TrackingError(
          'TRACKING_INVALID',
          `Postgres at ${this.host} has no promotion_history table: run \`scoreline data migrate --postgres <url>\` (schema 3)`,
        )
      }
      throw error
    } finally {
      await client.end().catch(() => undefined)
    }
  }

  /** Insert decisions (an id already there is updated: a re-decided replay keeps one row). */
  async write(records: readonly PromotionRecord[]): Promise<void> {
    if (records.length === 0) return
    await this.withClient(async (client) => {
      for (const r of records) await upsert(client, r.target, r)
    })
  }

  /**
   * Send `local` decisions the table lacks, then return the team's decisions for one model (newest first,
   * at most 1000).
   */
  async sync(
    registry: string,
    modelName: string,
    local: readonly PromotionRecord[],
  ): Promise<SharedRecord[]> {
    return this.withClient(async (client) => {
      const known = await client.query<{ decision_id: string }>(
        'SELECT decision_id FROM promotion_history WHERE registry = $1 AND model_name = $2',
        [registry, modelName],
      )
      const have = new Set(known.rows.map((r) => r.decision_id))
      for (const r of local) if (!have.has(r.decisionId)) await upsert(client, registry, r)
      const rows = await client.query(
        `SELECT * FROM promotion_history WHERE registry = $1 AND model_name = $2
         ORDER BY decided_at DESC LIMIT 1000`,
        [registry, modelName],
      )
      return rows.rows.map(fromRow)
    })
  }

  /** Remove one model's rows (tests clean up what they created). */
  async forget(registry: string, modelName: string): Promise<number> {
    return this.withClient(async (client) => {
      const r = await client.query('DELETE FROM promotion_history WHERE registry = $1 AND model_name = $2', [
        registry,
        modelName,
      ])
      return r.rowCount ?? 0
    })
  }
}

async function upsert(client: pg.Client, registry: string, r: SharedRecord): Promise<void> {
  const values = [
    r.decisionId,
    registry,
    r.modelName,
    r.version,
    r.action,
    r.alias,
    r.previousVersion ?? null,
    r.metric ?? null,
    r.candidateScore ?? null,
    r.championScore ?? null,
    r.margin ?? null,
    r.matches ?? null,
    r.matchesIdentical ?? null,
    r.evalWindow ?? null,
    r.outcome ?? null,
    r.reason,
    r.detail ?? null,
    r.decidedBy,
    new Date(r.decidedAt).toISOString(),
  ]
  const updates = COLUMNS.slice(1)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')
  await client.query(
    `INSERT INTO promotion_history (${COLUMNS.join(', ')})
     VALUES (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
     ON CONFLICT (decision_id) DO UPDATE SET ${updates}`,
    values,
  )
}

function fromRow(r: Record<string, unknown>): SharedRecord {
  const num = (x: unknown) => (x === null || x === undefined ? undefined : Number(x))
  const str = (x: unknown) => (x === null || x === undefined ? undefined : String(x))
  return {
    decisionId: String(r.decision_id),
    modelName: String(r.model_name),
    version: String(r.version),
    action: r.action as PromotionAction,
    alias: String(r.alias),
    previousVersion: str(r.previous_version),
    metric: str(r.metric),
    candidateScore: num(r.candidate_score),
    championScore: num(r.champion_score),
    margin: num(r.margin),
    matches: num(r.matches),
    matchesIdentical: r.matches_identical === null ? undefined : Boolean(r.matches_identical),
    evalWindow: str(r.eval_window),
    outcome: str(r.outcome),
    reason: String(r.reason),
    detail: str(r.detail),
    decidedBy: String(r.decided_by),
    decidedAt: new Date(r.decided_at as string | Date).getTime(),
  }
}
