/**
 * Time decay of Dixon & Coles (1997, section 4.5), as the engine applies it (GUIDE.md): a match t days before the
 * as-of date has weight φ(t) = exp(−ξ·t), ξ per day; ξ = 0 weighs every match 1.
 */
import { DixonColesError } from '../../dixonColes'

/** MODEL_BAD_INPUT unless ξ is a finite number ≥ 0. */
export function assertDecay(xi: number): void {
  if (!(xi >= 0 && Number.isFinite(xi))) {
    throw new DixonColesError('MODEL_BAD_INPUT', `xi must be a finite number ≥ 0 (per day), got ${xi}`, {
      xi,
    })
  }
}

/** φ(t) = exp(−ξ·t) for a match `daysBefore` days before the as-of date (exactly 1 when ξ = 0). */
export function decayWeight(xi: number, daysBefore: number): number {
  return xi === 0 ? 1 : Math.exp(-xi * daysBefore)
}
