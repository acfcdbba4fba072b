/**
 * Numerical edge cases for the engine (main/model): tiny and huge data sets, identical teams, all
 * draws, extreme odds (1.01 / 101), odds whose overround is below 1 (a negative margin), NaN and
 * Infinity in inputs — through margins, blending, calibration, the Dixon-Coles fit and prediction,
 * explanations and the jackpot. The contract: a clear typed error (a `code` and a message), or a
 * well-defined output — every probability finite, in [0, 1], every 1X2 triple summing to 1 within
 * 1e-9. Never a NaN probability.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MARGIN_METHODS, removeMargin } from '../../main/model/market'
import { applyBlend, fitBlendWeight, linearPool, logPool } from '../../main/model/blend'
import {
  applyCalibrator,
  fitIsotonicCalibrator,
  fitTemperature,
  type Calibrator,
} from '../../main/model/calibration'
import { analyseJackpot, poissonBinomial } from '../../main/model/jackpot'
import { planCurve, planTickets } from '../../main/model/jackpot/ticketPlan'
import { explainFixture } from '../../main/model/explain'
import {
  fitDixonColes,
  predictFixture,
  outcomeProbabilities,
  toMatchArrays,
} from '../../main/model/dixonColes'
import type { MatchInput } from '../../main/model/dixonColes'
import { randomTeams, simulateLeague } from '../../main/model/simulate/simulateLeague'

type Triple = [number, number, number]

function expectTriple(p: readonly number[], what: string): void {
  expect(p.length, what).toBe(3)
  for (const x of p) {
    expect(Number.isFinite(x), `${what}: ${JSON.stringify(p)}`).toBe(true)
    expect(x, `${what}: ${JSON.stringify(p)}`).toBeGreaterThanOrEqual(0)
    expect(x, `${what}: ${JSON.stringify(p)}`).toBeLessThanOrEqual(1)
  }
  expect(Math.abs(p[0] + p[1] + p[2] - 1), `${what} sums to ${p[0] + p[1] + p[2]}`).toBeLessThan(1e-9)
}

function expectProbability(x: number, what: string): void {
  expect(Number.isFinite(x) && x >= 0 && x <= 1, `${what} = ${x}`).toBe(true)
}

/** Runs f; a throw must be a typed error with a code and a message. Returns the value or null. */
function valueOrTypedError<T>(f: () => T, what: string): T | null {
  try {
    return f()
  } catch (e) {
    const err = e as { code?: unknown; message?: unknown }
    expect(typeof err.code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(err.code), `${what}: ${String(e)}`).toBe(
      true,
    )
    expect(typeof err.message === 'string' && err.message.length > 0).toBe(true)
    return null
  }
}

const weird = fc.constantFrom(NaN, Infinity, -Infinity, 0, -1, 1, 1e-300, 1e300, -0)
const decimalOdds = fc.oneof(
  fc.double({ min: 1.01, max: 101, noNaN: true }),
  fc.constantFrom(1.01, 101, 1.0001, 1000, 1.5, 2, 3.4),
)
const anyOdds = fc.oneof({ weight: 4, arbitrary: decimalOdds }, { weight: 1, arbitrary: weird })
const probability = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.constantFrom(0, 1, 1e-300, 1 - 1e-16),
)
const triple: fc.Arbitrary<Triple> = fc
  .tuple(probability, probability, probability)
  .filter(([a, b, c]) => a + b + c > 0)
  .map(([a, b, c]) => {
    const s = a + b + c
    return [a / s, b / s, c / s]
  })
const anyTriple = fc.oneof(
  { weight: 4, arbitrary: triple },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.oneof(probability, weird),
      fc.oneof(probability, weird),
      fc.oneof(probability, weird),
    ),
  },
)
const outcome = fc.constantFrom('H', 'D', 'A') as fc.Arbitrary<'H' | 'D' | 'A'>

