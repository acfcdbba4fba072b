import { describe, expect, it } from 'vitest'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../../test/support/sharedData'
import { dateOfDayNumber, dayNumberOf, fitDixonColes, toMatchArrays } from '../../dixonColes'
import {
  doubleRoundRobin,
  mulberry32,
  normal,
  randomTeams,
  simulateLeague,
} from '../../simulate/simulateLeague'
import { ctxOf as contextOf, expectCode, medianMs, poissonDraw, readSeasons } from '../common/testing'
import type { VariantFitContext, VariantMatch } from '../types'
import { dynamicVariant, fitDynamic } from '.'
import { hashMatch } from './filter'

const dataDir = footballDataDir()

/** ξ = 0.0019 unless `extra` says otherwise (the filter ignores it; the contract still carries one). */
const ctxOf = (h: readonly VariantMatch[], extra: Partial<VariantFitContext> = {}): VariantFitContext =>
  contextOf(h, { xi: 0.0019, ...extra })

/** A league whose attack and defence follow random walks with variance q per day (the filter's own model). */
function simulateDrifting(q: number, seasons: number, seed: number) {
  const rng = mulberry32(seed)
  const teams = randomTeams(20, seed + 1)
  const rounds = doubleRoundRobin(20)
  const start = dayNumberOf('2016-08-06')
  const matches: VariantMatch[] = []
  let last = start
  for (let s = 0; s < seasons; s++) {
    rounds.forEach((round, r) => {
      const day = start + 365 * s + Math.round((r * 280) / (rounds.length - 1))
      const sd = Math.sqrt(q * (day - last))
      last = day
      for (const t of teams) {
        t.attack += sd * normal(rng)
        t.defence += sd * normal(rng)
      }
      for (const [h, a] of round) {
        const lam = Math.exp(0.25 + teams[h].attack + teams[a].defence)
        const mu = Math.exp(teams[a].attack + teams[h].defence)
        matches.push({
          date: dateOfDayNumber(day),
          home: teams[h].name,
          away: teams[a].name,
          homeGoals: poissonDraw(rng, lam, 50),
          awayGoals: poissonDraw(rng, mu, 50),
        })
      }
    })
  }
  return { matches, teams }
}

const centred = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length
  return v.map((x) => x - m)
}
const rmse = (a: number[], b: number[]) => Math.sqrt(a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0) / a.length)

describe('dynamic variant: warm start', () => {
  const { matches } = simulateDrifting(5e-5, 2, 3)

  it('continuing from a fit on a prefix gives exactly the fit from scratch', () => {
    const prefix = matches.slice(0, 500)
    const prev = fitDynamic(prefix, ctxOf(prefix))
    const scratch = fitDynamic(matches, ctxOf(matches))
    const warm = fitDynamic(matches, ctxOf(matches, { previous: prev }))
    expect(warm.filteredNow).toBe(matches.length - 500)
    expect(scratch.filteredNow).toBe(matches.length)
    expect(warm.state).toEqual(scratch.state)
    expect(warm.rho).toBe(scratch.rho)
    // the previous fit was not mutated
    expect(prev.state.processed).toBe(500)
  })

  it('refilters from scratch when the previous fit is not a prefix (changed result, other parameters)', () => {
    const prefix = matches.slice(0, 500)
    const prev = fitDynamic(prefix, ctxOf(prefix))
    const edited = matches.map((m, i) => (i === 10 ? { ...m, homeGoals: m.homeGoals + 1 } : m))
    expect(fitDynamic(edited, ctxOf(edited, { previous: prev })).filteredNow).toBe(edited.length)
    const other = fitDynamic(matches, ctxOf(matches, { previous: prev, params: { processVariance: 1e-4 } }))
    expect(other.filteredNow).toBe(matches.length)
  })
})

