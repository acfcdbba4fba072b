// Jackpot (pools) arithmetic: a coupon of n fixtures, one pick each (a single outcome or a double-chance
// set), treated as independent Bernoulli trials with success probability P(pick) per fixture.
import {
  argMax,
  assertTriple,
  ModelInputError,
  OUTCOME_LETTERS,
  type OutcomeLetter,
  type Triple,
} from '../metrics/probabilities'

export type JackpotPick = OutcomeLetter | readonly OutcomeLetter[]

export interface JackpotFixture {
  probabilities: Triple
  /** Default: the most probable outcome (ties go to H, then D). */
  pick?: JackpotPick
  label?: string
}

export interface JackpotLeg {
  index: number
  label?: string
  /** Picked outcomes in H, D, A order. */
  pick: OutcomeLetter[]
  /** P(pick) = Σ of the picked outcomes' probabilities. */
  probability: number
}

export interface JackpotAnalysis {
  n: number
  legs: JackpotLeg[]
  /** P(every pick right) = Π p_i. */
  pAllCorrect: number
  /** E[number right] = Σ p_i. */
  expectedCorrect: number
  /** distribution[k] = P(exactly k right), k = 0..n (Poisson-binomial). Sums to 1. */
  distribution: number[]
  /** atLeast[k] = P(at least k right), k = 0..n; atLeast[0] = 1, atLeast[n] = pAllCorrect. */
  atLeast: number[]
  /** The legs sorted from the least to the most likely pick (ties by index). */
  riskiest: JackpotLeg[]
}

function normalisePick(pick: JackpotPick, where: string): OutcomeLetter[] {
  const list = typeof pick === 'string' ? [pick] : [...pick]
  if (list.length === 0)
    throw new ModelInputError('INVALID_ARGUMENT', `${where}: a pick needs at least one outcome`)
  const set = new Set(list)
  if (set.size !== list.length) {
    throw new ModelInputError('INVALID_ARGUMENT', `${where}: pick ${JSON.stringify(pick)} repeats an outcome`)
  }
  for (const o of list) {
    if (!OUTCOME_LETTERS.includes(o)) {
      throw new ModelInputError('INVALID_OUTCOME', `${where}: pick must use 'H', 'D', 'A', got ${String(o)}`)
    }
  }
  return OUTCOME_LETTERS.filter((o) => set.has(o))
}

/** Exact distribution of the number of successes of independent Bernoulli(p_i) trials (Poisson-binomial)
 * by the standard O(n²) recursion P_i(k) = P_{i−1}(k)(1 − p_i) + P_{i−1}(k − 1) p_i, P_0(0) = 1
 * (e.g. Chen & Liu 1997, "Statistical applications of the Poisson-binomial and conditional Bernoulli
 * distributions", §2). All terms are non-negative, so it is numerically stable. */
export function poissonBinomial(p: readonly number[]): number[] {
  for (const [i, x] of p.entries()) {
    if (!(Number.isFinite(x) && x >= 0 && x <= 1)) {
      throw new ModelInputError(
        'INVALID_PROBABILITIES',
        `success probability ${i} is outside [0, 1]: ${String(x)}`,
      )
    }
  }
  const n = p.length
  const dist = new Array<number>(n + 1).fill(0)
  dist[0] = 1
  for (let i = 0; i < n; i++) {
    const q = 1 - p[i]
    for (let k = i + 1; k >= 1; k--) dist[k] = dist[k] * q + dist[k - 1] * p[i]
    dist[0] *= q
  }
  return dist
}

/** Analyses a jackpot coupon. Throws INVALID_PROBABILITIES / INVALID_ARGUMENT for bad fixtures or picks. */
export function analyseJackpot(fixtures: readonly JackpotFixture[]): JackpotAnalysis {
  if (fixtures.length === 0) throw new ModelInputError('EMPTY_INPUT', 'jackpot: no fixtures on the coupon')
  const legs: JackpotLeg[] = fixtures.map((f, index) => {
    const where = `jackpot fixture ${index + 1}${f.label ? ` (${f.label})` : ''}`
    const p = assertTriple(f.probabilities, where)
    const pick = normalisePick(f.pick ?? OUTCOME_LETTERS[argMax(p)], where)
    const probability = Math.min(
      1,
      pick.reduce((s, o) => s + p[OUTCOME_LETTERS.indexOf(o)], 0),
    )
    return f.label === undefined ? { index, pick, probability } : { index, label: f.label, pick, probability }
  })
  const ps = legs.map((l) => l.probability)
  const distribution = poissonBinomial(ps)
  const n = ps.length
  const atLeast = new Array<number>(n + 1)
  let tail = 0
  for (let k = n; k >= 0; k--) {
    tail += distribution[k]
    atLeast[k] = Math.min(1, tail)
  }
  atLeast[0] = 1
  const riskiest = [...legs].sort((a, b) => a.probability - b.probability || a.index - b.index)
  return {
    n,
    legs,
    pAllCorrect: ps.reduce((s, x) => s * x, 1),
    expectedCorrect: ps.reduce((s, x) => s + x, 0),
    distribution,
    atLeast,
    riskiest,
  }
}
