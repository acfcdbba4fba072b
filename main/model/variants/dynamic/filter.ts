/**
 * Dynamic team strengths: an approximate Kalman filter for Poisson goal counts.
 *
 * State: per team i an attack a_i and a defence d_i (log scale, higher d concedes more) with a 2×2 covariance;
 * global intercept c and home advantage γ with their own 2×2 covariance. For home team h v away team a:
 *   λ = exp(c + γ·[not neutral] + a_h + d_a),  μ = exp(c + a_a + d_h)         (the engine's λ, μ with β = c + d)
 * State equation: each team's (a, d) follows a random walk, Var increases by q·Δt for Δt days since that team's
 * previous match (q = `processVariance` per day, the hyper-parameter; c and γ are static). This replaces the
 * engine's exponential time decay: the filter forgets at the rate q instead of ξ, so ctx.xi is ignored.
 * Observation update: one Fisher-scoring (extended Kalman filter) step from the prior mean, as in Fahrmeir (1992),
 * "Posterior mode estimation by extended Kalman filtering for multivariate dynamic generalized linear models",
 * JASA 87, 501-509: with z = (a_h, d_h, a_a, d_a, c, γ), H the 2×6 design of (η₁, η₂), W = diag(λ, μ),
 *   K = Σ Hᵀ,  S = W⁻¹ + H Σ Hᵀ,  z ← z + K S⁻¹ ((x − λ)/λ, (y − μ)/μ)ᵀ,  Σ ← Σ − K S⁻¹ Kᵀ.
 * Approximation (documented): only the per-team and global 2×2 blocks of Σ are kept (cross-team covariances
 * are dropped after each match), which keeps the filter O(1) per match.
 * A team's first match starts from (a, d) = (0, 0) with variance `initialVariance` on each.
 *
 * Low-score dependence: ρ of Dixon & Coles (1997, eq. 4.2) is estimated after the filter by maximising
 * Σ log τ(x, y; λ̂, μ̂, ρ) over the one-step-ahead rates λ̂, μ̂ of every match that ended 0-0, 1-0, 0-1 or 1-1
 * (with Poisson margins τ preserves total mass, so this is the exact likelihood of ρ given the forecasts).
 */
import { DixonColesError, dayNumberOf } from '../../dixonColes'
import { logFactorial } from '../common/logFactorial'
import type { VariantMatch } from '../types'

export interface DynamicParams {
  /** Random-walk variance per day of each team's attack and defence. */
  processVariance: number
  /** Prior variance of a new team's attack and defence. */
  initialVariance: number
}

export const DEFAULT_DYNAMIC_PARAMS: DynamicParams = { processVariance: 5e-5, initialVariance: 0.1 }

export interface DynamicTeamState {
  name: string
  attack: number
  defence: number
  /** Covariance [Var a, Cov(a, d), Var d] after the team's last match. */
  cov: [number, number, number]
  lastDay: number
  matches: number
}

/** The filter's state after a prefix of the history: plain JSON, continued by `runFilter`. */
export interface FilterState {
  params: DynamicParams
  teams: DynamicTeamState[]
  intercept: number
  homeAdvantage: number
  /** Covariance [Var c, Cov(c, γ), Var γ]. */
  globalCov: [number, number, number]
  /** One-step-ahead rates of the low-score matches (cell 0 = 0-0, 1 = 0-1, 2 = 1-0, 3 = 1-1) for ρ. */
  lowScores: { cell: number[]; lambda: number[]; mu: number[] }
  /** Matches processed and the FNV-1a hash of them (to recognise a prefix of a later history). */
  processed: number
  prefixHash: number
  /** Σ log P(x, y) of the one-step-ahead Poisson forecasts (a filter's own predictive score). */
  predictiveLogLik: number
}

/** Initial mean and variance of c (log goal rate, ≈ log 1.3) and γ. */
const C0 = 0.25
const G0 = 0.25
const GLOBAL_COV0: [number, number, number] = [0.25, 0, 0.04]

