import { describe, expect, it } from 'vitest'
import { randomTeams, simulateLeague, mulberry32 } from '../simulate/simulateLeague'
import { logLikelihood, logLikelihoodDerivatives, minTau, rhoInterval } from './likelihood'
import { buildMatchStats, type MatchStats } from './stats'
import { toMatchArrays, type MatchArrays } from './types'

// A small simulated league (3 seasons, 8 teams) with a share of neutral-venue matches, so both
// the home-venue and the neutral branches of the derivatives are exercised.
function fixture(): { data: MatchArrays; stats: MatchStats; xi: number } {
  const teams = randomTeams(8, 11)
  const matches = simulateLeague({ teams, homeAdvantage: 0.3, rho: -0.12, seasons: 3, seed: 5 })
  matches.forEach((m, i) => {
    if (i % 7 === 0) m.neutral = true
  })
  const data = toMatchArrays(matches)
  const asOfDay = Math.max(...data.dayNumber)
  const xi = 0.0019
  return { data, stats: buildMatchStats(data, { asOfDay, fromDay: -Infinity, xi }), xi }
}

function logFact(n: number): number {
  let s = 0
  for (let i = 2; i <= n; i++) s += Math.log(i)
  return s
}

/** Direct per-match transcription of Dixon & Coles (1997) eqs. 4.2-4.5, no aggregation. */
function naiveLogLik(data: MatchArrays, theta: Float64Array, xi: number, teamOrder: string[]): number {
  const k = teamOrder.length
  const idx = data.teams.map((t) => teamOrder.indexOf(t))
  const asOf = Math.max(...data.dayNumber)
  let ll = 0
  for (let i = 0; i < data.home.length; i++) {
    const h = idx[data.home[i]]
    const a = idx[data.away[i]]
    const lam = Math.exp((data.neutral[i] ? 0 : theta[2 * k]) + theta[h] + theta[k + a])
    const mu = Math.exp(theta[a] + theta[k + h])
    const rho = theta[2 * k + 1]
    const x = data.homeGoals[i]
    const y = data.awayGoals[i]
    let tau = 1
    if (x === 0 && y === 0) tau = 1 - lam * mu * rho
    else if (x === 0 && y === 1) tau = 1 + lam * rho
    else if (x === 1 && y === 0) tau = 1 + mu * rho
    else if (x === 1 && y === 1) tau = 1 - rho
    const w = Math.exp(-xi * (asOf - data.dayNumber[i]))
    ll += w * (Math.log(tau) + x * Math.log(lam) - lam - logFact(x) + y * Math.log(mu) - mu - logFact(y))
  }
  return ll
}

function randomTheta(k: number, rng: () => number, stats: MatchStats): Float64Array {
  const theta = new Float64Array(2 * k + 2)
  for (let i = 0; i < k; i++) {
    theta[i] = 0.6 * (rng() - 0.5)
    theta[k + i] = 0.2 + 0.6 * (rng() - 0.5)
  }
  theta[2 * k] = 0.1 + 0.4 * rng()
  const [lo, hi] = rhoInterval(stats, theta)
  // Anywhere in the middle 80% of the valid interval (which is wide: about (−0.25, 0.2)).
  theta[2 * k + 1] = lo + (0.1 + 0.8 * rng()) * (Math.min(hi, 0.9) - lo)
  return theta
}

