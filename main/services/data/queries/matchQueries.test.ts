import { describe, expect, it } from 'vitest'
import { openMemoryDatabase } from '../db/index'
import { importFileContents } from '../import/index'
import { listMatches, matchPage } from './index'

// Invented clubs and prices.
const HEADER = 'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,B365H,B365D,B365A'
const csv = (home: number) => `${HEADER}
E0,12/08/2031,15:00,Northby,Eastham,2,1,H,${home},3.6,4.5
E0,19/08/2031,15:00,Eastham,Westmoor,0,0,D,2.1,3.3,3.6
`

describe('listMatches: parsed packed odds are reused only while the packed text is unchanged', () => {
  it('hands every caller its own odds objects', () => {
    const db = openMemoryDatabase()
    importFileContents(db, csv(1.8), 'E0_2031.csv')
    const first = listMatches(db, { league: 'E0' })
    first[0].odds[0].home = 99
    first[0].odds.push({ ...first[0].odds[0] })
    const again = listMatches(db, { league: 'E0' })
    expect(again[0].odds).toHaveLength(1)
    expect(again[0].odds[0]).toMatchObject({ bookmaker: 'B365', home: 1.8, draw: 3.6, away: 4.5 })
    expect(again[0].odds[0]).not.toBe(first[0].odds[0])
  })

  it('reads changed prices after a re-import, and odds not packed yet from the odds table', () => {
    const db = openMemoryDatabase()
    importFileContents(db, csv(1.8), 'E0_2031.csv')
    expect(listMatches(db, { league: 'E0' })[0].odds[0].home).toBe(1.8)
    importFileContents(db, csv(1.95), 'E0_2031.csv')
    expect(listMatches(db, { league: 'E0' })[0].odds[0].home).toBe(1.95)
    // a price written outside an import (the packed copy is stale until the next writer packs it)
    db.prepare("UPDATE odds SET home = 2.05 WHERE bookmaker = 'B365' AND home = 1.95").run()
    expect(listMatches(db, { league: 'E0' })[0].odds[0].home).toBe(2.05)
    expect(listMatches(db, { league: 'E0', withOdds: false })[0].odds).toEqual([])
  })
})

describe('matchPage', () => {
  it('gives one page in date order and the total of the filter', () => {
    const db = openMemoryDatabase()
    importFileContents(db, csv(1.8), 'E0_2031.csv')
    const all = listMatches(db, { league: 'E0' })
    expect(matchPage(db, { league: 'E0' }, { offset: 0, limit: 1 })).toEqual({
      total: 2,
      offset: 0,
      rows: all.slice(0, 1),
    })
    expect(matchPage(db, { league: 'E0' }, { offset: 1, limit: 5 }).rows).toEqual(all.slice(1))
    expect(matchPage(db, { league: 'E0' }, { offset: 5, limit: 5 })).toEqual({
      total: 2,
      offset: 5,
      rows: [],
    })
    expect(matchPage(db, { team: 'Nobody FC' }, { offset: 0, limit: 5 }).total).toBe(0)
    expect(matchPage(db, { team: 'Westmoor' }, { offset: 0, limit: 5 }).total).toBe(1)
  })
})