describe('dynamic variant: recovery and limits', () => {
  it('tracks drifting strengths better than a static fit (true final ratings, q = 1e-4 per day, 3 seasons)', () => {
    const { matches, teams } = simulateDrifting(1e-4, 3, 7)
    const fit = fitDynamic(matches, ctxOf(matches, { params: { processVariance: 1e-4 } }))
    const stat = fitDixonColes(toMatchArrays(matches), { model: 'poisson' })
    const truth = centred(teams.map((t) => t.attack))
    const dyn = centred(teams.map((t) => fit.state.teams.find((x) => x.name === t.name)!.attack))
    const st = centred(teams.map((t) => stat.teams.find((x) => x.name === t.name)!.attack))
    expect(rmse(dyn, truth)).toBeLessThan(rmse(st, truth))
    expect(rmse(dyn, truth)).toBeLessThan(0.12)
    expect(Math.abs(fit.state.homeAdvantage - 0.25)).toBeLessThan(0.06)
  })

  it('tiny process variance ≈ the static Poisson fit; huge variance chases the latest results', () => {
    const teams = randomTeams(20, 5)
    const matches = simulateLeague({ teams, homeAdvantage: 0.25, rho: 0, seasons: 3, seed: 8 })
    const stat = fitDixonColes(toMatchArrays(matches), { model: 'poisson' })
    const tiny = fitDynamic(
      matches,
      ctxOf(matches, { params: { processVariance: 1e-12, initialVariance: 1 } }),
    )
    const huge = fitDynamic(
      matches,
      ctxOf(matches, { params: { processVariance: 0.05, initialVariance: 1 } }),
    )
    const names = teams.map((t) => t.name)
    const att = (f: typeof tiny) => centred(names.map((n) => f.state.teams.find((t) => t.name === n)!.attack))
    const st = centred(names.map((n) => stat.teams.find((t) => t.name === n)!.attack))
    expect(rmse(att(tiny), st)).toBeLessThan(0.03)
    expect(Math.abs(tiny.state.homeAdvantage - stat.homeAdvantage)).toBeLessThan(0.02)
    const spread = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length)
    expect(spread(att(huge))).toBeGreaterThan(1.5 * spread(att(tiny)))
    expect(tiny.state.predictiveLogLik).toBeGreaterThan(huge.state.predictiveLogLik)
  })

  it('estimates ρ from the one-step forecasts (Dixon-Coles simulation, ρ = −0.12, 6 seasons)', () => {
    const teams = randomTeams(20, 21)
    const matches = simulateLeague({ teams, homeAdvantage: 0.25, rho: -0.12, seasons: 6, seed: 4 })
    const fit = fitDynamic(matches, ctxOf(matches, { params: { processVariance: 1e-6 } }))
    expect(Math.abs(fit.rho + 0.12)).toBeLessThan(0.06)
  })
})