describe('market margins', () => {
  it('extreme odds, negative margins and junk: margin-free triples or INVALID_ODDS', () => {
    fc.assert(
      fc.property(fc.tuple(anyOdds, anyOdds, anyOdds), fc.constantFrom(...MARGIN_METHODS), (odds, method) => {
        const r = valueOrTypedError(() => removeMargin(odds, method), `removeMargin ${method} ${odds}`)
        if (r) {
          expectTriple(r.probabilities, `${method} ${odds}`)
          expect(Number.isFinite(r.margin)).toBe(true)
        }
      }),
      { numRuns: 2000, seed: 1141 },
    )
  })

  it('named extremes: 1.01/101, overround below 1, a 2-way-like market', () => {
    const cases: Triple[] = [
      [1.01, 101, 101],
      [101, 101, 1.01],
      [1.01, 1.01, 1.01], // overround ≈ 2.97
      [3.5, 3.5, 3.5], // overround 0.857: negative margin
      [2.5, 4, 4], // 0.9
      [10, 10, 10], // 0.3
      [101, 101, 101], // 0.0297
      [1.0001, 1000, 1000],
    ]
    for (const odds of cases)
      for (const method of MARGIN_METHODS) {
        const r = valueOrTypedError(() => removeMargin(odds, method), `${method} ${odds}`)
        if (r) expectTriple(r.probabilities, `${method} ${odds}`)
      }
  })
})

describe('blending', () => {
  it('linear and log pools of extreme triples: a triple or a typed error, never NaN', () => {
    fc.assert(
      fc.property(
        anyTriple,
        anyTriple,
        fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), weird),
        (a, b, alpha) => {
          for (const [name, f] of [
            ['linear', linearPool],
            ['log', logPool],
          ] as const) {
            const p = valueOrTypedError(
              () => f(a as Triple, b as Triple, alpha),
              `${name} ${a} ${b} ${alpha}`,
            )
            if (p) expectTriple(p, `${name} pool`)
          }
          const q = valueOrTypedError(
            () => applyBlend({ kind: 'log', alpha } as never, a as Triple, b as Triple),
            'applyBlend',
          )
          if (q) expectTriple(q, 'applyBlend')
        },
      ),
      { numRuns: 1500, seed: 1142 },
    )
  })

  it('fitting the weight on tiny, degenerate data gives a weight in [0, 1] and a finite loss', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(triple, triple, outcome), { minLength: 1, maxLength: 6 }),
        fc.constantFrom('linear', 'log') as fc.Arbitrary<'linear' | 'log'>,
        (rows, kind) => {
          const fit = valueOrTypedError(
            () =>
              fitBlendWeight(
                rows.map((r) => r[0]),
                rows.map((r) => r[1]),
                rows.map((r) => r[2]),
                kind,
              ),
            'fitBlendWeight',
          )
          if (fit) {
            expect(fit.alpha).toBeGreaterThanOrEqual(0)
            expect(fit.alpha).toBeLessThanOrEqual(1)
            expect(Number.isFinite(fit.logLoss)).toBe(true)
          }
        },
      ),
      { numRuns: 300, seed: 1143 },
    )
  })
})

describe('calibration', () => {
  it('isotonic and temperature calibrators fitted on tiny / all-draw data map any triple to a triple', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(triple, outcome), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        fc.array(anyTriple, { minLength: 1, maxLength: 5 }),
        (rows, allDraws, probes) => {
          const preds = rows.map((r) => r[0])
          const outs = rows.map((r) => (allDraws ? 'D' : r[1]))
          const fits: (() => Calibrator)[] = [
            () => fitIsotonicCalibrator(preds, outs),
            () => fitTemperature(preds, outs),
          ]
          for (const fit of fits) {
            const calibrator = valueOrTypedError(fit, 'fit calibrator')
            if (!calibrator) continue
            for (const p of probes) {
              const q = valueOrTypedError(() => applyCalibrator(calibrator, p as Triple), `apply ${p}`)
              if (q) expectTriple(q, `calibrated ${p}`)
            }
          }
        },
      ),
      { numRuns: 300, seed: 1144 },
    )
  })
})