/**
 * An empty array already of the V8 elements kind its values will give it (objects, doubles). An empty literal
 * starts as small integers and changes kind on its first value, so the filter's optimised code met arrays of two
 * kinds at every push and bailed out (#23). Invisible to JavaScript: still an empty array.
 */
function emptyOf<T>(sample: T): T[] {
  const a = [sample]
  a.pop()
  return a
}

export function emptyState(params: DynamicParams): FilterState {
  return {
    params,
    teams: emptyOf<DynamicTeamState>(null as unknown as DynamicTeamState),
    intercept: C0,
    homeAdvantage: G0,
    globalCov: [...GLOBAL_COV0],
    lowScores: { cell: [], lambda: emptyOf(0.5), mu: emptyOf(0.5) },
    processed: 0,
    prefixHash: 0x811c9dc5,
    predictiveLogLik: 0,
  }
}

/**
 * A deep copy of `s` (for a warm start) made by the same literals as {@link emptyState} and the filter's team
 * records, so copied and fresh states have one object shape in `runFilter` (structuredClone builds objects and
 * arrays of other shapes, which V8's optimised filter bails out on; #23). Same values, same JSON.
 */
export function copyState(s: FilterState): FilterState {
  return {
    params: { processVariance: s.params.processVariance, initialVariance: s.params.initialVariance },
    teams: s.teams.map((t) => ({
      name: t.name,
      attack: t.attack,
      defence: t.defence,
      cov: [t.cov[0], t.cov[1], t.cov[2]] as [number, number, number],
      lastDay: t.lastDay,
      matches: t.matches,
    })),
    intercept: s.intercept,
    homeAdvantage: s.homeAdvantage,
    globalCov: [s.globalCov[0], s.globalCov[1], s.globalCov[2]],
    lowScores: {
      cell: s.lowScores.cell.slice(),
      lambda: s.lowScores.lambda.slice(),
      mu: s.lowScores.mu.slice(),
    },
    processed: s.processed,
    prefixHash: s.prefixHash,
    predictiveLogLik: s.predictiveLogLik,
  }
}

/** FNV-1a of one UTF-16 code unit, chained from `h`. */
function fnv(h: number, code: number): number {
  return Math.imul(h ^ code, 0x01000193) >>> 0
}

/** FNV-1a over the code units of `value` as a template literal writes it, chained from `h`. */
function fnvText(h: number, value: unknown): number {
  // a goal count is one digit: its code unit, without making the string
  if (typeof value === 'number' && value >= 0 && value <= 9 && Number.isInteger(value))
    return fnv(h, 48 + value)
  const s = typeof value === 'string' ? value : `${String(value)}`
  for (let i = 0; i < s.length; i++) h = fnv(h, s.charCodeAt(i))
  return h
}

const BAR = 0x7c // '|'
const SEMICOLON = 0x3b // ';'

/**
 * FNV-1a over a match's identity and result, chained from `h`: the code units of
 * `${date}|${home}|${away}|${homeGoals}|${awayGoals}|${neutral ? 1 : 0};`, hashed piece by piece (the
 * warm-start check hashes every processed match at every refit; building that text each time was most of it).
 */
export function hashMatch(h: number, m: VariantMatch): number {
  h = fnv(fnvText(h, m.date), BAR)
  h = fnv(fnvText(h, m.home), BAR)
  h = fnv(fnvText(h, m.away), BAR)
  h = fnv(fnvText(h, m.homeGoals), BAR)
  h = fnv(fnvText(h, m.awayGoals), BAR)
  return fnv(fnv(h, m.neutral ? 0x31 : 0x30), SEMICOLON)
}

/**
 * `name`'s state on `day` (added with the prior on its first match), its covariance grown by the random walk since
 * its previous match. A function of its own, not a closure made in every `runFilter` call: V8 would otherwise
 * meet a new function at the call site on every call and bail out of its optimised filter (#23).
 */
