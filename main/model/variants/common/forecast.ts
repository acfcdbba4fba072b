/**
 * Forecast pieces the variants share: the engine's log-rate terms of a fixture,
 *   log λ = γ·[not neutral] + α_home + β_away,  log μ = α_away + β_home        (Dixon & Coles 1997, eq. 4.1; GUIDE.md)
 * the rates they sum to, and the Dixon-Coles score matrix τ·Pois·Pois (eq. 4.2) as a variant forecast. Each variant
 * keeps its own terms where they differ (division offsets, the filter's goal rate) and its own matrix where the
 * score distribution differs (negative binomial, bivariate Poisson).
 */
import { matrixOutcomes, scoreMatrix } from '../../dixonColes'
import type { VariantFixture, VariantForecast, VariantTerm } from '../types'

export interface RateTerms {
  lambda: VariantTerm[]
  mu: VariantTerm[]
}

/** A fit with one rating per team by name and a home advantage (negative binomial, bivariate Poisson). */
export interface RatedFit {
  teams: readonly { name: string; attack: number; defence: number }[]
  homeAdvantage: number
}

/** The fixture's log-rate terms under `fit`; null when a team has no rating (or plays itself). */
export function ratingTerms(fit: RatedFit, f: VariantFixture): RateTerms | null {
  const h = fit.teams.find((t) => t.name === f.home)
  const a = fit.teams.find((t) => t.name === f.away)
  if (!h || !a || h === a) return null
  return {
    lambda: [
      { name: 'home advantage', value: f.neutral ? 0 : fit.homeAdvantage },
      { name: 'home attack', value: h.attack },
      { name: 'away defence', value: a.defence },
    ],
    mu: [
      { name: 'away attack', value: a.attack },
      { name: 'home defence', value: h.defence },
    ],
  }
}

/** λ = exp(Σ of the λ terms), μ = exp(Σ of the μ terms). */
export function ratesOf(t: RateTerms): { lambda: number; mu: number } {
  return {
    lambda: Math.exp(t.lambda.reduce((s, v) => s + v.value, 0)),
    mu: Math.exp(t.mu.reduce((s, v) => s + v.value, 0)),
  }
}

/** The engine's Dixon-Coles score matrix for λ, μ, ρ and its 1X2, as a variant forecast. */
export function dixonColesForecast(lambda: number, mu: number, rho: number): VariantForecast {
  const matrix = scoreMatrix(lambda, mu, rho)
  return { lambda, mu, matrix, probabilities: matrixOutcomes(matrix) }
}
