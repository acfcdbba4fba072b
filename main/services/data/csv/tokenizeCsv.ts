import { isSpace } from './parseCells'

/**
 * RFC 4180 tokenizer as a hand-written state machine over char codes (no regex, no string per cell).
 *
 * - Fields are separated by `,`; a field starting with `"` is quoted: `""` inside it is a quote, and commas
 *   and line breaks inside it are data. Characters after a closing quote up to the next separator are kept
 *   literally (lenient, as spreadsheets write them).
 * - Records end at `\n`, `\r\n`, the broken `\r\r\n` (one break, as served by some mirrors) or a lone `\r`.
 * - Lines are counted like `grep -n` and editors do for `\n` files: each record reports the 1-based physical
 *   line where it starts; `\r\r\n` counts as one line break.
 *
 * The result keeps offsets into the text instead of strings, so a parser slices only the cells it reads as
 * text and parses numbers in place; a 250 KB season file then allocates a few hundred strings, not 60 000.
 */

export class CsvTable {
  /** Per record: 1-based physical line, index of its first field, number of fields. */
  readonly recordLine: number[] = []
  readonly recordFirst: number[] = []
  readonly recordCount: number[] = []
  /** Per field: [start, end) in `text`. For quoted fields the value is in `quoted` instead. */
  fieldStart: Int32Array
  fieldEnd: Int32Array
  fieldCount = 0
  /** Unescaped values of quoted fields, by field index. */
  readonly quoted = new Map<number, string>()

  constructor(readonly text: string) {
    const capacity = (text.length >> 3) + 64
    this.fieldStart = new Int32Array(capacity)
    this.fieldEnd = new Int32Array(capacity)
  }

  get length(): number {
    return this.recordLine.length
  }

  /** The raw (untrimmed) text of a field. */
  fieldText(field: number): string {
    if (this.quoted.size > 0) {
      const q = this.quoted.get(field)
      if (q !== undefined) return q
    }
    return this.text.slice(this.fieldStart[field], this.fieldEnd[field])
  }

  /** Raw texts of one record's fields. */
  recordFields(record: number): string[] {
    const out: string[] = []
    const first = this.recordFirst[record]
    for (let f = first; f < first + this.recordCount[record]; f++) out.push(this.fieldText(f))
    return out
  }

  /** True when every field of the record is empty or whitespace (e.g. the trailing `,,,,` rows). */
  isBlank(record: number): boolean {
    const first = this.recordFirst[record]
    const end = first + this.recordCount[record]
    const text = this.text
    for (let f = first; f < end; f++) {
      if (this.quoted.size > 0 && this.quoted.has(f)) {
        if (this.quoted.get(f)!.trim() !== '') return false
        continue
      }
      for (let i = this.fieldStart[f]; i < this.fieldEnd[f]; i++) {
        if (!isSpace(text.charCodeAt(i))) return false
      }
    }
    return true
  }

  pushField(start: number, end: number): number {
    if (this.fieldCount === this.fieldStart.length) {
      const grownStart = new Int32Array(this.fieldCount * 2)
      const grownEnd = new Int32Array(this.fieldCount * 2)
      grownStart.set(this.fieldStart)
      grownEnd.set(this.fieldEnd)
      this.fieldStart = grownStart
      this.fieldEnd = grownEnd
    }
    this.fieldStart[this.fieldCount] = start
    this.fieldEnd[this.fieldCount] = end
    return this.fieldCount++
  }
}

export class UnterminatedQuoteError extends Error {
  constructor(readonly line: number) {
    super('quoted field starting on this line is never closed')
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

export function tokenizeCsvTable(text: string): CsvTable {
  const table = new CsvTable(text)
  const n = text.length
  let i = 0
  let line = 1
  let recordLine = 1
  let recordFirst = 0
  let open = false // a record has started (at least one field pushed)

  while (i < n) {
    let c = text.charCodeAt(i)
    if (c === QUOTE) {
      const startLine = line
      const fieldStart = i
      i++
      let segStart = i
      let value = ''
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
          i += breakLength(text, i, n)
          line++
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
      table.quoted.set(table.pushField(fieldStart, i), value)
    } else {
      const start = i
      while (i < n) {
        c = text.charCodeAt(i)
        if (c === COMMA || c === LF || c === CR) break
        i++
      }
      table.pushField(start, i)
    }
    open = true

    if (i >= n) break
    c = text.charCodeAt(i)
    if (c === COMMA) {
      i++
      if (i >= n) table.pushField(i, i) // a trailing comma at EOF ends with an empty field
      continue
    }
    // line break: end of record
    table.recordLine.push(recordLine)
    table.recordFirst.push(recordFirst)
    table.recordCount.push(table.fieldCount - recordFirst)
    open = false
    i += breakLength(text, i, n)
    line++
    recordLine = line
    recordFirst = table.fieldCount
  }
  if (open) {
    table.recordLine.push(recordLine)
    table.recordFirst.push(recordFirst)
    table.recordCount.push(table.fieldCount - recordFirst)
  }
  return table
}

export interface CsvRecord {
  line: number
  fields: string[]
}

/** Records as strings (convenient for small inputs and tests; the parser reads the table directly). */
export function tokenizeCsv(text: string): CsvRecord[] {
  const table = tokenizeCsvTable(text)
  const out: CsvRecord[] = []
  for (let r = 0; r < table.length; r++)
    out.push({ line: table.recordLine[r], fields: table.recordFields(r) })
  return out
}
