/**
 * A variant's fit on a window, leaving out the teams that make it impossible — for EVERY variant, as the
 * Dixon-Coles adapter does for itself. When a fit throws the engine's MODEL_DEGENERATE naming teams (a
 * newcomer that has not scored or conceded yet, a group of teams not linked to the rest), their matches are
 * dropped from the window and the fit retried (at most three rounds); the teams are reported as excluded,
 * so their fixtures are skipped with that reason instead of losing the whole date.
 */
import { DixonColesError } from '../dixonColes'
import type { GoalModelVariant, VariantFitContext, VariantFitInfo, VariantMatch } from '../variants'
import { teamsToExclude } from '../variants/dixonColes'

export interface ExcludingFit {
  fit: unknown
  info: VariantFitInfo
}

/** Size of a fit when the variant does not report one: the window's matches and teams. */
export function defaultFitInfo(history: readonly VariantMatch[]): VariantFitInfo {
  const teams = new Set<string>()
  for (const m of history) {
    teams.add(m.home)
    teams.add(m.away)
  }
  return {
    nMatches: history.length,
    nTeams: teams.size,
    iterations: 0,
    converged: true,
    gradientNorm: 0,
    excludedTeams: [],
  }
}

/** Throws the variant's last DixonColesError when no fittable set of teams is found. */
export function fitExcluding(
  variant: GoalModelVariant<unknown>,
  history: readonly VariantMatch[],
  ctx: VariantFitContext,
): ExcludingFit {
  const excluded = new Set<string>()
  let window = history
  for (let attempt = 0; ; attempt++) {
    try {
      const fit = variant.fit(window, ctx)
      const info = variant.fitInfo ? variant.fitInfo(fit) : defaultFitInfo(window)
      if (excluded.size === 0) return { fit, info }
      return { fit, info: { ...info, excludedTeams: [...new Set([...info.excludedTeams, ...excluded])] } }
    } catch (error) {
      if (!(error instanceof DixonColesError) || error.code !== 'MODEL_DEGENERATE' || attempt >= 3)
        throw error
      const more = teamsToExclude(error).filter((t) => !excluded.has(t))
      if (more.length === 0) throw error
      for (const t of more) excluded.add(t)
      window = history.filter((m) => !excluded.has(m.home) && !excluded.has(m.away))
      if (window.length === 0) throw error
    }
  }
}
