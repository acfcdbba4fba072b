/**
 * Simulated seasons that prove the stage gate (#22, `stageGate.ts`): how often it opens when the model carries
 * no information beyond the market, and whether it opens and pays when the model does.
 *
 * One "season": a seeded Dixon-Coles league (`simulateLeague`, 20 teams, double round robins of 380 matches):
 * a season of history, a warm-up season (forecast, feeding α, the calibrator and the gates, not scored: the
 * pipeline's protocol) and the scored season, run through the real `walkForward` (gates on, default log pool
 * and temperature calibration, minHistory 100) with a "model" that is a known forecast per match (an
 * oracle variant registered for the run), so that what the model knows is exactly what the scenario says:
 *  - 'no-information': the market is the true probability (quoted with a 5 % proportional margin, removed
 *    multiplicatively, so it comes back exactly) and the model a noisy copy of it — log-probabilities plus
 *    N(0, 0.15²), renormalised. The blend of the market with it, and any calibrator, can only be worse in
 *    expectation (RPS is strictly proper): every stage is under the gate's null hypothesis.
 *  - 'informed': each team's true attack and defence = what the market sees + a hidden part (N(0, 0.2²)
 *    each by default) the market misses; the model is the truth with log-noise of sd 0.1. The model then
 *    beats the market by about 0.013 RPS a match: the blend has a real edge.
 * A season "opened" when either gate's e-value reached 1/level at any point (warm-up included: stricter than
 * "served on a scored date") or either stage was served on a scored date. Deterministic per seed.
 */
import { rps as rpsOf, type Triple } from '../metrics'
import { mulberry32, normal, randomTeams, simulateLeague, type SimTeam } from '../simulate/simulateLeague'
import { SIM_HOME_ADVANTAGE, SIM_RHO, simulatedProbabilities } from './simulatedWorld'
import { VARIANTS, type GoalModelVariant, type VariantId } from '../variants'
import { gateThreshold } from './pairedRpsEProcess'
import {
  walkForward,
  type BacktestMatch,
  type WalkForwardOptions,
  type WalkForwardResult,
} from './walkForward'

export type GateScenario = 'no-information' | 'informed'

export interface GateSimulationOptions {
  teams?: number
  /** Walk-forward minHistory (default 100, the pipeline's). */
  minHistory?: number
  /** Sd of the hidden part of each rating in the informed scenario (default {@link DEFAULT_HIDDEN_SD}). */
  hiddenSd?: number
  /** Sd of the model's log-probability noise (default 0.15 without information, 0.1 informed). */
  modelNoise?: number
  /** Also say whether the rule before #22 (lower total RPS on minHistory rows) would have served the blend. */
  compareLowerTotal?: boolean
}

export interface GateSeason {
  seed: number
  /** Either stage served on at least one scored date. */
  opened: boolean
  servedMatches: { blend: number; calibration: number }
  /** Mean RPS over the scored matches: the market, the served forecast, the model. */
  rps: { market: number; served: number; model: number }
  n: number
  /** Whether the pre-#22 rule would have served the blend on some date (null unless asked). */
  lowerTotalOpened: boolean | null
}

/**
 * The rule before #22 on an ungated walk-forward's rows (α is the same with or without gates): the blend is
 * served at a date once the rows before it with a fitted α number at least `minRows` and the α blend's total
 * RPS over them is below the market's.
 */
function lowerTotalRuleOpens(result: WalkForwardResult, minRows: number): boolean {
  const rows = result.rows
  const fitted = new Set(result.refits.filter((r) => r.alpha !== null).map((r) => r.date))
  let candidate = 0
  let base = 0
  let n = 0
  let i = 0
  while (i < rows.length) {
    const date = rows[i].date
    if (n >= minRows && candidate < base) return true
    for (; i < rows.length && rows[i].date === date; i++) {
      const r = rows[i]
      if (r.model && r.market && fitted.has(date)) {
        candidate += rpsOf(r.blend!, r.result)
        base += rpsOf(r.market, r.result)
        n++
      }
    }
  }
  return false
}

/** Hidden part of each rating in the informed scenario: the model then beats the market by ~0.013 RPS. */
export const DEFAULT_HIDDEN_SD = 0.2
const ORACLE_ID = 'gate-simulation-oracle' as VariantId

const key = (date: string, home: string, away: string) => `${date}|${home}|${away}`

function noisy(p: Triple, sd: number, rng: () => number): Triple {
  const w = p.map((x) => x * Math.exp(sd * normal(rng)))
  const s = w[0] + w[1] + w[2]
  return [w[0] / s, w[1] / s, w[2] / s]
}

/** A variant whose forecast for a match is looked up (the scenario's model), whatever the history. */
function oracleVariant(forecasts: Map<string, Triple>): GoalModelVariant<Map<string, Triple>> {
  return {
    id: ORACLE_ID,
    label: 'Gate simulation oracle',
    description: 'A known forecast per match (gate simulation only).',
    fit: () => forecasts,
    predict: (fit, f) => {
      const p = fit.get(key(f.date, f.home, f.away))
      return p ? { lambda: 0, mu: 0, matrix: [[1]], probabilities: p } : null
    },
    summary: () => ({}),
  }
}

