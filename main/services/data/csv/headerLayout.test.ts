import { describe, expect, it } from 'vitest'
import { buildHeaderLayout, normaliseGroup } from './headerLayout'

describe('buildHeaderLayout', () => {
  it('does not mistake stats, Asian handicap or count columns for odds groups', () => {
    const layout = buildHeaderLayout(
      'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,HS,AS,HST,AST,HF,AF,HC,AC,HY,AY,HR,AR,Bb1X2,BbOU,BbAH,BbAHh,BbMxAHH,BbAvAHH,BbMxAHA,BbAvAHA,AHh,B365AHH,B365AHA,PAHH,PAHA,AHCh,GBAHH,GBAHA,GBAH'.split(
        ',',
      ),
    )
    expect(layout.odds).toEqual([])
    expect(layout.totals).toEqual([])
    expect(layout.homeShots).toBe(10)
    expect(layout.awayShotsOnTarget).toBe(13)
  })

  it('needs all three of H/D/A and both of >/<', () => {
    const layout = buildHeaderLayout([
      'Date',
      'XYH',
      'XYD',
      'ABH',
      'ABD',
      'ABA',
      'GB>2.5',
      'B365>2.5',
      'B365<2.5',
    ])
    expect(layout.odds.map((g) => g.prefix)).toEqual(['AB'])
    expect(layout.totals.map((g) => [g.prefix, g.line])).toEqual([['B365', 2.5]])
  })

  it('detects new bookmakers generically and their closing variants', () => {
    const names = ['ZZH', 'ZZD', 'ZZA', 'ZZCH', 'ZZCD', 'ZZCA', 'NEW>3.5', 'NEW<3.5']
    const layout = buildHeaderLayout(names)
    expect(layout.odds.map((g) => [g.prefix, g.bookmaker, g.kind])).toEqual([
      ['ZZ', 'ZZ', 'pre-match'],
      ['ZZC', 'ZZ', 'closing'],
    ])
    expect(layout.totals.map((g) => [g.bookmaker, g.kind, g.line])).toEqual([['NEW', 'pre-match', 3.5]])
  })
})

describe('normaliseGroup', () => {
  it('splits the closing C off known prefixes only', () => {
    expect(normaliseGroup('PSC')).toEqual({ bookmaker: 'PS', kind: 'closing' })
    expect(normaliseGroup('B365C')).toEqual({ bookmaker: 'B365', kind: 'closing' })
    expect(normaliseGroup('AvgC')).toEqual({ bookmaker: 'Avg', kind: 'closing' })
    expect(normaliseGroup('MaxC')).toEqual({ bookmaker: 'Max', kind: 'closing' })
    expect(normaliseGroup('VC')).toEqual({ bookmaker: 'VC', kind: 'pre-match' })
    expect(normaliseGroup('VCC')).toEqual({ bookmaker: 'VC', kind: 'closing' })
    expect(normaliseGroup('P')).toEqual({ bookmaker: 'PS', kind: 'pre-match' })
    expect(normaliseGroup('PC')).toEqual({ bookmaker: 'PS', kind: 'closing' })
    expect(normaliseGroup('BbAv')).toEqual({ bookmaker: 'BbAv', kind: 'pre-match' })
    expect(normaliseGroup('C')).toEqual({ bookmaker: 'C', kind: 'pre-match' })
  })
})
