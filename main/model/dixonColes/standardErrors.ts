/**
 * Standard errors of given ratings from the goals' observed information (#20: every servable variant reports
 * them): V = (−ZᵀHZ)⁻¹ of the Dixon-Coles log-likelihood of the window's goals, evaluated AT the ratings
 * (not re-fitted), with the same prior on teams with few matches as the engine's fit. For the engine's own
 * fit these are its standard errors; for a variant served in the engine's form (shots, market, dynamic,
 * multi-division) they count the goals' information only, not what shots, prices or a filter add, so they are
 * an upper bound of the variant's own uncertainty.
 */
import { shrinkageWeights } from './fit'
import { SpdSolver } from './linalg'
import { solveConstrainedNewton } from './newton'
import { buildMatchStats } from './stats'
import { dayNumberOf, type MatchArrays } from './types'

export interface RatingsAt {
  teams: readonly { name: string; attack: number; defence: number }[]
  homeAdvantage: number
  rho: number
}

export interface RatingErrors {
  teams: Map<string, { attackSe: number | null; defenceSe: number | null }>
  homeAdvantageSe: number | null
  rhoSe: number | null
}

export function standardErrorsAt(
  data: MatchArrays,
  window: { asOf: string; from: string; xi: number },
  r: RatingsAt,
): RatingErrors | null {
  const s = buildMatchStats(data, {
    asOfDay: dayNumberOf(window.asOf),
    fromDay: dayNumberOf(window.from),
    xi: window.xi,
  })
  const k = s.nTeams
  if (s.nMatches === 0 || k < 2) return null
  const byName = new Map(r.teams.map((t) => [t.name, t]))
  const theta = new Float64Array(2 * k + 2)
  let mean = 0
  for (let i = 0; i < k; i++) {
    const t = byName.get(s.teams[i])
    if (!t) return null // a team in the goals the ratings do not cover
    theta[i] = t.attack
    theta[k + i] = t.defence
    mean += t.attack
  }
  // Σα = 0 as the engine identifies them (λ, μ unchanged)
  for (let i = 0; i < k; i++) {
    theta[i] -= mean / k
    theta[k + i] += mean / k
  }
  theta[2 * k] = r.homeAdvantage
  theta[2 * k + 1] = r.rho
  const plan = shrinkageWeights(s, undefined)
  if (plan) {
    for (const { index } of plan.teams) {
      plan.prior.mean[index] = theta[index]
      plan.prior.mean[k + index] = theta[k + index]
    }
    s.prior = plan.prior
  }
  const gammaFree = s.anyHomeVenue
  const rhoFree = s.lowScoreWeight > 0 && r.rho !== 0
  // zero Newton steps: the information at θ itself
  const res = solveConstrainedNewton(s, theta, { gammaFree, rhoFree, maxIterations: 0, barrierPath: false })
  const free = res.freeIndices
  const m = free.length
  const solver = new SpdSolver(m)
  if (!solver.factor(res.information)) return null
  const { diag, leadingSum } = solver.inverseSummary(k - 1)
  const se = new Float64Array(2 * k + 2).fill(NaN)
  for (let i = 0; i < m; i++) se[free[i]] = Math.sqrt(diag[i])
  se[k - 1] = Math.sqrt(leadingSum)
  const fin = (v: number) => (Number.isFinite(v) ? v : null)
  return {
    teams: new Map(s.teams.map((name, i) => [name, { attackSe: fin(se[i]), defenceSe: fin(se[k + i]) }])),
    homeAdvantageSe: gammaFree ? fin(se[2 * k]) : null,
    rhoSe: rhoFree ? fin(se[2 * k + 1]) : null,
  }
}
