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
 * Statements are prepared when first needed and kept, so one instance also serves row by row (push a row,
 * flush) at the cost of a one-row statement.
 */
export function batchedInsert(
  db: Database.Database,
  sql: (rows: number) => string,
  width: number,
  perStatement = 50,
) {
  const statements = new Map<number, Database.Statement>()
  const statement = (rows: number): Database.Statement => {
    let st = statements.get(rows)
    if (!st) {
      st = db.prepare(sql(rows))
      statements.set(rows, st)
    }
    return st
  }
  const buf: unknown[] = new Array(perStatement * width)
  let n = 0
  return {
    push(value: unknown): void {
      buf[n++] = value
      if (n === buf.length) {
        n = 0 // first: a statement that throws leaves no rows behind for the next push
        statement(perStatement).run(buf)
      }
    },
    /** Drops the values pushed since the last statement (a row that failed half-way is not written later). */
    discard(): void {
      n = 0
    },
    flush(): void {
      if (n === 0) return
      if (n % width !== 0) throw new Error(`batchedInsert: ${n} values is not a whole number of rows`)
      const rows = n / width
      n = 0
      statement(rows).run(buf.slice(0, rows * width))
    },
  }
}
