import { describe, expect, it } from 'vitest'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../../test/support/sharedData'
import { fitDixonColes, outcomeProbabilities, toMatchArrays } from '../../dixonColes'
import { randomTeams } from '../../simulate/simulateLeague'
import { buildMatchGroups } from '../common/matchGroups'
import {
  ctxOf,
  expectCode,
  expectGradient,
  expectSameRatings,
  medianMs,
  readSeasons,
  simulateScores,
  withoutGoalsOf,
  worstRatingError,
} from '../common/testing'
import { fitNegativeBinomial, negativeBinomialMatrix, negativeBinomialVariant } from '.'
import { logNegBinom, nbLogLikelihood, nbParameterCount } from './likelihood'

const dataDir = footballDataDir()

/** NB pmf straight from its definition Γ(x+r)/(Γ(r)x!)·(r/(r+m))^r·(m/(r+m))^x (integer x, so Γ ratios are products). */
function nbDirect(x: number, m: number, r: number): number {
  let p = Math.pow(r / (r + m), r) * Math.pow(m / (r + m), x)
  for (let j = 0; j < x; j++) p *= (r + j) / (j + 1)
  return p
}

const teams = randomTeams(20, 11)
const TRUE = { gamma: 0.27, rho: -0.08, dispersion: 0.12 }
const simulated = simulateScores({
  teams,
  homeAdvantage: TRUE.gamma,
  matrixOf: (l, m) => negativeBinomialMatrix(l, m, TRUE.rho, TRUE.dispersion),
  seasons: 8,
  seed: 5,
})

describe('negative binomial log-pmf', () => {
  it('matches the definition and its derivatives match central differences', () => {
    const out = new Float64Array(3)
    const hi = new Float64Array(3)
    const lo = new Float64Array(3)
    for (const [x, m, r] of [
      [0, 1.3, 5],
      [3, 0.8, 2],
      [7, 2.4, 40],
      [2, 1.1, 1e7],
    ]) {
      const phi = 1 / r
      logNegBinom(x, m, phi, out)
      expect(out[0]).toBeCloseTo(Math.log(nbDirect(x, m, r)), 9)
      const e = 1e-6
      logNegBinom(x, m * Math.exp(e), phi, hi)
      logNegBinom(x, m * Math.exp(-e), phi, lo)
      expect(out[1]).toBeCloseTo((hi[0] - lo[0]) / (2 * e), 6)
      const ep = phi * 1e-4
      logNegBinom(x, m, phi + ep, hi)
      logNegBinom(x, m, phi - ep, lo)
      expect(Math.abs(out[2] - (hi[0] - lo[0]) / (2 * ep))).toBeLessThan(1e-5 * Math.max(1, Math.abs(out[2])))
    }
  })

  it('is the Poisson at φ = 0, continuous as φ → 0, with the over-dispersion score ((x − m)² − x)/2 there', () => {
    const out = new Float64Array(3)
    const near = new Float64Array(3)
    logNegBinom(4, 1.7, 0, out)
    const poisson = -1.7 + 4 * Math.log(1.7) - Math.log(24)
    expect(out[0]).toBeCloseTo(poisson, 12)
    expect(out[1]).toBeCloseTo(4 - 1.7, 12)
    expect(out[2]).toBeCloseTo(((4 - 1.7) ** 2 - 4) / 2, 12)
    logNegBinom(4, 1.7, 1e-9, near)
    expect(near[0]).toBeCloseTo(poisson, 8)
    expect(near[2]).toBeCloseTo(out[2], 6)
  })
})

