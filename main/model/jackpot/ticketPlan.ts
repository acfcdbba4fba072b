// Ticket planning: with a budget of N combinations, cover the top 1, 2 or 3 outcomes of each fixture so
// that the chance one combination is fully right is as high as possible. Under independence that chance
// is Π_i P_i(k_i), where P_i(k) is the probability of fixture i's k most likely outcomes, and the
// tickets needed are Π_i k_i ≤ N. Since k_i ∈ {1, 2, 3}, Π k_i = 2^a · 3^b: an exact dynamic programme
// over the exponents (a, b) with 2^a · 3^b ≤ N maximises Σ log P_i(k_i).
import {
  assertTriple,
  ModelInputError,
  OUTCOME_LETTERS,
  type OutcomeLetter,
  type Triple,
} from '../metrics/probabilities'

export interface PlannedLeg {
  index: number
  /** Covered outcomes, most likely first. */
  outcomes: OutcomeLetter[]
  /** P(the result is one of the covered outcomes). */
  probability: number
}

export interface TicketPlan {
  budget: number
  /** Tickets the plan needs: Π k_i (≤ budget). */
  combinations: number
  /** P(one of the tickets is fully right) = Π P_i(k_i). */
  pCovered: number
  legs: PlannedLeg[]
}

/** Outcomes of a triple from most to least likely (ties keep H, D, A order). */
function ranked(p: Triple): OutcomeLetter[] {
  return [0, 1, 2].sort((x, y) => p[y] - p[x] || x - y).map((i) => OUTCOME_LETTERS[i])
}

export function planTickets(fixtures: readonly Triple[], budget: number): TicketPlan {
  if (!Number.isInteger(budget) || budget < 1)
    throw new ModelInputError('INVALID_ARGUMENT', `budget must be a whole number ≥ 1, got ${budget}`)
  if (fixtures.length === 0) throw new ModelInputError('EMPTY_INPUT', 'ticket plan: no fixtures')
  const orders = fixtures.map((p, i) => {
    assertTriple(p, `ticket plan fixture ${i + 1}`)
    const order = ranked(p)
    const cum = [0, 0, 0]
    // capped at 1: covering all three outcomes is certain, whatever the rounding of the triple's sum
    order.forEach((o, k) => (cum[k] = Math.min(1, (k > 0 ? cum[k - 1] : 0) + p[OUTCOME_LETTERS.indexOf(o)])))
    return { order, cum }
  })
  const maxA = Math.floor(Math.log2(budget) + 1e-9)
  const maxB = Math.floor(Math.log(budget) / Math.log(3) + 1e-9)
  const fits = (a: number, b: number) => 2 ** a * 3 ** b <= budget
  // best[a][b] = max Σ log P over fixtures so far using exactly 2^a 3^b combinations; choice for backtracking
  let best: number[][] = Array.from({ length: maxA + 1 }, () => Array(maxB + 1).fill(-Infinity))
  best[0][0] = 0
  const choices: Uint8Array[][] = []
  for (const { cum } of orders) {
    const next: number[][] = Array.from({ length: maxA + 1 }, () => Array(maxB + 1).fill(-Infinity))
    const choice: Uint8Array[] = Array.from({ length: maxA + 1 }, () => new Uint8Array(maxB + 1))
    for (let a = 0; a <= maxA; a++) {
      for (let b = 0; b <= maxB; b++) {
        if (best[a][b] === -Infinity) continue
        const options: [number, number, number][] = [
          [1, a, b],
          [2, a + 1, b],
          [3, a, b + 1],
        ]
        for (const [k, na, nb] of options) {
          if (na > maxA || nb > maxB || !fits(na, nb)) continue
          const value = best[a][b] + Math.log(Math.max(cum[k - 1], 1e-300))
          if (value > next[na][nb] + 1e-15) {
            next[na][nb] = value
            choice[na][nb] = k
          }
        }
      }
    }
    choices.push(choice)
    best = next
  }
  let end: [number, number] = [0, 0]
  let bestValue = -Infinity
  for (let a = 0; a <= maxA; a++) {
    for (let b = 0; b <= maxB; b++) {
      // prefer fewer combinations on (near) ties: a cheaper plan that is as good
      if (
        best[a][b] > bestValue + 1e-12 ||
        (Math.abs(best[a][b] - bestValue) <= 1e-12 && 2 ** a * 3 ** b < 2 ** end[0] * 3 ** end[1])
      ) {
        bestValue = best[a][b]
        end = [a, b]
      }
    }
  }
  const ks: number[] = Array(fixtures.length).fill(1)
  let [a, b] = end
  for (let i = fixtures.length - 1; i >= 0; i--) {
    const k = choices[i][a][b]
    ks[i] = k
    if (k === 2) a -= 1
    else if (k === 3) b -= 1
  }
  const legs = orders.map(({ order, cum }, index) => ({
    index,
    outcomes: order.slice(0, ks[index]),
    probability: cum[ks[index] - 1],
  }))
  return {
    budget,
    combinations: ks.reduce((x, k) => x * k, 1),
    pCovered: legs.reduce((x, l) => x * l.probability, 1),
    legs,
  }
}

/** How the best chance grows with the budget, for budgets 1..max (only the budgets that change the answer). */
export function planCurve(
  fixtures: readonly Triple[],
  maxBudget: number,
): { budget: number; pCovered: number; combinations: number }[] {
  const out: { budget: number; pCovered: number; combinations: number }[] = []
  let last = -1
  for (let n = 1; n <= maxBudget; n++) {
    // only products of 2s and 3s can change the optimum
    let m = n
    while (m % 2 === 0) m /= 2
    while (m % 3 === 0) m /= 3
    if (m !== 1) continue
    const plan = planTickets(fixtures, n)
    if (plan.pCovered > last + 1e-15) {
      out.push({ budget: n, pCovered: plan.pCovered, combinations: plan.combinations })
      last = plan.pCovered
    }
  }
  return out
}
