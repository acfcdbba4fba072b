/**
 * Seeded Dixon-Coles league simulator: double round robin seasons whose scores are drawn from the
 * exact Dixon-Coles joint distribution P(x, y) = τ(x, y)·Pois(x; λ)·Pois(y; μ) (Dixon & Coles 1997,
 * eq. 4.2; grid capped where the Poisson tail is < 1e-10 and renormalised). Deterministic for a
 * given seed on every platform (mulberry32 PRNG, no Math.random), so tests can recover known
 * parameters and other modules can build reproducible fixtures.
 */
import { scoreMatrix } from '../dixonColes/predict'
import { dateOfDayNumber, dayNumberOf, type MatchInput } from '../dixonColes/types'

/** mulberry32: tiny 32-bit PRNG with a full 2³² period; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Standard normal draw (Box-Muller) from a uniform generator. */
export function normal(rng: () => number): number {
  let u = 0
  while (u === 0) u = rng()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng())
}

export interface SimTeam {
  name: string
  /** α (log attack); the simulator does not require Σα = 0 but a fit will report centred values. */
  attack: number
  /** β (log defensive weakness, includes the goal-rate intercept). */
  defence: number
}

export interface RandomTeamsOptions {
  /** Spread of α (default 0.25) and β (default 0.2). */
  attackSd?: number
  defenceSd?: number
  /** Mean away-goal rate exp(β̄) (default 1.15 goals). */
  awayRate?: number
  /** Name prefix (default 'Team '). */
  prefix?: string
}

/** n teams with realistic random ratings, Σα = 0 exactly. */
export function randomTeams(n: number, seed: number, opts: RandomTeamsOptions = {}): SimTeam[] {
  const rng = mulberry32(seed)
  const attackSd = opts.attackSd ?? 0.25
  const defenceSd = opts.defenceSd ?? 0.2
  const base = Math.log(opts.awayRate ?? 1.15)
  const prefix = opts.prefix ?? 'Team '
  const teams = Array.from({ length: n }, (_, i) => ({
    name: `${prefix}${String(i + 1).padStart(2, '0')}`,
    attack: attackSd * normal(rng),
    defence: base + defenceSd * normal(rng),
  }))
  const mean = teams.reduce((s, t) => s + t.attack, 0) / n
  for (const t of teams) t.attack -= mean
  return teams
}

/**
 * Double round robin by the circle method: 2(n−1) rounds (n even; with n odd one team rests each
 * round), every pair meets once at each venue. Returns rounds of [homeIndex, awayIndex] pairs.
 */
export function doubleRoundRobin(n: number): Array<Array<[number, number]>> {
  const ids = Array.from({ length: n % 2 === 0 ? n : n + 1 }, (_, i) => i)
  const m = ids.length
  const first: Array<Array<[number, number]>> = []
  for (let r = 0; r < m - 1; r++) {
    const round: Array<[number, number]> = []
    for (let i = 0; i < m / 2; i++) {
      const a = ids[i]
      const b = ids[m - 1 - i]
      if (a >= n || b >= n) continue
      // Alternate venues so no team is at home every week.
      round.push((r + i) % 2 === 0 ? [a, b] : [b, a])
    }
    first.push(round)
    // Rotate all but the first entry.
    ids.splice(1, 0, ids.pop() as number)
  }
  const second = first.map((round) => round.map(([h, a]) => [a, h] as [number, number]))
  return [...first, ...second]
}

export interface SimulateLeagueOptions {
  teams: SimTeam[]
  /** γ, log home advantage. */
  homeAdvantage: number
  /** ρ; must keep every τ positive for every pairing (checked). */
  rho: number
  /** Number of consecutive seasons (default 1). */
  seasons?: number
  seed: number
  /** First match day of the first season, YYYY-MM-DD (default 2015-08-08). */
  startDate?: string
  /** Days from a season's first to its last round (default 280); seasons start 365 days apart. */
  seasonLengthDays?: number
}

/** Simulate `seasons` double round robins; matches come out in date order. */
export function simulateLeague(opts: SimulateLeagueOptions): MatchInput[] {
  const { teams, homeAdvantage, rho, seed } = opts
  const seasons = opts.seasons ?? 1
  const start = dayNumberOf(opts.startDate ?? '2015-08-08')
  const length = opts.seasonLengthDays ?? 280
  const n = teams.length
  if (n < 2) throw new Error('simulateLeague needs at least two teams')
  const rng = mulberry32(seed)
  const cdfCache = new Map<number, { cdf: Float64Array; size: number }>()
  const cdfFor = (h: number, a: number) => {
    const key = h * n + a
    let c = cdfCache.get(key)
    if (!c) {
      const lambda = Math.exp(homeAdvantage + teams[h].attack + teams[a].defence)
      const mu = Math.exp(teams[a].attack + teams[h].defence)
      if (!(1 - lambda * mu * rho > 0 && 1 + lambda * rho > 0 && 1 + mu * rho > 0 && rho < 1)) {
        throw new Error(`rho=${rho} makes a tau negative for ${teams[h].name} v ${teams[a].name}`)
      }
      const m = scoreMatrix(lambda, mu, rho)
      const size = m.length
      const cdf = new Float64Array(size * size)
      let acc = 0
      for (let x = 0; x < size; x++) for (let y = 0; y < size; y++) cdf[x * size + y] = acc += m[x][y]
      c = { cdf, size }
      cdfCache.set(key, c)
    }
    return c
  }
  const rounds = doubleRoundRobin(n)
  const out: MatchInput[] = []
  for (let s = 0; s < seasons; s++) {
    // A fresh random labelling of the schedule each season, so fixtures differ between seasons.
    const perm = Array.from({ length: n }, (_, i) => i)
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1))
      ;[perm[i], perm[j]] = [perm[j], perm[i]]
    }
    const seasonStart = start + 365 * s
    rounds.forEach((round, r) => {
      const day = seasonStart + Math.round((r * length) / Math.max(1, rounds.length - 1))
      for (const [hi, ai] of round) {
        const h = perm[hi]
        const a = perm[ai]
        const { cdf, size } = cdfFor(h, a)
        const u = rng() * cdf[cdf.length - 1]
        // Binary search for the first cell whose cumulative mass exceeds u.
        let lo = 0
        let hiIdx = cdf.length - 1
        while (lo < hiIdx) {
          const mid = (lo + hiIdx) >>> 1
          if (cdf[mid] > u) hiIdx = mid
          else lo = mid + 1
        }
        out.push({
          date: dateOfDayNumber(day),
          home: teams[h].name,
          away: teams[a].name,
          homeGoals: Math.floor(lo / size),
          awayGoals: lo % size,
        })
      }
    })
  }
  return out
}
