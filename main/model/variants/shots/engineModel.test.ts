import { describe, expect, it } from 'vitest'
import { predictFixture } from '../../dixonColes'
import { simulateLeagueForVariants } from '../../backtest/simulatedMarket'
import { requireVariant } from '../registry'
import type { VariantMatch } from '../types'

// A simulated league with shots and a margin-free market, so both pseudo-goal variants have their data.
const { matches } = simulateLeagueForVariants({ seasons: 2, seed: 17 })
const history = matches as unknown as VariantMatch[]
const ctx = { asOf: history[history.length - 1].date, from: history[0].date, xi: 0.0019 }

describe.each(['shots', 'market'] as const)('%s variant in the engine form', (id) => {
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
        expect(served.lambda).toBe(own.lambda)
        expect(served.mu).toBe(own.mu)
        expect(served.pHome).toBeCloseTo(own.probabilities[0], 14)
        expect(served.pDraw).toBeCloseTo(own.probabilities[1], 14)
        expect(served.pAway).toBeCloseTo(own.probabilities[2], 14)
        compared++
      }
    }
    expect(compared).toBe(teams.length * (teams.length - 1))
  })

  it('carries the window, match counts and a valid τ bound, with no standard errors it cannot back', () => {
    expect(engine).toMatchObject({ model: 'dixon-coles', asOf: ctx.asOf, xi: 0.0019, rhoSe: null })
    const total = engine.teams.reduce((n, t) => n + t.matches, 0)
    expect(total).toBe(2 * history.filter((m) => m.date >= engine.from! && m.date <= engine.asOf).length)
    expect(engine.teams.every((t) => t.attackSe === null && t.defenceSe === null)).toBe(true)
    expect(engine.minTau).toBeGreaterThan(0)
    expect(engine.minTau).toBeLessThanOrEqual(1)
  })
})
