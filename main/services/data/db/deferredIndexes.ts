import type Database from 'better-sqlite3'

/**
 * Bulk loads (a first sync of 100,000 matches) are several times faster without the secondary indexes,
 * which are then rebuilt in one sorted pass. The dropped definitions are recorded in `deferred_indexes`
 * in the same transaction as the drop, so a load that dies half-way is repaired by the next
 * `restoreDeferredIndexes` (called on every open and at the end of every sync).
 */
export function deferIndexes(db: Database.Database, table: string): string[] {
  const indexes = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL")
    .all(table) as { name: string; sql: string }[]
  db.transaction(() => {
    const record = db.prepare(
      'INSERT OR REPLACE INTO deferred_indexes (name, table_name, sql) VALUES (?, ?, ?)',
    )
    for (const ix of indexes) {
      record.run(ix.name, table, ix.sql)
      db.exec(`DROP INDEX "${ix.name.replace(/"/g, '""')}"`)
    }
  })()
  return indexes.map((ix) => ix.name)
}

/** Rebuilds every deferred index (all, or those of one table). Returns the names rebuilt. */
export function restoreDeferredIndexes(db: Database.Database, table?: string): string[] {
  const rows = db
    .prepare('SELECT name, sql FROM deferred_indexes WHERE @table IS NULL OR table_name = @table')
    .all({ table: table ?? null }) as { name: string; sql: string }[]
  for (const ix of rows) {
    db.transaction(() => {
      db.exec(ix.sql.replace(/^CREATE (UNIQUE )?INDEX /i, (m) => `${m}IF NOT EXISTS `))
      db.prepare('DELETE FROM deferred_indexes WHERE name = ?').run(ix.name)
    })()
  }
  return rows.map((r) => r.name)
}
