/**
 * Cell parsers without regular expressions (they run tens of thousands of times per file). Each returns
 * the value, or a string describing the problem (callers prefix the column name and cell text).
 */

const ZERO = 48
const NINE = 57
const DOT = 46

/** Trims spaces, tabs and NBSP only when present (the common case allocates nothing). */
export function trimCell(s: string): string {
  const n = s.length
  if (n === 0) return s
  const first = s.charCodeAt(0)
  const last = s.charCodeAt(n - 1)
  if (first > 32 && first !== 160 && last > 32 && last !== 160) return s
  return s.replace(/^[\s\u00a0]+|[\s\u00a0]+$/g, '')
}

/** Team/referee names: NBSP → space, trimmed. */
export function cleanName(s: string): string {
  const v = s.indexOf('\u00a0') >= 0 ? s.replace(/\u00a0/g, ' ') : s
  return trimCell(v)
}

/** Non-negative integer made of digits only; undefined when not one. */
export function parseCount(s: string): number | undefined {
  const n = s.length
  if (n === 0 || n > 9) return undefined
  let v = 0
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    if (c < ZERO || c > NINE) return undefined
    v = v * 10 + (c - ZERO)
  }
  return v
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]

/**
 * Plain decimal `123`, `1.5`, `.5` (no sign, exponent or hex); undefined when not one. Computed from the
 * digits in one pass: with at most 15 significant digits, mantissa / 10^k is a single correctly rounded
 * division, so the result equals `Number(s)`.
 */
export function parseDecimal(s: string): number | undefined {
  const n = s.length
  if (n === 0 || n > 32) return undefined
  let mantissa = 0
  let digits = 0
  let fraction = -1
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    if (c >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO)
      digits++
      if (fraction >= 0) fraction++
    } else if (c === DOT && fraction < 0) fraction = 0
    else return undefined
  }
  if (digits === 0) return undefined
  if (digits > 15) return Number(s)
  return fraction > 0 ? mantissa / POW10[fraction] : mantissa
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
}

/** Two-digit years pivot: 00–69 → 2000–2069, 70–99 → 1970–1999 (football-data starts in 1993). */
export function expandTwoDigitYear(yy: number): number {
  return yy < 70 ? 2000 + yy : 1900 + yy
}

function pad2(v: number): string {
  return v < 10 ? `0${v}` : `${v}`
}

/**
 * `dd/mm/yy` or `dd/mm/yyyy` (day and month may be one digit) → `YYYY-MM-DD`; returns an error message for
 * anything else or an impossible calendar date.
 */
export function parseDate(s: string): { ok: true; value: string } | { ok: false; message: string } {
  const a = s.indexOf('/')
  const b = a < 0 ? -1 : s.indexOf('/', a + 1)
  if (a < 1 || b < 0 || s.indexOf('/', b + 1) >= 0)
    return { ok: false, message: 'is not a date (dd/mm/yy or dd/mm/yyyy)' }
  const dText = s.slice(0, a)
  const mText = s.slice(a + 1, b)
  const yText = s.slice(b + 1)
  const day = dText.length <= 2 ? parseCount(dText) : undefined
  const month = mText.length <= 2 ? parseCount(mText) : undefined
  const yRaw = yText.length === 2 || yText.length === 4 ? parseCount(yText) : undefined
  if (day === undefined || month === undefined || yRaw === undefined) {
    return { ok: false, message: 'is not a date (dd/mm/yy or dd/mm/yyyy)' }
  }
  const year = yText.length === 2 ? expandTwoDigitYear(yRaw) : yRaw
  if (month < 1 || month > 12) return { ok: false, message: 'has no such month' }
  const max = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]
  if (day < 1 || day > max) return { ok: false, message: 'has no such day' }
  return { ok: true, value: `${year}-${pad2(month)}-${pad2(day)}` }
}

/** `HH:MM` (hour may be one digit) → `HH:MM`; undefined when not a time of day. */
export function parseTime(s: string): string | undefined {
  const colon = s.indexOf(':')
  if (colon < 1 || colon > 2 || s.length !== colon + 3) return undefined
  const h = parseCount(s.slice(0, colon))
  const m = parseCount(s.slice(colon + 1))
  if (h === undefined || m === undefined || h > 23 || m > 59) return undefined
  return `${pad2(h)}:${pad2(m)}`
}

/** Returned by the in-place parsers below for an empty (or whitespace-only) cell. */
export const EMPTY = -1
/** Returned by the in-place parsers below for a cell that is not the expected kind of number. */
export const INVALID = -2

/** Space, tab, line breaks, vertical tab, form feed and NBSP: what {@link trimCell} trims from numbers too. */
export function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 160
}

/** {@link parseDecimal} on `text[start, end)`, whitespace-trimmed, without slicing: value, EMPTY or INVALID. */
export function parseDecimalAt(text: string, start: number, end: number): number {
  while (start < end && isSpace(text.charCodeAt(start))) start++
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--
  if (start === end) return EMPTY
  if (end - start > 32) return INVALID
  let mantissa = 0
  let digits = 0
  let fraction = -1
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO)
      digits++
      if (fraction >= 0) fraction++
    } else if (c === DOT && fraction < 0) fraction = 0
    else return INVALID
  }
  if (digits === 0) return INVALID
  if (digits > 15) return Number(text.slice(start, end))
  return fraction > 0 ? mantissa / POW10[fraction] : mantissa
}

/** {@link parseCount} on `text[start, end)`, whitespace-trimmed, without slicing: value, EMPTY or INVALID. */
export function parseCountAt(text: string, start: number, end: number): number {
  while (start < end && isSpace(text.charCodeAt(start))) start++
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--
  if (start === end) return EMPTY
  if (end - start > 9) return INVALID
  let v = 0
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c < ZERO || c > NINE) return INVALID
    v = v * 10 + (c - ZERO)
  }
  return v
}
