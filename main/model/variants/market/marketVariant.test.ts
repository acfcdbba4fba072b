import { describe, expect, it } from 'vitest'
import path from 'node:path'
import {
  DixonColesError,
  fitDixonColes,
  logLikelihood,
  logLikelihoodDerivatives,
  toMatchArrays,
} from '../../dixonColes'
import { removeMargin } from '../../market'
import { readFootballDataFile } from '../../../services/data/csv'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../../test/support/sharedData'
import type { VariantMatch } from '../types'
import { preparePseudoFit, type PseudoGoals } from '../shots/pseudoGoalFit'
import { ratingError, simulateWithExtras, SIM_GAMMA, SIM_RHO, windowOf } from '../common/testing'
import { leagueConversion, shotsPseudoGoals } from '../shots/shotsVariant'
import { binsAsked, marketRates, newInversionCache, RHO_STEP } from './inversionCache'
import { fitMarket, marketVariant } from './marketVariant'

const sim = simulateWithExtras(21)

describe('market variant', () => {
  it('turns each past market into the λ, μ that produced it (memoised by ρ and prices)', () => {
    const cache = newInversionCache()
    sim.matches.slice(0, 50).forEach((m, i) => {
      const r = marketRates(m, SIM_RHO, cache)!
      expect(Math.abs(r[0] - sim.rates[i][0])).toBeLessThan(1e-6)
      expect(Math.abs(r[1] - sim.rates[i][1])).toBeLessThan(1e-6)
    })
    const size = cache.slots.size
    marketRates({ ...sim.matches[0] }, SIM_RHO, cache) // a copy: found by its prices
    expect(cache.slots.size).toBe(size)
    expect(binsAsked(cache, `${sim.matches[0].market!.join('|')}|null`)).toBe(1)
    expect(marketRates({ ...sim.matches[0], market: null }, SIM_RHO, cache)).toBeNull()
  })

  it('an inversion at a new ρ, started along the tangent of the nearest one, is the cold inversion there', () => {
    const cache = newInversionCache()
    const matches = sim.matches.slice(0, 80)
    for (const m of matches) marketRates(m, SIM_RHO, cache)
    for (const rho of [SIM_RHO + RHO_STEP, SIM_RHO - 3 * RHO_STEP, SIM_RHO + 8 * RHO_STEP]) {
      const fresh = newInversionCache()
      for (const m of matches) {
        const warm = marketRates(m, rho, cache)!
        const cold = marketRates(m, rho, fresh)!
        expect(Math.abs(warm[0] / cold[0] - 1)).toBeLessThan(1e-9)
        expect(Math.abs(warm[1] / cold[1] - 1)).toBeLessThan(1e-9)
        expect(Math.abs(Math.exp(warm[4]) / warm[0] - 1)).toBeLessThan(1e-15)
      }
    }
    expect(binsAsked(cache, `${matches[0].market!.join('|')}|null`)).toBe(4)
  })

  it('has the exact gradient of goals + w × market pseudo-goals (central finite differences)', () => {
    const matches = sim.matches.slice(0, 190)
    const cache = newInversionCache()
    const w = 3
    const pseudo = {
      x: Float64Array.from(matches, (m) => marketRates(m, SIM_RHO, cache)![0]),
      y: Float64Array.from(matches, (m) => marketRates(m, SIM_RHO, cache)![1]),
      weight: Float64Array.from(matches, () => w),
      xi: 0.01,
    }
    const prep = preparePseudoFit(toMatchArrays(matches), windowOf(matches), pseudo)
    const k = prep.goals.nTeams
    const P = 2 * k + 2
    const theta = new Float64Array(P)
    for (let i = 0; i < 2 * k; i++) theta[i] = 0.1 * Math.cos(i)
    theta[2 * k] = 0.3
    theta[2 * k + 1] = -0.05
    const grad = new Float64Array(P)
    logLikelihoodDerivatives(prep.augmented, theta, grad, null)
    const h = 1e-5
    for (let i = 0; i < P; i++) {
      const up = Float64Array.from(theta)
      const dn = Float64Array.from(theta)
      up[i] += h
      dn[i] -= h
      const fd = (logLikelihood(prep.augmented, up) - logLikelihood(prep.augmented, dn)) / (2 * h)
      expect(Math.abs(grad[i] - fd)).toBeLessThan(1e-5 * (1 + Math.abs(fd)))
    }
    // The market term adds w·φ·(λ̂ log λ − λ + μ̂ log μ − μ) to the goals' likelihood: check the difference.
    const diff = logLikelihood(prep.augmented, theta) - logLikelihood(prep.goals, theta)
    const asOfDay = Date.parse(windowOf(matches).asOf) / 86_400_000
    let expected = 0
    matches.forEach((m, i) => {
      const hI = prep.goals.teams.indexOf(m.home)
      const aI = prep.goals.teams.indexOf(m.away)
      const lam = Math.exp(theta[2 * k] + theta[hI] + theta[k + aI])
      const mu = Math.exp(theta[aI] + theta[k + hI])
      const phi = w * Math.exp(-0.01 * (asOfDay - Date.parse(m.date) / 86_400_000))
      expected += phi * (pseudo.x[i] * Math.log(lam) - lam + pseudo.y[i] * Math.log(mu) - mu)
    })
    expect(diff).toBeCloseTo(expected, 8)
  })

  it('with w = 0 is plain Dixon-Coles (same parameters as fitDixonColes to 1e-6)', () => {
    const ctx = { ...windowOf(sim.matches), params: { w: 0 } }
    const fit = fitMarket(sim.matches, ctx)
    const dc = fitDixonColes(toMatchArrays(sim.matches), ctx)
    dc.teams.forEach((t, i) => {
      expect(fit.teams[i]).toBe(t.name)
      expect(Math.abs(fit.attack[i] - t.attack)).toBeLessThan(1e-6)
      expect(Math.abs(fit.defence[i] - t.defence)).toBeLessThan(1e-6)
    })
    expect(Math.abs(fit.homeAdvantage - dc.homeAdvantage)).toBeLessThan(1e-6)
    expect(Math.abs(fit.rho - dc.rho)).toBeLessThan(1e-6)
    expect(fit.nMarket).toBe(0)
  })

  it('recovers the simulated ratings from an accurate market, far better than from goals', () => {
    // The simulated market is the true 1X2, so at the true ρ its implied λ̂, μ̂ are the true rates (tested
    // above). The fit inverts at its own ρ, estimated from the goals: three seasons pin it to ≈ 0.005 here,
    // and the ratings follow. (On one simulated season ρ came out −0.03 against −0.08 and the ratings were
    // off by ≈ 0.05: the inversion is sensitive to ρ through the draw probability.)
    const ctx = windowOf(sim.matches, 0)
    const goals = fitMarket(sim.matches, { ...ctx, params: { w: 0 } })
    const heavy = fitMarket(sim.matches, { ...ctx, params: { w: 64, marketXi: 0 } }) // static truth: no decay
    expect(heavy.nMarket).toBe(sim.matches.length)
    const eGoals = ratingError(sim.teams, goals)
    const eMarket = ratingError(sim.teams, heavy)
    expect(eGoals).toBeGreaterThan(0.06) // 0.080
    expect(eMarket).toBeLessThan(0.01) // 0.003
    expect(Math.abs(heavy.homeAdvantage - SIM_GAMMA)).toBeLessThan(0.01)
    expect(Math.abs(heavy.rho - SIM_RHO)).toBeLessThan(0.02)
    // The inversion ρ is the model's own ρ on its 0.0025 grid, or the neighbouring bin when the refit moved ρ
    // across a bin edge (here: inverted at −0.085, fitted −0.0835).
    expect(Math.abs(heavy.inversionRho - heavy.rho)).toBeLessThanOrEqual(1.5 * RHO_STEP + 1e-12)
    expect(Math.abs(heavy.inversionRho / RHO_STEP - Math.round(heavy.inversionRho / RHO_STEP))).toBeLessThan(
      1e-9,
    )
  })

  it('adds shots on target as a third term: the terms add up in the statistics, shotsW 0 is the two-term fit', () => {
    const matches = sim.matches.slice(0, 190)
    const data = toMatchArrays(matches)
    const win = windowOf(matches)
    const cache = newInversionCache()
    const market = {
      x: Float64Array.from(matches, (m) => marketRates(m, SIM_RHO, cache)![0]),
      y: Float64Array.from(matches, (m) => marketRates(m, SIM_RHO, cache)![1]),
      weight: Float64Array.from(matches, () => 16),
      xi: 0.03,
    }
    const ctx = { ...win, params: {} }
    const shots = shotsPseudoGoals(matches, ctx, 8, 0.06)!
    expect(shots.conversion).toBe(leagueConversion(matches, ctx))
    const goals = preparePseudoFit(data, win, null).augmented
    const one = (p: PseudoGoals) => preparePseudoFit(data, win, p).augmented
    const both = preparePseudoFit(data, win, [market, shots.pseudo])
    const [m, s] = [one(market), one(shots.pseudo)]
    for (const key of ['sw', 'sx', 'sy'] as const) {
      both.augmented[key].forEach((v, g) => {
        expect(v).toBeCloseTo(goals[key][g] + (m[key][g] - goals[key][g]) + (s[key][g] - goals[key][g]), 9)
      })
    }
    expect(both.nPseudo).toBe(matches.length) // every row has both; counted once

    const full = { ...windowOf(sim.matches), params: { w: 16, marketXi: 0.03 } }
    const two = fitMarket(sim.matches, full)
    const zero = fitMarket(sim.matches, { ...full, params: { ...full.params, shotsW: 0 } })
    expect(zero.attack).toEqual(two.attack)
    expect(zero.shotsW).toBe(0)
    expect(zero.conversion).toBeNull()
    const three = fitMarket(sim.matches, { ...full, params: { ...full.params, shotsW: 8, shotsXi: 0.06 } })
    expect(three.attack).not.toEqual(two.attack)
    expect(three.nMarket).toBe(two.nMarket) // the market rows, not the shots rows
    expect(marketVariant.summary(three)).toMatchObject({ shotsW: 8, shotsXi: 0.06 })
    expect(three.conversion).toBeGreaterThan(0)
    // the simulated shots on target come from the true rates: the ratings still recover the truth
    expect(ratingError(sim.teams, three)).toBeLessThan(0.05)
  })

  it('warm-starts from the previous fit and reuses its inversions', () => {
    const ctx = { ...windowOf(sim.matches), params: { w: 8, marketXi: 0.01 } }
    const earlier = sim.matches.slice(0, -10)
    const first = fitMarket(earlier, { ...ctx, asOf: earlier[earlier.length - 1].date })
    const cached = first.cache.slots.size
    expect(cached).toBeGreaterThan(0)
    const cold = fitMarket(sim.matches, ctx)
    const warm = fitMarket(sim.matches, { ...ctx, previous: first })
    expect(warm.cache).toBe(first.cache)
    expect(warm.iterations).toBeLessThanOrEqual(cold.iterations)
    if (warm.inversionRho === cold.inversionRho) {
      warm.attack.forEach((a, i) => expect(Math.abs(a - cold.attack[i])).toBeLessThan(1e-7))
    }
  })

  it('predicts valid probabilities summing to 1; unknown teams get null; summary is plain JSON', () => {
    const fit = marketVariant.fit(sim.matches, { ...windowOf(sim.matches), params: { w: 4 } })
    const f = marketVariant.predict(fit, { date: '2018-08-01', home: 'Team 03', away: 'Team 04' })!
    expect(f.probabilities.every((v) => v > 0 && v < 1)).toBe(true)
    expect(Math.abs(f.probabilities[0] + f.probabilities[1] + f.probabilities[2] - 1)).toBeLessThan(1e-12)
    expect(Math.abs(f.matrix.flat().reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-12)
    expect(marketVariant.predict(fit, { date: '2018-08-01', home: 'Nobody', away: 'Team 04' })).toBeNull()
    const summary = marketVariant.summary(fit)
    expect(summary).not.toHaveProperty('cache')
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary)
    expect(summary.w).toBe(4)
  })

  it('falls back to goals when no match has a market, and refuses no data with DixonColesError', () => {
    const bare = sim.matches.map((m) => ({ ...m, market: null }))
    const fit = fitMarket(bare, { ...windowOf(bare), params: { w: 4 } })
    expect(fit.nMarket).toBe(0)
    expect(fit.warnings.join(' ')).toMatch(/goals alone/)
    expect(() => fitMarket([], { asOf: '2020-01-01', from: '2019-01-01', xi: 0 })).toThrow(DixonColesError)
    try {
      fitMarket(sim.matches, { asOf: '2001-01-01', from: '2000-01-01', xi: 0 })
      expect.unreachable()
    } catch (e) {
      expect((e as DixonColesError).code).toBe('MODEL_NO_DATA')
    }
    expect(() => fitMarket(sim.matches, { ...windowOf(sim.matches), params: { w: Number.NaN } })).toThrow(
      /w must be/,
    )
  })
})

