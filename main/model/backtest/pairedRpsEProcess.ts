/**
 * A one-sided sequential test that a candidate forecast beats a base forecast in RPS, valid at every date it is
 * looked at: a betting e-process (test supermartingale) on the paired per-match RPS differences.
 *
 * Hypotheses. For match i (in the order results arrive) let d_i = RPS(base_i, y_i) − RPS(candidate_i, y_i)
 * (positive: the candidate did better). H0: E[d_i | everything known before match i] ≤ 0 for every i — the
 * candidate is, match after match, no better than what it replaces. Under H0 a candidate may still win a run of
 * matches by luck; the test must not open on such a run, however often it is checked.
 *
 * Wealth. Both forecasts are known before the result, so the largest difference the result can make,
 * B_i = max over the three outcomes of |RPS(base_i, o) − RPS(candidate_i, o)| (`rpsDifferenceBound`), is known
 * too, and |d_i| ≤ B_i. A gambler starting with wealth 1 stakes λ_i·d_i on "the candidate wins" before each
 * result, with 0 ≤ λ_i ≤ 1/(2B_i) (so 1 + λ_i d_i ≥ ½):  K_i = min(C, K_{i−1} · (1 + λ_i d_i)).  λ_i is chosen
 * from the earlier d only (`agrapaBet`: the approximate growth-rate-adaptive plug-in of Waudby-Smith & Ramdas
 * 2023, "Estimating means of bounded random variables by betting", JRSS-B: λ = μ̂ / (σ̂² + μ̂²), the Kelly
 * fraction to second order). Under H0, E[1 + λ_i d_i | past] ≤ 1 and min(C, ·) is concave, so K is a
 * non-negative supermartingale with K_0 = 1, and Ville's inequality (1939) gives
 * P(K_i ≥ 1/a for SOME i) ≤ a: checking at every date, or at every match, costs nothing. The level
 * a = {@link GATE_LEVEL} (5 %) is the chance that a stage with no real edge is EVER served, over the whole
 * walk-forward.
 *
 * Forgetting. The cap C = {@link GATE_WEALTH_CAP} (10/a = 200) keeps old evidence from outweighing new: a stage
 * that stops helping loses its bets and its place once its wealth falls below 1/a, i.e. after it has lost a
 * factor ≤ 10 (about log 10 ≈ 2.3 nats of evidence against it), not after it has paid back a whole history.
 * The cap keeps the supermartingale property, so the level still holds.
 *
 * Deterministic: no randomness, the wealth is a function of the paired forecasts and results in order.
 */
import { rps, type OutcomeLetter, type Triple } from '../metrics'

/** Chance that a stage with no real edge is ever served (Ville's inequality on the capped wealth). */
export const GATE_LEVEL = 0.05
/** Wealth at which the test opens: 1 / level. */
export const gateThreshold = (level: number = GATE_LEVEL): number => 1 / level
/** Wealth cap (as a multiple of the threshold): the factor a served stage may lose before it is dropped. */
export const GATE_CAP_FACTOR = 10
export const GATE_WEALTH_CAP = GATE_CAP_FACTOR / GATE_LEVEL
const OUTCOMES: readonly OutcomeLetter[] = ['H', 'D', 'A']

/** max over outcomes o of |RPS(base, o) − RPS(candidate, o)|: the most one result can move the difference. */
export function rpsDifferenceBound(candidate: Triple, base: Triple): number {
  let b = 0
  for (const o of OUTCOMES) b = Math.max(b, Math.abs(rps(base, o) - rps(candidate, o)))
  return b
}

/** Running mean and variance (Welford) of the paired RPS differences d seen so far. */
export interface BetStatistics {
  n: number
  mean: number
  /** Σ (d − mean)². */
  m2: number
}

export const emptyBetStatistics = (): BetStatistics => ({ n: 0, mean: 0, m2: 0 })

export function addToBetStatistics(s: BetStatistics, d: number): BetStatistics {
  const n = s.n + 1
  const delta = d - s.mean
  const mean = s.mean + delta / n
  return { n, mean, m2: s.m2 + delta * (d - mean) }
}

/**
 * Prior variance of a per-match RPS difference (one pseudo-observation): 0.1², about what two forecasts a
 * few points apart give; it only damps the first bets.
 */
export const PRIOR_DIFFERENCE_VARIANCE = 0.01

/**
 * aGRAPA bet from the earlier differences: λ = μ̂ / (σ̂² + μ̂²) clipped to [0, 1/(2·bound)], with μ̂ shrunk toward
 * the null (one pseudo-observation at 0) and σ̂² toward {@link PRIOR_DIFFERENCE_VARIANCE} (one
 * pseudo-observation), so the first bets are small. Never bets against the candidate (λ ≥ 0: one-sided).
 */
export function agrapaBet(s: BetStatistics, bound: number): number {
  const mean = (s.mean * s.n) / (s.n + 1)
  const variance = (PRIOR_DIFFERENCE_VARIANCE + s.m2) / (s.n + 1)
  if (!(mean > 0) || !(bound > 0)) return 0
  return Math.min(1 / (2 * bound), mean / (variance + mean * mean))
}

/** One match of the capped betting wealth: min(cap, K · (1 + λ·d)). */
export function cappedWealthStep(
  wealth: number,
  bet: number,
  d: number,
  cap: number = GATE_WEALTH_CAP,
): number {
  return Math.min(cap, wealth * (1 + bet * d))
}

/** The e-process's state after some matches. */
export interface PairedRpsEProcess {
  /** Current (capped) wealth K: the e-value against "the candidate is no better". */
  wealth: number
  /** Largest wealth reached (≥ 1/level at some point ⇔ the test has ever rejected). */
  maxWealth: number
  stats: BetStatistics
}

export const startPairedRpsEProcess = (): PairedRpsEProcess => ({
  wealth: 1,
  maxWealth: 1,
  stats: emptyBetStatistics(),
})

/**
 * Add one scored match: the candidate and base forecasts (issued before the result) and the result. A match
 * where the two forecasts agree (B = 0) carries no evidence and leaves the state unchanged.
 */
export function addPairedRps(
  state: PairedRpsEProcess,
  candidate: Triple,
  base: Triple,
  outcome: OutcomeLetter,
  cap: number = GATE_WEALTH_CAP,
): PairedRpsEProcess {
  const bound = rpsDifferenceBound(candidate, base)
  if (!(bound > 1e-15)) return state
  const d = rps(base, outcome) - rps(candidate, outcome)
  const wealth = cappedWealthStep(state.wealth, agrapaBet(state.stats, bound), d, cap)
  return {
    wealth,
    maxWealth: Math.max(state.maxWealth, wealth),
    stats: addToBetStatistics(state.stats, d),
  }
}
