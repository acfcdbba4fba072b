import { describe, expect, it } from 'vitest'
import { scoreMatrix } from '../dixonColes/predict'
import { doubleRoundRobin, mulberry32, randomTeams, simulateLeague } from './simulateLeague'

describe('simulateLeague', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const teams = randomTeams(6, 1)
    const a = simulateLeague({ teams, homeAdvantage: 0.3, rho: -0.1, seasons: 2, seed: 99 })
    const b = simulateLeague({ teams, homeAdvantage: 0.3, rho: -0.1, seasons: 2, seed: 99 })
    const c = simulateLeague({ teams, homeAdvantage: 0.3, rho: -0.1, seasons: 2, seed: 100 })
    expect(a).toEqual(b)
    expect(a).not.toEqual(c)
    // mulberry32 reference values (first outputs for seed 1).
    const rng = mulberry32(1)
    expect(rng()).toBeCloseTo(0.6270739405881613, 15)
  })

  it('plays a double round robin per season: each ordered pair exactly once, dates inside the season', () => {
    for (const n of [6, 7]) {
      const rounds = doubleRoundRobin(n)
      const seen = new Set<string>()
      for (const round of rounds) {
        const busy = new Set<number>()
        for (const [h, a] of round) {
          expect(busy.has(h) || busy.has(a)).toBe(false)
          busy.add(h)
          busy.add(a)
          seen.add(`${h}-${a}`)
        }
      }
      expect(seen.size).toBe(n * (n - 1))
    }
    const teams = randomTeams(8, 2)
    const ms = simulateLeague({
      teams,
      homeAdvantage: 0.3,
      rho: -0.1,
      seasons: 3,
      seed: 1,
      startDate: '2020-08-01',
    })
    expect(ms).toHaveLength(3 * 8 * 7)
    expect(ms[0].date).toBe('2020-08-01')
    expect(ms[8 * 7 - 1].date).toBe('2021-05-08') // 280 days later
    expect(ms[8 * 7].date).toBe('2021-08-01')
    expect([...ms.map((m) => m.date)].sort()).toEqual(ms.map((m) => m.date))
  })

  it('draws scores from the exact Dixon-Coles distribution (low-score cells within 4 SE of tau·Pois·Pois)', () => {
    // One pairing, many seasons: frequencies of 0-0, 1-0, 0-1, 1-1 vs the matrix.
    const teams = [
      { name: 'H', attack: 0.1, defence: 0.0 },
      { name: 'A', attack: -0.1, defence: 0.2 },
    ]
    const seasons = 20000
    const ms = simulateLeague({ teams, homeAdvantage: 0.25, rho: -0.2, seasons, seed: 7 })
    const hHome = ms.filter((m) => m.home === 'H')
    const lambda = Math.exp(0.25 + 0.1 + 0.2)
    const mu = Math.exp(-0.1 + 0.0)
    const mat = scoreMatrix(lambda, mu, -0.2)
    const n = hHome.length
    expect(n).toBe(seasons)
    for (const [x, y] of [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
      [2, 1],
    ]) {
      const p = mat[x][y]
      const freq = hHome.filter((m) => m.homeGoals === x && m.awayGoals === y).length / n
      expect(Math.abs(freq - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n))
    }
  })

  it('refuses a rho that would make some tau negative', () => {
    const teams = randomTeams(4, 3)
    expect(() => simulateLeague({ teams, homeAdvantage: 0.3, rho: 0.99, seed: 1 })).toThrow(/rho/)
  })
})
