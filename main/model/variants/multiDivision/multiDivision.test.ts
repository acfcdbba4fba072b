import { describe, expect, it } from 'vitest'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../../test/support/sharedData'
import { DixonColesError, fitDixonColes, predictFixture, scoreMatrix, toMatchArrays } from '../../dixonColes'
import { randomTeams, simulateLeague, type SimTeam } from '../../simulate/simulateLeague'
import {
  byDate,
  ctxOf,
  expectCode,
  expectGradient,
  expectSameRatings,
  medianMs,
  readSeasons,
  simulateScores,
  timeMs,
} from '../common/testing'
import type { VariantMatch } from '../types'
import { fitMultiDivision, multiDivisionVariant } from '.'
import { buildDivisionData } from './data'
import { buildPrior, mdLogPosterior, mdParameterCount } from './likelihood'

const dataDir = footballDataDir()

/** Two divisions on one rating scale, D1 matches with offset δ, three up and three down after every season. */
function simulateTwoDivisions(seasons: number, offset: number, seed: number) {
  const top = randomTeams(20, seed, { prefix: 'Top ' })
  const low = randomTeams(20, seed + 1, { prefix: 'Low ' }).map((t) => ({
    ...t,
    attack: t.attack - 0.3,
    defence: t.defence + 0.3,
  }))
  let d0: SimTeam[] = top
  let d1: SimTeam[] = low
  const matches: VariantMatch[] = []
  const strength = (t: SimTeam) => t.attack - t.defence
  for (let s = 0; s < seasons; s++) {
    const startDate = `${2015 + s}-08-08`
    const rho = -0.1
    matches.push(
      ...simulateScores({
        teams: d0,
        homeAdvantage: 0.25,
        matrixOf: (l, m) => scoreMatrix(l, m, rho),
        seasons: 1,
        seed: seed * 100 + s,
        startDate,
        league: 'D0',
      }),
      ...simulateScores({
        teams: d1.map((t) => ({ ...t, defence: t.defence + offset })), // + δ on both λ and μ
        homeAdvantage: 0.25,
        matrixOf: (l, m) => scoreMatrix(l, m, rho),
        seasons: 1,
        seed: seed * 100 + 50 + s,
        startDate,
        league: 'D1',
      }),
    )
    const down = [...d0].sort((a, b) => strength(a) - strength(b)).slice(0, 3)
    const up = [...d1].sort((a, b) => strength(b) - strength(a)).slice(0, 3)
    d0 = [...d0.filter((t) => !down.includes(t)), ...up]
    d1 = [...d1.filter((t) => !up.includes(t)), ...down]
  }
  matches.sort(byDate)
  return { matches, teams: [...top, ...low] }
}

describe('multi-division likelihood', () => {
  it('has an exact gradient, prior and division offset included (central finite differences)', () => {
    const { matches } = simulateTwoDivisions(2, 0.1, 3)
    const h = [
      ...matches.slice(0, 700),
      { date: '2017-06-01', home: 'Top 01', away: 'Fresh FC', homeGoals: 2, awayGoals: 0, league: 'D1' },
    ]
    const s = buildDivisionData(h, ctxOf(h, { xi: 0.002 }))
    const prior = buildPrior(s, 3, 10)
    expect(prior.weight.some((w) => w > 0)).toBe(true)
    const P = mdParameterCount(s.nTeams, s.divisions.length)
    const theta = new Float64Array(P)
    for (let i = 0; i < P; i++) theta[i] = 0.1 * Math.sin(3 * i + 1)
    theta[2 * s.nTeams + 1] = -0.05
    const grad = new Float64Array(P)
    mdLogPosterior(s, prior, theta, grad)
    expectGradient((t) => mdLogPosterior(s, prior, t, null), theta, grad, { step: 1e-6, tolerance: 1e-5 })
  })
})

