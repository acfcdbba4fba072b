/**
 * A small 5-field cron reader (minute hour day-of-month month day-of-week, local time) for the pipeline
 * schedule: numbers, `*`, ranges `a-b`, steps `*\/n` and `a-b/n`, lists, month and weekday names (JAN..DEC,
 * SUN..SAT; 0 and 7 are Sunday). As in Vixie cron, when both day fields are restricted a day matching
 * either one matches. No seconds, years, `L`, `W`, `#` or `?`: expressions using them are refused with a
 * message. (A maintained library such as `croner` would replace this once it is a project dependency.)
 */
import { TrainingError } from './errors'

export interface CronSchedule {
  expression: string
  minutes: Set<number>
  hours: Set<number>
  days: Set<number>
  months: Set<number>
  weekdays: Set<number>
  dayRestricted: boolean
  weekdayRestricted: boolean
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']

export const DEFAULT_CRON = '0 6 * * 1'

function bad(expression: string, why: string): never {
  throw new TrainingError(
    'BAD_SCHEDULE',
    `Cannot read the schedule "${expression}": ${why}. Use 5 fields "minute hour day month weekday", e.g. "0 6 * * 1" for Monday 06:00.`,
    { expression },
  )
}

function parseField(
  expression: string,
  field: string,
  name: string,
  min: number,
  max: number,
  names: string[] = [],
  nameBase = 0,
): Set<number> {
  const out = new Set<number>()
  const value = (token: string): number => {
    const i = names.indexOf(token.toUpperCase())
    if (i >= 0) return i + nameBase
    if (!/^\d+$/.test(token)) bad(expression, `"${token}" is not a valid ${name}`)
    const n = Number(token)
    if (n < min || n > max) bad(expression, `${name} ${n} is outside ${min}-${max}`)
    return n
  }
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/')
    const step = stepText === undefined ? 1 : Number(stepText)
    if (!Number.isInteger(step) || step < 1) bad(expression, `step "${stepText}" in the ${name} field`)
    let lo: number
    let hi: number
    if (range === '*') {
      lo = min
      hi = max
    } else if (range.includes('-')) {
      const [a, b] = range.split('-')
      lo = value(a)
      hi = value(b)
      if (lo > hi) bad(expression, `range ${range} in the ${name} field runs backwards`)
    } else {
      lo = value(range)
      hi = stepText === undefined ? lo : max
    }
    for (let v = lo; v <= hi; v += step) out.add(v)
  }
  return out
}

export function parseCron(expression: string): CronSchedule {
  const fields = expression.trim().split(/\s+/)
  if (fields.length !== 5) bad(expression, `expected 5 fields, got ${fields.length}`)
  const [mi, h, dom, mon, dow] = fields
  const weekdays = parseField(expression, dow, 'weekday', 0, 7, WEEKDAYS)
  if (weekdays.has(7)) {
    weekdays.delete(7)
    weekdays.add(0)
  }
  return {
    expression: fields.join(' '),
    minutes: parseField(expression, mi, 'minute', 0, 59),
    hours: parseField(expression, h, 'hour', 0, 23),
    days: parseField(expression, dom, 'day of month', 1, 31),
    months: parseField(expression, mon, 'month', 1, 12, MONTHS, 1),
    weekdays,
    dayRestricted: dom !== '*',
    weekdayRestricted: dow !== '*',
  }
}

function dayMatches(s: CronSchedule, d: Date): boolean {
  if (!s.months.has(d.getMonth() + 1)) return false
  const dom = s.days.has(d.getDate())
  const dow = s.weekdays.has(d.getDay())
  if (s.dayRestricted && s.weekdayRestricted) return dom || dow
  if (s.dayRestricted) return dom
  if (s.weekdayRestricted) return dow
  return true
}

const LIMIT_DAYS = 366 * 5

/** The first matching minute strictly after `after` (local time), or null within five years. */
export function nextRun(s: CronSchedule, after: number): number | null {
  const d = new Date(after)
  d.setSeconds(0, 0)
  d.setMinutes(d.getMinutes() + 1)
  for (let day = 0; day < LIMIT_DAYS; day++) {
    if (dayMatches(s, d)) {
      for (let h = d.getHours(); h < 24; h++) {
        if (!s.hours.has(h)) continue
        for (let m = h === d.getHours() ? d.getMinutes() : 0; m < 60; m++) {
          if (s.minutes.has(m)) {
            const t = new Date(d.getFullYear(), d.getMonth(), d.getDate(), h, m).getTime()
            if (t > after) return t
          }
        }
      }
    }
    d.setDate(d.getDate() + 1)
    d.setHours(0, 0, 0, 0)
  }
  return null
}

/** The last matching minute at or before `at` (local time), or null within five years. */
export function previousRun(s: CronSchedule, at: number): number | null {
  const d = new Date(at)
  d.setSeconds(0, 0)
  for (let day = 0; day < LIMIT_DAYS; day++) {
    if (dayMatches(s, d)) {
      for (let h = d.getHours(); h >= 0; h--) {
        if (!s.hours.has(h)) continue
        for (let m = h === d.getHours() ? d.getMinutes() : 59; m >= 0; m--) {
          if (s.minutes.has(m)) {
            const t = new Date(d.getFullYear(), d.getMonth(), d.getDate(), h, m).getTime()
            if (t <= at) return t
          }
        }
      }
    }
    d.setDate(d.getDate() - 1)
    d.setHours(23, 59, 0, 0)
  }
  return null
}

/** "Monday 06:00"-style description for the common weekly case; the expression otherwise. */
export function describeCron(s: CronSchedule): string {
  const full = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
  if (s.minutes.size === 1 && s.hours.size === 1 && !s.dayRestricted && s.months.size === 12) {
    const hh = String([...s.hours][0]).padStart(2, '0')
    const mm = String([...s.minutes][0]).padStart(2, '0')
    const days = s.weekdayRestricted
      ? [...s.weekdays]
          .sort()
          .map((d) => full[d])
          .join(', ')
      : 'every day'
    return `${days} at ${hh}:${mm} local time`
  }
  return `cron "${s.expression}" (local time)`
}