describe('dynamic variant: forecasts and errors', () => {
  const { matches, teams } = simulateDrifting(5e-5, 1, 12)

  it('predicts valid probabilities summing to 1; null for an unknown team; JSON summary', () => {
    const fit = fitDynamic(matches, ctxOf(matches))
    for (let i = 1; i < 20; i++) {
      const f = dynamicVariant.predict(fit, { date: '2030-01-01', home: teams[0].name, away: teams[i].name })!
      expect(Math.abs(f.probabilities.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-9)
      for (const p of f.probabilities) expect(p).toBeGreaterThan(0)
      expect(Math.abs(f.matrix.flat().reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12)
    }
    expect(
      dynamicVariant.predict(fit, { date: '2030-01-01', home: 'Nobody', away: teams[0].name }),
    ).toBeNull()
    const terms = dynamicVariant.explain!(fit, {
      date: '2030-01-01',
      home: teams[0].name,
      away: teams[1].name,
    })!
    const f = dynamicVariant.predict(fit, { date: '2030-01-01', home: teams[0].name, away: teams[1].name })!
    expect(Math.exp(terms.lambda.reduce((s, t) => s + t.value, 0))).toBeCloseTo(f.lambda, 12)
    const s = dynamicVariant.summary(fit)
    expect(JSON.parse(JSON.stringify(s))).toEqual(s)
  })

  it('MODEL_NO_DATA without matches in the window, MODEL_BAD_INPUT out of date order or bad parameters', () => {
    expectCode(() => fitDynamic([], { asOf: '2020-01-01', from: '2019-01-01', xi: 0 }), 'MODEL_NO_DATA')
    expectCode(() => fitDynamic(matches, { asOf: '2001-01-01', from: '2000-01-01', xi: 0 }), 'MODEL_NO_DATA')
    expectCode(() => fitDynamic([...matches].reverse(), ctxOf(matches)), 'MODEL_BAD_INPUT')
    expectCode(
      () => fitDynamic(matches, ctxOf(matches, { params: { processVariance: -1 } })),
      'MODEL_BAD_INPUT',
    )
  })
})

describe.skipIf(!dataDir)(`dynamic variant on real data ${dataDir ? '' : SHARED_DATA_SKIP_REASON}`, () => {
  it('E0 2021-22..2023-24: filters 1140 matches; reports the time', async () => {
    const history = await readSeasons(dataDir as string, ['E0'], ['2021-22', '2022-23', '2023-24'])
    const fit = fitDynamic(history, ctxOf(history))
    expect(fit.nMatches).toBe(1140)
    expect(fit.state.homeAdvantage).toBeGreaterThan(0)
    expect(fit.state.homeAdvantage).toBeLessThan(0.5)
    const city = fit.state.teams.find((t) => t.name === 'Man City')!
    const median = [...fit.state.teams.map((t) => t.attack)].sort((a, b) => a - b)[12]
    expect(city.attack).toBeGreaterThan(median)
    const ms = medianMs(() => fitDynamic(history, ctxOf(history)), 5)
    console.log(`dynamic: E0 3 seasons filter ${ms.toFixed(1)} ms (median of 5), rho=${fit.rho.toFixed(4)}`)
    expect(ms).toBeLessThan(200)
  })
})

describe('dynamic fitInfo', () => {
  it('reports the matches filtered and the teams rated', () => {
    const { matches } = simulateDrifting(5e-5, 1, 13)
    expect(dynamicVariant.fitInfo!(fitDynamic(matches, ctxOf(matches)))).toMatchObject({
      nMatches: 380,
      nTeams: 20,
      iterations: 0,
      converged: true,
    })
  })
})

describe('the warm-start prefix hash', () => {
  /** FNV-1a over the UTF-16 code units of a text (the definition hashMatch follows). */
  const fnvOf = (h: number, text: string) => {
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0
    return h
  }
  const textOf = (m: VariantMatch) =>
    `${m.date}|${m.home}|${m.away}|${m.homeGoals}|${m.awayGoals}|${m.neutral ? 1 : 0};`

  it('is FNV-1a of the match text, for one-digit and other goal counts, venues and names', () => {
    const rows: VariantMatch[] = [
      { date: '2031-08-09', home: 'Alder', away: 'Birch', homeGoals: 0, awayGoals: 9 },
      { date: '2031-08-10', home: 'Čedar Ürn', away: 'Dogwood', homeGoals: 12, awayGoals: 3, neutral: true },
      { date: '2031-08-11', home: 'Elm', away: 'Fir', homeGoals: -0, awayGoals: 1.5 },
      { date: '2031-08-12', home: 'Elm', away: 'Fir', homeGoals: Number.NaN, awayGoals: -1 },
    ]
    let h = 0x811c9dc5
    let reference = 0x811c9dc5
    for (const m of rows) {
      h = hashMatch(h, m)
      reference = fnvOf(reference, textOf(m))
      expect(h).toBe(reference)
    }
    expect(hashMatch(0x811c9dc5, rows[0])).not.toBe(hashMatch(0x811c9dc5, { ...rows[0], awayGoals: 8 }))
  })
})
