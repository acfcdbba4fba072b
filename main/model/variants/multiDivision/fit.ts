/**
 * Maximum a-posteriori fit of the multi-division Dixon-Coles model (`likelihood.ts`) by L-BFGS on the exact
 * gradient (`../common/lbfgs.ts`), time-decayed like the engine. Σα = 0 through the penalty ½(Σα)²
 * (likelihood and prior are invariant under α + c, β − c, so this only picks the constrained point).
 * Start: log scoring/conceding rates relative to the data (like the engine's default start), or, warm, the previous
 * fit's ratings and offsets by name.
 */
import { DixonColesError } from '../../dixonColes'
import { notConvergedWarning } from '../common/fitReport'
import { minimiseLbfgs } from '../common/lbfgs'
import { centreAttack, sumToZeroObjective } from '../common/sumToZero'
import type { VariantFitContext, VariantMatch } from '../types'
import { buildDivisionData, type DivisionData } from './data'
import {
  buildPrior,
  mdIndex,
  mdLogPosterior,
  mdParameterCount,
  newcomerMeans,
  type PriorSpec,
} from './likelihood'

export interface MultiDivisionParams {
  /** π: prior precision on a log rate for a team with no match (default 3 ≈ two matches of information). */
  priorWeight: number
  /** The prior fades out linearly and is gone from this many matches on (default 10). */
  priorMatches: number
}
export const DEFAULT_MULTI_DIVISION_PARAMS: MultiDivisionParams = { priorWeight: 3, priorMatches: 10 }

export interface MultiDivisionFit {
  variant: 'multi-division'
  asOf: string
  from: string
  xi: number
  params: MultiDivisionParams
  /** Division whose offset is fixed at 0. */
  referenceDivision: string
  divisions: {
    code: string
    /** δ_d, added to log λ and log μ of this division's matches. */
    offset: number
    /** The prior mean (ā_d, b̄_d) for a team new to this division, and the teams it averages. */
    newcomerAttack: number
    newcomerDefence: number
    newcomers: string[]
  }[]
  teams: {
    name: string
    attack: number
    defence: number
    matches: number
    division: string
    priorWeight: number
  }[]
  homeAdvantage: number
  rho: number
  /** Weighted log-likelihood (with −log x! − log y!) and the prior's log-penalty at the fit. */
  logLikelihood: number
  logPrior: number
  nMatches: number
  iterations: number
  converged: boolean
  gradientNorm: number
  warnings: string[]
}

function readParams(p: Readonly<Record<string, number>> | undefined): MultiDivisionParams {
  const out = {
    priorWeight: p?.priorWeight ?? DEFAULT_MULTI_DIVISION_PARAMS.priorWeight,
    priorMatches: p?.priorMatches ?? DEFAULT_MULTI_DIVISION_PARAMS.priorMatches,
  }
  if (!(out.priorWeight >= 0 && Number.isFinite(out.priorWeight) && out.priorMatches >= 0)) {
    throw new DixonColesError('MODEL_BAD_INPUT', 'priorWeight and priorMatches must be ≥ 0', { ...out })
  }
  return out
}

/** The engine's refusals (dixonColes/stats.ts assertIdentifiable), relaxed where the prior gives a finite rating. */
function assertFittable(s: DivisionData, prior: PriorSpec): void {
  let total = 0
  for (let g = 0; g < s.nGroups; g++) total += s.sx[g] + s.sy[g]
  if (total === 0) {
    throw new DixonColesError(
      'MODEL_DEGENERATE',
      `All ${s.nMatches} matches in the window ended 0-0. Widen the window.`,
      {
        nMatches: s.nMatches,
      },
    )
  }
  const neverScored = s.teams.filter((_, i) => s.scored[i] === 0 && prior.weight[i] === 0)
  const neverConceded = s.teams.filter((_, i) => s.conceded[i] === 0 && prior.weight[i] === 0)
  if (neverScored.length || neverConceded.length) {
    throw new DixonColesError(
      'MODEL_DEGENERATE',
      `No finite rating exists for teams that never scored (${neverScored.join(', ') || 'none'}) or never conceded ` +
        `(${neverConceded.join(', ') || 'none'}) in the window. Widen the window or leave them out.`,
      { neverScored, neverConceded },
    )
  }
  const parent = Int32Array.from({ length: s.nTeams }, (_, i) => i)
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]]
    return i
  }
  for (let g = 0; g < s.nGroups; g++) parent[find(s.home[g])] = find(s.away[g])
  const groups = new Map<number, string[]>()
  s.teams.forEach((t, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), t]))
  if (groups.size > 1) {
    const components = [...groups.values()]
    throw new DixonColesError(
      'MODEL_DEGENERATE',
      `The matches split the teams into ${components.length} groups that never play each other, so their ratings ` +
        'and division offsets are not comparable. Add the seasons with the promoted and relegated teams.',
      { components },
    )
  }
}

