/**
 * Streams `COPY (<select>) TO STDOUT` (Postgres' text format) and hands the rows over chunk by chunk as
 * they arrive, so parsing overlaps the server's work. Text format: one row per line, fields separated
 * by a tab, `\N` for NULL, and backslash escapes for a backslash, tab, newline and the other control
 * characters Postgres escapes on output (it never writes the octal or hex forms it accepts on input).
 * A chunk may end mid-row (and mid-character); the tail waits for the next chunk, cut at the last
 * newline byte, which never occurs inside a UTF-8 sequence.
 *
 * Rows are positional arrays (one per line, values in the select's column order), not objects: a first
 * sync holds 400,000 of them, and the appliers bind them by position.
 */
import type pg from 'pg'
import { to as copyTo } from 'pg-copy-streams'

export type CopyField = string | null
/** How a column's text becomes a value: number, boolean or string (NULL stays null). */
export type FieldKind = 'n' | 'b' | 's'

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' }

/** One text-format field: NULL, or the value with its backslash escapes undone. */
export function copyField(raw: string): CopyField {
  if (raw === '\\N') return null
  if (!raw.includes('\\')) return raw
  return raw.replace(/\\(.)/g, (_, e: string) => ESCAPES[e] ?? e)
}

/** The rows of complete lines of COPY text; with `kinds`, each field converted in place by its column's kind. */
export function parseCopyLines(text: string, kinds?: readonly FieldKind[]): unknown[][] {
  const rows: unknown[][] = []
  let start = 0
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    const values: unknown[] = text.slice(start, end).split('\t')
    for (let i = 0; i < values.length; i++) {
      const v = copyField(values[i] as string)
      const kind = kinds?.[i]
      values[i] = v === null || kind === undefined || kind === 's' ? v : kind === 'n' ? Number(v) : v === 't'
    }
    rows.push(values)
    start = end + 1
  }
  return rows
}

/**
 * Runs the COPY on `client` and calls `onRows` with each chunk's complete rows. Resolves with the row
 * count; rejects when the connection drops or the server fails mid-stream (rows already handed over
 * are then the caller's to discard).
 */
export async function streamCopy(
  client: pg.ClientBase,
  select: string,
  onRows: (rows: unknown[][]) => void,
  kinds?: readonly FieldKind[],
): Promise<number> {
  const stream = client.query(copyTo(`COPY (${select}) TO STDOUT`))
  try {
    return await readCopy(stream as AsyncIterable<Buffer>, onRows, kinds)
  } finally {
    // A client with `query_timeout` (connectPostgres sets 120 s) arms a timer per query and clears it in the
    // query's callback, which pg-copy-streams never calls: the timer kept the process alive for two minutes
    // after a first sync (`scoreline sync` did not exit) and then errored the finished stream. Calling it
    // once the stream is done clears the timer; without a timeout it is pg's no-op.
    ;(stream as unknown as { callback?: (error: Error | null) => void }).callback?.(null)
  }
}

async function readCopy(
  stream: AsyncIterable<Buffer>,
  onRows: (rows: unknown[][]) => void,
  kinds?: readonly FieldKind[],
): Promise<number> {
  let tail: Buffer | null = null
  let count = 0
  for await (const chunk of stream) {
    const buf: Buffer = tail ? Buffer.concat([tail, chunk]) : chunk
    const cut = buf.lastIndexOf(0x0a)
    if (cut < 0) {
      tail = buf
      continue
    }
    tail = cut + 1 < buf.length ? buf.subarray(cut + 1) : null
    const rows = parseCopyLines(buf.toString('utf8', 0, cut), kinds)
    count += rows.length
    onRows(rows)
  }
  if (tail && tail.length > 0) {
    const rows = parseCopyLines(tail.toString('utf8'), kinds)
    count += rows.length
    onRows(rows)
  }
  return count
}

const NUMERIC_OIDS = new Set([20, 21, 23, 26, 700, 701, 1700]) // int8/2/4, oid, float4/8, numeric
const BOOL_OID = 16

/**
 * The rows of `select`, streamed with COPY, as positional arrays typed the way a plain query types them
 * for the sync (numbers, booleans, strings, null). The column names and kinds come from a `LIMIT 0` of
 * the same select, so a column added to the select needs nothing here. Resolves with the names and count.
 */
export async function copyRows(
  client: pg.ClientBase,
  select: string,
  onRows: (rows: unknown[][]) => void,
): Promise<{ names: string[]; count: number }> {
  const { fields } = await client.query(`SELECT * FROM (${select}) q LIMIT 0`)
  const kinds = fields.map((f): FieldKind =>
    NUMERIC_OIDS.has(f.dataTypeID) ? 'n' : f.dataTypeID === BOOL_OID ? 'b' : 's',
  )
  const count = await streamCopy(client, select, onRows, kinds)
  return { names: fields.map((f) => f.name), count }
}
