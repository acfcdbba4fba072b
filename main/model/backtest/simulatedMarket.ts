/**
 * Seeded simulated league with bookmaker odds, for backtest and CLI tests: Dixon-Coles results from
 * `simulateLeague` plus 1X2 odds built from the true probabilities with some noise (the market is good,
 * not perfect) and a 5% overround.
 */
import { outcomeProbabilities, scoreMatrix } from '../dixonColes'
import { removeMargin } from '../market'
import type { Triple } from '../metrics'
import { mulberry32, normal, randomTeams, simulateLeague, type SimTeam } from '../simulate/simulateLeague'
import type { BacktestMatch } from './walkForward'

export interface SimulatedMarketOptions {
  teams?: number
  seasons?: number
  seed?: number
  /** Spread of the market's log-probability error (default 0.1). */
  noise?: number
  startDate?: string
}

export function simulateLeagueWithOdds(opts: SimulatedMarketOptions = {}): {
  matches: BacktestMatch[]
  teams: SimTeam[]
} {
  const seed = opts.seed ?? 7
  const teams = randomTeams(opts.teams ?? 12, seed)
  const homeAdvantage = 0.25
  const rho = -0.08
  const played = simulateLeague({
    teams,
    homeAdvantage,
    rho,
    seasons: opts.seasons ?? 4,
    seed: seed + 1,
    startDate: opts.startDate ?? '2019-08-10',
  })
  const byName = new Map(teams.map((t) => [t.name, t]))
  const rng = mulberry32(seed + 2)
  const noise = opts.noise ?? 0.1
  const matches = played.map((m): BacktestMatch => {
    const h = byName.get(m.home) as SimTeam
    const a = byName.get(m.away) as SimTeam
    const p = outcomeProbabilities(
      Math.exp(homeAdvantage + h.attack + a.defence),
      Math.exp(a.attack + h.defence),
      rho,
    )
    const w = p.map((x) => x * Math.exp(noise * normal(rng)))
    const s = w[0] + w[1] + w[2]
    const odds = w.map((x) => Math.round((100 * s) / (x * 1.05)) / 100) as [number, number, number]
    return { ...m, odds }
  })
  return { matches, teams }
}

/** Poisson draw by inversion (small means only: shots per side). */
function poissonDraw(rng: () => number, mean: number): number {
  const u = rng()
  let k = 0
  let p = Math.exp(-mean)
  let f = p
  while (u > f && k < 200) {
    k++
    p *= mean / k
    f += p
  }
  return k
}

/**
 * {@link simulateLeagueWithOdds} plus everything a goal-model variant may train on ({@link VariantMatch}):
 * shots on target = goals + Poisson(λ·(1/c − 1)) with conversion c = 0.3 (so they carry information about
 * λ beyond the goals), shots = shots on target + Poisson(1.6·λ/c), the margin-free (multiplicative) market
 * 1X2 from the odds, and a noisy margin-free probability of more than 2.5 goals from the true score matrix.
 * Goals and odds are exactly those of `simulateLeagueWithOdds` with the same options.
 */
export function simulateLeagueForVariants(opts: SimulatedMarketOptions = {}): {
  matches: BacktestMatch[]
  teams: SimTeam[]
} {
  const base = simulateLeagueWithOdds(opts)
  const seed = opts.seed ?? 7
  const homeAdvantage = 0.25
  const rho = -0.08
  const conversion = 0.3
  const byName = new Map(base.teams.map((t) => [t.name, t]))
  const rng = mulberry32(seed + 3)
  const noise = opts.noise ?? 0.1
  const matches = base.matches.map((m): BacktestMatch => {
    const h = byName.get(m.home) as SimTeam
    const a = byName.get(m.away) as SimTeam
    const lambda = Math.exp(homeAdvantage + h.attack + a.defence)
    const mu = Math.exp(a.attack + h.defence)
    const homeShotsOnTarget = m.homeGoals + poissonDraw(rng, lambda * (1 / conversion - 1))
    const awayShotsOnTarget = m.awayGoals + poissonDraw(rng, mu * (1 / conversion - 1))
    const homeShots = homeShotsOnTarget + poissonDraw(rng, (1.6 * lambda) / conversion)
    const awayShots = awayShotsOnTarget + poissonDraw(rng, (1.6 * mu) / conversion)
    const grid = scoreMatrix(lambda, mu, rho)
    let under = 0
    for (let x = 0; x <= 2 && x < grid.length; x++) for (let y = 0; x + y <= 2; y++) under += grid[x][y]
    const over = Math.min(0.98, Math.max(0.02, (1 - under) * Math.exp(noise * normal(rng))))
    return {
      ...m,
      homeShotsOnTarget,
      awayShotsOnTarget,
      homeShots,
      awayShots,
      market: m.odds ? (removeMargin(m.odds, 'multiplicative').probabilities as Triple) : null,
      marketOver25: over,
    }
  })
  return { matches, teams: base.teams }
}
