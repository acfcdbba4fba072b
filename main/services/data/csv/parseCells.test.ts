import { describe, expect, it } from 'vitest'
import {
  cleanName,
  expandTwoDigitYear,
  parseCount,
  parseDate,
  parseDecimal,
  parseTime,
  trimCell,
} from './parseCells'

describe('parseCells', () => {
  it('parses plain decimals exactly like Number()', () => {
    for (const s of [
      '1.14',
      '10.43',
      '19.63',
      '2.37',
      '1001',
      '.5',
      '5.',
      '0.1',
      '3.3333333',
      '1.0000000000000002',
    ]) {
      expect(parseDecimal(s)).toBe(Number(s))
    }
    for (const s of ['', '.', '1.2.3', '-1', '+1', '1e3', '0x10', ' 1', 'NaN', 'Infinity', '1,5']) {
      expect(parseDecimal(s)).toBeUndefined()
    }
  })

  it('matches Number() on many random prices', () => {
    for (let i = 0; i < 10_000; i++) {
      const s = (1 + Math.random() * 100).toFixed(Math.floor(Math.random() * 5))
      expect(parseDecimal(s)).toBe(Number(s))
    }
  })

  it('parses counts of digits only', () => {
    expect(parseCount('0')).toBe(0)
    expect(parseCount('12')).toBe(12)
    for (const s of ['', '1.0', '-1', ' 1', 'x', '1234567890']) expect(parseCount(s)).toBeUndefined()
  })

  it('parses dates and rejects impossible ones', () => {
    expect(parseDate('09/08/2019')).toEqual({ ok: true, value: '2019-08-09' })
    expect(parseDate('29/02/2024')).toEqual({ ok: true, value: '2024-02-29' })
    expect(parseDate('29/02/00')).toEqual({ ok: true, value: '2000-02-29' })
    expect(parseDate('29/02/2100').ok).toBe(false)
    expect(parseDate('29/02/2023').ok).toBe(false)
    for (const s of [
      '2019-08-09',
      '09/08',
      '09/08/219',
      '09/13/2019',
      '00/08/2019',
      '32/01/2019',
      '1/2/3/4',
      '/08/19',
    ]) {
      expect(parseDate(s).ok).toBe(false)
    }
  })

  it('pivots two-digit years at 70', () => {
    expect([0, 69, 70, 99].map(expandTwoDigitYear)).toEqual([2000, 2069, 1970, 1999])
  })

  it('parses times of day', () => {
    expect(parseTime('20:00')).toBe('20:00')
    expect(parseTime('9:30')).toBe('09:30')
    for (const s of ['24:00', '12:60', '1230', '12:3', '12:300', ':30', 'ab:cd'])
      expect(parseTime(s)).toBeUndefined()
  })

  it('trims whitespace and NBSP, and turns inner NBSP into spaces in names', () => {
    expect(trimCell(' a b\t')).toBe('a b')
    expect(trimCell('ab')).toBe('ab')
    expect(cleanName('\u00a0U Rennie')).toBe('U Rennie')
    expect(cleanName('M\u00a0Riley ')).toBe('M Riley')
  })
})
