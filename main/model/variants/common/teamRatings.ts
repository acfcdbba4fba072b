/**
 * Team ratings in θ = (α_0..α_{K−1}, β_0..β_{K−1}, …) of the L-BFGS variants that start from the engine's ratings
 * (negative binomial, bivariate Poisson). Start: the engine's fit on the same window (`engineFit`: its α, β, γ and ρ,
 * and its MODEL_DEGENERATE checks) or, warm, the previous fit's ratings matched by team name (after the engine's
 * identifiability checks, without its fit). Read-out: one rating per window team, by name.
 */
import { prepareFit, type ModelKind } from '../../dixonColes'
import type { VariantFitContext } from '../types'
import { engineFit, type MatchGroups } from './matchGroups'

export interface StartRating {
  name: string
  attack: number
  defence: number
}

export interface StartRatings {
  teams: readonly StartRating[]
  homeAdvantage: number
  /** The engine's ρ (0 for `model: 'poisson'`), or the previous fit's when it has one. */
  rho: number
}

/** `previous` when given (after the engine's checks), else the engine's `model` fit on the window. */
export function startRatings(
  s: MatchGroups,
  ctx: Pick<VariantFitContext, 'asOf' | 'from' | 'xi'>,
  previous: { teams: readonly StartRating[]; homeAdvantage: number; rho?: number } | undefined,
  model: ModelKind,
): StartRatings {
  if (previous) {
    prepareFit(s.arrays, { asOf: ctx.asOf, from: ctx.from, xi: ctx.xi }) // the engine's checks, without its fit
    return { teams: previous.teams, homeAdvantage: previous.homeAdvantage, rho: previous.rho ?? 0 }
  }
  const fit = engineFit(s, ctx, model)
  return { teams: fit.teams, homeAdvantage: fit.homeAdvantage, rho: fit.rho }
}

/** θ_i = α, θ_{K+i} = β of the window's team i by name; a team without a rating starts at α = 0, the mean β. */
export function setStartRatings(
  theta: Float64Array,
  windowTeams: readonly string[],
  ratings: readonly StartRating[],
) {
  const k = windowTeams.length
  const byName = new Map(ratings.map((t) => [t.name, t]))
  const meanDefence = ratings.reduce((acc, t) => acc + t.defence, 0) / Math.max(1, ratings.length)
  for (let i = 0; i < k; i++) {
    const t = byName.get(windowTeams[i])
    theta[i] = t ? t.attack : 0
    theta[k + i] = t ? t.defence : meanDefence
  }
}

/** The fitted rating of each window team (α_i, β_i of θ) with its match count in the window. */
export function teamRatingsOf(
  s: Pick<MatchGroups, 'teams' | 'teamMatches'>,
  theta: Float64Array,
): { name: string; attack: number; defence: number; matches: number }[] {
  const k = s.teams.length
  return s.teams.map((name, i) => ({
    name,
    attack: theta[i],
    defence: theta[k + i],
    matches: s.teamMatches[i],
  }))
}
