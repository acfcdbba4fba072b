import { describe, expect, it } from 'vitest'
import { predictFixture } from '../../dixonColes'
import { simulateLeagueForVariants } from '../../backtest/simulatedMarket'
import { availableVariants, requireVariant } from '../registry'
import type { VariantMatch } from '../types'

// A simulated league with shots and a margin-free market, so the pseudo-goal variants have their data.
const { matches } = simulateLeagueForVariants({ seasons: 2, seed: 17 })
const history = matches as unknown as VariantMatch[]
const ctx = { asOf: history[history.length - 1].date, from: history[0].date, xi: 0.0019 }

/** Every variant other than the engine's own two that says it can be served through the engine's formula. */
const servable = availableVariants().filter(
  (id) => id !== 'dixon-coles' && id !== 'poisson' && !!requireVariant(id).asEngineModel,
)

it('the variants served through the engine include the pseudo-goal, dynamic and multi-division fits', () => {
  expect(servable).toEqual(expect.arrayContaining(['shots', 'market', 'dynamic', 'multi-division']))
})

describe.each(servable)('%s variant in the engine form', (id) => {
  const variant = requireVariant(id)
  const fit = variant.fit(history, ctx)
  const engine = variant.asEngineModel!(fit, history)!

  it('forecasts exactly what the variant forecasts, through the engine prediction path', () => {
    const teams = engine.teams.map((t) => t.name)
    let compared = 0
    for (const home of teams) {
      for (const away of teams) {
        if (home === away) continue
        const own = variant.predict(fit, { date: ctx.asOf, home, away })!
        const served = predictFixture(engine, home, away)
        // the same rates up to rounding (the engine form re-centres Σα = 0 and folds intercepts into β)
        expect(served.lambda / own.lambda - 1).toBeCloseTo(0, 13)
        expect(served.mu / own.mu - 1).toBeCloseTo(0, 13)
        expect(served.pHome).toBeCloseTo(own.probabilities[0], 14)
        expect(served.pDraw).toBeCloseTo(own.probabilities[1], 14)
        expect(served.pAway).toBeCloseTo(own.probabilities[2], 14)
        compared++
      }
    }
    expect(compared).toBe(teams.length * (teams.length - 1))
  })

  it('carries the window, match counts, a valid τ bound and standard errors from the goals (#20)', () => {
    // (the dynamic filter forgets through its random walk, not a time decay: ξ 0)
    expect(engine).toMatchObject({
      model: 'dixon-coles',
      asOf: ctx.asOf,
      xi: id === 'dynamic' ? 0 : 0.0019,
    })
    const total = engine.teams.reduce((n, t) => n + t.matches, 0)
    expect(total).toBe(2 * history.filter((m) => m.date >= engine.from! && m.date <= engine.asOf).length)
    // every servable variant reports standard errors: the goals' information at its ratings (conservative)
    for (const t of engine.teams) {
      expect(t.attackSe).toBeGreaterThan(0)
      expect(t.defenceSe).toBeGreaterThan(0)
      expect(t.attackSe).toBeLessThan(1)
    }
    expect(engine.homeAdvantageSe).toBeGreaterThan(0)
    expect(engine.minTau).toBeGreaterThan(0)
    expect(engine.minTau).toBeLessThanOrEqual(1)
    expect(Math.abs(engine.teams.reduce((s, t) => s + t.attack, 0))).toBeLessThan(1e-9) // Σα = 0
  })
})
