import { describe, expect, it } from 'vitest'
import { DEFAULT_CRON, describeCron, nextRun, parseCron, previousRun } from './cron'

const local = (y: number, mo: number, d: number, h = 0, mi = 0) => new Date(y, mo - 1, d, h, mi).getTime()

describe('cron schedule', () => {
  it('defaults to Monday 06:00 local time', () => {
    const s = parseCron(DEFAULT_CRON)
    expect(describeCron(s)).toBe('Monday at 06:00 local time')
    // 2026-11-25 is a Wednesday
    expect(nextRun(s, local(2026, 11, 25, 12))).toBe(local(2026, 11, 30, 6))
    expect(previousRun(s, local(2026, 11, 25, 12))).toBe(local(2026, 11, 23, 6))
    expect(previousRun(s, local(2026, 11, 23, 6))).toBe(local(2026, 11, 23, 6))
    expect(nextRun(s, local(2026, 11, 23, 6))).toBe(local(2026, 11, 30, 6))
  })

  it('reads lists, ranges, steps, names and Sunday as 0 or 7', () => {
    const s = parseCron('*/30 8-10 * JAN-MAR mon,wed,7')
    expect([...s.minutes]).toEqual([0, 30])
    expect([...s.hours]).toEqual([8, 9, 10])
    expect([...s.months]).toEqual([1, 2, 3])
    expect([...s.weekdays].sort()).toEqual([0, 1, 3])
    // 2027-01-01 is a Friday: next is Sunday 3 January 08:00
    expect(nextRun(s, local(2027, 1, 1, 12))).toBe(local(2027, 1, 3, 8))
  })

  it('matches either day field when both are restricted (Vixie cron)', () => {
    const s = parseCron('0 0 1 * 1') // the 1st of the month, or any Monday
    expect(nextRun(s, local(2026, 11, 25))).toBe(local(2026, 11, 30)) // Monday 30th before 1 December
    expect(nextRun(s, local(2026, 11, 30, 1))).toBe(local(2026, 12, 1))
  })

  it('refuses what it cannot read, saying how to write it', () => {
    expect(() => parseCron('0 6 * *')).toThrow(/expected 5 fields, got 4.*"0 6 \* \* 1"/)
    expect(() => parseCron('0 25 * * 1')).toThrow(/hour 25 is outside 0-23/)
    expect(() => parseCron('0 6 L * *')).toThrow(/"L" is not a valid day of month/)
    expect(() => parseCron('0 6 * * 5-1')).toThrow(/runs backwards/)
    expect(() => parseCron('0 6 * * */0')).toThrow(/step/)
  })
})
