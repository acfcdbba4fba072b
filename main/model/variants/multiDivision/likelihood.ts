/**
 * Multi-division Dixon-Coles: one set of team ratings across divisions plus a goal-rate offset per division,
 * and a Gaussian prior for teams with little history.
 *
 * For home team h v away team a in a match of division d with score (x, y)
 *   λ = exp(γ·[not neutral] + α_h + β_a + δ_d),  μ = exp(α_a + β_h + δ_d),  δ_{reference} = 0,
 *   P(x, y) = τ_{λ,μ,ρ}(x, y)·Pois(x; λ)·Pois(y; μ)                      (Dixon & Coles 1997, eq. 4.2)
 * The ratings α, β are on one scale in every division, so a promoted or relegated team carries its rating across
 * the move; δ_d absorbs how many more (or fewer) goals division d's matches produce than the ratings alone imply.
 * (An attack offset and a defence offset per division would only ever enter as their sum in matches within a
 * division, so one offset per division is what the data can identify; the reference division is the first code in
 * sorted order — E0, SP1, D1 for the top flights. Teams that play in two divisions are what identify δ.)
 *
 * Prior (documented choice): a team i with n_i < `priorMatches` matches in the window gets the Gaussian penalty
 *   −(π_i/2)·[(α_i − ā_d)² + (β_i − b̄_d)²],  π_i = priorWeight·(1 − n_i/priorMatches),
 * where d is the team's latest division and (ā_d, b̄_d) the mean rating of the division's newcomers in the window
 * — teams whose latest division is d and whose first match in the window was in another division (promoted or
 * relegated in) — or, when there are none, of every team whose latest division is d. It pulls a new team toward
 * what teams entering that division have looked like, fades out linearly by its `priorMatches`-th match (so a
 * one-division fit on full seasons is exactly Dixon-Coles), and gives a team that has not scored yet a finite
 * rating. π is in units of Fisher information on a log rate (one match ≈ λ ≈ 1.3), so the default π = 3 is
 * worth about two matches. A team with no match at all is forecast at (ā_d, b̄_d) of the fixture's division.
 *
 * Parameters θ = (α_0..α_{K−1}, β_0..β_{K−1}, γ, ρ, δ_1..δ_{D−1}). Derivatives of the likelihood are the engine's
 * (dixonColes/likelihood.ts) with ∂η₁/∂δ_d = ∂η₂/∂δ_d = 1; the penalty's are linear.
 */
import type { DivisionData } from './data'

export const mdIndex = (k: number) => ({ gamma: 2 * k, rho: 2 * k + 1, offset0: 2 * k + 2 })
export const mdParameterCount = (k: number, nDivisions: number) => 2 * k + 2 + nDivisions - 1

export interface PriorSpec {
  /** π_i per team (0: no prior). */
  weight: Float64Array
  /** Division whose newcomer mean team i is pulled toward (its latest division). */
  teamDivision: Int32Array
  /** Per division, the teams whose mean rating is the newcomer prior mean. */
  refSets: Int32Array[]
}

export function buildPrior(s: DivisionData, priorWeight: number, priorMatches: number): PriorSpec {
  const k = s.nTeams
  const weight = new Float64Array(k)
  for (let i = 0; i < k; i++) {
    weight[i] = priorMatches > 0 ? priorWeight * Math.max(0, 1 - s.teamMatches[i] / priorMatches) : 0
  }
  const refSets = s.divisions.map((_, d) => {
    const movers: number[] = []
    const members: number[] = []
    for (let i = 0; i < k; i++) {
      if (s.lastDivision[i] !== d) continue
      members.push(i)
      if (s.firstDivision[i] !== d) movers.push(i)
    }
    if (movers.length) return Int32Array.from(movers)
    if (members.length) return Int32Array.from(members)
    return Int32Array.from({ length: k }, (_, i) => i)
  })
  return { weight, teamDivision: Int32Array.from(s.lastDivision), refSets }
}

/** (ā_d, b̄_d) of every division at θ, written into `attack` and `defence` (one entry per division). */
function newcomerMeansInto(
  prior: PriorSpec,
  k: number,
  theta: Float64Array,
  attack: Float64Array,
  defence: Float64Array,
): void {
  const refSets = prior.refSets
  for (let d = 0; d < refSets.length; d++) {
    const set = refSets[d]
    let a = 0
    let b = 0
    for (let n = 0; n < set.length; n++) {
      const j = set[n]
      a += theta[j]
      b += theta[k + j]
    }
    attack[d] = a / set.length
    defence[d] = b / set.length
  }
}

/** (ā_d, b̄_d) for every division at θ. */
export function newcomerMeans(
  prior: PriorSpec,
  k: number,
  theta: Float64Array,
): { attack: number; defence: number }[] {
  const nDivisions = prior.refSets.length
  const attack = new Float64Array(nDivisions)
  const defence = new Float64Array(nDivisions)
  newcomerMeansInto(prior, k, theta, attack, defence)
  return Array.from({ length: nDivisions }, (_, d) => ({ attack: attack[d], defence: defence[d] }))
}

