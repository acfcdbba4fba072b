// Margin (overround) removal: turns bookmaker decimal odds into probabilities that sum to 1.
// Notation: π_i = 1/o_i (implied probabilities), B = Σ π_i (booksum), margin = B − 1 (overround).
import { ModelInputError, type Triple } from '../metrics/probabilities'

export type MarginMethod = 'multiplicative' | 'additive' | 'power' | 'shin'
export const MARGIN_METHODS: readonly MarginMethod[] = ['multiplicative', 'additive', 'power', 'shin']

export interface MarginResult<P extends readonly number[] = number[]> {
  probabilities: P
  method: MarginMethod
  /** Overround B − 1 of the input odds (negative when the book is under 100%). */
  margin: number
  /** Power method exponent: Σ π_i^k = 1. */
  k?: number
  /** Shin's insider-trading share z (negative only for an under-round book, where it has no meaning). */
  z?: number
  /** Additive method only: some π_i − margin/n went negative and was clipped to 0 before renormalising. */
  clipped?: boolean
}

/** Validates decimal odds: at least two, all finite and > 1. Throws INVALID_ODDS. */
export function impliedProbabilities(odds: readonly number[]): number[] {
  if (!Array.isArray(odds) || odds.length < 2) {
    throw new ModelInputError(
      'INVALID_ODDS',
      `need decimal odds for at least two outcomes, got ${odds?.length}`,
    )
  }
  return odds.map((o, i) => {
    if (typeof o !== 'number' || !Number.isFinite(o) || o <= 1) {
      throw new ModelInputError(
        'INVALID_ODDS',
        `decimal odds must be finite and greater than 1; outcome ${i} has ${String(o)}`,
        { odds, index: i },
      )
    }
    return 1 / o
  })
}

const sum = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0)

/** Multiplicative (basic normalisation): p_i = π_i / B. */
export function multiplicative(pi: readonly number[]): number[] {
  const B = sum(pi)
  return pi.map((x) => x / B)
}

/** Additive: the margin is taken off equally, p_i = π_i − (B − 1)/n. Long shots can go negative; those are
 * clipped to 0 and the rest renormalised multiplicatively (flagged `clipped`). */
export function additive(pi: readonly number[]): { p: number[]; clipped: boolean } {
  const n = pi.length
  const B = sum(pi)
  const raw = pi.map((x) => x - (B - 1) / n)
  if (raw.every((x) => x >= 0)) return { p: raw, clipped: false }
  const cut = raw.map((x) => Math.max(0, x))
  return { p: multiplicative(cut), clipped: true }
}

/** Power (Vovk & Zhdanov 2009; "power" in penaltyblog and the implied R package): p_i = π_i^k with k
 * solving Σ π_i^k = 1. f(k) = Σ π_i^k − 1 is strictly decreasing (all π_i < 1), so bisection then
 * Newton polish finds the unique root. */
export function power(pi: readonly number[]): { p: number[]; k: number } {
  const f = (k: number) => sum(pi.map((x) => x ** k)) - 1
  // f(0) = n − 1 > 0; f(1) = B − 1, so an under-round book has k ∈ (0, 1) and an overround one k > 1
  let hi = 1
  while (f(hi) > 0) hi *= 2
  let k = bisect(f, 0, hi, -1)
  // Newton polish: f'(k) = Σ π_i^k ln π_i < 0
  for (let it = 0; it < 3; it++) {
    const d = sum(pi.map((x) => x ** k * Math.log(x)))
    const step = f(k) / d
    if (!Number.isFinite(step)) break
    k -= step
  }
  const p = pi.map((x) => x ** k)
  return { p: normaliseExact(p), k }
}

/** Shin (1992, 1993) as solved by Jullien & Salanié (1994) and Štrumbelj (2014), the form used by the
 * implied R package and penaltyblog:
 *   p_i(z) = (√(z² + 4(1 − z) π_i² / B) − z) / (2(1 − z)),  z solving Σ p_i(z) = 1.
 * Σ p_i(0) = √B and Σ p_i(z) → Σ π_i²/B < 1 as z → 1, and the sum is decreasing in z, so for an overround
 * book the root is unique in (0, 1). An under-round book (B < 1) gives z < 0. */