describe('fitMultiDivision', () => {
  it('with one division is the engine’s Dixon-Coles fit to 1e-6', () => {
    const teams = randomTeams(20, 8)
    const h: VariantMatch[] = simulateLeague({
      teams,
      homeAdvantage: 0.27,
      rho: -0.1,
      seasons: 3,
      seed: 2,
    }).map((m) => ({ ...m, league: 'E0' }))
    const ctx = ctxOf(h, { xi: 0.0019, params: { tolerance: 1e-9 } })
    const fit = fitMultiDivision(h, ctx)
    const dc = fitDixonColes(toMatchArrays(h), { asOf: ctx.asOf, from: ctx.from, xi: ctx.xi })
    expect(fit.divisions.map((d) => d.code)).toEqual(['E0'])
    expect(fit.logPrior).toBe(0)
    expect(Math.abs(fit.rho - dc.rho)).toBeLessThan(1e-6)
    expect(Math.abs(fit.homeAdvantage - dc.homeAdvantage)).toBeLessThan(1e-6)
    expectSameRatings(fit.teams, dc.teams, 1e-6)
    expect(fit.logLikelihood).toBeCloseTo(dc.logLikelihood, 6)
    const f = multiDivisionVariant.predict(fit, {
      date: '2030-01-01',
      home: teams[0].name,
      away: teams[1].name,
    })!
    const p = predictFixture(dc, teams[0].name, teams[1].name)
    expect(Math.abs(f.probabilities[0] - p.pHome)).toBeLessThan(1e-6)
    expect(Math.abs(f.probabilities[2] - p.pAway)).toBeLessThan(1e-6)
  })

  it('recovers the division offset, home advantage and ratings across promotions (6 seasons, δ = 0.12)', () => {
    const { matches, teams } = simulateTwoDivisions(6, 0.12, 5)
    const fit = fitMultiDivision(matches, ctxOf(matches))
    expect(fit.converged).toBe(true)
    expect(fit.referenceDivision).toBe('D0')
    const d1 = fit.divisions.find((d) => d.code === 'D1')!
    expect(Math.abs(d1.offset - 0.12)).toBeLessThan(0.07)
    expect(Math.abs(fit.homeAdvantage - 0.25)).toBeLessThan(0.05)
    expect(Math.abs(fit.rho + 0.1)).toBeLessThan(0.05)
    // Ratings on one scale: compare after removing the mean attack (the fit's Σα = 0).
    const meanTrue = teams.reduce((s, t) => s + t.attack, 0) / teams.length
    let worst = 0
    for (const t of teams) {
      const r = fit.teams.find((x) => x.name === t.name)!
      worst = Math.max(
        worst,
        Math.abs(r.attack - (t.attack - meanTrue)),
        Math.abs(r.defence - (t.defence + meanTrue)),
      )
    }
    expect(worst).toBeLessThan(0.3)
    // The newcomers of D0 are the teams promoted from D1 in the window.
    const d0 = fit.divisions.find((d) => d.code === 'D0')!
    expect(d0.newcomers.length).toBeGreaterThanOrEqual(3)
    expect(
      d0.newcomers.every((n) => matches.some((m) => m.league === 'D1' && (m.home === n || m.away === n))),
    ).toBe(true)
  })

  it('gives a newcomer that has not scored a finite rating near its division’s newcomer mean, and forecasts a team with no history', () => {
    const { matches } = simulateTwoDivisions(2, 0.1, 7)
    const last = matches[matches.length - 1].date
    const h = [
      ...matches,
      { date: last, home: 'Fresh FC', away: 'Top 05', homeGoals: 0, awayGoals: 2, league: 'D0' },
    ].sort(byDate)
    // The engine's plain MLE refuses it (never scored); the prior makes the MAP estimate exist.
    expect(() => fitDixonColes(toMatchArrays(h), { shrinkage: false })).toThrow(DixonColesError)
    const fit = fitMultiDivision(h, ctxOf(h))
    expect(fit.converged).toBe(true)
    const fresh = fit.teams.find((t) => t.name === 'Fresh FC')!
    const d0 = fit.divisions.find((d) => d.code === 'D0')!
    expect(fresh.priorWeight).toBeGreaterThan(0)
    expect(Number.isFinite(fresh.attack)).toBe(true)
    expect(Math.abs(fresh.attack - d0.newcomerAttack)).toBeLessThan(0.6)
    expect(fresh.attack).toBeLessThan(d0.newcomerAttack)
    const f = multiDivisionVariant.predict(fit, {
      date: '2030-01-01',
      home: 'Nobody United',
      away: 'Top 02',
      league: 'D0',
    })!
    expect(f).not.toBeNull()
    const terms = multiDivisionVariant.explain!(fit, {
      date: '2030-01-01',
      home: 'Nobody United',
      away: 'Top 02',
      league: 'D0',
    })!
    expect(terms.lambda.find((t) => t.name === 'home attack (newcomer prior)')!.value).toBeCloseTo(
      d0.newcomerAttack,
      12,
    )
    expect(
      multiDivisionVariant.predict(fit, { date: '2030-01-01', home: 'Top 01', away: 'Top 02', league: 'X9' }),
    ).toBeNull()
  })

  it('forecasts valid probabilities summing to 1; a division’s offset moves both rates', () => {
    const { matches } = simulateTwoDivisions(2, 0.1, 9)
    const fit = fitMultiDivision(matches, ctxOf(matches))
    const a = multiDivisionVariant.predict(fit, {
      date: '2030-01-01',
      home: 'Low 03',
      away: 'Low 04',
      league: 'D1',
    })!
    const b = multiDivisionVariant.predict(fit, {
      date: '2030-01-01',
      home: 'Low 03',
      away: 'Low 04',
      league: 'D0',
    })!
    const off = fit.divisions.find((d) => d.code === 'D1')!.offset
    expect(a.lambda / b.lambda).toBeCloseTo(Math.exp(off), 12)
    expect(a.mu / b.mu).toBeCloseTo(Math.exp(off), 12)
    for (const f of [a, b]) {
      expect(Math.abs(f.probabilities.reduce((x, y) => x + y, 0) - 1)).toBeLessThan(1e-9)
      expect(Math.abs(f.matrix.flat().reduce((x, y) => x + y, 0) - 1)).toBeLessThan(1e-12)
      for (const p of f.probabilities) expect(p).toBeGreaterThan(0)
    }
    const s = multiDivisionVariant.summary(fit)
    expect(JSON.parse(JSON.stringify(s))).toEqual(s)
  })

  it('refuses no data (MODEL_NO_DATA) and divisions that never meet (MODEL_DEGENERATE)', () => {
    expectCode(() => fitMultiDivision([], { asOf: '2020-01-01', from: '2019-01-01', xi: 0 }), 'MODEL_NO_DATA')
    const a = simulateLeague({
      teams: randomTeams(10, 1, { prefix: 'A ' }),
      homeAdvantage: 0.2,
      rho: 0,
      seed: 1,
    })
    const b = simulateLeague({
      teams: randomTeams(10, 2, { prefix: 'B ' }),
      homeAdvantage: 0.2,
      rho: 0,
      seed: 2,
    })
    const both = [...a.map((m) => ({ ...m, league: 'A' })), ...b.map((m) => ({ ...m, league: 'B' }))].sort(
      byDate,
    )
    const e = expectCode(() => fitMultiDivision(both, ctxOf(both)), 'MODEL_DEGENERATE')
    expect((e.details.components as string[][]).length).toBe(2)
  })
})

