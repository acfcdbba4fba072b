/**
 * The first full sync by COPY (`copy: true`; an empty cache, or `full`): every table is streamed with COPY … TO STDOUT, its
 * rows parsed as they arrive, then all of them are applied in ONE SQLite transaction together with the
 * watermarks, the rebuilt indexes and the packed odds. A connection lost mid-stream leaves the cache
 * exactly as it was, and the next sync starts again.
 *
 * The rows wait in memory, not in a transaction held open across the stream's awaits: the app's other
 * writers share this SQLite connection, and such a transaction would take their writes in (and lose them
 * on a rollback). Progress during the stream counts rows received; they are applied at the end, at once.
 */
import type Database from 'better-sqlite3'
import type pg from 'pg'
import { deferIndexes, restoreDeferredIndexes } from '../db/deferredIndexes'
import { packMatchOdds } from '../db/packMatchOdds'
import { DataError } from '../errors'
import { copyRows } from './copyText'
import type { SyncProgress, SyncResult, SyncRow, SyncTable } from './syncFromPostgres'

export interface WholeTable {
  table: SyncTable
  /** SELECT of the table's columns plus `ts` and `wm_id`, up to the horizon, in any order. */
  select: string
  total: number
}

export interface PullAllContext {
  tables: WholeTable[]
  apply: Record<SyncTable, (r: SyncRow) => void>
  beginTable: (table: SyncTable, bulk: boolean) => void
  setWatermark: (table: SyncTable, ts: string, id: number, rows: number) => void
  /** Tables with at least this many rows load without their secondary indexes (rebuilt before commit). */
  deferIndexesAbove: number
  result: SyncResult
  totalAll: number
  onProgress?: (p: SyncProgress) => void
  signal?: AbortSignal
}

export async function pullAllAtOnce(
  db: Database.Database,
  client: pg.ClientBase,
  ctx: PullAllContext,
): Promise<void> {
  const received: { table: SyncTable; rows: SyncRow[] }[] = []
  let receivedAll = 0
  for (const { table, select, total } of ctx.tables) {
    if (total === 0) continue
    const rows: SyncRow[] = []
    received.push({ table, rows })
    await copyRows(client, select, (chunk) => {
      for (const r of chunk) rows.push(r as SyncRow)
      receivedAll += chunk.length
      ctx.onProgress?.({
        table,
        applied: rows.length,
        total: Math.max(total, rows.length),
        appliedAll: receivedAll,
        totalAll: Math.max(ctx.totalAll, receivedAll),
      })
    })
    if (ctx.signal?.aborted) {
      throw new DataError(
        'SYNC_FAILED',
        'sync cancelled before anything was applied; the next sync starts again',
      )
    }
  }
  // The statement sub-journal of so long a transaction would go to a temp file page by page (2.7 million
  // writes for 400,000 rows, measured with strace): keep it in memory for this transaction (changing
  // temp_store drops temporary tables; the app keeps none on this connection).
  const tempStore = db.pragma('temp_store', { simple: true })
  db.pragma('temp_store = MEMORY')
  try {
    db.transaction(() => {
      for (const { table, rows } of received) {
        ctx.beginTable(table, true)
        if (rows.length >= ctx.deferIndexesAbove) deferIndexes(db, table)
        const stats = ctx.result.tables[table]
        let wm = { ts: '', id: 0 }
        withoutOddsTriggers(db, table === 'odds' && rows.length >= ctx.deferIndexesAbove, () => {
          for (const r of rows) {
            ctx.apply[table](r)
            if (r.deleted) stats.deleted++
            if (r.ts > wm.ts || (r.ts === wm.ts && r.wm_id > wm.id)) wm = { ts: r.ts, id: r.wm_id }
          }
        })
        ctx.setWatermark(table, wm.ts, wm.id, rows.length)
        restoreDeferredIndexes(db, table)
      }
      packMatchOdds(db)
    })()
  } finally {
    db.pragma(`temp_store = ${tempStore}`)
  }
  for (const { table, rows } of received) {
    ctx.result.tables[table].applied = rows.length
    ctx.result.rowsApplied += rows.length
  }
}

/**
 * Runs a bulk load of odds without the triggers that mark a match's packed odds stale (one UPDATE per odds
 * row), then marks every match with odds stale at once for packMatchOdds. Inside the caller's
 * transaction, so a rollback brings the triggers back with everything else.
 */
function withoutOddsTriggers(db: Database.Database, when: boolean, load: () => void): void {
  if (!when) return load()
  const triggers = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'odds'")
    .all() as { name: string; sql: string }[]
  for (const t of triggers) db.exec(`DROP TRIGGER "${t.name.replace(/"/g, '""')}"`)
  load()
  for (const t of triggers) db.exec(t.sql)
  db.exec(
    'UPDATE matches SET odds_json = NULL WHERE odds_json IS NOT NULL AND id IN (SELECT match_id FROM odds)',
  )
}
