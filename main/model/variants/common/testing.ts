/**
 * Test-only helpers shared by the variants' tests (never imported by a variant): fit contexts, the error-code
 * check, seeded simulators with known parameters for the recovery tests, and the real-season loader.
 *
 * `simulateScores`: the seeded league simulator of `main/model/simulate` (same schedule, same PRNG) with any score
 * distribution — negative binomial or bivariate Poisson draws for the variants' parameter-recovery tests.
 * `matrixOf(λ, μ)` returns P(x, y) as `matrix[x][y]` for the fixture's engine-style rates
 * λ = exp(γ + α_h + β_a), μ = exp(α_a + β_h).
 */
import path from 'node:path'
import { expect } from 'vitest'
import { DixonColesError, dateOfDayNumber, dayNumberOf, outcomeProbabilities } from '../../dixonColes'
import {
  doubleRoundRobin,
  mulberry32,
  randomTeams,
  simulateLeague,
  type SimTeam,
} from '../../simulate/simulateLeague'
import { readFootballDataFile } from '../../../services/data/csv'
import type { VariantFitContext, VariantMatch } from '../types'

/** A fit context spanning `h` (first to last date), ξ = 0 unless `extra` says otherwise. */
export const ctxOf = (
  h: readonly VariantMatch[],
  extra: Partial<VariantFitContext> = {},
): VariantFitContext => ({
  asOf: h[h.length - 1].date,
  from: h[0].date,
  xi: 0,
  ...extra,
})

/** The window spanning `matches` with decay ξ (default 0.0019, Dixon & Coles' half-week value), no other context. */
export const windowOf = (matches: readonly VariantMatch[], xi = 0.0019) => ({
  asOf: matches[matches.length - 1].date,
  from: matches[0].date,
  xi,
})

/** Date order of two matches (for `Array.prototype.sort`). */
export const byDate = (a: { date: string }, b: { date: string }) =>
  a.date < b.date ? -1 : a.date > b.date ? 1 : 0

/** `fn` throws a DixonColesError with `code`; returns it. */
export function expectCode(fn: () => unknown, code: string): DixonColesError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(DixonColesError)
    expect((e as DixonColesError).code).toBe(code)
    return e as DixonColesError
  }
  throw new Error(`expected ${code}`)
}

/**
 * The finished matches of `leagues` × `seasons` from the football-data folder (`<dir>/<L>/<L>_<season>.csv`),
 * goals only (plus `league` when `tagLeague`, both teams' shots on target when `shotsOnTarget`), in date order.
 */
export async function readSeasons(
  dataDir: string,
  leagues: readonly string[],
  seasons: readonly string[],
  opts: { tagLeague?: boolean; shotsOnTarget?: boolean } = {},
): Promise<VariantMatch[]> {
  const history: VariantMatch[] = []
  for (const league of leagues) {
    for (const season of seasons) {
      const file = await readFootballDataFile(path.join(dataDir, league, `${league}_${season}.csv`))
      for (const r of file.rows) {
        if (r.homeGoals === null || r.awayGoals === null) continue
        history.push({
          date: r.date,
          home: r.home,
          away: r.away,
          homeGoals: r.homeGoals,
          awayGoals: r.awayGoals,
          ...(opts.tagLeague ? { league } : {}),
          ...(opts.shotsOnTarget
            ? { homeShotsOnTarget: r.stats.homeShotsOnTarget, awayShotsOnTarget: r.stats.awayShotsOnTarget }
            : {}),
        })
      }
    }
  }
  return history.sort(byDate)
}

/**
 * Asserts that `grad` is the gradient of `f` at θ: for every coordinate j, |grad_j − fd_j| < tolerance·max(1, |fd_j|)
 * with fd_j the central difference (f(θ + e·e_j) − f(θ − e·e_j))/(2e), or the forward one where `oneSided(j)` (at a
 * bound of the parameter space).
 */
export function expectGradient(
  f: (theta: Float64Array) => number,
  theta: Float64Array,
  grad: Float64Array,
  opts: { step: number; tolerance: number; oneSided?: (j: number) => boolean },
): void {
  const e = opts.step
  const t = Float64Array.from(theta)
  for (let j = 0; j < theta.length; j++) {
    const forward = opts.oneSided?.(j) ?? false
    t[j] = theta[j] + e
    const up = f(t)
    t[j] = forward ? theta[j] : theta[j] - e
    const down = f(t)
    t[j] = theta[j]
    const fd = (up - down) / (forward ? e : 2 * e)
    expect(Math.abs(grad[j] - fd)).toBeLessThan(opts.tolerance * Math.max(1, Math.abs(fd)))
  }
}

