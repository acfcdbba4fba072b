/**
 * The simulated fixtures to come are priced from the same true team strengths the simulated seasons were
 * drawn with, so the market (margin removed) sits within a few points of the truth, and a model fitted on
 * the simulated seasons agrees with both about as well as a real model agrees with a real market.
 */
import { describe, expect, it } from 'vitest'
import { fitDixonColes, predictFixture, toMatchArrays, type MatchInput } from '../../../model/dixonColes'
import { removeMargin, removeMarginN } from '../../../model/market'
import {
  FIXTURES_HEADER,
  simulatedFixtureLeagues,
  simulatedFixtures,
  simulatedFixturesCsv,
} from './simulatedFixturesCsv'
import { promotionSeasons, simulatedSeasonCsv, simulatedSeasonParameters } from './simulatedSeasonCsv'

const leagues = simulatedFixtureLeagues()
const opts = { leagues, count: 20, startDate: '2033-08-13' }
const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length

/** Rows of the fixtures file by header name (the invented club names hold no comma or quote). */
function rows(csv: string): Record<string, string>[] {
  const [head, ...lines] = csv.trim().split('\n')
  const names = head.split(',')
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])))
}

/** The played matches of a simulated season file. */
function played(csv: string): MatchInput[] {
  return rows(csv).map((r) => ({
    date: `${r.Date.slice(6, 10)}-${r.Date.slice(3, 5)}-${r.Date.slice(0, 2)}`,
    home: r.HomeTeam,
    away: r.AwayTeam,
    homeGoals: Number(r.FTHG),
    awayGoals: Number(r.FTAG),
  }))
}

const priceTriple = (r: Record<string, string>, book: string): [number, number, number] => [
  Number(r[`${book}H`]),
  Number(r[`${book}D`]),
  Number(r[`${book}A`]),
]

describe('simulatedFixturesCsv', () => {
  const csv = simulatedFixturesCsv(opts)
  const fixtures = simulatedFixtures(opts)
  const file = rows(csv)

  it('writes one row per fixture, in kick-off order, for the teams of the last simulated seasons', () => {
    expect(csv.split('\n')[0]).toBe(FIXTURES_HEADER)
    expect(file).toHaveLength(20)
    expect(file.map((r) => `${r.HomeTeam} v ${r.AwayTeam}`)).toEqual(
      fixtures.map((f) => `${f.home} v ${f.away}`),
    )
    for (const l of leagues) {
      const mine = file.filter((r) => r.Div === l.league)
      expect(mine).toHaveLength(10)
      for (const r of mine) expect(l.teams).toContain(r.HomeTeam)
    }
    // the same options give the same file; drift moves the prices, not the fixtures
    expect(simulatedFixturesCsv(opts)).toBe(csv)
    const later = rows(simulatedFixturesCsv({ ...opts, drift: 0.08 }))
    expect(later.map((r) => r.HomeTeam)).toEqual(file.map((r) => r.HomeTeam))
    expect(later.map((r) => r.PSH)).not.toEqual(file.map((r) => r.PSH))
  })

  it('prices come from the true strengths the seasons were simulated with, with realistic margins', () => {
    for (const l of leagues) {
      const truth = simulatedSeasonParameters(l.season!)
      for (const f of fixtures.filter((x) => x.league === l.league)) {
        const h = truth.teams.find((t) => t.name === f.home)!
        const a = truth.teams.find((t) => t.name === f.away)!
        expect(f.lambda).toBeCloseTo(Math.exp(truth.homeAdvantage + h.attack + a.defence), 12)
        expect(f.mu).toBeCloseTo(Math.exp(a.attack + h.defence), 12)
      }
    }
    const overround = (book: string) =>
      mean(file.map((r) => priceTriple(r, book).reduce((s, p) => s + 1 / p, 0)))
    expect(overround('PS')).toBeGreaterThan(1.015)
    expect(overround('PS')).toBeLessThan(1.035)
    expect(overround('B365')).toBeGreaterThan(1.04)
    expect(overround('B365')).toBeLessThan(1.06)
    expect(overround('Max')).toBeLessThan(overround('PS'))
  })

  it("the market's margin-free probabilities are within a few points of the true ones", () => {
    const gaps = file.flatMap((r, i) => {
      const market = removeMargin(priceTriple(r, 'PS'), 'shin').probabilities
      return market.map((p, j) => Math.abs(p - fixtures[i].probabilities[j]))
    })
    expect(Math.max(...gaps)).toBeLessThan(0.04)
    expect(mean(gaps)).toBeLessThan(0.015)
    // over/under 2.5 likewise, at the quoted Asian-handicap line the home cover is near even
    for (const [i, r] of file.entries()) {
      const over = removeMarginN([Number(r['P>2.5']), Number(r['P<2.5'])], 'multiplicative').probabilities[0]
      expect(Math.abs(over - fixtures[i].overUnder25[0])).toBeLessThan(0.04)
      expect(Number(r.AHh)).toBe(fixtures[i].ahLine)
      expect(Math.abs(fixtures[i].asianHandicap[0] - 0.5)).toBeLessThan(0.15)
    }
  })

  it('a model fitted on the simulated season is close to the truth and the market on average', () => {
    // the second division: one season, the strengths its fixtures are priced from
    const e1 = promotionSeasons().find((s) => s.league === 'E1')!
    const model = fitDixonColes(toMatchArrays(played(simulatedSeasonCsv(e1))), { xi: 0.0019 })
    const e1Rows = file.map((r, i) => ({ r, f: fixtures[i] })).filter((x) => x.f.league === 'E1')
    const toTruth: number[] = []
    const toMarket: number[] = []
    for (const { r, f } of e1Rows) {
      const p = predictFixture(model, f.home, f.away)
      const m = [p.pHome, p.pDraw, p.pAway]
      const market = removeMargin(priceTriple(r, 'PS'), 'shin').probabilities
      for (let j = 0; j < 3; j++) {
        toTruth.push(Math.abs(m[j] - f.probabilities[j]))
        toMarket.push(Math.abs(m[j] - market[j]))
      }
    }
    expect(mean(toTruth)).toBeLessThan(0.05)
    expect(mean(toMarket)).toBeLessThan(0.05)
    expect(Math.max(...toMarket)).toBeLessThan(0.15)
  })
})

