import { describe, expect, it } from 'vitest'
import { toMatchArrays } from '../../dixonColes'
import { simulateLeagueForVariants } from '../../backtest/simulatedMarket'
import type { VariantMatch } from '../types'
import { matchArraysAfter, type ArraysMemo } from './matchArraysAfter'

const { matches } = simulateLeagueForVariants({ teams: 8, seasons: 2, seed: 5 })
const plain = (d: ReturnType<typeof toMatchArrays>) => ({
  ...d,
  home: [...d.home],
  away: [...d.away],
  homeGoals: [...d.homeGoals],
  awayGoals: [...d.awayGoals],
  dayNumber: [...d.dayNumber],
  neutral: [...d.neutral],
})

describe('matchArraysAfter (a walk-forward window moved forward)', () => {
  it('equals toMatchArrays on every window of a sliding walk, teams renumbered by first appearance', () => {
    // a newcomer enters at the end and the window's first rows leave, so team order changes between refits
    const withNewcomer: VariantMatch[] = [
      ...matches,
      { date: '2099-01-01', home: 'Newcomer', away: matches[0].home, homeGoals: 1, awayGoals: 1 },
    ]
    let memo: ArraysMemo | undefined
    let renumbered = 0
    const ends = Array.from({ length: Math.floor(withNewcomer.length / 5) }, (_, i) => 10 + 5 * i)
    for (const hi of [...ends.filter((e) => e < withNewcomer.length), withNewcomer.length]) {
      const history = withNewcomer.slice(Math.max(0, hi - 14), hi)
      const data = matchArraysAfter(history, memo)
      const direct = toMatchArrays(history)
      expect(plain(data)).toEqual(plain(direct))
      if (memo && memo.data.teams.join() !== data.teams.join()) renumbered++
      memo = { matches: history, data }
    }
    expect(renumbered).toBeGreaterThan(0)
    expect(memo!.data.teams).toContain('Newcomer')
  })

  it('converts from scratch when the history is not the previous one moved forward, and reports bad rows the same way', () => {
    const first = matches.slice(0, 50)
    const memo = { matches: first, data: toMatchArrays(first) }
    const filtered = matches.slice(0, 60).filter((m) => m.home !== matches[0].home)
    expect(plain(matchArraysAfter(filtered, memo))).toEqual(plain(toMatchArrays(filtered)))
    const bad = [...matches.slice(10, 50), { ...matches[50], homeGoals: -1 }]
    expect(() => matchArraysAfter(bad, memo)).toThrow(/Match 40 .*non-negative integers/)
  })
})
