/**
 * Simulated seasons with a KNOWN true probability for the value backtest (#22 §3). Pure, seeded.
 *
 * Each season is a seeded Dixon-Coles league (`simulateLeague`, 20 teams, a double round robin of 380 matches).
 * As in `gateSimulation.ts`, the market sees each team's true attack and defence minus a hidden part
 * (N(0, hiddenSd²) each; 0 = the market knows the truth):
 *  - pre-match price (the one bets are taken at): the market's probabilities q with a proportional
 *    overround m, o = 1/(q·(1 + m)), so Σ1/o = 1 + m and a bet's true expected return is p_true·o − 1;
 *  - Pinnacle's close: the pre-match view moved halfway to the truth (geometric mean of q and p_true,
 *    renormalised) with overround `closingMargin` (the close knows part of what the pre-match missed);
 *  - the model: 'informed' = the truth with log-noise N(0, modelNoise²); 'market-copy' = the market's own q
 *    with the same noise (knows nothing the price does not); 'exact-copy' = q itself.
 * The true probabilities travel with each match, so a test can compute each bet's exact expected return.
 */
import { resultOf, type Triple } from '../metrics'
import { mulberry32, normal, randomTeams, simulateLeague } from '../simulate/simulateLeague'
import { SIM_HOME_ADVANTAGE, SIM_RHO, simulatedProbabilities } from './simulatedWorld'
import type { Odds3, ValueMatch } from './valueBets'

export type ValueScenario = 'informed' | 'market-copy' | 'exact-copy'

export interface ValueSimulationOptions {
  seasons?: number
  firstSeed?: number
  /** Sd of each rating's part the market misses (default 0.2, as the gate simulation). */
  hiddenSd?: number
  /** Overround of the pre-match price (default 0.05). */
  margin?: number
  /** Overround of the closing price (default 0.025). */
  closingMargin?: number
  /** Sd of the model's log-probability noise (default 0.1). */
  modelNoise?: number
}

export interface SimulatedValueMatch extends ValueMatch {
  truth: Triple
}

const normalised = (w: readonly number[]): Triple => {
  const s = w[0] + w[1] + w[2]
  return [w[0] / s, w[1] / s, w[2] / s]
}

const priced = (q: Triple, margin: number): Odds3 => [
  1 / (q[0] * (1 + margin)),
  1 / (q[1] * (1 + margin)),
  1 / (q[2] * (1 + margin)),
]

export function simulateValueSeasons(
  scenario: ValueScenario,
  opts: ValueSimulationOptions = {},
): SimulatedValueMatch[] {
  const seasons = opts.seasons ?? 20
  const hiddenSd = opts.hiddenSd ?? 0.2
  const margin = opts.margin ?? 0.05
  const closingMargin = opts.closingMargin ?? 0.025
  const noise = opts.modelNoise ?? 0.1
  const out: SimulatedValueMatch[] = []
  for (let s = 0; s < seasons; s++) {
    const seed = (opts.firstSeed ?? 1) + 1000 * s
    const truth = randomTeams(20, seed)
    const rng = mulberry32(seed + 1)
    const seen = truth.map((t) => ({
      name: t.name,
      attack: t.attack - hiddenSd * normal(rng),
      defence: t.defence - hiddenSd * normal(rng),
    }))
    const trueBy = new Map(truth.map((t) => [t.name, t]))
    const seenBy = new Map(seen.map((t) => [t.name, t]))
    const modelRng = mulberry32(seed + 3)
    const played = simulateLeague({
      teams: truth,
      homeAdvantage: SIM_HOME_ADVANTAGE,
      rho: SIM_RHO,
      seasons: 1,
      seed: seed + 2,
      startDate: `${2000 + s}-08-05`,
    })
    for (const m of played) {
      const p = simulatedProbabilities(trueBy.get(m.home)!, trueBy.get(m.away)!)
      const q = simulatedProbabilities(seenBy.get(m.home)!, seenBy.get(m.away)!)
      const close = normalised(q.map((x, k) => Math.sqrt(x * p[k])))
      const base = scenario === 'informed' ? p : q
      const forecast =
        scenario === 'exact-copy' ? q : normalised(base.map((x) => x * Math.exp(noise * normal(modelRng))))
      out.push({
        date: m.date,
        home: m.home,
        away: m.away,
        result: resultOf(m),
        forecast,
        price: priced(q, margin),
        closing: priced(close, closingMargin),
        truth: p,
      })
    }
  }
  return out
}
