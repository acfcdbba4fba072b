/**
 * Jackpot prize tiers per jackpot provider (#20): which numbers of correct picks a provider pays — all n, or
 * also n−1, n−2, … — stored as the misses allowed (0 = every pick right, 1 = one wrong, …) so one setting fits
 * coupons of any length. Kept in the app's settings under `jackpotPrizeTiers` as JSON
 * `{ "<provider>": [0, 1, 2] }`; the handler and the screen check it with this one schema.
 */
import { z } from 'zod'

/** Most tiers below "all correct" a provider can pay (n−5 on a 13-match coupon is already 8 of 13). */
export const MAX_MISSES = 5

export const prizeTiersSchema = z
  .array(z.number().int().min(0).max(MAX_MISSES))
  .min(1)
  .max(MAX_MISSES + 1)
  .refine((t) => new Set(t).size === t.length, 'each tier once')

export const prizeTiersByProviderSchema = z.record(z.string().trim().min(1).max(120), prizeTiersSchema)
export type PrizeTiersByProvider = z.infer<typeof prizeTiersByProviderSchema>

/** Without a stored setting a provider pays only for every pick right. */
export const DEFAULT_PRIZE_TIERS: readonly number[] = [0]

/** The stored JSON text, checked; null when absent or invalid (an invalid setting reads as not set). */
export function parsePrizeTiers(text: string | null | undefined): PrizeTiersByProvider | null {
  if (!text) return null
  try {
    const parsed = prizeTiersByProviderSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/** A provider's tiers (misses allowed, ascending); the default when the provider has none stored. */
export function tiersOf(all: PrizeTiersByProvider | null | undefined, provider: string | null): number[] {
  const stored = provider ? all?.[provider.trim()] : undefined
  return [...(stored ?? DEFAULT_PRIZE_TIERS)].sort((a, b) => a - b)
}

export interface PrizeTierChance {
  /** Misses allowed: 0 = all n right. */
  misses: number
  /** Correct picks this tier pays for (n − misses). */
  correct: number
  /** P(exactly `correct` right). */
  probability: number
  /** "1 in N" (rounded), null when the chance is 0. */
  oneIn: number | null
}

/**
 * Each tier's chance from the distribution of the number of correct picks (`distribution[k]` = P(k right),
 * k = 0 … n), and the chance of winning any tier.
 */
export function tierChances(
  distribution: readonly number[],
  tiers: readonly number[],
): { tiers: PrizeTierChance[]; any: PrizeTierChance | null } {
  const n = distribution.length - 1
  const rows = [...tiers]
    .sort((a, b) => a - b)
    .filter((m) => m <= n)
    .map((misses) => {
      const probability = distribution[n - misses] ?? 0
      return { misses, correct: n - misses, probability, oneIn: oneIn(probability) }
    })
  if (rows.length === 0) return { tiers: [], any: null }
  const lowest = rows[rows.length - 1].correct
  const p = distribution.slice(lowest).reduce((s, x) => s + x, 0)
  return {
    tiers: rows,
    any: { misses: rows[rows.length - 1].misses, correct: lowest, probability: p, oneIn: oneIn(p) },
  }
}

/** N of "1 in N" for a probability (rounded to a readable figure), null for 0. */
export function oneIn(p: number): number | null {
  if (!(p > 0)) return null
  const n = 1 / p
  if (n < 10) return Math.round(n * 10) / 10
  const digits = Math.floor(Math.log10(n)) - 1
  return Math.round(n / 10 ** digits) * 10 ** digits
}
