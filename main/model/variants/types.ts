/**
 * The contract every goal-model variant implements (Dixon-Coles, shots-informed, multi-division,
 * market-informed, dynamic, negative binomial, bivariate Poisson). Pure maths, no I/O: a variant is
 * fitted on finished matches strictly before a date and predicts a score matrix for a fixture.
 *
 * The walk-forward (`main/model/backtest`) and `scoreline compare-models` only talk to this interface,
 * so a variant cannot see a match on or after the date it forecasts.
 */
import type { Triple } from '../metrics'
import type { FittedModel } from '../dixonColes/types'
import { MODEL_VARIANTS, type ModelVariantId } from '../../../shared/modelVariants'

/** Identifiers of the variants (`shared/modelVariants.ts`); the registry (`./registry.ts`) maps each to its implementation. */
export type VariantId = ModelVariantId

/** Every id, in the order tables list them. */
export const VARIANT_IDS: readonly VariantId[] = MODEL_VARIANTS

/** A finished match as a variant sees it: the goals, plus whatever else the season file had. */
export interface VariantMatch {
  /** `YYYY-MM-DD`. */
  date: string
  home: string
  away: string
  homeGoals: number
  awayGoals: number
  neutral?: boolean
  /** Division code (`E0`, `E1`, …); null when unknown. */
  league?: string | null
  /** Shots on target (`HST` / `AST`); null or absent when the file has none. */
  homeShotsOnTarget?: number | null
  awayShotsOnTarget?: number | null
  /** All shots (`HS` / `AS`). */
  homeShots?: number | null
  awayShots?: number | null
  /**
   * Margin-free 1X2 probabilities of the market for this match (the caller's preference, closing first),
   * known at kick-off; null when the match had no odds. Variants may train on it for PAST matches only.
   */
  market?: Triple | null
  /** Margin-free probability of more than 2.5 goals from the totals odds; null when none were quoted. */
  marketOver25?: number | null
}

/** A match to forecast. */
export interface VariantFixture {
  date: string
  home: string
  away: string
  league?: string | null
  neutral?: boolean
}

export interface VariantFitContext {
  /** Last date (inclusive) the fit may use; every match in `history` is on or before it. */
  asOf: string
  /** First date (inclusive) of the training window. */
  from: string
  /** Time decay per day (exp(−ξ·days before asOf)); variants without time decay may ignore it. */
  xi: number
  /** This variant's previous fit in the same walk-forward (warm start); never a fit on later data. */
  previous?: unknown
  /** Hyper-parameters (e.g. the shots mixing weight); each variant documents and defaults its own. */
  params?: Readonly<Record<string, number>>
  /**
   * Every team seen so far in this run (on or before `asOf`, also outside the window), in order of first
   * appearance by date: a stable team index across refits. Optional; a variant may ignore it.
   */
  teams?: readonly string[]
}

/** What a refit record shows about a fit (the walk-forward's `RefitRecord.fit`). */
export interface VariantFitInfo {
  /** Matches the fit used (inside the window). */
  nMatches: number
  /** Teams with a rating. */
  nTeams: number
  /** Optimiser iterations (0 for closed-form or filtering variants). */
  iterations: number
  converged: boolean
  /** Norm of the gradient at the returned point (0 when not fitted by gradient methods). */
  gradientNorm: number
  /** Teams left out so that a fit exists (e.g. a newcomer that has not scored yet). */
  excludedTeams: string[]
}

export interface VariantForecast {
  /** Expected home and away goals. */
  lambda: number
  mu: number
  /** P(home = x, away = y) as `matrix[x][y]`, summing to 1 (tail folded in or renormalised). */
  matrix: number[][]
  /** Home / draw / away probabilities of the matrix (within 1e-9), summing to 1 within 1e-9. */
  probabilities: Triple
}

/** One named contribution for explanations (e.g. 'home attack', 'division offset'), on the log-rate scale. */
export interface VariantTerm {
  name: string
  value: number
}

export interface GoalModelVariant<Fit = unknown> {
  id: VariantId
  /** Short human label, e.g. 'Shots-informed Dixon-Coles'. */
  label: string
  /** One or two sentences: what it models and which paper / package it follows. */
  description: string
  /** Candidate hyper-parameter sets chosen by walk-forward evidence (first = default). Omit when none. */
  hyperGrid?: readonly Readonly<Record<string, number>>[]
  /**
   * Fit on `history` (sorted by date, all within [ctx.from, ctx.asOf]). Throws `DixonColesError`
   * (MODEL_NO_DATA / MODEL_DEGENERATE with details) when no fit exists. Must not mutate `history`.
   */
  fit(history: readonly VariantMatch[], ctx: VariantFitContext): Fit
  /** Forecast a fixture; null when a team has no rating in the fit (the caller records the reason). */
  predict(fit: Fit, fixture: VariantFixture): VariantForecast | null
  /** Log-rate terms of λ and μ for a fixture (for the explanation screens); optional. */
  explain?(fit: Fit, fixture: VariantFixture): { lambda: VariantTerm[]; mu: VariantTerm[] } | null
  /** Plain-JSON summary of a fit for the model artifact (team ratings, parameters). */
  summary(fit: Fit): Record<string, unknown>
  /**
   * The fit as the engine's parameters, for variants whose forecasts ARE the engine's formula with them
   * (λ = exp(γ + α_home + β_away), μ = exp(α_away + β_home), Dixon-Coles τ with ρ; e.g. ratings fitted to
   * extra data). The app serves such a champion through the engine's prediction paths (jackpots, feature
   * views, model health) with exactly the variant's probabilities. `history` is what the fit saw.
   * Omitted (or null) when the variant's forecasts need its own code: then it cannot be champion yet.
   */
  asEngineModel?(fit: Fit, history: readonly VariantMatch[]): FittedModel | null
  /**
   * Size and convergence of a fit for the walk-forward's refit records. Optional: without it the record
   * counts the window's matches and teams, 0 iterations, converged.
   */
  fitInfo?(fit: Fit): VariantFitInfo
}
