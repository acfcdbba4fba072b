/**
 * Seeded simulated league with bookmaker odds, for backtest and CLI tests: Dixon-Coles results from
 * `simulateLeague` plus 1X2 odds built from the true probabilities with some noise (the market is good,
 * not perfect) and a 5% overround.
 */
import { outcomeProbabilities } from '../dixonColes'
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