/** One simulated season of the scenario through the gated walk-forward. */
export function simulateGateSeason(
  scenario: GateScenario,
  seed: number,
  opts: GateSimulationOptions = {},
): GateSeason {
  const truth = randomTeams(opts.teams ?? 20, seed)
  const rng = mulberry32(seed + 1)
  const hiddenSd = scenario === 'informed' ? (opts.hiddenSd ?? DEFAULT_HIDDEN_SD) : 0
  const seen: SimTeam[] = truth.map((t) => ({
    name: t.name,
    attack: t.attack - hiddenSd * normal(rng),
    defence: t.defence - hiddenSd * normal(rng),
  }))
  const played = simulateLeague({
    teams: truth,
    homeAdvantage: SIM_HOME_ADVANTAGE,
    rho: SIM_RHO,
    seasons: 3,
    seed: seed + 2,
    startDate: '2021-08-07',
  })
  const trueBy = new Map(truth.map((t) => [t.name, t]))
  const seenBy = new Map(seen.map((t) => [t.name, t]))
  const noise = opts.modelNoise ?? (scenario === 'informed' ? 0.1 : 0.15)
  const modelRng = mulberry32(seed + 3)
  const forecasts = new Map<string, Triple>()
  const matches = played.map((m): BacktestMatch => {
    const market = simulatedProbabilities(seenBy.get(m.home)!, seenBy.get(m.away)!)
    const truthP = simulatedProbabilities(trueBy.get(m.home)!, trueBy.get(m.away)!)
    forecasts.set(
      key(m.date, m.home, m.away),
      noisy(scenario === 'informed' ? truthP : market, noise, modelRng),
    )
    return { ...m, odds: market.map((p) => 1 / (1.05 * p)) as [number, number, number] }
  })
  const perSeason = played.length / 3
  const options: WalkForwardOptions = {
    warmUpFrom: played[perSeason].date,
    from: played[2 * perSeason].date,
    model: ORACLE_ID,
    margin: 'multiplicative',
    minHistory: opts.minHistory ?? 100,
  }
  const registry = VARIANTS as Record<string, unknown>
  registry[ORACLE_ID] = oracleVariant(forecasts)
  let result: ReturnType<typeof walkForward>
  let lowerTotalOpened: boolean | null = null
  try {
    result = walkForward(matches, options)
    if (opts.compareLowerTotal) {
      // the rule before #22 on the blend: served once its shadow total RPS was lower on minHistory rows
      const all = walkForward(matches, { ...options, from: options.warmUpFrom!, gate: false })
      lowerTotalOpened = lowerTotalRuleOpens(all, options.minHistory!)
    }
  } finally {
    delete registry[ORACLE_ID]
  }
  const gates = result.gates!
  const scored = result.rows.filter((r) => r.model && r.market)
  const mean = (k: 'market' | 'calibrated' | 'model') =>
    scored.reduce((a, r) => a + rpsOf(r[k]!, r.result), 0) / scored.length
  return {
    seed,
    // ever above the threshold, warm-up included (stricter than "served on a scored date")
    opened:
      result.refits.some((r) => r.blendServed || r.calibratorServed) ||
      Math.max(gates.blend.maxEValue, gates.calibration.maxEValue) >= gateThreshold(),
    servedMatches: { blend: gates.blend.servedMatches, calibration: gates.calibration.servedMatches },
    rps: { market: mean('market'), served: mean('calibrated'), model: mean('model') },
    n: scored.length,
    lowerTotalOpened,
  }
}

export interface GateSimulationSummary {
  scenario: GateScenario
  seasons: number
  opened: number
  openRate: number
  /** Mean over seasons of (served RPS − market RPS): negative = the served forecast is better. */
  meanServedMinusMarket: number
  /** Seasons where the served forecast beat the market. */
  servedBetter: number
  /** Seasons where the pre-#22 rule would have served the blend (null unless asked). */
  lowerTotalOpened: number | null
  seasonResults: GateSeason[]
}

/** `seasons` simulated seasons (seeds firstSeed, firstSeed + 1, …) of one scenario. */
export function simulateGateSeasons(
  scenario: GateScenario,
  seasons: number,
  firstSeed = 1,
  opts: GateSimulationOptions = {},
): GateSimulationSummary {
  const seasonResults = Array.from({ length: seasons }, (_, i) =>
    simulateGateSeason(scenario, firstSeed + 1000 * i, opts),
  )
  const opened = seasonResults.filter((s) => s.opened).length
  return {
    scenario,
    seasons,
    opened,
    openRate: opened / seasons,
    meanServedMinusMarket:
      seasonResults.reduce((a, s) => a + s.rps.served - s.rps.market, 0) / Math.max(1, seasons),
    servedBetter: seasonResults.filter((s) => s.rps.served < s.rps.market).length,
    lowerTotalOpened: opts.compareLowerTotal ? seasonResults.filter((s) => s.lowerTotalOpened).length : null,
    seasonResults,
  }
}
