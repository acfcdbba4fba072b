import { DixonColesError } from './errors'
import type { MatchArrays } from './types'

/**
 * Weighted sufficient statistics of the Dixon-Coles likelihood, one row per distinct
 * (home, away, neutral) triple. Every match of a triple shares λ and μ, so its contribution
 * to the log-likelihood only depends on Σw, Σw·x, Σw·y and the weighted counts of the four
 * scores τ touches (0-0, 0-1, 1-0, 1-1). Ten seasons of a league then cost about one.
 */
export interface MatchStats {
  /** Teams in the fit (those with at least one match in the window), compact indices 0..nTeams-1. */
  teams: string[]
  /** Index of each fitted team in the input `MatchArrays.teams`. */
  inputIndex: Int32Array
  /** Unweighted number of matches per fitted team. */
  teamMatches: Int32Array
  nTeams: number
  nGroups: number
  home: Int32Array
  away: Int32Array
  neutral: Uint8Array
  /** Σw, Σw·x (home goals), Σw·y (away goals). */
  sw: Float64Array
  sx: Float64Array
  sy: Float64Array
  /** Σw over matches that ended 0-0, 0-1, 1-0, 1-1. */
  c00: Float64Array
  c01: Float64Array
  c10: Float64Array
  c11: Float64Array
  /** Σ w·(log x! + log y!), the constant subtracted from the reported log-likelihood. */
  logFactorials: number
  nMatches: number
  /** true when at least one match in the window was played at a home venue (γ is informed). */
  anyHomeVenue: boolean
  /** Σw over matches that ended in one of the four τ-scores (ρ is informed only when > 0). */
  lowScoreWeight: number
  droppedTeams: string[]
  /**
   * A Gaussian prior on the team ratings (#20: teams with few matches shrunk toward a prior): the fit maximises
   * ℓ(θ) − ½ Σ_i precision[i]·(θ_i − mean[i])² over the first 2K entries (α then β). Absent = plain MLE.
   */
  prior?: { precision: Float64Array; mean: Float64Array } | null
}

export interface Window {
  asOfDay: number
  fromDay: number
  xi: number
}

/**
 * Matches whose decay weight exp(−ξ·days) is below e^−23 ≈ 1e-10 are treated as outside the window:
 * they carry no measurable information but would keep teams seen only there in the fit with
 * parameters the data cannot pin down. (ξ = 0.0019 reaches it after 33 years.)
 */
const MAX_DECAY = 23

const LOG_FACT = (() => {
  const t = new Float64Array(64)
  for (let i = 2; i < 64; i++) t[i] = t[i - 1] + Math.log(i)
  return t
})()

function logFactorial(n: number): number {
  if (n < 64) return LOG_FACT[n]
  let s = LOG_FACT[63]
  for (let i = 64; i <= n; i++) s += Math.log(i)
  return s
}

/**
 * Select the matches in [fromDay, asOfDay] (and recent enough that the weight is ≥ e^−23), weight them w = exp(−ξ·(asOfDay − day)) (Dixon &
 * Coles 1997's down-weighting φ(t) = exp(−ξt) of the pseudo-likelihood), and aggregate them per (home, away, neutral).
 */