/**
 * 1/√(diagonal of the Fisher information) at θ (plus the prior's precision): the L-BFGS preconditioner. Without it
 * γ, ρ and δ (informed by every match) and the ratings of teams with a few matches differ in curvature by orders of
 * magnitude and L-BFGS crawls.
 */
function curvatureScale(s: DivisionData, prior: PriorSpec, theta: Float64Array): Float64Array {
  const k = s.nTeams
  const idx = mdIndex(k)
  const h = new Float64Array(theta.length).fill(1e-3)
  for (let g = 0; g < s.nGroups; g++) {
    const hm = s.home[g]
    const a = s.away[g]
    const d = s.division[g]
    const off = d === 0 ? 0 : theta[idx.offset0 + d - 1]
    const lam = s.sw[g] * Math.exp(theta[hm] + theta[k + a] + (s.neutral[g] ? 0 : theta[idx.gamma]) + off)
    const mu = s.sw[g] * Math.exp(theta[a] + theta[k + hm] + off)
    h[hm] += lam
    h[k + a] += lam
    if (!s.neutral[g]) h[idx.gamma] += lam
    h[a] += mu
    h[k + hm] += mu
    if (d !== 0) h[idx.offset0 + d - 1] += lam + mu
    const l1 = lam / s.sw[g]
    const m1 = mu / s.sw[g]
    h[idx.rho] += s.c00[g] * (l1 * m1) ** 2 + s.c01[g] * l1 * l1 + s.c10[g] * m1 * m1 + s.c11[g]
  }
  for (let i = 0; i < k; i++) {
    h[i] += prior.weight[i]
    h[k + i] += prior.weight[i]
  }
  return h.map((v) => 1 / Math.sqrt(v))
}

function isMultiDivisionFit(v: unknown): v is MultiDivisionFit {
  return typeof v === 'object' && v !== null && (v as { variant?: unknown }).variant === 'multi-division'
}

function startTheta(s: DivisionData, previous: MultiDivisionFit | undefined): Float64Array {
  const k = s.nTeams
  const idx = mdIndex(k)
  const theta = new Float64Array(mdParameterCount(k, s.divisions.length))
  let goals = 0
  let weight = 0
  let hx = 0
  let hy = 0
  for (let g = 0; g < s.nGroups; g++) {
    goals += s.sx[g] + s.sy[g]
    weight += 2 * s.sw[g]
    if (!s.neutral[g]) {
      hx += s.sx[g]
      hy += s.sy[g]
    }
  }
  const rate = goals / weight
  const gamma = s.anyHomeVenue && hx > 0 && hy > 0 ? Math.log(hx / hy) : 0
  const prev = previous ? new Map(previous.teams.map((t) => [t.name, t])) : null
  for (let i = 0; i < k; i++) {
    const p = prev?.get(s.teams[i])
    theta[i] = p ? p.attack : Math.log((s.scored[i] + 0.5) / (s.played[i] + 0.5) / rate)
    theta[k + i] = p
      ? p.defence
      : Math.log((s.conceded[i] + 0.5) / (s.played[i] + 0.5) / rate) + Math.log(rate) - gamma / 2
  }
  theta[idx.gamma] = previous && s.anyHomeVenue ? previous.homeAdvantage : gamma
  if (previous) {
    const offsets = new Map(previous.divisions.map((d) => [d.code, d.offset]))
    const ref = offsets.get(s.divisions[0]) ?? 0
    for (let d = 1; d < s.divisions.length; d++)
      theta[idx.offset0 + d - 1] = (offsets.get(s.divisions[d]) ?? ref) - ref
    if (s.lowScoreWeight > 0) theta[idx.rho] = previous.rho
  }
  return theta
}