describe.skipIf(!dataDir)(`multi-division on real data ${dataDir ? '' : SHARED_DATA_SKIP_REASON}`, () => {
  it('E0 + E1 2021-22..2023-24 (ξ = 0.0019): E1 offset, promoted teams rated from their E1 matches; fit time', async () => {
    const history = await readSeasons(dataDir as string, ['E0', 'E1'], ['2021-22', '2022-23', '2023-24'], {
      tagLeague: true,
    })
    const ctx = ctxOf(history, { xi: 0.0019 })
    const fit = fitMultiDivision(history, ctx)
    expect(fit.converged).toBe(true)
    expect(fit.referenceDivision).toBe('E0')
    // Sheffield United and Luton came up from the Championship for 2023-24 (first match in the window in E1):
    // newcomers of E0. Burnley went down and came back, so its window starts in E0 and it is not one.
    const e0 = fit.divisions.find((d) => d.code === 'E0')!
    for (const t of ['Sheffield United', 'Luton']) expect(e0.newcomers).toContain(t)
    expect(e0.newcomers).not.toContain('Burnley')
    const city = fit.teams.find((t) => t.name === 'Man City')!
    const luton = fit.teams.find((t) => t.name === 'Luton')!
    expect(city.attack - city.defence).toBeGreaterThan(luton.attack - luton.defence)
    const median = medianMs(() => fitMultiDivision(history, ctx), 3)
    const warm = timeMs(() => fitMultiDivision(history, { ...ctx, previous: fit }))
    console.log(
      `multi-division: E0+E1 3 seasons (${fit.nMatches} matches) fit ${median.toFixed(1)} ms cold, ${warm.toFixed(1)} ms warm-started, ` +
        `E1 offset ${fit.divisions.find((d) => d.code === 'E1')!.offset.toFixed(4)}, ${fit.iterations} iterations`,
    )
    expect(median).toBeLessThan(1000)
  })
})

describe('multi-division fitInfo', () => {
  it('reports the fit size and convergence for the walk-forward’s refit records', () => {
    const { matches } = simulateTwoDivisions(2, 0.1, 4)
    const fit = fitMultiDivision(matches, ctxOf(matches))
    expect(multiDivisionVariant.fitInfo!(fit)).toMatchObject({
      nMatches: matches.length,
      nTeams: 40,
      converged: true,
      iterations: fit.iterations,
    })
  })
})
