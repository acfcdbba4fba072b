import { describe, expect, it } from 'vitest'
import {
  DixonColesError,
  fitDixonColes,
  logLikelihood,
  logLikelihoodDerivatives,
  toMatchArrays,
} from '../../dixonColes'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../../test/support/sharedData'
import type { VariantMatch } from '../types'
import { fitPseudoGoalModel, preparePseudoFit, type PseudoGoals } from './pseudoGoalFit'
import { fitShots, leagueConversion, shotsVariant } from './shotsVariant'
import {
  ratingError,
  readSeasons,
  simulateWithExtras,
  SIM_CONVERSION,
  SIM_GAMMA,
  SIM_RHO,
  windowOf,
} from '../common/testing'

const sim = simulateWithExtras(7)

/**
 * The objective written out match by match, independently of the aggregated statistics:
 * Σ φ·log[τ·Pois(x; λ)·Pois(y; μ)] + Σ φ·v·(x̃·log λ − λ + ỹ·log μ − μ).
 */
function directObjective(
  matches: readonly VariantMatch[],
  pseudo: PseudoGoals,
  teams: string[],
  theta: Float64Array,
  asOf: string,
  xi: number,
): number {
  const k = teams.length
  const day = (d: string) => Date.parse(d) / 86_400_000
  const lf = (n: number) => {
    let s = 0
    for (let i = 2; i <= n; i++) s += Math.log(i)
    return s
  }
  let total = 0
  matches.forEach((m, i) => {
    const h = teams.indexOf(m.home)
    const a = teams.indexOf(m.away)
    const phi = Math.exp(-xi * (day(asOf) - day(m.date)))
    const lam = Math.exp(theta[2 * k] + theta[h] + theta[k + a])
    const mu = Math.exp(theta[a] + theta[k + h])
    const rho = theta[2 * k + 1]
    const x = m.homeGoals
    const y = m.awayGoals
    let tau = 1
    if (x === 0 && y === 0) tau = 1 - lam * mu * rho
    else if (x === 0 && y === 1) tau = 1 + lam * rho
    else if (x === 1 && y === 0) tau = 1 + mu * rho
    else if (x === 1 && y === 1) tau = 1 - rho
    total += phi * (Math.log(tau) + x * Math.log(lam) - lam - lf(x) + y * Math.log(mu) - mu - lf(y))
    const v = pseudo.weight[i]
    total += phi * v * (pseudo.x[i] * Math.log(lam) - lam + pseudo.y[i] * Math.log(mu) - mu)
  })
  return total
}

function shotsPseudo(matches: readonly VariantMatch[], w: number, c = SIM_CONVERSION): PseudoGoals {
  return {
    x: Float64Array.from(matches, (m) => c * (m.homeShotsOnTarget ?? 0)),
    y: Float64Array.from(matches, (m) => c * (m.awayShotsOnTarget ?? 0)),
    weight: Float64Array.from(matches, () => w),
  }
}

describe('pseudo-goal likelihood (shared by shots and market)', () => {
  const matches = sim.matches.slice(0, 190)
  const win = windowOf(matches)
  const pseudo = shotsPseudo(matches, 0.7)
  const prep = preparePseudoFit(toMatchArrays(matches), win, pseudo)
  const k = prep.goals.nTeams
  const theta = new Float64Array(2 * k + 2)
  for (let i = 0; i < 2 * k; i++) theta[i] = 0.1 * Math.sin(i + 1)
  theta[2 * k] = 0.2
  theta[2 * k + 1] = -0.06

  it('equals the objective written out match by match', () => {
    const direct = directObjective(matches, pseudo, prep.goals.teams, theta, win.asOf, win.xi)
    expect(logLikelihood(prep.augmented, theta)).toBeCloseTo(direct, 8)
    expect(prep.nPseudo).toBe(matches.length)
  })

  it('has an exact gradient and Hessian (central finite differences of the direct objective)', () => {
    const P = 2 * k + 2
    const grad = new Float64Array(P)
    const hess = new Float64Array(P * P)
    logLikelihoodDerivatives(prep.augmented, theta, grad, hess)
    const f = (t: Float64Array) => directObjective(matches, pseudo, prep.goals.teams, t, win.asOf, win.xi)
    const h = 1e-5
    for (let i = 0; i < P; i++) {
      const up = Float64Array.from(theta)
      const dn = Float64Array.from(theta)
      up[i] += h
      dn[i] -= h
      const fd = (f(up) - f(dn)) / (2 * h)
      expect(Math.abs(grad[i] - fd)).toBeLessThan(1e-5 * (1 + Math.abs(fd)))
      // Hessian row i against finite differences of the analytic gradient.
      const gu = new Float64Array(P)
      const gd = new Float64Array(P)
      logLikelihoodDerivatives(prep.augmented, up, gu, null)
      logLikelihoodDerivatives(prep.augmented, dn, gd, null)
      for (let j = 0; j < P; j++) {
        const fdh = (gu[j] - gd[j]) / (2 * h)
        expect(Math.abs(hess[i * P + j] - fdh)).toBeLessThan(1e-5 * (1 + Math.abs(fdh)))
      }
    }
  })

  it('maximises it: zero gradient at the fit', () => {
    const fit = fitPseudoGoalModel(matches, win, pseudo)
    expect(fit.converged).toBe(true)
    expect(fit.gradientNorm).toBeLessThan(1e-8)
    const t = Float64Array.from([...fit.attack, ...fit.defence, fit.homeAdvantage, fit.rho])
    expect(fit.objective).toBeCloseTo(logLikelihood(prep.augmented, t), 9)
    // Any nudge of a parameter (keeping Σα = 0) lowers the objective.
    const nudged = Float64Array.from(t)
    nudged[0] += 0.01
    nudged[1] -= 0.01
    expect(logLikelihood(prep.augmented, nudged)).toBeLessThan(fit.objective)
  })
})