describe('negative binomial Dixon-Coles likelihood', () => {
  it('has an exact gradient (central finite differences, every parameter)', () => {
    const s = buildMatchGroups(simulated.slice(0, 600), ctxOf(simulated.slice(0, 600), { xi: 0.002 }))
    const P = nbParameterCount(s.nTeams)
    const theta = new Float64Array(P)
    for (let i = 0; i < 2 * s.nTeams; i++) theta[i] = 0.1 * Math.sin(i + 1) + (i >= s.nTeams ? 0.1 : 0)
    theta[2 * s.nTeams] = 0.25
    theta[2 * s.nTeams + 1] = -0.07
    theta[2 * s.nTeams + 2] = 0.2
    const grad = new Float64Array(P)
    nbLogLikelihood(s, theta, grad)
    expectGradient((t) => nbLogLikelihood(s, t, null), theta, grad, { step: 1e-5, tolerance: 1e-5 })
  })

  it('at φ = 0 (its own branch) gives bit for bit the values of logNegBinom for each side', () => {
    // no 0-0, 0-1, 1-0 or 1-1 (τ = 1 there, the same code on both branches), so the sides are the whole likelihood
    const h = simulated.filter((m) => m.homeGoals > 1 || m.awayGoals > 1).slice(0, 500)
    const s = buildMatchGroups(h, ctxOf(h, { xi: 0.002 }))
    const k = s.nTeams
    const theta = new Float64Array(nbParameterCount(k))
    for (let i = 0; i < 2 * k; i++) theta[i] = 0.1 * Math.sin(i + 1) + (i >= k ? 0.1 : 0)
    theta[2 * k] = 0.25
    theta[2 * k + 1] = -0.07 // ρ; φ = theta[2k + 2] stays 0
    const grad = new Float64Array(theta.length)
    const ll = nbLogLikelihood(s, theta, grad)
    // the reference: the general formula per side, weighted and summed in the same order
    const ref = new Float64Array(theta.length)
    const side = new Float64Array(3)
    let refLl = 0
    let gD = 0
    for (let g = 0; g < s.nGroups; g++) {
      const [hi, a, w] = [s.home[g], s.away[g], s.w[g]]
      const lam = Math.exp(theta[hi] + theta[k + a] + (s.neutral[g] ? 0 : theta[2 * k]))
      const mu = Math.exp(theta[a] + theta[k + hi])
      logNegBinom(s.x[g], lam, 0, side)
      let l = side[0]
      const g1 = side[1] * w
      let dphi = side[2]
      logNegBinom(s.y[g], mu, 0, side)
      l += side[0]
      const g2 = side[1] * w
      dphi += side[2]
      refLl += w * l
      ref[hi] += g1
      ref[k + a] += g1
      if (!s.neutral[g]) ref[2 * k] += g1
      ref[a] += g2
      ref[k + hi] += g2
      gD += w * dphi
    }
    ref[2 * k + 2] = gD
    expect(s.nGroups).toBeGreaterThan(100)
    expect(ll).toBe(refLl)
    expect(Array.from(grad)).toEqual(Array.from(ref))
  })
})

