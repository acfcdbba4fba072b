import { describe, expect, it } from 'vitest'
import { simulateWithExtras, SIM_RHO } from '../common/testing'
import { impliedRatesInto, LAMBDA, MU } from './impliedRates'
import { binsAsked, marketRates, newInversionCache, RHO_STEP, trimInversionCache } from './inversionCache'

// four simulated leagues of a season (a league's prices repeat from season to season): 1,520 distinct
// prices, past the memo's first room of 1,024
const sim = { matches: [33, 34, 35, 36].flatMap((seed) => simulateWithExtras(seed, 20, 1).matches) }

describe('inversion memo', () => {
  it('keeps every answer when it grows past its first room, and answers as a cold inversion does', () => {
    const cache = newInversionCache()
    const at = [SIM_RHO, SIM_RHO + RHO_STEP]
    const first = at.map((rho) => sim.matches.map((m) => marketRates(m, rho, cache)))
    expect(cache.slots.size).toBe(sim.matches.length)
    expect(cache.capacity).toBeGreaterThanOrEqual(sim.matches.length)
    const inverted = cache.count
    at.forEach((rho, r) =>
      sim.matches.forEach((m, i) => {
        // asked again: the memo's answer, the very same numbers
        expect(marketRates(m, rho, cache)).toEqual(first[r][i])
        // and at the first ρ it is the cold inversion itself (no start but the prices' own)
        if (r === 0) {
          const cold = impliedRatesInto(m.market!, m.marketOver25 ?? null, rho, NaN, NaN)!
          expect(first[0][i]![0]).toBe(cold[LAMBDA])
          expect(first[0][i]![1]).toBe(cold[MU])
        }
      }),
    )
    expect(cache.count).toBe(inverted) // no price inverted twice
    expect(
      binsAsked(cache, `${sim.matches[0].market!.join('|')}|${sim.matches[0].marketOver25 ?? null}`),
    ).toBe(2)
  })

  it('starts afresh past its limit without losing an answer asked for again', () => {
    const cache = newInversionCache()
    const m = sim.matches[0]
    const before = marketRates(m, SIM_RHO, cache)
    for (let i = cache.slots.size; i < 200_000; i++) cache.slots.set(`filler ${i}`, i)
    trimInversionCache(cache) // at its limit: every slot forgotten, the bins kept
    expect(cache.slots.size).toBe(0)
    expect(marketRates(sim.matches[1], SIM_RHO, cache)).not.toBeNull()
    expect(marketRates(m, SIM_RHO, cache)).toEqual(before)
    expect(cache.slots.size).toBe(2)
  })

  it('starts afresh, bins and all, once its bins hold more room than its limit', () => {
    const cache = newInversionCache()
    const m = sim.matches[0]
    const before = marketRates(m, SIM_RHO, cache)
    // 1,024 slots of room in each bin: 1,025 bins pass the limit of 2^20 cells
    for (let k = 1; k <= 1024; k++) marketRates(m, SIM_RHO + k * RHO_STEP, cache)
    expect(cache.binList.length).toBe(1025)
    trimInversionCache(cache)
    expect(cache.bins.size).toBe(0)
    expect(cache.binList.length).toBe(0)
    expect(cache.capacity).toBe(0)
    expect(marketRates(m, SIM_RHO, cache)).toEqual(before) // a cold inversion again: the same answer
  })
})