describe('Dixon-Coles likelihood (aggregated sufficient statistics)', () => {
  it('equals the per-match Dixon & Coles (1997) time-weighted pseudo-log-likelihood, neutral venues included', () => {
    const { data, stats, xi } = fixture()
    expect(stats.nGroups).toBeLessThan(data.home.length) // aggregation actually merged repeated pairings
    const rng = mulberry32(1)
    for (let trial = 0; trial < 5; trial++) {
      const theta = randomTheta(stats.nTeams, rng, stats)
      const naive = naiveLogLik(data, theta, xi, stats.teams)
      expect(logLikelihood(stats, theta)).toBeCloseTo(naive, 9)
      const g = new Float64Array(theta.length)
      expect(logLikelihoodDerivatives(stats, theta, g, null)).toBeCloseTo(naive, 9)
    }
  })

  it('analytic gradient matches central finite differences at random points (xi > 0)', () => {
    const { stats } = fixture()
    const rng = mulberry32(2)
    const k = stats.nTeams
    const P = 2 * k + 2
    for (let trial = 0; trial < 6; trial++) {
      const theta = randomTheta(k, rng, stats)
      const g = new Float64Array(P)
      logLikelihoodDerivatives(stats, theta, g, null)
      for (let j = 0; j < P; j++) {
        const h = 1e-5
        const tp = theta.slice()
        const tm = theta.slice()
        tp[j] += h
        tm[j] -= h
        const fd = (logLikelihood(stats, tp) - logLikelihood(stats, tm)) / (2 * h)
        expect(Math.abs(g[j] - fd)).toBeLessThan(1e-6 * (1 + Math.abs(fd)))
      }
    }
  })

  it('analytic Hessian matches central differences of the gradient and is symmetric', () => {
    const { stats } = fixture()
    const rng = mulberry32(3)
    const k = stats.nTeams
    const P = 2 * k + 2
    for (let trial = 0; trial < 4; trial++) {
      const theta = randomTheta(k, rng, stats)
      const g = new Float64Array(P)
      const H = new Float64Array(P * P)
      logLikelihoodDerivatives(stats, theta, g, H)
      const gp = new Float64Array(P)
      const gm = new Float64Array(P)
      for (let j = 0; j < P; j++) {
        const h = 1e-5
        const tp = theta.slice()
        const tm = theta.slice()
        tp[j] += h
        tm[j] -= h
        logLikelihoodDerivatives(stats, tp, gp, null)
        logLikelihoodDerivatives(stats, tm, gm, null)
        for (let i = 0; i < P; i++) {
          const fd = (gp[i] - gm[i]) / (2 * h)
          expect(Math.abs(H[i * P + j] - fd)).toBeLessThan(1e-5 * (1 + Math.abs(fd)))
          expect(H[i * P + j]).toBe(H[j * P + i])
        }
      }
    }
  })

  it('the tau terms matter: a gradient that treats tau as constant in lambda, mu (penaltyblog) is measurably wrong', () => {
    const { stats } = fixture()
    const k = stats.nTeams
    const theta = randomTheta(k, mulberry32(4), stats)
    theta[2 * k + 1] = -0.15
    const g = new Float64Array(2 * k + 2)
    logLikelihoodDerivatives(stats, theta, g, null)
    // Poisson-only γ score Σ_home-venue (Σwx − Σwλ), i.e. ∂τ/∂λ dropped.
    let poissonOnly = 0
    for (let j = 0; j < stats.nGroups; j++) {
      if (stats.neutral[j]) continue
      const lam = Math.exp(theta[2 * k] + theta[stats.home[j]] + theta[k + stats.away[j]])
      poissonOnly += stats.sx[j] - stats.sw[j] * lam
    }
    const h = 1e-5
    const tp = theta.slice()
    const tm = theta.slice()
    tp[2 * k] += h
    tm[2 * k] -= h
    const fd = (logLikelihood(stats, tp) - logLikelihood(stats, tm)) / (2 * h)
    expect(Math.abs(g[2 * k] - fd)).toBeLessThan(1e-6)
    // The τ part of ∂ℓ/∂γ is −Σc00·λμρ/(1−λμρ) + Σc01·λρ/(1+λρ): partly cancelling, yet 10⁴× the FD error.
    expect(Math.abs(poissonOnly - fd)).toBeGreaterThan(1e-2)
  })

  it('is −∞ exactly when some tau of some match is ≤ 0, and rhoInterval bounds that region', () => {
    const { stats } = fixture()
    const k = stats.nTeams
    const theta = randomTheta(k, mulberry32(6), stats)
    const [lo, hi] = rhoInterval(stats, theta)
    expect(lo).toBeLessThan(0)
    expect(hi).toBeGreaterThan(0)
    for (const [rho, finite] of [
      [lo * 0.999, true],
      [hi * 0.999, true],
      [lo * 1.001, false],
      [hi * 1.001, false],
    ] as const) {
      theta[2 * k + 1] = rho
      expect(Number.isFinite(logLikelihood(stats, theta))).toBe(finite)
      expect(minTau(stats, theta) > 0).toBe(finite)
    }
  })
})