describe('simulated clubs that keep their strength from season to season (persistentClubs)', () => {
  const persistent = simulatedFixtureLeagues(7, { persistentClubs: true })
  const popts = { leagues: persistent, count: 20, startDate: '2033-08-13' }
  const fixtures = simulatedFixtures(popts)
  const file = rows(simulatedFixturesCsv(popts))

  it('the default seasons are unchanged; with persistent clubs a club is the same club in every season', () => {
    const seasons = promotionSeasons(7, { persistentClubs: true })
    expect(promotionSeasons(7).every((s) => s.clubSeed === undefined)).toBe(true)
    const strength = (season: (typeof seasons)[number], name: string) =>
      simulatedSeasonParameters(season).teams.find((t) => t.name === name)!
    const [first, , last] = seasons.filter((s) => s.league === 'E0')
    const club = first.teams.find((t) => last.teams.includes(t))!
    expect(Math.abs(strength(first, club).attack - strength(last, club).attack)).toBeLessThan(0.25)
  })

  it('a model fitted on all three top-division seasons is close to the truth and the market on average', () => {
    const e0 = promotionSeasons(7, { persistentClubs: true }).filter((s) => s.league === 'E0')
    const model = fitDixonColes(toMatchArrays(e0.flatMap((s) => played(simulatedSeasonCsv(s)))), {
      xi: 0.0019,
    })
    const toTruth: number[] = []
    const toMarket: number[] = []
    for (const [i, r] of file.entries()) {
      const f = fixtures[i]
      if (f.league !== 'E0') continue
      const p = predictFixture(model, f.home, f.away)
      const market = removeMargin(priceTriple(r, 'PS'), 'shin').probabilities
      ;[p.pHome, p.pDraw, p.pAway].forEach((x, j) => {
        toTruth.push(Math.abs(x - f.probabilities[j]))
        toMarket.push(Math.abs(x - market[j]))
      })
    }
    // (with clubs redrawn every season the same fit is 6 points off the truth on average, 25 at most)
    expect(mean(toTruth)).toBeLessThan(0.035)
    expect(mean(toMarket)).toBeLessThan(0.035)
    expect(Math.max(...toMarket)).toBeLessThan(0.1)
  })
})
