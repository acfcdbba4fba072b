// Exact Shapley values (Shapley 1953) of a vector-valued cooperative game by enumerating all 2^m
// coalitions: φ_i = Σ_{S ⊆ N∖{i}} |S|!(m − |S| − 1)!/m! · (v(S ∪ {i}) − v(S)).
import { ModelInputError } from '../metrics/probabilities'

/** Largest number of players enumerated exactly (2^16 coalitions); callers here use m ≤ 8. */
export const MAX_EXACT_PLAYERS = 16

export interface ShapleyResult {
  /** phi[i][j]: player i's share of output j. Σ_i phi[i][j] = v(N)[j] − v(∅)[j] (efficiency). */
  phi: number[][]
  /** v(∅) and v(N). */
  empty: number[]
  full: number[]
  /** Number of value-function evaluations (each coalition once: 2^m). */
  evaluations: number
}

/** `value(mask)` gets a bitmask of the players that are "on" (bit i = player i) and returns the game's
 * outputs (e.g. the three 1X2 probabilities); it is called exactly once per coalition. */
export function shapleyValues(m: number, value: (mask: number) => readonly number[]): ShapleyResult {
  if (!Number.isInteger(m) || m < 1 || m > MAX_EXACT_PLAYERS) {
    throw new ModelInputError(
      'INVALID_ARGUMENT',
      `exact Shapley needs 1..${MAX_EXACT_PLAYERS} players, got ${m}`,
    )
  }
  const size = 1 << m
  const v: (readonly number[])[] = new Array(size)
  for (let mask = 0; mask < size; mask++) v[mask] = value(mask)
  const k = v[0].length
  // weight[s] = s!(m − s − 1)!/m!, built from ratios to avoid factorial overflow
  const weight: number[] = new Array(m)
  weight[0] = 1 / m
  for (let s = 1; s < m; s++) weight[s] = (weight[s - 1] * s) / (m - s)
  const popcount: number[] = new Array(size)
  popcount[0] = 0
  for (let mask = 1; mask < size; mask++) popcount[mask] = popcount[mask >> 1] + (mask & 1)
  const phi: number[][] = Array.from({ length: m }, () => new Array<number>(k).fill(0))
  for (let i = 0; i < m; i++) {
    const bit = 1 << i
    const out = phi[i]
    for (let mask = 0; mask < size; mask++) {
      if (mask & bit) continue
      const w = weight[popcount[mask]]
      const a = v[mask | bit]
      const b = v[mask]
      for (let j = 0; j < k; j++) out[j] += w * (a[j] - b[j])
    }
  }
  return { phi, empty: [...v[0]], full: [...v[size - 1]], evaluations: size }
}