describe('shots variant', () => {
  it('with w = 0 is plain Dixon-Coles (same parameters as fitDixonColes to 1e-6)', () => {
    const ctx = { ...windowOf(sim.matches), params: { w: 0 } }
    const fit = fitShots(sim.matches, ctx)
    const dc = fitDixonColes(toMatchArrays(sim.matches), ctx)
    expect(fit.teams).toEqual(dc.teams.map((t) => t.name))
    dc.teams.forEach((t, i) => {
      expect(Math.abs(fit.attack[i] - t.attack)).toBeLessThan(1e-6)
      expect(Math.abs(fit.defence[i] - t.defence)).toBeLessThan(1e-6)
    })
    expect(Math.abs(fit.homeAdvantage - dc.homeAdvantage)).toBeLessThan(1e-6)
    expect(Math.abs(fit.rho - dc.rho)).toBeLessThan(1e-6)
    expect(fit.goalsLogLikelihood).toBeCloseTo(dc.logLikelihood, 6)
  })

  it('recovers the simulated parameters, better with shots than with goals alone', () => {
    // One season of 20 teams: goals alone are noisy; shots on target (≈ 3× as many events) sharpen them.
    const one = simulateWithExtras(11, 20, 1)
    const ctx = windowOf(one.matches, 0)
    const goalsOnly = fitShots(one.matches, { ...ctx, params: { w: 0 } })
    const withShots = fitShots(one.matches, { ...ctx, params: { w: 1 } })
    expect(withShots.conversion).toBeGreaterThan(0.25)
    expect(withShots.conversion).toBeLessThan(0.35)
    const e0 = ratingError(one.teams, goalsOnly)
    const e1 = ratingError(one.teams, withShots)
    expect(e1).toBeLessThan(0.13) // 0.11 here; goals alone 0.18
    expect(e1).toBeLessThan(0.75 * e0)
    expect(Math.abs(withShots.homeAdvantage - SIM_GAMMA)).toBeLessThan(0.08)
    // Three seasons with time decay: every rating within a few standard errors.
    const three = fitShots(sim.matches, { ...windowOf(sim.matches, 0), params: { w: 1 } })
    expect(ratingError(sim.teams, three)).toBeLessThan(0.06)
    expect(Math.abs(three.rho - SIM_RHO)).toBeLessThan(0.08)
  })

  it('warm start from the previous fit reaches the same maximum in fewer iterations', () => {
    const ctx = { ...windowOf(sim.matches), params: { w: 0.5 } }
    const first = fitShots(sim.matches.slice(0, -10), {
      ...ctx,
      asOf: sim.matches[sim.matches.length - 11].date,
    })
    const cold = fitShots(sim.matches, ctx)
    const warm = fitShots(sim.matches, { ...ctx, previous: first })
    expect(warm.iterations).toBeLessThan(cold.iterations)
    warm.attack.forEach((a, i) => expect(Math.abs(a - cold.attack[i])).toBeLessThan(1e-7))
  })

  it('predicts valid probabilities summing to 1, consistent with its matrix and terms', () => {
    const fit = shotsVariant.fit(sim.matches, { ...windowOf(sim.matches), params: { w: 0.5 } })
    for (const [home, away] of [
      ['Team 01', 'Team 02'],
      ['Team 20', 'Team 05'],
    ]) {
      const f = shotsVariant.predict(fit, { date: '2018-08-01', home, away })
      expect(f).not.toBeNull()
      const p = f!.probabilities
      expect(p.every((v) => v > 0 && v < 1)).toBe(true)
      expect(Math.abs(p[0] + p[1] + p[2] - 1)).toBeLessThan(1e-12)
      const mass = f!.matrix.flat().reduce((s, v) => s + v, 0)
      expect(Math.abs(mass - 1)).toBeLessThan(1e-12)
      const terms = shotsVariant.explain!(fit, { date: '2018-08-01', home, away })!
      expect(Math.exp(terms.lambda.reduce((s, t) => s + t.value, 0))).toBeCloseTo(f!.lambda, 12)
      expect(Math.exp(terms.mu.reduce((s, t) => s + t.value, 0))).toBeCloseTo(f!.mu, 12)
    }
    expect(shotsVariant.predict(fit, { date: '2018-08-01', home: 'Team 01', away: 'Nobody' })).toBeNull()
    const summary = shotsVariant.summary(fit)
    expect(summary.w).toBe(0.5)
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary)
    expect(shotsVariant.fitInfo!(fit).nMatches).toBe(sim.matches.length)
  })

  it('refuses to fit nothing with a clear DixonColesError', () => {
    expect(() => fitShots([], { asOf: '2020-01-01', from: '2019-01-01', xi: 0 })).toThrow(DixonColesError)
    try {
      fitShots(sim.matches, { asOf: '2000-01-01', from: '1999-01-01', xi: 0 })
      expect.unreachable()
    } catch (e) {
      expect((e as DixonColesError).code).toBe('MODEL_NO_DATA')
    }
    expect(() => fitShots(sim.matches, { ...windowOf(sim.matches), params: { w: -1 } })).toThrow(/w must be/)
  })

  it('rates a newcomer without goals or shots from the promoted-team prior instead of failing (#20), and one with shots', () => {
    const ctx = { ...windowOf(sim.matches), params: { w: 0.5 } }
    const last = sim.matches[sim.matches.length - 1].date
    const blank = { date: last, home: 'Newcomer', away: 'Team 01', homeGoals: 0, awayGoals: 2 }
    const silent = fitShots([...sim.matches, { ...blank, homeShotsOnTarget: 0, awayShotsOnTarget: 6 }], ctx)
    // before #20 it was left out (no finite maximum); the engine's prior on teams with few matches rates it
    expect(silent.excludedTeams).toEqual([])
    expect(silent.teams).toContain('Newcomer')
    expect(silent.shrinkage?.teams.map((t) => t.name)).toEqual(['Newcomer'])
    const shooting = fitShots([...sim.matches, { ...blank, homeShotsOnTarget: 4, awayShotsOnTarget: 6 }], ctx)
    expect(shooting.excludedTeams).toEqual([])
    expect(shooting.teams).toContain('Newcomer')
  })
})

