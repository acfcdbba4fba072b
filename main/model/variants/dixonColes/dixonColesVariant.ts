/**
 * The existing exact Dixon-Coles engine (`main/model/dixonColes`) as the 'dixon-coles' and 'poisson'
 * variants.
 *
 * λ = exp(γ + α_home + β_away), μ = exp(α_away + β_home) and P(x, y) = τ_{λ,μ,ρ}(x, y)·Pois(x; λ)·Pois(y; μ)
 * (Dixon & Coles 1997, eqs. 4.1–4.2); 'poisson' fixes ρ = 0 (independent Poisson). Fitted by exact maximum
 * likelihood with time decay φ(t) = exp(−ξt) (eq. 4.5).
 *
 * A team whose matches alone make the maximum-likelihood estimate non-existent (a newcomer that has not
 * scored or conceded yet, a group of teams not linked to the rest) is left out of the fit and listed in
 * `excluded`, instead of failing the whole refit; its fixtures then have no forecast.
 */
import { variantOfOneShape } from '../common/variantShape'
import {
  DixonColesError,
  dayNumberOf,
  emptyMatchArrays,
  fitDixonColes,
  outcomeProbabilities,
  scoreMatrix,
  type FittedModel,
  type MatchArrays,
  type ModelKind,
  type TeamRating,
} from '../../dixonColes'
import type {
  GoalModelVariant,
  VariantFitContext,
  VariantFitInfo,
  VariantFixture,
  VariantForecast,
  VariantMatch,
  VariantTerm,
} from '../types'

export interface DixonColesVariantFit {
  model: FittedModel
  /** Teams left out so that the MLE exists. */
  excluded: string[]
}

/**
 * Compact arrays of `history` with team indices in the order of `teams` (when given) and then of first
 * appearance: the same indices the engine would give on the whole match list, so a fit is bit-for-bit the
 * engine's. Matches with a team in `without` are left out (the team keeps its index; the fit drops it).
 */
export function variantMatchArrays(
  history: readonly VariantMatch[],
  teams: readonly string[] = [],
  without: ReadonlySet<string> = new Set(),
): MatchArrays {
  const names: string[] = []
  const index = new Map<string, number>()
  const id = (name: string): number => {
    let i = index.get(name)
    if (i === undefined) {
      i = names.length
      names.push(name)
      index.set(name, i)
    }
    return i
  }
  for (const t of teams) id(t)
  const keep = without.size ? history.filter((m) => !without.has(m.home) && !without.has(m.away)) : history
  const n = keep.length
  const out = emptyMatchArrays(n, names)
  const days = new Map<string, number>()
  for (let i = 0; i < n; i++) {
    const m = keep[i]
    out.home[i] = id(m.home)
    out.away[i] = id(m.away)
    out.homeGoals[i] = m.homeGoals
    out.awayGoals[i] = m.awayGoals
    let day = days.get(m.date)
    if (day === undefined) {
      day = dayNumberOf(m.date)
      days.set(m.date, day)
    }
    out.dayNumber[i] = day
    out.neutral[i] = m.neutral ? 1 : 0
  }
  // Teams of excluded matches still get their index (in order of appearance), as on the whole list.
  for (const m of history) {
    id(m.home)
    id(m.away)
  }
  return out
}

/** Teams to leave out so the MLE exists, from a MODEL_DEGENERATE error's details (empty: cannot help). */
export function teamsToExclude(error: DixonColesError): string[] {
  const d = error.details as { neverScored?: string[]; neverConceded?: string[]; components?: string[][] }
  const out = [...(d.neverScored ?? []), ...(d.neverConceded ?? [])]
  if (d.components && d.components.length > 1) {
    // Keep the largest group of linked teams, leave out the rest.
    const sorted = [...d.components].sort((a, b) => b.length - a.length)
    for (const c of sorted.slice(1)) out.push(...c)
  }
  return out
}

/**
 * Exact MLE on `history` in [ctx.from, ctx.asOf], leaving out up to three rounds of teams that make it
 * non-existent. Throws the engine's DixonColesError when no fit exists.
 */
