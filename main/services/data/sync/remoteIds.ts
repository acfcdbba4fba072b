import type Database from 'better-sqlite3'

/**
 * Postgres id → local id of one table, remembered for the length of a sync (a row keeps its local id
 * once it has one; the sync never deletes teams or matches). `prefill` loads every known pair in one
 * read, which beats one look-up per row when a whole table of odds is pulled at once.
 */
export function remoteIdLookup(db: Database.Database, table: 'teams' | 'matches') {
  const one = db.prepare(`SELECT id FROM ${table} WHERE remote_id = ?`).pluck()
  const all = db.prepare(`SELECT remote_id, id FROM ${table} WHERE remote_id IS NOT NULL`).raw()
  const known = new Map<unknown, number>()
  return {
    get(remote: unknown): number | undefined {
      let id = known.get(remote)
      if (id === undefined) {
        id = one.get(remote) as number | undefined
        if (id !== undefined) known.set(remote, id)
      }
      return id
    },
    prefill(): void {
      for (const [remote, id] of all.iterate() as Iterable<[number, number]>) known.set(remote, id)
    },
  }
}
