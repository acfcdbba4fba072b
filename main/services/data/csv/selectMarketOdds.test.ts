import { describe, expect, it } from 'vitest'
import { DEFAULT_MARKET_PREFERENCE, describeMarket, selectMarketOdds } from './selectMarketOdds'
import type { OddsQuote } from './types'

const q = (bookmaker: string, kind: OddsQuote['kind'], home: number): OddsQuote => ({
  bookmaker,
  kind,
  home,
  draw: 3.5,
  away: 4,
})

describe('selectMarketOdds', () => {
  const all = [
    q('B365', 'pre-match', 2.0),
    q('BbAv', 'pre-match', 2.1),
    q('Avg', 'pre-match', 2.2),
    q('PS', 'pre-match', 2.3),
    q('PS', 'closing', 2.4),
    q('Avg', 'closing', 2.5),
  ]

  it('falls back Pinnacle closing → Pinnacle → Avg → BbAv → Bet365, saying which it used', () => {
    const picks: [number, string, string, string][] = []
    for (let drop = 0; drop <= 5; drop++) {
      // remove the preferred markets one at a time, in preference order
      const gone = DEFAULT_MARKET_PREFERENCE.slice(0, drop)
      const odds = all.filter((o) => !gone.some((g) => g.bookmaker === o.bookmaker && g.kind === o.kind))
      const pick = selectMarketOdds({ odds })
      if (pick) picks.push([pick.home, pick.bookmaker, pick.kind, pick.source])
      else picks.push([0, 'none', '', ''])
    }
    expect(picks).toEqual([
      [2.4, 'PS', 'closing', 'Pinnacle closing (PSCH/PSCD/PSCA)'],
      [2.3, 'PS', 'pre-match', 'Pinnacle (PSH/PSD/PSA)'],
      [2.2, 'Avg', 'pre-match', 'market average (AvgH/AvgD/AvgA)'],
      [2.1, 'BbAv', 'pre-match', 'Betbrain average (BbAvH/BbAvD/BbAvA)'],
      [2.0, 'B365', 'pre-match', 'Bet365 (B365H/B365D/B365A)'],
      [0, 'none', '', ''],
    ])
  })

  it('returns the prices of the chosen quote', () => {
    expect(selectMarketOdds({ odds: all })).toEqual({
      bookmaker: 'PS',
      kind: 'closing',
      home: 2.4,
      draw: 3.5,
      away: 4,
      source: 'Pinnacle closing (PSCH/PSCD/PSCA)',
    })
  })

  it('returns null when no preferred market is quoted', () => {
    expect(selectMarketOdds({ odds: [] })).toBeNull()
    expect(selectMarketOdds({ odds: [q('WH', 'pre-match', 2)] })).toBeNull()
  })

  it('takes a custom preference as column prefixes or keys', () => {
    expect(selectMarketOdds({ odds: all }, ['AvgC', 'PSC'])).toMatchObject({
      bookmaker: 'Avg',
      kind: 'closing',
    })
    expect(selectMarketOdds({ odds: all }, ['B365'])).toMatchObject({ bookmaker: 'B365', home: 2.0 })
    expect(selectMarketOdds({ odds: all }, [{ bookmaker: 'PS', kind: 'pre-match' }])).toMatchObject({
      home: 2.3,
    })
    expect(selectMarketOdds({ odds: [q('VC', 'pre-match', 2.6)] }, ['VCC', 'VC'])).toMatchObject({
      bookmaker: 'VC',
      kind: 'pre-match',
      source: 'VC Bet (VCH/VCD/VCA)',
    })
  })

  it('describes unknown bookmakers by their prefix', () => {
    expect(describeMarket({ bookmaker: 'XY', kind: 'closing' })).toBe('XY closing (XYCH/XYCD/XYCA)')
  })
})
