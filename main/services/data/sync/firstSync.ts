/**
 * The first full sync (an empty cache, or `full`): every table is streamed with COPY … TO STDOUT, its
 * rows parsed as they arrive (positional arrays, typed), then all of them are applied in ONE SQLite
 * transaction together with the watermarks, the rebuilt indexes and the packed odds. A connection lost
 * mid-stream, or a cancel, leaves the cache exactly as it was, and the next sync starts again.
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
import type { SyncProgress, SyncResult, SyncTable } from './syncFromPostgres'

export interface WholeTable {
  table: SyncTable
  /** SELECT of the table's columns plus `ts` and `wm_id`, up to the horizon, in any order. */
  select: string
  total: number
}

export interface PullAllContext {
  tables: WholeTable[]
  /** Applies a table's rows (positional, in `names` order); returns the tombstones among them. */
  applyAll: (table: SyncTable, names: string[], rows: unknown[][]) => number
  beginTable: (table: SyncTable, bulk: boolean) => void
  setWatermark: (table: SyncTable, ts: string, id: number, rows: number) => void
  /** Tables with at least this many rows load without their secondary indexes (rebuilt before commit). */
  deferIndexesAbove: number
  result: SyncResult
  totalAll: number
  onProgress?: (p: SyncProgress) => void
  signal?: AbortSignal
}

/** Page cache for the load's one transaction (KiB): its pages stay in memory instead of spilling to the WAL. */
const LOAD_CACHE_KIB = 256 * 1024

export async function pullAllAtOnce(
  db: Database.Database,
  client: pg.ClientBase,
  ctx: PullAllContext,
): Promise<void> {
  const received: { table: SyncTable; names: string[]; rows: unknown[][] }[] = []
  let receivedAll = 0
  for (const { table, select, total } of ctx.tables) {
    if (total === 0) continue
    const rows: unknown[][] = []
    const { names } = await copyRows(client, select, (chunk) => {
      for (const r of chunk) rows.push(r)
      receivedAll += chunk.length
      ctx.onProgress?.({
        table,
        applied: rows.length,
        total: Math.max(total, rows.length),
        appliedAll: receivedAll,
        totalAll: Math.max(ctx.totalAll, receivedAll),
      })
    })
    received.push({ table, names, rows })
    if (ctx.signal?.aborted) {
      throw new DataError(
        'SYNC_FAILED',
        'sync cancelled before anything was applied; the next sync starts again',
      )
    }
  }
  // The statement sub-journal of so long a transaction would go to a temp file page by page (2.7 million
  // writes for 400,000 rows, measured with strace): keep it in memory for this transaction (changing
  // temp_store drops temporary tables; the app keeps none on this connection). A large page cache keeps
  // the new pages from spilling to the WAL mid-transaction (the default 2 MB spills most of them).
  const tempStore = db.pragma('temp_store', { simple: true })
  const cacheSize = db.pragma('cache_size', { simple: true })
  db.pragma('temp_store = MEMORY')
  db.pragma(`cache_size = -${LOAD_CACHE_KIB}`)
  try {
    db.transaction(() => {
      for (const { table, names, rows } of received) {
        ctx.beginTable(table, true)
        const big = rows.length >= ctx.deferIndexesAbove
        if (big) deferIndexes(db, table)
        withoutOddsTriggers(db, table === 'odds' && big, () => {
          ctx.result.tables[table].deleted = ctx.applyAll(table, names, rows)
        })
        const wm = newest(names, rows)
        ctx.setWatermark(table, wm.ts, wm.id, rows.length)
        restoreDeferredIndexes(db, table)
      }
      packMatchOdds(db, { all: true })
    })()
  } finally {
    db.pragma(`temp_store = ${tempStore}`)
    db.pragma(`cache_size = ${cacheSize}`)
  }
  for (const { table, rows } of received) {
    ctx.result.tables[table].applied = rows.length
    ctx.result.rowsApplied += rows.length
  }
}

/** The (ts, wm_id) watermark of the last row in (updated_at, key) order. */
function newest(names: string[], rows: unknown[][]): { ts: string; id: number } {
  const t = names.indexOf('ts')
  const k = names.indexOf('wm_id')
  let wm = { ts: '', id: 0 }
  for (const v of rows) {
    const ts = v[t] as string
    const id = v[k] as number
    if (ts > wm.ts || (ts === wm.ts && id > wm.id)) wm = { ts, id }
  }
  return wm
}

/**
 * Runs a bulk load of odds without the triggers that mark a match's packed odds stale (one UPDATE per odds
 * row), then marks every match with odds stale at once for packMatchOdds. Inside the caller's
 * transaction, so a rollback brings the triggers back with everything else.
 */
export function withoutOddsTriggers(db: Database.Database, when: boolean, load: () => void): void {
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
