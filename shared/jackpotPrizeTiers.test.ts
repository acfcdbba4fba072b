import { describe, expect, it } from 'vitest'
import { oneIn, parsePrizeTiers, tierChances, tiersOf } from './jackpotPrizeTiers'

describe('jackpot prize tiers per provider (#20)', () => {
  it('reads the stored JSON, refusing what does not validate', () => {
    expect(parsePrizeTiers('{"Invented Pools":[0,1,2]}')).toEqual({ 'Invented Pools': [0, 1, 2] })
    expect(parsePrizeTiers('{"X":[]}')).toBeNull()
    expect(parsePrizeTiers('{"X":[0,0]}')).toBeNull()
    expect(parsePrizeTiers('{"X":[9]}')).toBeNull()
    expect(parsePrizeTiers('not json')).toBeNull()
    expect(parsePrizeTiers(null)).toBeNull()
  })

  it('gives a provider its tiers, and "all correct" only by default', () => {
    const all = { 'Invented Pools': [2, 0, 1] }
    expect(tiersOf(all, 'Invented Pools')).toEqual([0, 1, 2])
    expect(tiersOf(all, 'Other')).toEqual([0])
    expect(tiersOf(null, null)).toEqual([0])
  })

  it('reads each tier from the distribution of correct picks, with "1 in N"', () => {
    // 3 fixtures: P(0..3 right)
    const distribution = [0.1, 0.3, 0.4, 0.2]
    const { tiers, any } = tierChances(distribution, [0, 1])
    expect(tiers.map((t) => [t.correct, t.probability])).toEqual([
      [3, 0.2],
      [2, 0.4],
    ])
    expect(tiers[0].oneIn).toBe(5)
    expect(any!.probability).toBeCloseTo(0.6, 12)
    expect(any!.correct).toBe(2)
    expect(tierChances(distribution, [5]).tiers).toEqual([])
  })

  it('rounds "1 in N" to a readable figure', () => {
    expect(oneIn(0.2)).toBe(5)
    expect(oneIn(0.3)).toBe(3.3)
    expect(oneIn(1 / 1234567)).toBe(1_200_000)
    expect(oneIn(1 / 47.3)).toBe(47)
    expect(oneIn(0)).toBeNull()
  })
})