export function fitWithExclusions(
  kind: ModelKind,
  history: readonly VariantMatch[],
  ctx: VariantFitContext,
): DixonColesVariantFit {
  const previous = ctx.previous as DixonColesVariantFit | undefined
  const warmStart =
    previous && previous.model && Array.isArray(previous.model.teams) ? previous.model : undefined
  const excluded = new Set<string>()
  let data = variantMatchArrays(history, ctx.teams)
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      const model = fitDixonColes(data, {
        asOf: ctx.asOf,
        from: ctx.from,
        xi: ctx.xi,
        model: kind,
        warmStart,
      })
      return { model, excluded: [...excluded] }
    } catch (error) {
      if (!(error instanceof DixonColesError)) throw error
      const more =
        error.code === 'MODEL_DEGENERATE' ? teamsToExclude(error).filter((t) => !excluded.has(t)) : []
      if (more.length === 0) throw error
      for (const t of more) excluded.add(t)
      data = variantMatchArrays(history, ctx.teams, excluded)
    }
  }
  throw new DixonColesError('MODEL_DEGENERATE', 'could not find a fittable set of teams', {
    excluded: [...excluded],
  })
}

const ratingsCache = new WeakMap<FittedModel, Map<string, TeamRating>>()

function ratings(model: FittedModel): Map<string, TeamRating> {
  let r = ratingsCache.get(model)
  if (!r) {
    r = new Map(model.teams.map((t) => [t.name, t]))
    ratingsCache.set(model, r)
  }
  return r
}

/** log λ and log μ of a fixture as named terms, or null when a team has no rating. */
function rateTerms(
  fit: DixonColesVariantFit,
  f: VariantFixture,
): { lambda: VariantTerm[]; mu: VariantTerm[] } | null {
  const r = ratings(fit.model)
  const h = r.get(f.home)
  const a = r.get(f.away)
  if (!h || !a) return null
  return {
    // log λ = γ + α_home + β_away (Dixon & Coles 1997, eq. 4.1)
    lambda: [
      { name: 'home advantage', value: f.neutral ? 0 : fit.model.homeAdvantage },
      { name: `${h.name} attack`, value: h.attack },
      { name: `${a.name} defence`, value: a.defence },
    ],
    // log μ = α_away + β_home
    mu: [
      { name: `${a.name} attack`, value: a.attack },
      { name: `${h.name} defence`, value: h.defence },
    ],
  }
}

function makeVariant(kind: ModelKind): GoalModelVariant<DixonColesVariantFit> {
  return {
    id: kind,
    label: kind === 'dixon-coles' ? 'Dixon-Coles' : 'Independent Poisson',
    description:
      kind === 'dixon-coles'
        ? 'Time-decayed Dixon & Coles (1997) by exact maximum likelihood: team attack and defence, home advantage and the low-score correction ρ, fitted to goals.'
        : 'The Dixon-Coles engine with ρ = 0 (Maher 1982 independent Poisson), time-decayed, fitted to goals by exact maximum likelihood.',
    fit: (history, ctx) => fitWithExclusions(kind, history, ctx),
    predict(fit, fixture): VariantForecast | null {
      const r = ratings(fit.model)
      const h = r.get(fixture.home)
      const a = r.get(fixture.away)
      if (!h || !a) return null
      // λ = exp(γ + α_h + β_a), μ = exp(α_a + β_h)  (eq. 4.1)
      const lambda = Math.exp((fixture.neutral ? 0 : fit.model.homeAdvantage) + h.attack + a.defence)
      const mu = Math.exp(a.attack + h.defence)
      return {
        lambda,
        mu,
        matrix: scoreMatrix(lambda, mu, fit.model.rho),
        probabilities: outcomeProbabilities(lambda, mu, fit.model.rho),
      }
    },
    explain: rateTerms,
    summary: (fit) => ({ ...fit.model, excludedTeams: fit.excluded }),
    fitInfo: (fit): VariantFitInfo => ({
      nMatches: fit.model.nMatches,
      nTeams: fit.model.nTeams,
      iterations: fit.model.iterations,
      converged: fit.model.converged,
      gradientNorm: fit.model.gradientNorm,
      excludedTeams: fit.excluded,
    }),
  }
}

export const dixonColesVariant = variantOfOneShape(makeVariant('dixon-coles'))
export const poissonVariant = variantOfOneShape(makeVariant('poisson'))