/** Largest |fitted − true| attack or defence over the simulated `truth` teams (the fit's teams found by name). */
export function worstRatingError(
  truth: readonly { name: string; attack: number; defence: number }[],
  fitted: readonly { name: string; attack: number; defence: number }[],
): number {
  let worst = 0
  for (const t of truth) {
    const r = fitted.find((x) => x.name === t.name)!
    worst = Math.max(worst, Math.abs(r.attack - t.attack), Math.abs(r.defence - t.defence))
  }
  return worst
}

/** Asserts every `reference` team's attack and defence is within `tolerance` of the same team's in `fitted`. */
export function expectSameRatings(
  fitted: readonly { name: string; attack: number; defence: number }[],
  reference: readonly { name: string; attack: number; defence: number }[],
  tolerance: number,
): void {
  for (const t of reference) {
    const r = fitted.find((x) => x.name === t.name)!
    expect(Math.abs(r.attack - t.attack)).toBeLessThan(tolerance)
    expect(Math.abs(r.defence - t.defence)).toBeLessThan(tolerance)
  }
}

/** `matches` with every goal of `team` removed (a team that never scored: no maximum-likelihood rating). */
export function withoutGoalsOf(matches: readonly VariantMatch[], team: string): VariantMatch[] {
  return matches.map((m) =>
    m.home === team ? { ...m, homeGoals: 0 } : m.away === team ? { ...m, awayGoals: 0 } : m,
  )
}

/** Milliseconds one call of `run` takes. */
export function timeMs(run: () => unknown): number {
  const t0 = performance.now()
  run()
  return performance.now() - t0
}

/** Median milliseconds of `runs` calls of `run` (for the fit-time figures the real-data tests print). */
export function medianMs(run: () => unknown, runs: number): number {
  const times: number[] = []
  for (let i = 0; i < runs; i++) times.push(timeMs(run))
  times.sort((a, b) => a - b)
  return times[Math.floor(runs / 2)]
}

/** Poisson draw by inversion (small means only), at most `maxGoals`. */
export function poissonDraw(rng: () => number, mean: number, maxGoals = 1000): number {
  let k = 0
  let p = Math.exp(-mean)
  let cdf = p
  const u = rng()
  while (u > cdf && k < maxGoals) {
    k++
    p *= mean / k
    cdf += p
  }
  return k
}

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

// Pseudo-goal variants (shots, market): simulated seasons extended with shots on target and market
// probabilities drawn from the TRUE rates, so recovery tests know the answer.

export const SIM_GAMMA = 0.25
export const SIM_RHO = -0.08
/** Goals per shot on target in the simulation (real leagues: ≈ 0.30). */
export const SIM_CONVERSION = 0.3

export interface SimulatedSeasons {
  teams: SimTeam[]
  matches: VariantMatch[]
  /** True λ, μ per match (index-aligned). */
  rates: Array<[number, number]>
}

/**
 * `seasons` double round robins of `nTeams` teams (Dixon-Coles scores from the engine's simulator); each match
 * gets shots on target ~ Poisson(λ / c) and Poisson(μ / c), and the market 1X2 of the true λ, μ, ρ.
 */
export function simulateWithExtras(seed: number, nTeams = 20, seasons = 3): SimulatedSeasons {
  const teams = randomTeams(nTeams, seed)
  const base = simulateLeague({ teams, homeAdvantage: SIM_GAMMA, rho: SIM_RHO, seasons, seed: seed + 1 })
  const byName = new Map(teams.map((t) => [t.name, t]))
  const rng = mulberry32(seed + 2)
  const rates: Array<[number, number]> = []
  const matches = base.map((m): VariantMatch => {
    const h = byName.get(m.home) as SimTeam
    const a = byName.get(m.away) as SimTeam
    const lambda = Math.exp(SIM_GAMMA + h.attack + a.defence)
    const mu = Math.exp(a.attack + h.defence)
    rates.push([lambda, mu])
    return {
      ...m,
      homeShotsOnTarget: poissonDraw(rng, lambda / SIM_CONVERSION),
      awayShotsOnTarget: poissonDraw(rng, mu / SIM_CONVERSION),
      market: outcomeProbabilities(lambda, mu, SIM_RHO),
    }
  })
  return { teams, matches, rates }
}

/** Root-mean-square error of fitted attack and defence against the truth (attack centred like the fit). */
export function ratingError(
  truth: SimTeam[],
  fit: { teams: string[]; attack: number[]; defence: number[] },
): number {
  const mean = truth.reduce((s, t) => s + t.attack, 0) / truth.length
  let s = 0
  let n = 0
  for (const t of truth) {
    const i = fit.teams.indexOf(t.name)
    if (i < 0) continue
    s += (fit.attack[i] - (t.attack - mean)) ** 2 + (fit.defence[i] - (t.defence + mean)) ** 2
    n += 2
  }
  return Math.sqrt(s / n)
}
