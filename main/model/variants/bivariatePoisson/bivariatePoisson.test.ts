import { describe, expect, it } from 'vitest'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../../test/support/sharedData'
import { fitDixonColes, outcomeProbabilities, toMatchArrays, type DixonColesError } from '../../dixonColes'
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
  timeMs,
  withoutGoalsOf,
  worstRatingError,
} from '../common/testing'
import { bivariatePoissonMatrix, bivariatePoissonVariant, fitBivariatePoisson } from '.'
import { bpLogLikelihood, bpParameterCount } from './likelihood'

const dataDir = footballDataDir()

const pois = (k: number, l: number) => {
  let p = Math.exp(-l)
  for (let i = 1; i <= k; i++) p *= l / i
  return p
}

const teams = randomTeams(20, 23)
const TRUE = { gamma: 0.25, lambda3: 0.15 }
const simulated = simulateScores({
  teams,
  homeAdvantage: TRUE.gamma,
  matrixOf: (l1, l2) => bivariatePoissonMatrix(l1, l2, TRUE.lambda3),
  seasons: 8,
  seed: 9,
})

describe('bivariate Poisson distribution', () => {
  it('the recursion equals the convolution Σ_k Pois(x−k; λ1)Pois(y−k; λ2)Pois(k; λ3), with Cov = λ3', () => {
    const [l1, l2, l3] = [1.3, 0.9, 0.2]
    const m = bivariatePoissonMatrix(l1, l2, l3)
    for (let x = 0; x < 6; x++) {
      for (let y = 0; y < 6; y++) {
        let p = 0
        for (let k = 0; k <= Math.min(x, y); k++) p += pois(x - k, l1) * pois(y - k, l2) * pois(k, l3)
        expect(m[x][y]).toBeCloseTo(p, 9) // renormalising the capped grid moves cells by < 1e-10 relative
      }
    }
    let ex = 0
    let ey = 0
    let exy = 0
    m.forEach((row, x) => row.forEach((v, y) => ((ex += v * x), (ey += v * y), (exy += v * x * y))))
    expect(ex).toBeCloseTo(l1 + l3, 7)
    expect(ey).toBeCloseTo(l2 + l3, 7)
    expect(exy - ex * ey).toBeCloseTo(l3, 7)
    expect(m.flat().reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14)
  })

  it('λ3 = 0 is the product of two independent Poissons', () => {
    const m = bivariatePoissonMatrix(1.4, 1.1, 0)
    expect(m[2][3]).toBeCloseTo(pois(2, 1.4) * pois(3, 1.1), 11)
  })
})

describe('bivariate Poisson likelihood', () => {
  it('has an exact gradient (central finite differences, every parameter, λ3 > 0 and at 0)', () => {
    const h = simulated.slice(0, 500)
    const s = buildMatchGroups(h, ctxOf(h, { xi: 0.002 }))
    const P = bpParameterCount(s.nTeams)
    for (const l3 of [0.12, 0]) {
      const theta = new Float64Array(P)
      for (let i = 0; i < 2 * s.nTeams; i++) theta[i] = 0.1 * Math.cos(i + 2)
      theta[2 * s.nTeams] = 0.3
      theta[2 * s.nTeams + 1] = l3
      const grad = new Float64Array(P)
      bpLogLikelihood(s, theta, grad)
      expectGradient((t) => bpLogLikelihood(s, t, null), theta, grad, {
        step: 1e-6,
        tolerance: 2e-4,
        oneSided: (j) => j === P - 1 && l3 === 0, // one-sided at the bound λ3 = 0
      })
    }
  })
})

