import type Database from 'better-sqlite3'

/** `(?, ?, …), (?, ?, …)`: the VALUES list of `rows` rows of `width` parameters. */
export function valuesList(rows: number, width: number): string {
  const one = `(${new Array(width).fill('?').join(', ')})`
  return new Array(rows).fill(one).join(', ')
}

/**
 * A bulk INSERT that binds `perStatement` rows per call: one multi-row statement instead of one call
 * (and one statement reset) per row, which halves the JS ↔ SQLite cost of a first sync's 400,000 rows.
 * `sql(k)` is the statement for k rows (see valuesList). Values are pushed one by one, row after row;
 * `flush` writes a last, shorter statement. Rows run in push order, so an upsert behaves as row by row.
 */
export function batchedInsert(
  db: Database.Database,
  sql: (rows: number) => string,
  width: number,
  perStatement = 50,
) {
  const full = db.prepare(sql(perStatement))
  const buf: unknown[] = new Array(perStatement * width)
  let n = 0
  return {
    push(value: unknown): void {
      buf[n++] = value
      if (n === buf.length) {
        full.run(buf)
        n = 0
      }
    },
    flush(): void {
      if (n === 0) return
      if (n % width !== 0) throw new Error(`batchedInsert: ${n} values is not a whole number of rows`)
      db.prepare(sql(n / width)).run(buf.slice(0, n))
      n = 0
    },
  }
}
