/**
 * Market-informed ratings (variant 'market', issue #12 variant 3). For every past match with margin-free market
 * probabilities, the expected goals the market implied, λ̂ and μ̂, are found by inverting the Dixon-Coles score
 * model (`impliedRates`: 1X2, plus over 2.5 when quoted). They enter the fit as pseudo-goals: a second Poisson
 * term w·φ·(λ̂·log λ − λ + μ̂·log μ − μ) sharing the team parameters with the goals' Dixon-Coles likelihood
 * (Dixon & Coles 1997, eq. 4.2; see `../shots/pseudoGoalFit.ts`). A pseudo-goal carries far less noise than a
 * goal (the market has already averaged over many things), so weights well above 1 are sensible; w = 0 is plain
 * Dixon-Coles. This is the "market-implied ratings" idea used by bettors to read team strength off the prices;
 * w (and, optionally, a separate time decay `marketXi` for the market term) is chosen by walk-forward evidence.
 *
 * Optionally a third term, shots on target × the league conversion as pseudo-goals (the 'shots' variant's term,
 * `shotsPseudoGoals`) with weight `shotsW` and its own decay `shotsXi`: a past price was set BEFORE its match,
 * so the market term cannot carry what that match showed; with the market term at w = 256 the goals (weight 1)
 * barely move a rating, while recent shots on target at a comparable weight do. On 2021-22 .. 2023-24 it moved
 * the forecasts closer to Pinnacle's closing prices on E0, SP1 and D1 alike (mean squared cumulative distance
 * −9 to −14%).
 *
 * ρ for the inversion: the model's own. A warm fit inverts at the previous fit's ρ, a cold one at the ρ of a
 * goals-only Dixon-Coles fit; if the fitted ρ lands in a different 0.0025-wide bin, the market is inverted
 * again at the new ρ and the model refitted once. ρ is rounded to that grid so the inversions can be memoised
 * (carried from fit to fit through `ctx.previous`): a walk-forward inverts each price once per ρ bin it visits,
 * and a new bin starts from the answer at an old one.
 */
import { pseudoGoalAsEngineModel } from '../shots/engineModel'
import { DixonColesError, dayNumberOf } from '../../dixonColes'
import { matchArraysAfter, type ArraysMemo } from '../common/matchArraysAfter'
import type { GoalModelVariant, VariantFitContext, VariantMatch } from '../types'
import {
  fitExcluding,
  fitPseudoGoalArrays,
  pseudoModelForecast,
  pseudoModelInfo,
  pseudoModelSummary,
  pseudoModelTerms,
  type PseudoGoalModel,
  type PseudoGoals,
} from '../shots/pseudoGoalFit'
import { shotsPseudoGoals } from '../shots/shotsVariant'
import {
  binOf,
  invertAt,
  isInversionCache,
  slotOf,
  trimInversionCache,
  newInversionCache,
  RHO_STEP,
  VALUES,
  type InversionCache,
} from './inversionCache'

/**
 * What a fit hands on to the next through `ctx.previous`: the memo of inversions, and
 *  - `rows`: the latest fits' pseudo-goal rows by ρ (the last {@link ROWS_KEPT} ρ): the matches and,
 *    index-aligned, λ̂, μ̂ (−1: not asked, NaN: no inversion). The next refit of a walk-forward has nearly the same
 *    matches (the window moved by a day) at one of the same few ρ, so it reads them by position instead of
 *    looking each match up (#23);
 *  - `arrays`: the latest fit's history and its match arrays: the next refit converts only its new rows (#23).
 */
export interface MarketMemo extends InversionCache {
  rows?: Map<number, PseudoRows>
  arrays?: ArraysMemo
}

interface PseudoRows {
  matches: readonly VariantMatch[]
  lambda: Float64Array
  mu: Float64Array
}

const ROWS_KEPT = 4

export interface MarketFit extends PseudoGoalModel {
  variant: 'market'
  /** Weight w of the market-implied pseudo-goals. */
  w: number
  /** Time decay per day of the market term (default {@link DEFAULT_MARKET_XI}). */
  marketXi: number
  /**
   * ρ the market was inverted at: the fit's ρ rounded to {@link RHO_STEP}, or, when even the refit moved ρ to
   * another bin, the bin before (at most two rounds).
   */
  inversionRho: number
  /** Matches in the window whose market entered the fit. */
  nMarket: number
  /** Weight and decay of the shots-on-target term (0: none), and the league conversion it used. */
  shotsW: number
  shotsXi: number
  conversion: number | null
  /** Memo of inversions, handed on to the next fit through `ctx.previous` (not part of the summary). */
  cache: MarketMemo
}

