/**
 * Shots-informed ratings (variant 'shots', issue #12 variant 1): team attack and defence fitted to goals and
 * shots on target together. Each match contributes its goals through the Dixon-Coles likelihood (Dixon & Coles
 * 1997, eq. 4.2) and, with weight w, pseudo-goals x̃ = c·HST, ỹ = c·AST through a Poisson kernel sharing the
 * same λ and μ (see `pseudoGoalFit.ts`), where c is the league's goals per shot on target in the window
 * (time-weighted like the goals). Shots on target are a less noisy measure of chance creation than goals
 * (the idea behind "expected goals" ratings), so w > 0 shrinks the goal ratings towards the shot ratings;
 * w = 0 is plain Dixon-Coles. w is chosen by walk-forward RPS from `hyperGrid`.
 */
import { variantOfOneShape } from '../common/variantShape'
import { pseudoGoalAsEngineModel } from './engineModel'
import { DixonColesError, dayNumberOf } from '../../dixonColes'
import { decayWeight } from '../common/timeDecay'
import type { GoalModelVariant, VariantFitContext, VariantMatch } from '../types'
import {
  fitExcluding,
  fitPseudoGoalModel,
  pseudoModelForecast,
  pseudoModelInfo,
  pseudoModelSummary,
  pseudoModelTerms,
  type PseudoGoalModel,
  type PseudoGoals,
} from './pseudoGoalFit'

export interface ShotsFit extends PseudoGoalModel {
  variant: 'shots'
  /** Mixing weight w of the shots-on-target pseudo-goals. */
  w: number
  /** League goals per shot on target in the window (time-weighted); null when no match had shots on target. */
  conversion: number | null
}

/**
 * The default mixing weight (first entry of the grid): best walk-forward RPS of {0.25, 0.5, 1, 2, 4} on E0 and
 * SP1 2022-23 + 2023-24 (3-year window, ξ = 0.0019; E0 0.1981 against 0.1992 for w = 0).
 */
export const DEFAULT_SHOTS_WEIGHT = 1

function weightParam(ctx: VariantFitContext): number {
  const w = ctx.params?.w ?? DEFAULT_SHOTS_WEIGHT
  if (!(w >= 0 && Number.isFinite(w))) {
    throw new DixonColesError(
      'MODEL_BAD_INPUT',
      `shots: the mixing weight w must be finite and ≥ 0, got ${w}`,
      { w },
    )
  }
  return w
}

const hasShots = (m: VariantMatch): boolean =>
  typeof m.homeShotsOnTarget === 'number' &&
  typeof m.awayShotsOnTarget === 'number' &&
  m.homeShotsOnTarget >= 0 &&
  m.awayShotsOnTarget >= 0

/** Day numbers by date: a walk-forward's refits ask for the same few hundred dates every time (#23). */
const dayNumbers = new Map<string, number>()
function dayNumberMemo(date: string): number {
  let day = dayNumbers.get(date)
  if (day === undefined) {
    day = dayNumberOf(date)
    if (dayNumbers.size >= 100_000) dayNumbers.clear()
    dayNumbers.set(date, day)
  }
  return day
}

/**
 * Goals per shot on target over the matches in [from, asOf] that have both teams' shots on target, weighted
 * by exp(−ξ·days) like the goals; null when there are none (or no shot on target at all).
 */
export function leagueConversion(history: readonly VariantMatch[], ctx: VariantFitContext): number | null {
  const asOfDay = dayNumberOf(ctx.asOf)
  let goals = 0
  let shots = 0
  const phiOf = new Map<string, number>() // many matches share a date
  for (const m of history) {
    if (m.date > ctx.asOf || m.date < ctx.from || !hasShots(m)) continue
    let phi = phiOf.get(m.date)
    if (phi === undefined) {
      phi = decayWeight(ctx.xi, asOfDay - dayNumberMemo(m.date))
      phiOf.set(m.date, phi)
    }
    goals += phi * (m.homeGoals + m.awayGoals)
    shots += phi * ((m.homeShotsOnTarget as number) + (m.awayShotsOnTarget as number))
  }
  return shots > 0 ? goals / shots : null
}

/** Fit on `history`, leaving out teams that make the maximum non-existent (see `fitExcluding`). */
export function fitShots(history: readonly VariantMatch[], ctx: VariantFitContext): ShotsFit {
  return fitExcluding(history, (h) => fitShotsOnce(h, ctx))
}

/**
 * Shots-on-target pseudo-goals x̃ = c·HST, ỹ = c·AST with weight w (0 for a match without shots on target), c the
 * league conversion in the window; null when w = 0 or no match has shots on target. `xi`: the term's own decay
 * (default: the goals' ξ).
 */
export function shotsPseudoGoals(
  history: readonly VariantMatch[],
  ctx: VariantFitContext,
  w: number,
  xi?: number,
): { pseudo: PseudoGoals; conversion: number } | null {
  const conversion = w > 0 ? leagueConversion(history, ctx) : null
  if (conversion === null) return null
  const n = history.length
  const x = new Float64Array(n)
  const y = new Float64Array(n)
  const weight = new Float64Array(n)
  history.forEach((m, i) => {
    if (!hasShots(m)) return
    x[i] = conversion * (m.homeShotsOnTarget as number)
    y[i] = conversion * (m.awayShotsOnTarget as number)
    weight[i] = w
  })
  return { pseudo: { x, y, weight, ...(xi === undefined ? {} : { xi }) }, conversion }
}

function fitShotsOnce(history: readonly VariantMatch[], ctx: VariantFitContext): ShotsFit {
  const w = weightParam(ctx)
  if (history.length === 0) throw new DixonColesError('MODEL_NO_DATA', 'shots: no matches to fit.', {})
  const shots = shotsPseudoGoals(history, ctx, w)
  const previous = (ctx.previous as ShotsFit | undefined)?.variant === 'shots' ? ctx.previous : undefined
  const fit = fitPseudoGoalModel(history, ctx, shots?.pseudo ?? null, { previous })
  if (w > 0 && !shots) {
    fit.warnings.push('No match in the window has shots on target: fitted to goals alone.')
  }
  return { ...fit, variant: 'shots', w, conversion: shots?.conversion ?? null }
}

export const shotsVariant: GoalModelVariant<ShotsFit> = variantOfOneShape<ShotsFit>({
  id: 'shots',
  label: 'Shots-informed Dixon-Coles',
  description:
    'Dixon-Coles (1997) ratings fitted to goals plus w × shots on target × the league conversion rate as a ' +
    'second Poisson term sharing the team parameters; w = 0 is plain Dixon-Coles.',
  hyperGrid: [{ w: 1 }, { w: 0 }, { w: 0.25 }, { w: 0.5 }, { w: 2 }],
  fit: fitShots,
  predict: pseudoModelForecast,
  explain: pseudoModelTerms,
  fitInfo: pseudoModelInfo,
  // its forecasts are the engine's formula with its own parameters: servable as a champion
  asEngineModel: pseudoGoalAsEngineModel,
  summary: (fit) => ({ variant: 'shots', w: fit.w, conversion: fit.conversion, ...pseudoModelSummary(fit) }),
})