describe('jackpot', () => {
  it('coupon probabilities stay in [0, 1] for extreme and junk legs', () => {
    fc.assert(
      fc.property(fc.array(anyTriple, { minLength: 1, maxLength: 30 }), (legs) => {
        const a = valueOrTypedError(
          () => analyseJackpot(legs.map((p) => ({ probabilities: p as Triple }))),
          'analyseJackpot',
        )
        if (!a) return
        for (const leg of a.legs) expectProbability(leg.probability, `leg ${leg.index}`)
        for (const [k, x] of a.distribution.entries()) expectProbability(x, `P(${k} correct)`)
        expect(Math.abs(a.distribution.reduce((s, x) => s + x, 0) - 1)).toBeLessThan(1e-9)
        for (const [key, value] of Object.entries(a)) {
          if (typeof value === 'number' && /^p[A-Z]|probability/.test(key)) expectProbability(value, key)
        }
      }),
      { numRuns: 500, seed: 1145 },
    )
  })

  it('ticket plans: every covered probability and the coupon chance stay in [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.array(anyTriple, { minLength: 1, maxLength: 14 }),
        fc.integer({ min: 1, max: 2000 }),
        (legs, budget) => {
          const plan = valueOrTypedError(() => planTickets(legs as Triple[], budget), 'planTickets')
          if (!plan) return
          expectProbability(plan.pCovered, 'pCovered')
          for (const leg of plan.legs) expectProbability(leg.probability, `leg ${leg.index}`)
          expect(plan.combinations).toBeLessThanOrEqual(budget)
          const curve = valueOrTypedError(
            () => planCurve(legs as Triple[], Math.min(budget, 60)),
            'planCurve',
          )
          for (const point of curve ?? []) expectProbability(point.pCovered, `curve at ${point.budget}`)
        },
      ),
      { numRuns: 400, seed: 1149 },
    )
  })

  it('the Poisson-binomial of junk is refused or a distribution', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(probability, weird), { maxLength: 40 }), (ps) => {
        const d = valueOrTypedError(() => poissonBinomial(ps), 'poissonBinomial')
        if (d) for (const x of d) expectProbability(x, 'poissonBinomial')
      }),
      { numRuns: 500, seed: 1146 },
    )
  })
})