/**
 * Defaults (the grid's first entry): the market term dominates (w = 256) and forgets fast (half-life ≈ 23 days).
 * On 2022-23 + 2023-24 walk-forward (3-year window, ξ = 0.0019, Pinnacle closing, multiplicative margin) RPS fell
 * monotonically with w from 0 to 256 on E0, SP1 and D1, and a market decay of 0.03–0.12 per day beat ξ itself
 * (E0 w = 4: 0.1994 at ξ, 0.1964 at 0.01).
 */
export const DEFAULT_MARKET_WEIGHT = 256
export const DEFAULT_MARKET_XI = 0.03

function param(ctx: VariantFitContext, name: string, fallback: number): number {
  const v = ctx.params?.[name] ?? fallback
  if (!(v >= 0 && Number.isFinite(v))) {
    throw new DixonColesError('MODEL_BAD_INPUT', `market: ${name} must be finite and ≥ 0, got ${v}`, {
      [name]: v,
    })
  }
  return v
}

const roundRho = (rho: number) => Math.round(rho / RHO_STEP) * RHO_STEP

/** A row's memo slot not looked up yet (see `pseudoGoals`'s `slots`). */
const UNKNOWN = -2

/**
 * The market pseudo-goals of `history` at ρ. `slots`: each row's slot in the memo (−1: no market), looked up
 * once per fit for both of its rounds ({@link UNKNOWN} until then).
 */
function pseudoGoals(
  history: readonly VariantMatch[],
  dayNumber: Int32Array,
  slots: Int32Array,
  ctx: VariantFitContext,
  w: number,
  marketXi: number,
  rho: number,
  cache: MarketMemo,
): { pseudo: PseudoGoals; failed: number; nMarket: number } {
  const n = history.length
  const x = new Float64Array(n)
  const y = new Float64Array(n)
  const weight = new Float64Array(n)
  const lambda = new Float64Array(n).fill(-1)
  const mu = new Float64Array(n).fill(-1)
  const fromDay = dayNumberOf(ctx.from)
  const asOfDay = dayNumberOf(ctx.asOf)
  // the previous fit's rows at the same ρ, shifted to this history (same match objects in the same order)
  cache.rows ??= new Map()
  const last = n > 0 ? cache.rows.get(rho) : undefined
  const shift = last ? last.matches.indexOf(history[0]) : -1
  const lastN = last && shift >= 0 ? last.matches.length : 0
  const bin = binOf(cache, rho)
  let failed = 0
  let nMarket = 0
  for (let i = 0; i < n; i++) {
    // the window by day number (the match objects come in many shapes: reading their fields is slow)
    if (dayNumber[i] < fromDay || dayNumber[i] > asOfDay) continue
    const j = i + shift
    let l: number
    let u: number
    if (j >= 0 && j < lastN && last!.lambda[j] !== -1 && last!.matches[j] === history[i]) {
      l = last!.lambda[j]
      u = last!.mu[j]
    } else {
      const m = history[i]
      let slot = slots[i]
      if (slot === UNKNOWN) slot = slots[i] = slotOf(cache, m)
      if (slot < 0) continue
      invertAt(m, slot, bin, cache)
      l = bin.values[VALUES * slot]
      u = bin.values[VALUES * slot + 1]
    }
    lambda[i] = l
    mu[i] = u
    if (Number.isNaN(l)) {
      failed++
      continue
    }
    x[i] = l
    y[i] = u
    weight[i] = w
    nMarket++
  }
  rememberRows(cache.rows, rho, { matches: history, lambda, mu })
  return { pseudo: { x, y, weight, xi: marketXi }, failed, nMarket }
}

/**
 * Keep a fit's rows as the newest of the last {@link ROWS_KEPT} ρ. A function of its own: V8 compiles the loop
 * above on its own and, when this upkeep followed it inline, bailed out at the eviction (reached only once the
 * map is full) — 240–290 deoptimisations in a walk-forward season (#23).
 */
function rememberRows(rows: Map<number, PseudoRows>, rho: number, these: PseudoRows): void {
  rows.delete(rho)
  rows.set(rho, these)
  if (rows.size > ROWS_KEPT) rows.delete(rows.keys().next().value as number)
}

/** Fit on `history`, leaving out teams that make the maximum non-existent (see `fitExcluding`). */
export function fitMarket(history: readonly VariantMatch[], ctx: VariantFitContext): MarketFit {
  return fitExcluding(history, (h) => fitMarketOnce(h, ctx))
}