export function fitMultiDivision(history: readonly VariantMatch[], ctx: VariantFitContext): MultiDivisionFit {
  const params = readParams(ctx.params)
  const s = buildDivisionData(history, ctx)
  const k = s.nTeams
  const idx = mdIndex(k)
  const P = mdParameterCount(k, s.divisions.length)
  const prior = buildPrior(s, params.priorWeight, params.priorMatches)
  const anyPrior = prior.weight.some((w) => w > 0)
  assertFittable(s, prior)
  const previous = isMultiDivisionFit(ctx.previous) ? ctx.previous : undefined
  const theta0 = startTheta(s, previous)
  if (mdLogPosterior(s, anyPrior ? prior : null, theta0, null) === -Infinity) theta0[idx.rho] = 0
  const lower = new Float64Array(P).fill(-Infinity)
  const upper = new Float64Array(P).fill(Infinity)
  const warnings: string[] = []
  if (!s.anyHomeVenue) {
    lower[idx.gamma] = upper[idx.gamma] = 0
    theta0[idx.gamma] = 0
    warnings.push('Every match was at a neutral venue: home advantage fixed at 0.')
  }
  if (s.lowScoreWeight === 0) {
    lower[idx.rho] = upper[idx.rho] = 0
    theta0[idx.rho] = 0
    warnings.push('No match ended 0-0, 0-1, 1-0 or 1-1: rho fixed at 0.')
  }
  const objective = sumToZeroObjective(
    (theta, grad) => mdLogPosterior(s, anyPrior ? prior : null, theta, grad),
    k,
  )
  const res = minimiseLbfgs(objective, theta0, {
    lower,
    upper,
    scale: curvatureScale(s, prior, theta0),
    tolerance: ctx.params?.tolerance ?? 1e-6,
    maxIterations: 5000,
  })
  const theta = res.x
  centreAttack(theta, k)
  if (!res.converged) warnings.push(notConvergedWarning(res))
  const newTeams = s.teams.filter((_, i) => prior.weight[i] > 0)
  if (newTeams.length) {
    warnings.push(
      `Shrunk toward their division's newcomer rating (fewer than ${params.priorMatches} matches): ${newTeams.join(', ')}`,
    )
  }
  const ll = mdLogPosterior(s, null, theta, null)
  const means = newcomerMeans(prior, k, theta)
  return {
    variant: 'multi-division',
    asOf: ctx.asOf,
    from: ctx.from,
    xi: ctx.xi,
    params,
    referenceDivision: s.divisions[0],
    divisions: s.divisions.map((code, d) => ({
      code,
      offset: d === 0 ? 0 : theta[idx.offset0 + d - 1],
      newcomerAttack: means[d].attack,
      newcomerDefence: means[d].defence,
      newcomers: [...prior.refSets[d]].map((j) => s.teams[j]),
    })),
    teams: s.teams.map((name, i) => ({
      name,
      attack: theta[i],
      defence: theta[k + i],
      matches: s.teamMatches[i],
      division: s.divisions[s.lastDivision[i]],
      priorWeight: prior.weight[i],
    })),
    homeAdvantage: theta[idx.gamma],
    rho: theta[idx.rho],
    logLikelihood: ll,
    logPrior: anyPrior ? mdLogPosterior(s, prior, theta, null) - ll : 0,
    nMatches: s.nMatches,
    iterations: res.iterations,
    converged: res.converged,
    gradientNorm: res.gradientNorm,
    warnings,
  }
}