describe('goal model: fit, predict and explain at the edges', () => {
  const date = (i: number) => new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)

  function fitOrTypedError(matches: MatchInput[], what: string) {
    return valueOrTypedError(() => fitDixonColes(toMatchArrays(matches)), what)
  }

  function expectModelPredicts(model: NonNullable<ReturnType<typeof fitOrTypedError>>, what: string) {
    for (const t of model.teams) {
      expect(Number.isFinite(t.attack) && Number.isFinite(t.defence), `${what}: ${t.name}`).toBe(true)
    }
    const [h, a] = [model.teams[0].name, model.teams[model.teams.length - 1].name]
    const p = predictFixture(model, h, a)
    expectTriple([p.pHome, p.pDraw, p.pAway], `${what}: ${h} v ${a}`)
    for (const row of p.matrix) for (const x of row) expectProbability(x, `${what}: matrix`)
  }

  it('2 teams, 1 match: a fit that predicts, or a clear error', () => {
    const model = fitOrTypedError(
      [{ date: date(0), home: 'A', away: 'B', homeGoals: 1, awayGoals: 0 }],
      'tiny',
    )
    if (model) expectModelPredicts(model, 'tiny')
  })

  it('identical teams and all draws: well-defined, draw-heavy predictions or a clear error', () => {
    for (const score of [0, 1, 3]) {
      const matches: MatchInput[] = []
      const teams = ['A', 'B', 'C', 'D']
      let i = 0
      for (let round = 0; round < 3; round++)
        for (const h of teams)
          for (const a of teams)
            if (h !== a)
              matches.push({ date: date(i++), home: h, away: a, homeGoals: score, awayGoals: score })
      const model = fitOrTypedError(matches, `all ${score}-${score}`)
      if (!model) continue
      expectModelPredicts(model, `all ${score}-${score}`)
      const p = predictFixture(model, 'A', 'B')
      expect(Math.abs(p.pHome - p.pAway), 'identical teams are symmetric up to home advantage').toBeLessThan(
        0.5,
      )
    }
  })

  it('a team that never scores, one that always wins 9-0: finite ratings and probabilities', () => {
    const matches: MatchInput[] = []
    let i = 0
    for (let k = 0; k < 6; k++) {
      matches.push({ date: date(i++), home: 'Giant', away: 'Minnow', homeGoals: 9, awayGoals: 0 })
      matches.push({ date: date(i++), home: 'Minnow', away: 'Giant', homeGoals: 0, awayGoals: 9 })
      matches.push({ date: date(i++), home: 'Minnow', away: 'Mid', homeGoals: 0, awayGoals: 1 })
      matches.push({ date: date(i++), home: 'Mid', away: 'Giant', homeGoals: 0, awayGoals: 3 })
    }
    const model = fitOrTypedError(matches, 'lopsided')
    if (model) expectModelPredicts(model, 'lopsided')
  })

  it('NaN, Infinity and negative goals in the input are refused with a clear error', () => {
    for (const bad of [NaN, Infinity, -1, 1.5]) {
      const matches: MatchInput[] = [
        { date: date(0), home: 'A', away: 'B', homeGoals: 1, awayGoals: 0 },
        { date: date(1), home: 'B', away: 'A', homeGoals: bad, awayGoals: 2 },
        { date: date(2), home: 'A', away: 'C', homeGoals: 1, awayGoals: 1 },
        { date: date(3), home: 'C', away: 'B', homeGoals: 0, awayGoals: 1 },
      ]
      let error: unknown = null
      try {
        fitDixonColes(toMatchArrays(matches))
      } catch (e) {
        error = e
      }
      expect(error, `goals = ${bad} must be refused`).not.toBeNull()
      expect((error as { message: string }).message).toMatch(/goal|score|integer|invalid|finite/i)
    }
  })

  it('outcome probabilities for extreme rates and ρ are a triple or a clear error', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ min: 1e-6, max: 30, noNaN: true }), weird),
        fc.oneof(fc.double({ min: 1e-6, max: 30, noNaN: true }), weird),
        fc.oneof(fc.double({ min: -0.5, max: 0.5, noNaN: true }), weird),
        (lambda, mu, rho) => {
          const p = valueOrTypedError(
            () => outcomeProbabilities(lambda, mu, rho),
            `λ=${lambda} μ=${mu} ρ=${rho}`,
          )
          if (p) expectTriple(p, `λ=${lambda} μ=${mu} ρ=${rho}`)
        },
      ),
      { numRuns: 1000, seed: 1147 },
    )
  })

  it('explanations of extreme parameters: components that sum to the final triple, or a clear error', () => {
    const param = fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), weird)
    fc.assert(
      fc.property(
        fc.record({
          gamma: param,
          alphaHome: param,
          betaHome: param,
          alphaAway: param,
          betaAway: param,
          betaMean: param,
          rho: fc.oneof(fc.double({ min: -0.2, max: 0.2, noNaN: true }), weird),
        }),
        fc.option(fc.tuple(anyTriple, fc.double({ min: 0, max: 1, noNaN: true }))),
        (input, market) => {
          const e = valueOrTypedError(
            () =>
              explainFixture({
                ...input,
                market: market
                  ? { probabilities: market[0] as Triple, blend: { kind: 'linear', alpha: market[1] } }
                  : undefined,
              }),
            'explainFixture',
          )
          if (!e) return
          expectTriple(e.baseline, 'baseline')
          expectTriple(e.final, 'final')
          for (const j of [0, 1, 2]) {
            const total = e.baseline[j] + e.contributions.reduce((s, c) => s + c.delta[j], 0)
            expect(Number.isFinite(total)).toBe(true)
            expect(Math.abs(total - e.final[j])).toBeLessThan(1e-9)
          }
        },
      ),
      { numRuns: 400, seed: 1148 },
    )
  })

  it('a huge history (40 simulated seasons) fits in reasonable time with finite, sane parameters', () => {
    const teams = randomTeams(10, 40)
    const matches = simulateLeague({
      teams,
      homeAdvantage: 0.25,
      rho: -0.08,
      seasons: 40,
      seed: 40,
      startDate: '1980-08-09',
    })
    expect(matches.length).toBe(40 * 90)
    const started = performance.now()
    const model = fitDixonColes(toMatchArrays(matches), { xi: 0 })
    expect(performance.now() - started).toBeLessThan(20_000)
    expect(model.converged).toBe(true)
    expect(Math.abs(model.homeAdvantage - 0.25)).toBeLessThan(0.05)
    expectModelPredicts(model, '40 seasons')
    // with ξ the old seasons fade to weights of e^-27 — still finite, no underflow to NaN
    const decayed = fitDixonColes(toMatchArrays(matches), { xi: 0.0019 })
    expectModelPredicts(decayed, '40 seasons, ξ = 0.0019')
    expect(Number.isFinite(decayed.logLikelihood)).toBe(true)
  }, 60_000)
})
