import { describe, expect, it } from 'vitest'
import { scoreMatrix } from '../dixonColes'
import {
  goalDifferenceOf,
  homeCoverProbability,
  over25Probability,
  type GoalDifference,
} from '../metrics/goals'
import { mulberry32, normal, randomTeams, simulateLeague } from '../simulate/simulateLeague'
import { compareGoalsMarkets, gatedOver25, type GoalsMarketMatch } from './goalsMarkets'
import { walkForward } from './walkForward'

const HOME_ADVANTAGE = 0.25
const RHO = -0.08
const LINES = Array.from({ length: 17 }, (_, i) => -2 + i * 0.25)
const logit = (p: number) => Math.log(p / (1 - p))
const logistic = (x: number) => 1 / (1 + Math.exp(-x))
/** Decimal prices of a two-way market believing p, with a 5 % overround spread multiplicatively. */
const prices = (p: number): [number, number] => [1 / (p * 1.05), 1 / ((1 - p) * 1.05)]

/**
 * Seeded Dixon-Coles seasons (`simulate`) where the truth of every match is known: its score matrix. The
 * market's over 2.5 and AH cover are the truth with logit noise `marketNoise` (0: the truth itself) at the
 * line whose true cover is nearest ½, as a book sets it; pre-match and closing differ only in noise.
 */
function simulated(seed: number, marketNoise: number) {
  const teams = randomTeams(16, seed)
  const played = simulateLeague({
    teams,
    homeAdvantage: HOME_ADVANTAGE,
    rho: RHO,
    seasons: 3,
    seed: seed + 1,
  })
  const byName = new Map(teams.map((t) => [t.name, t]))
  const rng = mulberry32(seed + 2)
  const noisy = (p: number) => (marketNoise === 0 ? p : logistic(logit(p) + marketNoise * normal(rng)))
  return played.map((m) => {
    const h = byName.get(m.home)!
    const a = byName.get(m.away)!
    const matrix = scoreMatrix(
      Math.exp(HOME_ADVANTAGE + h.attack + a.defence),
      Math.exp(a.attack + h.defence),
      RHO,
    )
    const gd = goalDifferenceOf(matrix)
    const line = LINES.reduce((b, l) =>
      Math.abs(homeCoverProbability(gd, l) - 0.5) < Math.abs(homeCoverProbability(gd, b) - 0.5) ? l : b,
    )
    const [over, under] = prices(noisy(over25Probability(matrix)))
    const [home, away] = prices(noisy(homeCoverProbability(gd, line)))
    return {
      match: m,
      truth: { over25: over25Probability(matrix), goalDifference: gd },
      totals: [{ bookmaker: 'PS', kind: 'closing' as const, line: 2.5, over, under }],
      asianHandicap: [{ bookmaker: 'PS', kind: 'closing' as const, line, home, away }],
    }
  })
}

const PS_CLOSING = { bookmaker: 'PS', kind: 'closing' } as const

/** The matches with `model` as the forecast (the truth, or the truth blurred by logit noise). */
function withModel(
  sim: ReturnType<typeof simulated>,
  model: (t: { over25: number; goalDifference: GoalDifference }) => GoalsMarketMatch['model'],
): GoalsMarketMatch[] {
  return sim.map((s) => ({
    date: s.match.date,
    homeGoals: s.match.homeGoals,
    awayGoals: s.match.awayGoals,
    model: model(s.truth),
    totals: s.totals,
    asianHandicap: s.asianHandicap,
  }))
}

