/**
 * Matches of a fit window, time-decayed like the engine and aggregated per (home, away, neutral, score).
 *
 * The engine (`dixonColes/stats.ts`) can aggregate per pairing because the Poisson likelihood only needs
 * Σw·x; the negative binomial and bivariate Poisson log-pmfs are not linear in the goals, so here a group is
 * one distinct (home, away, neutral, x, y) with Σw. Weights are the engine's w = exp(−ξ·(asOf − day))
 * (Dixon & Coles 1997, φ(t) = exp(−ξt)). Team indices follow first appearance (via `toMatchArrays`, which
 * also validates every row). Shared by the negative binomial and bivariate Poisson variants.
 */
import {
  DixonColesError,
  dayNumberOf,
  fitDixonColes,
  toMatchArrays,
  type FittedModel,
  type MatchArrays,
  type ModelKind,
} from '../../dixonColes'
import type { VariantFitContext, VariantMatch } from '../types'
import { assertDecay, decayWeight } from './timeDecay'

export interface MatchGroups {
  /** Teams with at least one match in the window, in order of first appearance. */
  teams: string[]
  nTeams: number
  nGroups: number
  home: Int32Array
  away: Int32Array
  neutral: Uint8Array
  x: Int32Array
  y: Int32Array
  /** Σ of the decay weights of the group's matches. */
  w: Float64Array
  /** Unweighted matches per team in the window. */
  teamMatches: Int32Array
  nMatches: number
  anyHomeVenue: boolean
  /** Σw over 0-0, 0-1, 1-0 and 1-1 (ρ is informed only when > 0). */
  lowScoreWeight: number
  /** The engine's compact form of the same history (for a Dixon-Coles starting point). */
  arrays: MatchArrays
}

export function buildMatchGroups(
  history: readonly VariantMatch[],
  ctx: Pick<VariantFitContext, 'asOf' | 'from' | 'xi'>,
): MatchGroups {
  assertDecay(ctx.xi)
  if (history.length === 0) {
    throw new DixonColesError('MODEL_NO_DATA', 'No matches to fit: the match list is empty.', {})
  }
  const arrays = toMatchArrays(history)
  const asOfDay = dayNumberOf(ctx.asOf)
  const fromDay = dayNumberOf(ctx.from)
  const compact = new Int32Array(arrays.teams.length).fill(-1)
  const teams: string[] = []
  const teamMatches: number[] = []
  const slot = new Map<number, number>()
  const home: number[] = []
  const away: number[] = []
  const neutral: number[] = []
  const xs: number[] = []
  const ys: number[] = []
  const ws: number[] = []
  let nMatches = 0
  let anyHomeVenue = false
  let lowScoreWeight = 0
  const idx = (t: number) => {
    if (compact[t] < 0) {
      compact[t] = teams.length
      teams.push(arrays.teams[t])
      teamMatches.push(0)
    }
    return compact[t]
  }
  for (let i = 0; i < arrays.home.length; i++) {
    const day = arrays.dayNumber[i]
    if (day > asOfDay || day < fromDay) continue
    const h = idx(arrays.home[i])
    const a = idx(arrays.away[i])
    teamMatches[h]++
    teamMatches[a]++
    const nu = arrays.neutral[i]
    const x = arrays.homeGoals[i]
    const y = arrays.awayGoals[i]
    const w = decayWeight(ctx.xi, asOfDay - day)
    nMatches++
    if (!nu) anyHomeVenue = true
    if (x <= 1 && y <= 1) lowScoreWeight += w
    // Goals are capped far below 1000 in any real data; the key is exact for x, y < 1000.
    const key = (((h * 4096 + a) * 2 + nu) * 1000 + Math.min(x, 999)) * 1000 + Math.min(y, 999)
    let g = slot.get(key)
    if (g === undefined || xs[g] !== x || ys[g] !== y) {
      g = home.length
      slot.set(key, g)
      home.push(h)
      away.push(a)
      neutral.push(nu)
      xs.push(x)
      ys.push(y)
      ws.push(0)
    }
    ws[g] += w
  }
  if (nMatches === 0) {
    throw new DixonColesError(
      'MODEL_NO_DATA',
      `No matches between ${ctx.from} and ${ctx.asOf} (the history runs ${history[0].date} .. ${history[history.length - 1].date}).`,
      { from: ctx.from, asOf: ctx.asOf },
    )
  }
  return {
    teams,
    nTeams: teams.length,
    nGroups: home.length,
    home: Int32Array.from(home),
    away: Int32Array.from(away),
    neutral: Uint8Array.from(neutral),
    x: Int32Array.from(xs),
    y: Int32Array.from(ys),
    w: Float64Array.from(ws),
    teamMatches: Int32Array.from(teamMatches),
    nMatches,
    anyHomeVenue,
    lowScoreWeight,
    arrays,
  }
}

/**
 * The engine's Dixon-Coles (or Poisson) fit on the same window: the starting point of the variants fitted
 * by L-BFGS, and the engine's checks (MODEL_DEGENERATE for a team that never scored, unlinked teams, …)
 * for free — where Dixon-Coles has no maximum-likelihood estimate, neither do these variants.
 */
export function engineFit(
  groups: MatchGroups,
  ctx: Pick<VariantFitContext, 'asOf' | 'from' | 'xi'>,
  model: ModelKind,
): FittedModel {
  return fitDixonColes(groups.arrays, { asOf: ctx.asOf, from: ctx.from, xi: ctx.xi, model })
}