export function shin(pi: readonly number[]): { p: number[]; z: number } {
  const n = pi.length
  const B = sum(pi)
  const a = pi.map((x) => (x * x) / B)
  // f(z) = Σ p_i(z) − 1 and f'(z), allocation-free (this runs once per fixture in bulk backtests):
  // with s_i = √(z² + 4(1 − z)a_i), p_i = (s_i − z)/(2(1 − z)) and
  // dp_i/dz = ((s_i' − 1)(1 − z) + s_i − z) / (2(1 − z)²), s_i' = (z − 2a_i)/s_i.
  const fAndSlope = (z: number): [number, number] => {
    let f = -1
    let d = 0
    const w = 1 - z
    for (let i = 0; i < n; i++) {
      const si = Math.sqrt(z * z + 4 * w * a[i])
      f += (si - z) / (2 * w)
      d += (((z - 2 * a[i]) / si - 1) * w + si - z) / (2 * w * w)
    }
    return [f, d]
  }
  let z = 0
  if (B !== 1) {
    // bracket: (0, 1) for an overround book, (lo, 0) with f(lo) > 0 for an under-round one
    let lo = 0
    let hi = 1 - 1e-12
    if (B < 1) {
      hi = 0
      lo = -0.5
      while (fAndSlope(lo)[0] < 0 && lo > -1e6) lo *= 2
    }
    z = B > 1 ? Math.min(B - 1, hi / 2) : (lo + hi) / 2 // z ≈ margin is a good start for real books
    // safeguarded Newton (Numerical Recipes' rtsafe): bisect whenever the step leaves the bracket
    for (let it = 0; it < 200; it++) {
      const [f, d] = fAndSlope(z)
      if (f === 0) break
      if (f > 0) lo = z
      else hi = z
      let next = z - f / d
      if (!(next > lo && next < hi)) next = (lo + hi) / 2
      if (Math.abs(next - z) <= 1e-16 * Math.max(1, Math.abs(z)) || hi - lo <= 1e-17) {
        z = next
        break
      }
      z = next
    }
  }
  const w = 1 - z
  return { p: normaliseExact(a.map((ai) => (Math.sqrt(z * z + 4 * w * ai) - z) / (2 * w))), z }
}

/** Bisection for a root of a monotone f on [lo, hi]; `sign` is f's slope sign. Stops at machine precision. */
function bisect(f: (x: number) => number, lo: number, hi: number, sign: 1 | -1): number {
  for (let it = 0; it < 200; it++) {
    const mid = (lo + hi) / 2
    if (mid <= lo || mid >= hi) break
    const v = f(mid) * sign
    if (v === 0) return mid
    if (v < 0) lo = mid
    else hi = mid
  }
  return (lo + hi) / 2
}

/** The root solvers leave Σp within ~1e-15 of 1; a final division makes the 1e-9 contract unconditional. */
function normaliseExact(p: number[]): number[] {
  const s = sum(p)
  return p.map((x) => x / s)
}

/** Removes the margin from decimal odds for any number of mutually exclusive outcomes (1X2, totals,
 * correct score ...). Throws INVALID_ODDS for odds ≤ 1 or non-finite odds. */
export function removeMarginN(odds: readonly number[], method: MarginMethod): MarginResult {
  const pi = impliedProbabilities(odds)
  const margin = sum(pi) - 1
  switch (method) {
    case 'multiplicative':
      return { probabilities: multiplicative(pi), method, margin }
    case 'additive': {
      const { p, clipped } = additive(pi)
      return clipped ? { probabilities: p, method, margin, clipped } : { probabilities: p, method, margin }
    }
    case 'power': {
      const { p, k } = power(pi)
      return { probabilities: p, method, margin, k }
    }
    case 'shin': {
      const { p, z } = shin(pi)
      return { probabilities: p, method, margin, z }
    }
    default:
      throw new ModelInputError('INVALID_ARGUMENT', `unknown margin-removal method ${String(method)}`, {
        methods: MARGIN_METHODS,
      })
  }
}

/** 1X2 decimal odds [home, draw, away] → margin-free [home, draw, away] probabilities. */
export function removeMargin(
  odds: readonly [number, number, number] | readonly number[],
  method: MarginMethod,
): MarginResult<Triple> {
  if (odds.length !== 3) {
    throw new ModelInputError('INVALID_ODDS', `1X2 odds need exactly three prices, got ${odds.length}`)
  }
  const r = removeMarginN(odds, method)
  const [h, d, a] = r.probabilities
  return { ...r, probabilities: [h, d, a] }
}
