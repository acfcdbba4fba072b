import { describe, expect, it } from 'vitest'
import { simulateGateSeason, simulateGateSeasons } from './gateSimulation'
import { variantById } from '../variants'

// #22 part 1: the gate on simulated seasons through the real walk-forward (fixed seeds: deterministic). The
// full 200-season figures come from `npm run bench -- gate`; here fewer seasons with the same bound.
const NO_INFORMATION_SEASONS = 30
const INFORMED_SEASONS = 12

describe('stage gate on simulated seasons (#22)', () => {
  it(`opens on at most 5 % of ${NO_INFORMATION_SEASONS} seasons when the model is a noisy copy of the market`, () => {
    const s = simulateGateSeasons('no-information', NO_INFORMATION_SEASONS)
    expect(s.opened).toBeLessThanOrEqual(Math.floor(0.05 * NO_INFORMATION_SEASONS))
    // what the gate kept out: the served forecast is the market on every season it stayed shut
    for (const season of s.seasonResults.filter((x) => !x.opened)) {
      expect(season.rps.served).toBe(season.rps.market)
      expect(season.servedMatches).toEqual({ blend: 0, calibration: 0 })
    }
    expect(s.seasonResults.every((x) => x.n > 300)).toBe(true)
    // the oracle variant is registered only for the run
    expect(variantById('gate-simulation-oracle')).toBeUndefined()
  })

  it(`opens and improves the served RPS on the market when the model knows what the market misses (${INFORMED_SEASONS} seasons)`, () => {
    const s = simulateGateSeasons('informed', INFORMED_SEASONS)
    expect(s.opened).toBeGreaterThanOrEqual(Math.ceil(0.6 * INFORMED_SEASONS))
    expect(s.meanServedMinusMarket).toBeLessThan(-0.002)
    expect(s.servedBetter).toBeGreaterThanOrEqual(Math.ceil(0.5 * INFORMED_SEASONS))
    // served means logged: the blend was served for some of the scored matches where it opened
    expect(s.seasonResults.some((x) => x.servedMatches.blend > 100)).toBe(true)
  })

  it('is deterministic per seed', () => {
    expect(simulateGateSeason('informed', 7)).toEqual(simulateGateSeason('informed', 7))
  })
})