export function buildMatchStats(data: MatchArrays, window: Window): MatchStats {
  const { asOfDay, fromDay, xi } = window
  const nIn = data.home.length
  const nTeamsIn = data.teams.length
  // Fitted teams keep the input's team order (stable output, stable warm starts).
  const played = new Int32Array(nTeamsIn)
  let nMatches = 0
  for (let i = 0; i < nIn; i++) {
    const d = data.dayNumber[i]
    if (d > asOfDay || d < fromDay || (xi > 0 && xi * (asOfDay - d) > MAX_DECAY)) continue
    nMatches++
    played[data.home[i]]++
    played[data.away[i]]++
  }
  const compact = new Int32Array(nTeamsIn).fill(-1)
  let k = 0
  for (let t = 0; t < nTeamsIn; t++) if (played[t] > 0) compact[t] = k++
  const inputIndex = new Int32Array(k)
  const teamMatches = new Int32Array(k)
  const teams: string[] = new Array(k)
  const droppedTeams: string[] = []
  for (let t = 0; t < nTeamsIn; t++) {
    const c = compact[t]
    if (c < 0) {
      droppedTeams.push(data.teams[t])
      continue
    }
    inputIndex[c] = t
    teamMatches[c] = played[t]
    teams[c] = data.teams[t]
  }

  // Group lookup: a dense (home, away, neutral) table for league-sized K, a Map beyond that.
  const dense = k <= 1024
  const slot = dense ? new Int32Array(k * k * 2).fill(-1) : new Int32Array(0)
  const slotMap = dense ? null : new Map<number, number>()
  const cap = Math.min(nMatches, k * k * 2)
  const home = new Int32Array(cap)
  const away = new Int32Array(cap)
  const neutral = new Uint8Array(cap)
  const sw = new Float64Array(cap)
  const sx = new Float64Array(cap)
  const sy = new Float64Array(cap)
  const c00 = new Float64Array(cap)
  const c01 = new Float64Array(cap)
  const c10 = new Float64Array(cap)
  const c11 = new Float64Array(cap)
  let nGroups = 0
  let logFactorials = 0
  let anyHomeVenue = false
  let lowScoreWeight = 0
  for (let i = 0; i < nIn; i++) {
    const d = data.dayNumber[i]
    if (d > asOfDay || d < fromDay || (xi > 0 && xi * (asOfDay - d) > MAX_DECAY)) continue
    const h = compact[data.home[i]]
    const a = compact[data.away[i]]
    const nu = data.neutral[i] ? 1 : 0
    const key = (h * k + a) * 2 + nu
    let g = dense ? slot[key] : ((slotMap as Map<number, number>).get(key) ?? -1)
    if (g < 0) {
      g = nGroups++
      if (dense) slot[key] = g
      else (slotMap as Map<number, number>).set(key, g)
      home[g] = h
      away[g] = a
      neutral[g] = nu
    }
    const w = xi === 0 ? 1 : Math.exp(-xi * (asOfDay - d))
    const x = data.homeGoals[i]
    const y = data.awayGoals[i]
    sw[g] += w
    sx[g] += w * x
    sy[g] += w * y
    if (x <= 1 && y <= 1) {
      lowScoreWeight += w
      if (x === 0) {
        if (y === 0) c00[g] += w
        else c01[g] += w
      } else if (y === 0) c10[g] += w
      else c11[g] += w
    }
    logFactorials += w * (logFactorial(x) + logFactorial(y))
    if (!nu) anyHomeVenue = true
  }
  return {
    teams,
    inputIndex,
    teamMatches,
    nTeams: k,
    nGroups,
    home: home.subarray(0, nGroups),
    away: away.subarray(0, nGroups),
    neutral: neutral.subarray(0, nGroups),
    sw: sw.subarray(0, nGroups),
    sx: sx.subarray(0, nGroups),
    sy: sy.subarray(0, nGroups),
    c00: c00.subarray(0, nGroups),
    c01: c01.subarray(0, nGroups),
    c10: c10.subarray(0, nGroups),
    c11: c11.subarray(0, nGroups),
    logFactorials,
    nMatches,
    anyHomeVenue,
    lowScoreWeight,
    droppedTeams,
  }
}

function find(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    parent[i] = parent[parent[i]]
    i = parent[i]
  }
  return i
}

/**
 * Refuse data whose maximum-likelihood estimate does not exist or is not identifiable, with a
 * message that says which teams are the problem:
 *  - every match 0-0, or no goals at all by home sides at home venues (γ → −∞);
 *  - a team that never scored (α → −∞) or never conceded (β → −∞) in the window: the
 *    Poisson/DC score in that parameter has a constant sign, so the supremum is at infinity;
 *  - teams not linked by matches (e.g. two divisions with no shared team in the window);
 *  - linked teams whose attack/defence are still confounded. The linear predictors are sums
 *    α_h + β_a and α_a + β_h, i.e. edges of a graph on the 2K nodes {α_i, β_i}; the parameters
 *    are identified (given Σα = 0) exactly when that graph is connected, which fails e.g. for a
 *    single match or when the teams split into two camps that only ever meet each other.
 */