describe('fitBivariatePoisson', () => {
  it('recovers the simulated parameters (8 seasons, λ3 = 0.15, γ = 0.25)', () => {
    const fit = fitBivariatePoisson(simulated, ctxOf(simulated))
    expect(fit.converged).toBe(true)
    expect(Math.abs(fit.lambda3 - TRUE.lambda3)).toBeLessThan(0.05)
    expect(Math.abs(fit.homeAdvantage - TRUE.gamma)).toBeLessThan(0.06)
    expect(worstRatingError(teams, fit.teams)).toBeLessThan(0.25)
    expect(Math.abs(fit.teams.reduce((acc, t) => acc + t.attack, 0))).toBeLessThan(1e-9)
  })

  it('with λ3 fixed at 0 is the engine’s independent Poisson fit', () => {
    const h = simulated.slice(0, 1140)
    const ctx = ctxOf(h, { xi: 0.0019, params: { lambda3: 0, tolerance: 1e-9 } })
    const fit = fitBivariatePoisson(h, ctx)
    const pm = fitDixonColes(toMatchArrays(h), {
      asOf: ctx.asOf,
      from: ctx.from,
      xi: ctx.xi,
      model: 'poisson',
    })
    expect(fit.lambda3).toBe(0)
    expect(Math.abs(fit.homeAdvantage - pm.homeAdvantage)).toBeLessThan(1e-5)
    expectSameRatings(fit.teams, pm.teams, 1e-5)
    expect(fit.logLikelihood).toBeCloseTo(pm.logLikelihood, 5)
    const f = bivariatePoissonVariant.predict(fit, {
      date: '2030-01-01',
      home: teams[2].name,
      away: teams[5].name,
    })!
    const ref = outcomeProbabilities(f.lambda, f.mu, 0)
    for (let i = 0; i < 3; i++) expect(Math.abs(f.probabilities[i] - ref[i])).toBeLessThan(1e-6)
  })

  it('predicts valid probabilities summing to 1, expected goals λ1 + λ3; null for an unknown team', () => {
    const fit = fitBivariatePoisson(simulated.slice(0, 760), ctxOf(simulated.slice(0, 760)))
    for (let i = 1; i < 20; i++) {
      const f = bivariatePoissonVariant.predict(fit, {
        date: '2030-01-01',
        home: teams[i].name,
        away: teams[0].name,
      })!
      expect(Math.abs(f.probabilities.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-9)
      for (const p of f.probabilities) expect(p).toBeGreaterThan(0)
      expect(Math.abs(f.matrix.flat().reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12)
      let ex = 0
      f.matrix.forEach((row, x) => row.forEach((v) => (ex += v * x)))
      expect(ex).toBeCloseTo(f.lambda, 8)
    }
    expect(
      bivariatePoissonVariant.predict(fit, { date: '2030-01-01', home: teams[0].name, away: 'Nobody' }),
    ).toBeNull()
    const s = bivariatePoissonVariant.summary(fit)
    expect(JSON.parse(JSON.stringify(s))).toEqual(s)
  })

  it('warm start from a previous fit lands on the same maximum', () => {
    const h1 = simulated.slice(0, 700)
    const h2 = simulated.slice(0, 760)
    const prev = fitBivariatePoisson(h1, ctxOf(h1, { xi: 0.0019 }))
    const cold = fitBivariatePoisson(h2, ctxOf(h2, { xi: 0.0019 }))
    const warm = fitBivariatePoisson(h2, ctxOf(h2, { xi: 0.0019, previous: prev }))
    expect(warm.logLikelihood).toBeCloseTo(cold.logLikelihood, 5)
    expect(Math.abs(warm.lambda3 - cold.lambda3)).toBeLessThan(1e-3)
  })

  it('refuses no data (MODEL_NO_DATA), a bad λ3 (MODEL_BAD_INPUT), a team that never scored (MODEL_DEGENERATE)', () => {
    expectCode(
      () => fitBivariatePoisson([], { asOf: '2020-01-01', from: '2019-01-01', xi: 0 }),
      'MODEL_NO_DATA',
    )
    expectCode(
      () => fitBivariatePoisson(simulated, ctxOf(simulated, { params: { lambda3: -1 } })),
      'MODEL_BAD_INPUT',
    )
    const shut = withoutGoalsOf(simulated.slice(0, 380), teams[3].name)
    expectCode(() => fitBivariatePoisson(shut, ctxOf(shut)), 'MODEL_DEGENERATE')
  })

  it('refuses a team whose every goal came with at least as many for the opponent (λ1 → 0 on X3), naming it', () => {
    // Team 04 never scores more than its opponent: the shared component can carry all its goals.
    const h = simulated
      .slice(0, 380)
      .map((m) =>
        m.home === teams[3].name && m.homeGoals > m.awayGoals
          ? { ...m, homeGoals: m.awayGoals }
          : m.away === teams[3].name && m.awayGoals > m.homeGoals
            ? { ...m, awayGoals: m.homeGoals }
            : m,
      )
    const e = (() => {
      try {
        fitBivariatePoisson(h, ctxOf(h))
      } catch (err) {
        return err as DixonColesError
      }
      throw new Error('expected MODEL_DEGENERATE')
    })()
    expect(e.code).toBe('MODEL_DEGENERATE')
    expect(e.details.neverScored).toEqual([teams[3].name])
    // With λ3 fixed at 0 it is the Poisson, where the team has a finite rating.
    expect(fitBivariatePoisson(h, ctxOf(h, { params: { lambda3: 0 } })).converged).toBe(true)
  })
})

describe.skipIf(!dataDir)(`bivariate Poisson on real data ${dataDir ? '' : SHARED_DATA_SKIP_REASON}`, () => {
  it('E0 2021-22..2023-24 (ξ = 0.0019): converges, at least the Poisson likelihood; reports the fit time', async () => {
    const history = await readSeasons(dataDir as string, ['E0'], ['2021-22', '2022-23', '2023-24'])
    const ctx = ctxOf(history, { xi: 0.0019 })
    const fit = fitBivariatePoisson(history, ctx)
    expect(fit.converged).toBe(true)
    const pm = fitDixonColes(toMatchArrays(history), {
      asOf: ctx.asOf,
      from: ctx.from,
      xi: ctx.xi,
      model: 'poisson',
    })
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(pm.logLikelihood - 1e-6)
    expect(fit.lambda3).toBeLessThan(0.3)
    const median = medianMs(() => fitBivariatePoisson(history, ctx), 5)
    const warm = timeMs(() => fitBivariatePoisson(history, { ...ctx, previous: fit }))
    console.log(
      `bivariate-poisson: E0 3 seasons fit ${median.toFixed(1)} ms cold (median of 5), ${warm.toFixed(1)} ms warm-started, λ3=${fit.lambda3.toFixed(4)}, ${fit.iterations} iterations`,
    )
    expect(median).toBeLessThan(500)
  })
})

describe('bivariate Poisson fitInfo', () => {
  it('reports the fit size and convergence for the walk-forward’s refit records', () => {
    const fit = fitBivariatePoisson(simulated.slice(0, 380), ctxOf(simulated.slice(0, 380)))
    const info = bivariatePoissonVariant.fitInfo!(fit)
    expect(info).toMatchObject({ nMatches: 380, nTeams: 20, converged: true, excludedTeams: [] })
    expect(info.iterations).toBe(fit.iterations)
  })
})
