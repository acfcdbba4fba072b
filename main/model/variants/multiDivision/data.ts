/**
 * Matches of several divisions in one fit window, aggregated like the engine's `MatchStats` (per pairing: Σw,
 * Σw·x, Σw·y and the weights of the four τ scores) but per (home, away, neutral, division), with each team's
 * first and latest division in the window and the engine's time-decay weights w = exp(−ξ·(asOf − day)).
 */
import { DixonColesError, dayNumberOf, toMatchArrays } from '../../dixonColes'
import { logFactorial } from '../common/logFactorial'
import { assertDecay, decayWeight } from '../common/timeDecay'
import type { VariantFitContext, VariantMatch } from '../types'

/** Division code used for matches whose `league` is null or absent. */
export const UNKNOWN_DIVISION = '?'

export interface DivisionData {
  teams: string[]
  nTeams: number
  /** Division codes, sorted; divisions[0] is the reference (offset fixed at 0). */
  divisions: string[]
  teamMatches: Int32Array
  /** Division index of each team's first and latest match in the window. */
  firstDivision: Int32Array
  lastDivision: Int32Array
  nGroups: number
  home: Int32Array
  away: Int32Array
  neutral: Uint8Array
  division: Int32Array
  sw: Float64Array
  sx: Float64Array
  sy: Float64Array
  c00: Float64Array
  c01: Float64Array
  c10: Float64Array
  c11: Float64Array
  logFactorials: number
  nMatches: number
  anyHomeVenue: boolean
  lowScoreWeight: number
  /** Weighted goals scored / conceded per team (for checks and the starting point). */
  scored: Float64Array
  conceded: Float64Array
  played: Float64Array
}

export const divisionOf = (m: { league?: string | null }) => m.league ?? UNKNOWN_DIVISION

export function buildDivisionData(
  history: readonly VariantMatch[],
  ctx: Pick<VariantFitContext, 'asOf' | 'from' | 'xi'>,
): DivisionData {
  assertDecay(ctx.xi)
  if (history.length === 0)
    throw new DixonColesError('MODEL_NO_DATA', 'No matches to fit: the match list is empty.')
  const arrays = toMatchArrays(history) // validates rows
  const asOfDay = dayNumberOf(ctx.asOf)
  const fromDay = dayNumberOf(ctx.from)
  const inWindow: number[] = []
  for (let i = 0; i < history.length; i++) {
    const d = arrays.dayNumber[i]
    if (d >= fromDay && d <= asOfDay) inWindow.push(i)
  }
  if (inWindow.length === 0) {
    throw new DixonColesError('MODEL_NO_DATA', `No matches between ${ctx.from} and ${ctx.asOf}.`, {
      from: ctx.from,
      asOf: ctx.asOf,
    })
  }
  // Date order (the contract sorts history; be safe) for first/latest division.
  inWindow.sort((a, b) => arrays.dayNumber[a] - arrays.dayNumber[b] || a - b)
  const divisions = [...new Set(inWindow.map((i) => divisionOf(history[i])))].sort()
  const divIndex = new Map(divisions.map((d, i) => [d, i]))
  const compact = new Int32Array(arrays.teams.length).fill(-1)
  const teams: string[] = []
  const first: number[] = []
  const last: number[] = []
  const idx = (t: number, d: number) => {
    if (compact[t] < 0) {
      compact[t] = teams.length
      teams.push(arrays.teams[t])
      first.push(d)
      last.push(d)
    }
    last[compact[t]] = d
    return compact[t]
  }
  const slot = new Map<number, number>()
  const cols = {
    home: [] as number[],
    away: [] as number[],
    neutral: [] as number[],
    division: [] as number[],
  }
  const sums: number[][] = [[], [], [], [], [], [], []] // sw sx sy c00 c01 c10 c11
  let logFactorials = 0
  let anyHomeVenue = false
  let lowScoreWeight = 0
  for (const i of inWindow) {
    const d = divIndex.get(divisionOf(history[i])) as number
    const h = idx(arrays.home[i], d)
    const a = idx(arrays.away[i], d)
    const nu = arrays.neutral[i]
    const key = ((h * 8192 + a) * 2 + nu) * 64 + d
    let g = slot.get(key)
    if (g === undefined) {
      g = cols.home.length
      slot.set(key, g)
      cols.home.push(h)
      cols.away.push(a)
      cols.neutral.push(nu)
      cols.division.push(d)
      for (const s of sums) s.push(0)
    }
    const w = decayWeight(ctx.xi, asOfDay - arrays.dayNumber[i])
    const x = arrays.homeGoals[i]
    const y = arrays.awayGoals[i]
    sums[0][g] += w
    sums[1][g] += w * x
    sums[2][g] += w * y
    if (x <= 1 && y <= 1) {
      sums[3 + x * 2 + y][g] += w
      lowScoreWeight += w
    }
    logFactorials += w * (logFactorial(x) + logFactorial(y))
    if (!nu) anyHomeVenue = true
  }
  const k = teams.length
  const teamMatches = new Int32Array(k)
  const scored = new Float64Array(k)
  const conceded = new Float64Array(k)
  const played = new Float64Array(k)
  for (const i of inWindow) {
    teamMatches[compact[arrays.home[i]]]++
    teamMatches[compact[arrays.away[i]]]++
  }
  const nGroups = cols.home.length
  for (let g = 0; g < nGroups; g++) {
    const h = cols.home[g]
    const a = cols.away[g]
    scored[h] += sums[1][g]
    conceded[h] += sums[2][g]
    scored[a] += sums[2][g]
    conceded[a] += sums[1][g]
    played[h] += sums[0][g]
    played[a] += sums[0][g]
  }
  // The engine's order is c00, c01, c10, c11: cell index x*2 + y gives 0-0, 0-1, 1-0, 1-1.
  return {
    teams,
    nTeams: k,
    divisions,
    teamMatches,
    firstDivision: Int32Array.from(first),
    lastDivision: Int32Array.from(last),
    nGroups,
    home: Int32Array.from(cols.home),
    away: Int32Array.from(cols.away),
    neutral: Uint8Array.from(cols.neutral),
    division: Int32Array.from(cols.division),
    sw: Float64Array.from(sums[0]),
    sx: Float64Array.from(sums[1]),
    sy: Float64Array.from(sums[2]),
    c00: Float64Array.from(sums[3]),
    c01: Float64Array.from(sums[4]),
    c10: Float64Array.from(sums[5]),
    c11: Float64Array.from(sums[6]),
    logFactorials,
    nMatches: inWindow.length,
    anyHomeVenue,
    lowScoreWeight,
    scored,
    conceded,
    played,
  }
}
