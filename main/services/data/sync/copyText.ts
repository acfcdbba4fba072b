/**
 * Streams `COPY (<select>) TO STDOUT` (Postgres' text format) and hands the rows over chunk by chunk as
 * they arrive, so parsing overlaps the server's work. Text format: one row per line, fields separated
 * by a tab, `\N` for NULL, and backslash escapes for a backslash, tab, newline and the other control
 * characters Postgres escapes on output (it never writes the octal or hex forms it accepts on input).
 * A chunk may end mid-row (and mid-character); the tail waits for the next chunk, cut at the last
 * newline byte, which never occurs inside a UTF-8 sequence.
 */
import type pg from 'pg'
import { to as copyTo } from 'pg-copy-streams'

export type CopyField = string | null

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' }

/** One text-format field: NULL, or the value with its backslash escapes undone. */
export function copyField(raw: string): CopyField {
  if (raw === '\\N') return null
  if (!raw.includes('\\')) return raw
  return raw.replace(/\\(.)/g, (_, e: string) => ESCAPES[e] ?? e)
}

/** The rows of complete lines of COPY text. */
export function parseCopyLines(text: string): CopyField[][] {
  const rows: CopyField[][] = []
  let start = 0
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    rows.push(text.slice(start, end).split('\t').map(copyField))
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
  onRows: (rows: CopyField[][]) => void,
): Promise<number> {
  const stream = client.query(copyTo(`COPY (${select}) TO STDOUT`))
  let tail: Buffer | null = null
  let count = 0
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf: Buffer = tail ? Buffer.concat([tail, chunk]) : chunk
    const cut = buf.lastIndexOf(0x0a)
    if (cut < 0) {
      tail = buf
      continue
    }
    tail = cut + 1 < buf.length ? buf.subarray(cut + 1) : null
    const rows = parseCopyLines(buf.toString('utf8', 0, cut))
    count += rows.length
    onRows(rows)
  }
  if (tail && tail.length > 0) {
    const rows = parseCopyLines(tail.toString('utf8'))
    count += rows.length
    onRows(rows)
  }
  return count
}

const NUMERIC_OIDS = new Set([20, 21, 23, 26, 700, 701, 1700]) // int8/2/4, oid, float4/8, numeric
const BOOL_OID = 16

/**
 * The rows of `select` as objects typed the way the sync's JSON reads typed them (numbers, booleans,
 * strings, null), streamed with COPY. The column names and types come from a `LIMIT 0` of the same
 * select, so a column added to the select needs nothing here.
 */
export async function copyRows(
  client: pg.ClientBase,
  select: string,
  onRows: (rows: Record<string, unknown>[]) => void,
): Promise<number> {
  const { fields } = await client.query(`SELECT * FROM (${select}) q LIMIT 0`)
  const names = fields.map((f) => f.name)
  const kinds = fields.map((f) =>
    NUMERIC_OIDS.has(f.dataTypeID) ? 'n' : f.dataTypeID === BOOL_OID ? 'b' : 's',
  )
  return streamCopy(client, select, (rows) =>
    onRows(
      rows.map((values) => {
        const row: Record<string, unknown> = {}
        for (let i = 0; i < names.length; i++) {
          const v = values[i]
          row[names[i]] = v === null ? null : kinds[i] === 'n' ? Number(v) : kinds[i] === 'b' ? v === 't' : v
        }
        return row
      }),
    ),
  )
}
