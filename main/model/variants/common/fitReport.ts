/** What the variants' fits report alike: the walk-forward's refit figures, the non-convergence warning, the summary. */
import type { VariantFitInfo } from '../types'

/** The fields of a fit that {@link fitInfoOf} reads. */
export interface FitFigures {
  nMatches: number
  teams: { length: number }
  iterations: number
  converged: boolean
  gradientNorm: number
  /** Teams left out so that a fit exists (none when absent). */
  excludedTeams?: string[]
}

/** Refit record figures for the walk-forward (`GoalModelVariant.fitInfo`). */
export function fitInfoOf(fit: FitFigures): VariantFitInfo {
  return {
    nMatches: fit.nMatches,
    nTeams: fit.teams.length,
    iterations: fit.iterations,
    converged: fit.converged,
    gradientNorm: fit.gradientNorm,
    excludedTeams: fit.excludedTeams ?? [],
  }
}

/** The warning a fit carries when its optimiser stopped before the gradient tolerance. */
export function notConvergedWarning(res: { iterations: number; gradientNorm: number }): string {
  return `Did not converge in ${res.iterations} iterations (gradient norm ${res.gradientNorm.toExponential(2)}).`
}

/** Plain-JSON summary of a fit whose only nested data is its team list (a copy, so the fit cannot be edited through it). */
export function summaryWithTeams<F extends { teams: readonly object[] }>(fit: F): Record<string, unknown> {
  return { ...fit, teams: fit.teams.map((t) => ({ ...t })) }
}
