import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { planCurve, planTickets } from './ticketPlan'
import type { Triple } from '../metrics/probabilities'

/** Every assignment of k ∈ {1,2,3} per fixture within the budget: the exact optimum by enumeration. */
function bruteForce(fixtures: Triple[], budget: number): number {
  let best = 0
  const n = fixtures.length
  const ks = Array(n).fill(1)
  const visit = (i: number, combos: number, p: number) => {
    if (combos > budget) return
    if (i === n) {
      best = Math.max(best, p)
      return
    }
    const sorted = [...fixtures[i]].sort((x, y) => y - x)
    for (let k = 1; k <= 3; k++) {
      ks[i] = k
      visit(i + 1, combos * k, p * sorted.slice(0, k).reduce((s, x) => s + x, 0))
    }
  }
  visit(0, 1, 1)
  return best
}

const triple = fc
  .tuple(
    fc.double({ min: 0.01, max: 1, noNaN: true }),
    fc.double({ min: 0.01, max: 1, noNaN: true }),
    fc.double({ min: 0.01, max: 1, noNaN: true }),
  )
  .map(([a, b, c]) => [a / (a + b + c), b / (a + b + c), c / (a + b + c)] as unknown as Triple)

describe('ticket planning', () => {
  it('with a budget of 1 picks the most likely outcome everywhere', () => {
    const plan = planTickets(
      [
        [0.5, 0.3, 0.2],
        [0.2, 0.3, 0.5],
      ],
      1,
    )
    expect(plan.legs.map((l) => l.outcomes)).toEqual([['H'], ['A']])
    expect(plan.pCovered).toBeCloseTo(0.25, 15)
    expect(plan.combinations).toBe(1)
  })

  it('spends a double where it adds most (hand-worked: 0.4→0.75 beats 0.8→0.95)', () => {
    // doubling fixture 2 multiplies by 0.75/0.4 = 1.875; doubling fixture 1 only by 0.95/0.8
    const plan = planTickets(
      [
        [0.8, 0.15, 0.05],
        [0.4, 0.35, 0.25],
      ],
      2,
    )
    expect(plan.legs.map((l) => l.outcomes)).toEqual([['H'], ['H', 'D']])
    expect(plan.pCovered).toBeCloseTo(0.8 * 0.75, 15)
  })

  it('a triple covers a fixture completely', () => {
    const plan = planTickets([[0.34, 0.33, 0.33]], 3)
    expect(plan.legs[0].outcomes).toHaveLength(3)
    expect(plan.pCovered).toBeCloseTo(1, 12)
  })

  it('matches brute-force enumeration on random small coupons (property)', () => {
    fc.assert(
      fc.property(
        fc.array(triple, { minLength: 1, maxLength: 7 }),
        fc.integer({ min: 1, max: 40 }),
        (fixtures, budget) => {
          const plan = planTickets(fixtures, budget)
          expect(plan.combinations).toBeLessThanOrEqual(budget)
          expect(plan.pCovered).toBeCloseTo(bruteForce(fixtures, budget), 12)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('the curve rises with the budget and ends at the plan for the largest budget', () => {
    const fixtures: Triple[] = Array.from(
      { length: 13 },
      (_, i) => [0.45 + (i % 3) * 0.1, 0.3, 0.25 - (i % 3) * 0.1] as unknown as Triple,
    )
    const curve = planCurve(fixtures, 64)
    for (let i = 1; i < curve.length; i++) expect(curve[i].pCovered).toBeGreaterThan(curve[i - 1].pCovered)
    expect(curve.at(-1)!.pCovered).toBeCloseTo(planTickets(fixtures, 64).pCovered, 15)
    expect(curve[0]).toMatchObject({ budget: 1, combinations: 1 })
  })

  it('refuses a budget below one', () => {
    expect(() => planTickets([[0.5, 0.3, 0.2]], 0)).toThrow(/budget/)
  })
})