describe('fitNegativeBinomial', () => {
  it('recovers the simulated parameters (8 seasons, φ = 0.12, ρ = −0.08, γ = 0.27)', () => {
    const fit = fitNegativeBinomial(simulated, ctxOf(simulated))
    expect(fit.converged).toBe(true)
    expect(Math.abs(fit.homeAdvantage - TRUE.gamma)).toBeLessThan(0.05)
    expect(Math.abs(fit.rho - TRUE.rho)).toBeLessThan(0.06)
    expect(Math.abs(fit.dispersion - TRUE.dispersion)).toBeLessThan(0.06)
    expect(worstRatingError(teams, fit.teams)).toBeLessThan(0.2)
    expect(Math.abs(fit.teams.reduce((acc, t) => acc + t.attack, 0))).toBeLessThan(1e-9)
  })

  it('with the dispersion fixed at 0 reproduces the engine’s Dixon-Coles fit (Poisson limit)', () => {
    const h = simulated.slice(0, 1140)
    const ctx = ctxOf(h, { xi: 0.0019, params: { dispersion: 0, tolerance: 1e-9 } })
    const fit = fitNegativeBinomial(h, ctx)
    const dc = fitDixonColes(toMatchArrays(h), { asOf: ctx.asOf, from: ctx.from, xi: ctx.xi })
    expect(fit.dispersionFixed).toBe(true)
    expect(Math.abs(fit.rho - dc.rho)).toBeLessThan(1e-5)
    expect(Math.abs(fit.homeAdvantage - dc.homeAdvantage)).toBeLessThan(1e-5)
    expectSameRatings(fit.teams, dc.teams, 1e-5)
    expect(fit.logLikelihood).toBeCloseTo(dc.logLikelihood, 4)
    const f = negativeBinomialVariant.predict(fit, {
      date: '2030-01-01',
      home: teams[0].name,
      away: teams[1].name,
    })!
    const ref = outcomeProbabilities(f.lambda, f.mu, dc.rho)
    for (let i = 0; i < 3; i++) expect(Math.abs(f.probabilities[i] - ref[i])).toBeLessThan(1e-6)
  })

  it('predicts valid probabilities summing to 1 and a matrix summing to 1; null for an unknown team', () => {
    const fit = fitNegativeBinomial(simulated.slice(0, 760), ctxOf(simulated.slice(0, 760)))
    for (let i = 1; i < 20; i++) {
      const f = negativeBinomialVariant.predict(fit, {
        date: '2030-01-01',
        home: teams[0].name,
        away: teams[i].name,
      })!
      expect(Math.abs(f.probabilities[0] + f.probabilities[1] + f.probabilities[2] - 1)).toBeLessThan(1e-9)
      for (const p of f.probabilities) expect(p).toBeGreaterThan(0)
      const total = f.matrix.flat().reduce((a, b) => a + b, 0)
      expect(Math.abs(total - 1)).toBeLessThan(1e-12)
      expect(f.matrix.flat().every((v) => v >= 0)).toBe(true)
    }
    expect(
      negativeBinomialVariant.predict(fit, { date: '2030-01-01', home: 'Nobody', away: teams[1].name }),
    ).toBeNull()
    const terms = negativeBinomialVariant.explain!(fit, {
      date: '2030-01-01',
      home: teams[0].name,
      away: teams[1].name,
    })!
    expect(terms.lambda.map((t) => t.name)).toEqual(['home advantage', 'home attack', 'away defence'])
    expect(JSON.parse(JSON.stringify(negativeBinomialVariant.summary(fit)))).toEqual(
      negativeBinomialVariant.summary(fit),
    )
  })

  it('over-dispersed draws widen the total-goals distribution versus the Poisson', () => {
    const nb = negativeBinomialMatrix(1.5, 1.2, 0, 0.3)
    const p = negativeBinomialMatrix(1.5, 1.2, 0, 1e-9)
    const varOf = (m: number[][]) => {
      let e = 0
      let e2 = 0
      m.forEach((row, x) => row.forEach((v, y) => ((e += v * (x + y)), (e2 += v * (x + y) ** 2))))
      return e2 - e * e
    }
    expect(varOf(p)).toBeCloseTo(2.7, 6)
    expect(varOf(nb)).toBeCloseTo(2.7 + 0.3 * (1.5 ** 2 + 1.2 ** 2), 6)
  })

  it('warm start from a previous fit lands on the same maximum', () => {
    const h1 = simulated.slice(0, 700)
    const h2 = simulated.slice(0, 760)
    const prev = fitNegativeBinomial(h1, ctxOf(h1, { xi: 0.0019 }))
    const cold = fitNegativeBinomial(h2, ctxOf(h2, { xi: 0.0019 }))
    const warm = fitNegativeBinomial(h2, ctxOf(h2, { xi: 0.0019, previous: prev }))
    expect(warm.logLikelihood).toBeCloseTo(cold.logLikelihood, 5)
    expect(Math.abs(warm.homeAdvantage - cold.homeAdvantage)).toBeLessThan(1e-3)
  })

  it('refuses no data with MODEL_NO_DATA and a team that never scored with MODEL_DEGENERATE', () => {
    expectCode(
      () => fitNegativeBinomial([], { asOf: '2020-01-01', from: '2019-01-01', xi: 0 }),
      'MODEL_NO_DATA',
    )
    expectCode(
      () => fitNegativeBinomial(simulated.slice(0, 10), { asOf: '2010-01-01', from: '2009-01-01', xi: 0 }),
      'MODEL_NO_DATA',
    )
    const shut = withoutGoalsOf(simulated.slice(0, 380), teams[3].name)
    expectCode(() => fitNegativeBinomial(shut, ctxOf(shut)), 'MODEL_DEGENERATE')
  })
})

describe.skipIf(!dataDir)(`negative binomial on real data ${dataDir ? '' : SHARED_DATA_SKIP_REASON}`, () => {
  it('E0 2021-22..2023-24 (ξ = 0.0019): converges; reports the warm fit time', async () => {
    const history = await readSeasons(dataDir as string, ['E0'], ['2021-22', '2022-23', '2023-24'])
    const ctx = ctxOf(history, { xi: 0.0019 })
    const fit = fitNegativeBinomial(history, ctx)
    expect(fit.converged).toBe(true)
    expect(fit.nMatches).toBe(1140)
    expect(fit.dispersion).toBeLessThan(0.1)
    const dc = fitDixonColes(toMatchArrays(history), { asOf: ctx.asOf, from: ctx.from, xi: ctx.xi })
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(dc.logLikelihood - 1e-6)
    const median = medianMs(() => fitNegativeBinomial(history, ctx), 5)
    console.log(
      `negative-binomial: E0 3 seasons fit ${median.toFixed(1)} ms (median of 5), φ=${fit.dispersion.toExponential(2)}, ${fit.iterations} iterations`,
    )
    expect(median).toBeLessThan(250)
  })
})

describe('negative binomial fitInfo', () => {
  it('reports the fit size and convergence for the walk-forward’s refit records', () => {
    const fit = fitNegativeBinomial(simulated.slice(0, 380), ctxOf(simulated.slice(0, 380)))
    const info = negativeBinomialVariant.fitInfo!(fit)
    expect(info).toMatchObject({ nMatches: 380, nTeams: 20, converged: true, excludedTeams: [] })
    expect(info.iterations).toBe(fit.iterations)
  })
})