describe('goals markets against a known truth (seeded simulator)', () => {
  it('a market that is the truth and a model that is the truth score the same on every match', () => {
    const r = compareGoalsMarkets(
      withModel(simulated(11, 0), (t) => t),
      PS_CLOSING,
      'multiplicative',
    )
    expect(r.over25!.n).toBe(720)
    expect(r.over25!.brier_diff.mean).toBeCloseTo(0, 12)
    expect(r.asian_handicap!.brier_diff.mean).toBeCloseTo(0, 12)
    // the market sets lines near ½, so whole lines push and quarter lines settle by half now and then
    expect(r.asian_handicap!.n + r.asian_handicap!.pushes).toBe(720)
    expect(r.asian_handicap!.pushes).toBeGreaterThan(0)
    expect(r.asian_handicap!.half_settled).toBeGreaterThan(0)
  })

  it('the true model beats a noisy market with the interval below zero; against the true market the roles swap', () => {
    const noisyMarket = compareGoalsMarkets(
      withModel(simulated(12, 0.5), (t) => t),
      PS_CLOSING,
      'shin',
    )
    for (const s of [noisyMarket.over25!, noisyMarket.asian_handicap!]) {
      expect(s.brier_diff.hi).toBeLessThan(0)
      expect(s.log_loss_diff.hi).toBeLessThan(0)
    }
    const rng = mulberry32(5)
    const blurred = compareGoalsMarkets(
      withModel(simulated(12, 0), (t) => ({
        over25: logistic(logit(t.over25) + 0.5 * normal(rng)),
        goalDifference: t.goalDifference,
      })),
      PS_CLOSING,
      'multiplicative',
    )
    expect(blurred.over25!.brier_diff.lo).toBeGreaterThan(0)
    // the AH forecast was left true: no difference there
    expect(blurred.asian_handicap!.brier_diff.mean).toBeCloseTo(0, 12)
  })

  it('a walk-forward Dixon-Coles model recovers the true over 2.5 closely (Brier within 0.01 of the truth)', () => {
    const sim = simulated(13, 0)
    const wf = walkForward(
      sim.map((s) => ({ ...s.match, odds: null })),
      { from: sim[380].match.date, modelOnly: false, gate: false },
    )
    const byKey = new Map(wf.rows.map((r) => [`${r.date}|${r.home}|${r.away}`, r]))
    const matches = withModel(sim, () => null).map((m, i) => ({
      ...m,
      model: byKey.get(`${sim[i].match.date}|${sim[i].match.home}|${sim[i].match.away}`)?.goals ?? null,
    }))
    const r = compareGoalsMarkets(matches, PS_CLOSING, 'multiplicative')
    expect(r.over25!.n).toBe(wf.rows.filter((x) => x.goals).length)
    expect(r.over25!.n).toBeGreaterThan(300)
    // the market here is the truth: the fitted model pays a small estimation cost, no more
    expect(r.over25!.brier_diff.mean).toBeGreaterThan(-0.002)
    expect(r.over25!.brier_diff.mean).toBeLessThan(0.01)
    expect(r.asian_handicap!.brier_diff.mean).toBeLessThan(0.01)
  })

  it('the served over 2.5 switches to the model only on evidence from earlier dates: on for a better model, off for a worse one', () => {
    const better = withModel(simulated(15, 0.5), (t) => t)
    const g = gatedOver25(better, PS_CLOSING, 'multiplicative', 100)
    const on = compareGoalsMarkets(better, PS_CLOSING, 'multiplicative', undefined, g).served_over25!
    expect(on.model_served).toBeGreaterThan(200)
    expect(on.brier_diff.mean).toBeLessThan(0)
    // the first date is always the market's: nothing earlier to judge by
    expect(g.modelServed[0]).toBe(false)
    const rng = mulberry32(9)
    const worse = withModel(simulated(15, 0), (t) => ({
      over25: logistic(logit(t.over25) + 0.4 * normal(rng)),
      goalDifference: t.goalDifference,
    }))
    const off = compareGoalsMarkets(
      worse,
      PS_CLOSING,
      'multiplicative',
      undefined,
      gatedOver25(worse, PS_CLOSING, 'multiplicative', 100),
    ).served_over25!
    expect(off.model_served).toBe(0)
    expect(off.brier_diff.mean).toBeCloseTo(0, 12) // the market itself was served
  })

  it('has no lookahead: changing every result and price after a date leaves the served over 2.5 before it unchanged', () => {
    const base = withModel(simulated(15, 0.5), (t) => t)
    const cut = base[Math.floor(base.length / 2)].date
    const changed = base.map((m) =>
      m.date > cut
        ? {
            ...m,
            homeGoals: 0,
            awayGoals: 0,
            totals: [{ ...m.totals[0], over: 1.2, under: 4.5 }],
          }
        : m,
    )
    const a = gatedOver25(base, PS_CLOSING, 'multiplicative', 100)
    const b = gatedOver25(changed, PS_CLOSING, 'multiplicative', 100)
    const upTo = (x: typeof a) =>
      base.flatMap((m, i) => (m.date <= cut ? [[x.served[i], x.modelServed[i]]] : []))
    expect(upTo(a)).toEqual(upTo(b))
    expect(a.modelServed.some((on, i) => on && base[i].date <= cut)).toBe(true) // the gate did open before the cut
    expect(b.served).not.toEqual(a.served) // and later ones do change
  })

  it('leaves out matches without a model forecast or without the chosen market', () => {
    const sim = withModel(simulated(14, 0), (t) => t)
    sim[0].model = null
    sim[1].totals = []
    const r = compareGoalsMarkets(sim, { bookmaker: 'PS', kind: 'closing' }, 'multiplicative')
    expect(r.over25!.n).toBe(718)
    expect(compareGoalsMarkets(sim, { bookmaker: 'B365', kind: 'closing' }, 'shin').over25).toBeNull()
  })
})
