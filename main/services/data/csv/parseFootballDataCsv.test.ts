import { describe, expect, it } from 'vitest'
import { parseFootballDataCsv } from './parseFootballDataCsv'

const HEADER = 'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR'

describe('parseFootballDataCsv: happy path', () => {
  it('parses a minimal file', () => {
    const parsed = parseFootballDataCsv(`${HEADER}\nE0,14/08/04,Aston Villa,Southampton,2,0,H\n`, 'E0_2004-05.csv')
    expect(parsed.league).toBe('E0')
    expect(parsed.rows).toHaveLength(1)
    expect(parsed.rows[0]).toMatchObject({
      line: 2,
      date: '2004-08-14',
      home: 'Aston Villa',
      away: 'Southampton',
      homeGoals: 2,
      awayGoals: 0,
      status: 'played',
    })
  })
})
