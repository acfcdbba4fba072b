/**
 * Test helper: the seeded league simulator of `main/model/simulate` (same schedule, same PRNG) with any score
 * distribution — negative binomial or bivariate Poisson draws for the variants' parameter-recovery tests.
 * `matrixOf(λ, μ)` returns P(x, y) as `matrix[x][y]` for the fixture's engine-style rates
 * λ = exp(γ + α_h + β_a), μ = exp(α_a + β_h).
 */
import { dateOfDayNumber, dayNumberOf } from '../../dixonColes'
import { doubleRoundRobin, mulberry32, type SimTeam } from '../../simulate/simulateLeague'
import type { VariantMatch } from '../types'

export interface SimulateScoresOptions {
  teams: SimTeam[]
  homeAdvantage: number
  matrixOf: (lambda: number, mu: number) => number[][]
  seasons: number
  seed: number
  startDate?: string
  league?: string
}

export function simulateScores(opts: SimulateScoresOptions): VariantMatch[] {
  const { teams, homeAdvantage, matrixOf, seasons, seed } = opts
  const n = teams.length
  const rng = mulberry32(seed)
  const cache = new Map<number, { cdf: Float64Array; size: number }>()
  const start = dayNumberOf(opts.startDate ?? '2015-08-08')
  const rounds = doubleRoundRobin(n)
  const out: VariantMatch[] = []
  for (let s = 0; s < seasons; s++) {
    rounds.forEach((round, r) => {
      const day = start + 365 * s + Math.round((r * 280) / (rounds.length - 1))
      for (const [h, a] of round) {
        let c = cache.get(h * n + a)
        if (!c) {
          const m = matrixOf(
            Math.exp(homeAdvantage + teams[h].attack + teams[a].defence),
            Math.exp(teams[a].attack + teams[h].defence),
          )
          const size = m.length
          const cdf = new Float64Array(size * size)
          let acc = 0
          for (let x = 0; x < size; x++) for (let y = 0; y < size; y++) cdf[x * size + y] = acc += m[x][y]
          c = { cdf, size }
          cache.set(h * n + a, c)
        }
        const u = rng() * c.cdf[c.cdf.length - 1]
        let lo = 0
        let hi = c.cdf.length - 1
        while (lo < hi) {
          const mid = (lo + hi) >>> 1
          if (c.cdf[mid] > u) hi = mid
          else lo = mid + 1
        }
        out.push({
          date: dateOfDayNumber(day),
          home: teams[h].name,
          away: teams[a].name,
          homeGoals: Math.floor(lo / c.size),
          awayGoals: lo % c.size,
          league: opts.league ?? null,
        })
      }
    })
  }
  return out
}
