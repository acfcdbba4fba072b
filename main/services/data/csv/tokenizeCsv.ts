/**
 * RFC 4180 tokenizer as a hand-written state machine over char codes (no regex per cell).
 *
 * - Fields are separated by `,`; a field starting with `"` is quoted: `""` inside it is a quote, and commas
 *   and line breaks inside it are data. Characters after a closing quote up to the next separator are kept
 *   literally (lenient, as spreadsheets write them).
 * - Records end at `\n`, `\r\n`, the broken `\r\r\n` (one break, as served by some mirrors) or a lone `\r`.
 * - Lines are counted like `grep -n`/editors do for `\n` files: each record reports the 1-based physical
 *   line where it starts. `\r\r\n` counts as one line break.
 */

export interface CsvRecord {
  line: number
  fields: string[]
}

export class UnterminatedQuoteError extends Error {
  constructor(readonly line: number) {
    super(`quoted field starting on this line is never closed`)
  }
}

const COMMA = 44
const QUOTE = 34
const LF = 10
const CR = 13

/** Length of the line break at `i` (which holds CR or LF): `\n`, `\r\n`, `\r+\n` or a single lone `\r`. */
function breakLength(text: string, i: number, n: number): number {
  if (text.charCodeAt(i) === LF) return 1
  let j = i + 1
  while (j < n && text.charCodeAt(j) === CR) j++
  if (j < n && text.charCodeAt(j) === LF) return j + 1 - i
  return 1
}

export function tokenizeCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = []
  const n = text.length
  let i = 0
  let line = 1
  let fields: string[] = []
  let recordLine = 1

  while (i < n) {
    let c = text.charCodeAt(i)
    let value: string
    if (c === QUOTE) {
      const startLine = line
      i++
      let segStart = i
      value = ''
      for (;;) {
        if (i >= n) throw new UnterminatedQuoteError(startLine)
        c = text.charCodeAt(i)
        if (c === QUOTE) {
          if (i + 1 < n && text.charCodeAt(i + 1) === QUOTE) {
            value += text.slice(segStart, i + 1)
            i += 2
            segStart = i
            continue
          }
          value += text.slice(segStart, i)
          i++
          break
        }
        if (c === LF || c === CR) {
          const len = breakLength(text, i, n)
          line++
          i += len
          continue
        }
        i++
      }
      // lenient: anything between the closing quote and the next separator is kept as is
      const tail = i
      while (i < n) {
        c = text.charCodeAt(i)
        if (c === COMMA || c === LF || c === CR) break
        i++
      }
      if (i > tail) value += text.slice(tail, i)
    } else {
      const start = i
      while (i < n) {
        c = text.charCodeAt(i)
        if (c === COMMA || c === LF || c === CR) break
        i++
      }
      value = text.slice(start, i)
    }
    fields.push(value)

    if (i >= n) break
    c = text.charCodeAt(i)
    if (c === COMMA) {
      i++
      if (i >= n) fields.push('') // a trailing comma at EOF ends with an empty field
      continue
    }
    // line break: end of record
    records.push({ line: recordLine, fields })
    fields = []
    i += breakLength(text, i, n)
    line++
    recordLine = line
  }
  if (fields.length > 0) records.push({ line: recordLine, fields })
  return records
}