export function assertIdentifiable(s: MatchStats): void {
  const k = s.nTeams
  let tx = 0
  let ty = 0
  let homeVenueGoals = 0
  const scored = new Float64Array(k)
  const conceded = new Float64Array(k)
  for (let g = 0; g < s.nGroups; g++) {
    tx += s.sx[g]
    ty += s.sy[g]
    if (!s.neutral[g]) homeVenueGoals += s.sx[g]
    scored[s.home[g]] += s.sx[g]
    conceded[s.home[g]] += s.sy[g]
    scored[s.away[g]] += s.sy[g]
    conceded[s.away[g]] += s.sx[g]
  }
  if (tx + ty === 0) {
    throw new DixonColesError(
      'MODEL_DEGENERATE',
      `All ${s.nMatches} matches in the window ended 0-0: goal rates would be zero, so there is nothing to fit. Widen the window.`,
      { nMatches: s.nMatches },
    )
  }
  if (s.anyHomeVenue && homeVenueGoals === 0) {
    throw new DixonColesError(
      'MODEL_DEGENERATE',
      'No home side scored in any match at a home venue: the home advantage would be −∞. Widen the window.',
      {},
    )
  }
  // a team under a prior has a finite rating even if it never scored or conceded
  const priorOn = (i: number, offset: number) => (s.prior ? s.prior.precision[offset + i] > 0 : false)
  const neverScored = s.teams.filter((_, i) => scored[i] === 0 && !priorOn(i, 0))
  const neverConceded = s.teams.filter((_, i) => conceded[i] === 0 && !priorOn(i, k))
  if (neverScored.length || neverConceded.length) {
    const parts: string[] = []
    if (neverScored.length) parts.push(`never scored: ${neverScored.join(', ')}`)
    if (neverConceded.length) parts.push(`never conceded: ${neverConceded.join(', ')}`)
    throw new DixonColesError(
      'MODEL_DEGENERATE',
      `No finite rating exists for teams that ${parts.join('; ')} in the window. Widen the window or leave them out.`,
      { neverScored, neverConceded },
    )
  }
  // Team graph (linked at all?) and the α/β graph (identifiable?).
  const teamParent = Int32Array.from({ length: k }, (_, i) => i)
  const abParent = Int32Array.from({ length: 2 * k }, (_, i) => i)
  const union = (p: Int32Array, i: number, j: number) => {
    const ri = find(p, i)
    const rj = find(p, j)
    if (ri !== rj) p[ri] = rj
  }
  for (let g = 0; g < s.nGroups; g++) {
    const h = s.home[g]
    const a = s.away[g]
    union(teamParent, h, a)
    union(abParent, h, k + a)
    union(abParent, a, k + h)
  }
  const groups = new Map<number, string[]>()
  for (let i = 0; i < k; i++) {
    const r = find(teamParent, i)
    const list = groups.get(r) ?? []
    list.push(s.teams[i])
    groups.set(r, list)
  }
  if (groups.size > 1) {
    const components = [...groups.values()]
    throw new DixonColesError(
      'MODEL_DEGENERATE',
      `The matches split the teams into ${components.length} groups that never play each other ` +
        `(${components.map((c) => `[${c.slice(0, 4).join(', ')}${c.length > 4 ? ', …' : ''}]`).join(' / ')}), ` +
        'so their ratings are not comparable. Add matches that link them (e.g. the season before, for promoted and relegated teams).',
      { components },
    )
  }
  const root = find(abParent, 0)
  for (let i = 1; i < 2 * k; i++) {
    if (find(abParent, i) !== root) {
      throw new DixonColesError(
        'MODEL_DEGENERATE',
        `${s.nMatches} match(es) among ${k} teams cannot separate attack from defence ` +
          '(the teams only meet in a bipartite pattern, e.g. a single fixture): the parameters are not identifiable.',
        { nMatches: s.nMatches, nTeams: k },
      )
    }
  }
}