function teamOnDay(
  state: FilterState,
  index: Map<string, number>,
  q: number,
  p0: number,
  name: string,
  day: number,
): DynamicTeamState {
  let i = index.get(name)
  if (i === undefined) {
    i = state.teams.length
    index.set(name, i)
    state.teams.push({ name, attack: 0, defence: 0, cov: [p0, 0, p0], lastDay: day, matches: 0 })
  }
  const t = state.teams[i]
  // Random walk since the team's previous match.
  const grow = q * (day - t.lastDay)
  t.cov[0] += grow
  t.cov[2] += grow
  t.lastDay = day
  return t
}

/** Writes a team's or the global 2×2 covariance [Var, Cov, Var] as the block (o, o) of the 6×6 Σ in `Z`. */
function putBlock(Z: Float64Array, o: number, c: [number, number, number]): void {
  Z[o * 6 + o] = c[0]
  Z[o * 6 + o + 1] = Z[(o + 1) * 6 + o] = c[1]
  Z[(o + 1) * 6 + o + 1] = c[2]
}

/** (K S⁻¹ Kᵀ)_{ij} for the 6×2 K = (K1, K2) and the symmetric S⁻¹ = [s¹¹, s¹², s²²]. */
function gainCov(K1: Float64Array, K2: Float64Array, S: Float64Array, i: number, j: number): number {
  return K1[i] * (S[0] * K1[j] + S[1] * K2[j]) + K2[i] * (S[1] * K1[j] + S[2] * K2[j])
}

/** Σ's kept block (o, o) after the update: c − (K S⁻¹ Kᵀ) on that block. */
function downdateBlock(
  c: [number, number, number],
  o: number,
  K1: Float64Array,
  K2: Float64Array,
  S: Float64Array,
): void {
  c[0] -= gainCov(K1, K2, S, o, o)
  c[1] -= gainCov(K1, K2, S, o, o + 1)
  c[2] -= gainCov(K1, K2, S, o + 1, o + 1)
}

/**
 * Continue `state` (mutated) through `matches` (date order). Throws MODEL_BAD_INPUT on a malformed row or a date
 * earlier than the previous one.
 */