const dataDir = footballDataDir()
describe.skipIf(!dataDir)(
  `market variant on real seasons (${dataDir ? 'E0' : SHARED_DATA_SKIP_REASON})`,
  () => {
    it('inverts every Pinnacle closing price of E0 2023-24 and the implied goals match the real ones', async () => {
      const file = await readFootballDataFile(path.join(dataDir!, 'E0', 'E0_2023-24.csv'))
      const cache = newInversionCache()
      let implied = 0
      let actual = 0
      let n = 0
      for (const r of file.rows) {
        const q = r.odds.find((o) => o.bookmaker === 'PS' && o.kind === 'closing')
        if (!q || r.homeGoals === null || r.awayGoals === null) continue
        const market = removeMargin([q.home, q.draw, q.away], 'multiplicative').probabilities
        const m: VariantMatch = {
          date: r.date,
          home: r.home,
          away: r.away,
          homeGoals: 0,
          awayGoals: 0,
          market,
        }
        const rates = marketRates(m, -0.05, cache)
        expect(rates).not.toBeNull()
        implied += rates![0] + rates![1]
        actual += r.homeGoals + r.awayGoals
        n++
      }
      expect(n).toBeGreaterThan(370)
      // 2023-24 had 3.28 goals a game; Pinnacle's closing 1X2 implies a similar total under Dixon-Coles.
      expect(Math.abs(implied / n - actual / n)).toBeLessThan(0.35)
    })
  },
)