function fitMarketOnce(history: readonly VariantMatch[], ctx: VariantFitContext): MarketFit {
  const w = param(ctx, 'w', DEFAULT_MARKET_WEIGHT)
  const marketXi = param(ctx, 'marketXi', DEFAULT_MARKET_XI)
  const shotsW = param(ctx, 'shotsW', 0)
  const shotsXi = param(ctx, 'shotsXi', ctx.xi)
  const shots = shotsW > 0 ? shotsPseudoGoals(history, ctx, shotsW, shotsXi) : null
  const extra = shots ? [shots.pseudo] : []
  const shotsInfo = { shotsW, shotsXi, conversion: shots?.conversion ?? null }
  if (history.length === 0) throw new DixonColesError('MODEL_NO_DATA', 'market: no matches to fit.', {})
  const prev =
    (ctx.previous as MarketFit | undefined)?.variant === 'market' ? (ctx.previous as MarketFit) : undefined
  const cache: MarketMemo = isInversionCache(prev?.cache) ? prev.cache : newInversionCache()
  trimInversionCache(cache)
  const window = { asOf: ctx.asOf, from: ctx.from, xi: ctx.xi }
  const hasMarket = history.some((m) => m.market && m.date >= ctx.from && m.date <= ctx.asOf)
  // One conversion of the matches for every fit below (and their goals' statistics, memoised on it)
  const data = matchArraysAfter(history, cache.arrays)
  cache.arrays = { matches: history, data }
  if (w === 0 || !hasMarket) {
    const fit = fitPseudoGoalArrays(data, window, extra, { previous: prev })
    if (w > 0)
      fit.warnings.push(
        `No match in the window has market probabilities: fitted to goals${shots ? ' and shots on target' : ''} alone.`,
      )
    return {
      ...fit,
      variant: 'market',
      w,
      marketXi,
      inversionRho: roundRho(fit.rho),
      nMarket: 0,
      ...shotsInfo,
      cache,
    }
  }
  let warm: PseudoGoalModel | undefined = prev
  let rho: number
  if (prev) rho = roundRho(prev.rho)
  else {
    warm = fitPseudoGoalArrays(data, window, null)
    rho = roundRho(warm.rho)
  }
  let fit: PseudoGoalModel | null = null
  let usedRho = rho
  const slots = new Int32Array(history.length).fill(UNKNOWN)
  let failed = 0
  let nMarket = 0
  for (let round = 0; round < 2; round++) {
    const built = pseudoGoals(history, data.dayNumber, slots, ctx, w, marketXi, rho, cache)
    failed = built.failed
    nMarket = built.nMarket
    fit = fitPseudoGoalArrays(data, window, [built.pseudo, ...extra], { previous: warm })
    usedRho = rho
    const next = roundRho(fit.rho)
    if (next === rho) break
    rho = next
    warm = fit
  }
  const out = fit as PseudoGoalModel
  if (failed > 0)
    out.warnings.push(`${failed} match(es) whose market could not be inverted were fitted to goals alone.`)
  if (shotsW > 0 && !shots) out.warnings.push('No match in the window has shots on target: no shots term.')
  return {
    ...out,
    variant: 'market',
    w,
    marketXi,
    inversionRho: usedRho,
    nMarket,
    ...shotsInfo,
    cache,
  }
}

export const marketVariant: GoalModelVariant<MarketFit> = {
  id: 'market',
  label: 'Market-informed Dixon-Coles',
  description:
    'Dixon-Coles (1997) ratings fitted to goals plus w × the expected goals implied by past matches’ ' +
    'margin-free market odds (the score model inverted on 1X2 and over/under 2.5) as a second Poisson term, optionally ' +
    'with recent shots on target × the league conversion as a third; w = 0 is plain Dixon-Coles.',
  hyperGrid: [
    { w: 256, marketXi: 0.03 },
    { w: 0 },
    { w: 16, marketXi: 0.01 },
    { w: 64, marketXi: 0.03 },
    { w: 1000, marketXi: 0.05 },
    // with recent shots on target: what the matches since each price showed
    { w: 256, marketXi: 0.03, shotsW: 32, shotsXi: 0.06 },
    { w: 256, marketXi: 0.03, shotsW: 64, shotsXi: 0.06 },
    { w: 256, marketXi: 0.03, shotsW: 64, shotsXi: 0.1 },
  ],
  fit: fitMarket,
  predict: pseudoModelForecast,
  explain: pseudoModelTerms,
  fitInfo: pseudoModelInfo,
  // its forecasts are the engine's formula with its own parameters: servable as a champion
  asEngineModel: pseudoGoalAsEngineModel,
  summary: (fit) => ({
    variant: 'market',
    w: fit.w,
    marketXi: fit.marketXi,
    inversionRho: fit.inversionRho,
    nMarket: fit.nMarket,
    shotsW: fit.shotsW,
    shotsXi: fit.shotsXi,
    conversion: fit.conversion,
    ...pseudoModelSummary(fit),
  }),
}