export function runFilter(state: FilterState, matches: readonly VariantMatch[]): void {
  const { processVariance: q, initialVariance: p0 } = state.params
  const index = new Map<string, number>()
  for (let i = 0; i < state.teams.length; i++) index.set(state.teams[i].name, i)
  let lastDay = -Infinity
  // the step's scratch (overwritten by every match): Σ (6×6), H's rows, K = Σ Hᵀ and S⁻¹ = [s¹¹, s¹², s²²]
  const Z = new Float64Array(36)
  const H1 = Float64Array.of(1, 0, 0, 1, 1, 0)
  const H2 = Float64Array.of(0, 1, 1, 0, 1, 0)
  const K1 = new Float64Array(6)
  const K2 = new Float64Array(6)
  const S = new Float64Array(3)
  for (const m of matches) {
    const day = dayNumberOf(m.date)
    if (day < lastDay) {
      throw new DixonColesError(
        'MODEL_BAD_INPUT',
        `History not in date order at ${m.date} ${m.home} v ${m.away}`,
        {
          date: m.date,
        },
      )
    }
    lastDay = day
    if (
      m.home === m.away ||
      !(
        Number.isInteger(m.homeGoals) &&
        m.homeGoals >= 0 &&
        Number.isInteger(m.awayGoals) &&
        m.awayGoals >= 0
      )
    ) {
      throw new DixonColesError(
        'MODEL_BAD_INPUT',
        `Bad match ${m.date} ${m.home} v ${m.away} ${m.homeGoals}-${m.awayGoals}`,
        {
          date: m.date,
        },
      )
    }
    const h = teamOnDay(state, index, q, p0, m.home, day)
    const a = teamOnDay(state, index, q, p0, m.away, day)
    const home = m.neutral ? 0 : 1
    const lam = Math.exp(state.intercept + home * state.homeAdvantage + h.attack + a.defence)
    const mu = Math.exp(state.intercept + a.attack + h.defence)
    const x = m.homeGoals
    const y = m.awayGoals
    state.predictiveLogLik +=
      -lam + x * Math.log(lam) - mu + y * Math.log(mu) - logFactorial(x) - logFactorial(y)
    if (x <= 1 && y <= 1) {
      state.lowScores.cell.push(x * 2 + y)
      state.lowScores.lambda.push(lam)
      state.lowScores.mu.push(mu)
    }
    // z = (a_h, d_h, a_a, d_a, c, γ); Σ block-diagonal.
    Z.fill(0)
    putBlock(Z, 0, h.cov)
    putBlock(Z, 2, a.cov)
    putBlock(Z, 4, state.globalCov)
    H1[5] = home
    // K = Σ Hᵀ (6×2)
    for (let i = 0; i < 6; i++) {
      let s1 = 0
      let s2 = 0
      for (let j = 0; j < 6; j++) {
        s1 += Z[i * 6 + j] * H1[j]
        s2 += Z[i * 6 + j] * H2[j]
      }
      K1[i] = s1
      K2[i] = s2
    }
    // S = W⁻¹ + H Σ Hᵀ
    let s11 = 1 / lam
    let s12 = 0
    let s22 = 1 / mu
    for (let j = 0; j < 6; j++) {
      s11 += H1[j] * K1[j]
      s12 += H1[j] * K2[j]
      s22 += H2[j] * K2[j]
    }
    const det = s11 * s22 - s12 * s12
    S[0] = s22 / det
    S[1] = -s12 / det
    S[2] = s11 / det
    const r1 = (x - lam) / lam
    const r2 = (y - mu) / mu
    const v1 = S[0] * r1 + S[1] * r2
    const v2 = S[1] * r1 + S[2] * r2
    // z ← z + K S⁻¹ r
    h.attack += K1[0] * v1 + K2[0] * v2
    h.defence += K1[1] * v1 + K2[1] * v2
    a.attack += K1[2] * v1 + K2[2] * v2
    a.defence += K1[3] * v1 + K2[3] * v2
    state.intercept += K1[4] * v1 + K2[4] * v2
    state.homeAdvantage += K1[5] * v1 + K2[5] * v2
    // Σ' = Σ − K S⁻¹ Kᵀ on the kept blocks.
    downdateBlock(h.cov, 0, K1, K2, S)
    downdateBlock(a.cov, 2, K1, K2, S)
    downdateBlock(state.globalCov, 4, K1, K2, S)
    h.matches++
    a.matches++
    state.processed++
    state.prefixHash = hashMatch(state.prefixHash, m)
  }
}

/**
 * ρ maximising Σ log τ over the stored low-score one-step forecasts, inside the region where every stored τ is
 * positive; 0 when there are none. Σ log τ is concave in ρ (log of affine functions), so bisection on its
 * derivative finds the maximum (or the edge of the region, kept 1e-6 inside).
 */
export function estimateRho(low: FilterState['lowScores']): number {
  const n = low.cell.length
  if (n === 0) return 0
  let lo = -Infinity
  let hi = 1
  for (let i = 0; i < n; i++) {
    const l = low.lambda[i]
    const m = low.mu[i]
    lo = Math.max(lo, -1 / Math.max(l, m))
    hi = Math.min(hi, 1 / (l * m))
  }
  const derivative = (rho: number) => {
    let d = 0
    for (let i = 0; i < n; i++) {
      const l = low.lambda[i]
      const m = low.mu[i]
      const c = low.cell[i]
      if (c === 0) d -= (l * m) / (1 - l * m * rho)
      else if (c === 1) d += l / (1 + l * rho)
      else if (c === 2) d += m / (1 + m * rho)
      else d -= 1 / (1 - rho)
    }
    return d
  }
  const width = hi - lo
  let a = lo + 1e-6 * width
  let b = hi - 1e-6 * width
  if (derivative(a) <= 0) return a
  if (derivative(b) >= 0) return b
  for (let it = 0; it < 100 && b - a > 1e-12; it++) {
    const mid = (a + b) / 2
    if (derivative(mid) > 0) a = mid
    else b = mid
  }
  return (a + b) / 2
}