const dataDir = footballDataDir()
describe.skipIf(!dataDir)(
  `shots variant on real seasons (${dataDir ? 'E0' : SHARED_DATA_SKIP_REASON})`,
  () => {
    it('fits three E0 seasons with the league conversion rate, warm in well under 30 ms', async () => {
      const matches = await readSeasons(dataDir!, ['E0'], ['2021-22', '2022-23', '2023-24'], {
        shotsOnTarget: true,
      })
      const ctx = { ...windowOf(matches), params: { w: 0.5 } }
      const conversion = leagueConversion(matches, ctx)
      // Premier League: roughly 0.3 goals per shot on target.
      expect(conversion).toBeGreaterThan(0.25)
      expect(conversion).toBeLessThan(0.4)
      const first = fitShots(matches.slice(0, -10), ctx)
      const t0 = performance.now()
      const fit = fitShots(matches, { ...ctx, previous: first })
      const ms = performance.now() - t0
      expect(fit.converged).toBe(true)
      expect(fit.nPseudo).toBe(matches.length)
      // The biggest attack among the champions of those seasons' top two.
      const top = fit.teams[fit.attack.indexOf(Math.max(...fit.attack))]
      expect(['Man City', 'Arsenal', 'Liverpool']).toContain(top)
      expect(ms).toBeLessThan(200) // ≈ 3 ms on an idle core; generous for a shared box
    })
  },
)
