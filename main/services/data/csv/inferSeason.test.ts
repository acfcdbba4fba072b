import { describe, expect, it } from 'vitest'
import { inferSeason, seasonLabel } from './inferSeason'

const rows = (...dates: string[]) => dates.map((date) => ({ date }))

describe('inferSeason', () => {
  it('starts a season in July', () => {
    expect(inferSeason(rows('2023-08-11', '2024-05-19'))).toBe('2023-24')
    expect(inferSeason(rows('2023-07-01'))).toBe('2023-24')
    expect(inferSeason(rows('2023-06-30'))).toBe('2022-23')
  })

  it('goes with the most common season so late stragglers do not flip it', () => {
    // 2019-20 finished on 26 July 2020 after the COVID break
    expect(inferSeason(rows('2019-08-09', '2019-12-26', '2020-03-01', '2020-07-26'))).toBe('2019-20')
  })

  it('breaks ties towards the earlier season and returns null without rows', () => {
    expect(inferSeason(rows('2020-07-26', '2019-08-09'))).toBe('2019-20')
    expect(inferSeason([])).toBeNull()
  })

  it('labels across centuries', () => {
    expect(seasonLabel(1999)).toBe('1999-00')
    expect(seasonLabel(2009)).toBe('2009-10')
  })
})