/**
 * Weighted Dixon-Coles log-likelihood with division offsets (including −Σw(log x! + log y!)), minus the prior
 * penalty; its gradient when `grad` is given. −Infinity when some τ of some pairing is ≤ 0.
 *
 * The likelihood's loop over pairings and the prior's loops over teams are separate functions (#23): V8 compiles
 * a long-running loop on its own (on-stack replacement) and does not throw that code away when it bails out
 * after the loop, so with the prior (present in some fits only) after the pairings' loop in one function, every
 * call with a prior entered the loop's code and bailed out at the prior — 1,400 to 1,900 deoptimisations a
 * comparison. The arithmetic and its order are unchanged.
 */
export function mdLogPosterior(
  s: DivisionData,
  prior: PriorSpec | null,
  theta: Float64Array,
  grad: Float64Array | null,
): number {
  const ll = mdLogLikelihood(s, theta, grad)
  if (prior === null || ll === -Infinity) return ll
  return subtractPrior(prior, s.nTeams, theta, grad, ll)
}

/** The likelihood part of {@link mdLogPosterior} (gradient into `grad`, zeroed first, when given). */
function mdLogLikelihood(s: DivisionData, theta: Float64Array, grad: Float64Array | null): number {
  const k = s.nTeams
  const G = 2 * k
  const R = 2 * k + 1
  const offset0 = 2 * k + 2
  const gamma = theta[G]
  const rho = theta[R]
  if (grad) grad.fill(0)
  if (!(rho < 1)) return -Infinity
  const { home, away, neutral, division, sw, sx, sy, c00, c01, c10, c11 } = s
  const nGroups = s.nGroups
  let ll = 0
  let gR = 0
  for (let g = 0; g < nGroups; g++) {
    const h = home[g]
    const a = away[g]
    const nu = neutral[g]
    const d = division[g]
    const off = d === 0 ? 0 : theta[offset0 + d - 1]
    const e1 = theta[h] + theta[k + a] + (nu ? 0 : gamma) + off
    const e2 = theta[a] + theta[k + h] + off
    const lam = Math.exp(e1)
    const mu = Math.exp(e2)
    const A = lam * mu * rho
    const t00 = 1 - A
    const t01 = 1 + lam * rho
    const t10 = 1 + mu * rho
    if (!(t00 > 0 && t01 > 0 && t10 > 0)) return -Infinity
    const w = sw[g]
    ll += sx[g] * e1 + sy[g] * e2 - w * (lam + mu)
    const n00 = c00[g]
    const n01 = c01[g]
    const n10 = c10[g]
    const n11 = c11[g]
    if (n00) ll += n00 * Math.log(t00)
    if (n01) ll += n01 * Math.log(t01)
    if (n10) ll += n10 * Math.log(t10)
    if (n11) ll += n11 * Math.log(1 - rho)
    if (grad) {
      const g1 = sx[g] - w * lam - (n00 * A) / t00 + (n01 * lam * rho) / t01
      const g2 = sy[g] - w * mu - (n00 * A) / t00 + (n10 * mu * rho) / t10
      gR += (-n00 * lam * mu) / t00 + (n01 * lam) / t01 + (n10 * mu) / t10 - n11 / (1 - rho)
      grad[h] += g1
      grad[k + a] += g1
      if (!nu) grad[G] += g1
      grad[a] += g2
      grad[k + h] += g2
      if (d !== 0) grad[offset0 + d - 1] += g1 + g2
    }
  }
  if (grad) grad[R] = gR
  ll -= s.logFactorials
  return ll
}

/** `ll` minus the prior penalty, each team's term subtracted in turn; the penalty's gradient added to `grad`. */
function subtractPrior(
  prior: PriorSpec,
  k: number,
  theta: Float64Array,
  grad: Float64Array | null,
  ll: number,
): number {
  const nDivisions = prior.refSets.length
  const meanA = new Float64Array(nDivisions)
  const meanB = new Float64Array(nDivisions)
  newcomerMeansInto(prior, k, theta, meanA, meanB)
  const pullA = new Float64Array(nDivisions)
  const pullB = new Float64Array(nDivisions)
  const weight = prior.weight
  const teamDivision = prior.teamDivision
  for (let i = 0; i < k; i++) {
    const p = weight[i]
    if (p === 0) continue
    const d = teamDivision[i]
    const ra = theta[i] - meanA[d]
    const rb = theta[k + i] - meanB[d]
    ll -= 0.5 * p * (ra * ra + rb * rb)
    if (grad) {
      grad[i] -= p * ra
      grad[k + i] -= p * rb
      pullA[d] += p * ra
      pullB[d] += p * rb
    }
  }
  if (grad) {
    for (let d = 0; d < nDivisions; d++) {
      if (pullA[d] === 0 && pullB[d] === 0) continue
      const set = prior.refSets[d]
      for (let n = 0; n < set.length; n++) {
        const j = set[n]
        grad[j] += pullA[d] / set.length
        grad[k + j] += pullB[d] / set.length
      }
    }
  }
  return ll
}
