import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { fitDixonColes } from '../../model/dixonColes/fit'
import { toMatchArrays } from '../../model/dixonColes/types'
import { randomTeams, simulateLeague } from '../../model/simulate/simulateLeague'
import type { PlayedMatch } from './computeFeatures'
import {
  asOfEventTime,
  computeMatchProbabilities,
  computeTeamForm,
  computeTeamRatings,
  fingerprintMatches,
} from './computeFeatures'
import { matchProbabilitiesView, teamFormView, teamRatingsView, validateValues } from './views'

const m = (
  date: string,
  home: string,
  away: string,
  homeGoals: number,
  awayGoals: number,
  league = 'E0',
): PlayedMatch => ({
  league,
  date,
  home,
  away,
  homeGoals,
  awayGoals,
})

function simulatedLeague(league: string, seed: number) {
  const teams = randomTeams(20, seed)
  const matches = simulateLeague({
    teams,
    homeAdvantage: 0.25,
    rho: -0.08,
    seed,
    startDate: '2023-08-12',
  }).map((x) => ({ ...x, league }))
  return { matches, model: fitDixonColes(toMatchArrays(matches), { xi: 0.0019 }) }
}

describe('computeTeamForm', () => {
  const matches = [
    m('2024-01-06', 'Arsenal', 'Chelsea', 2, 0), // A W
    m('2024-01-13', 'Everton', 'Arsenal', 1, 1), // A D
    m('2024-01-20', 'Arsenal', 'Fulham', 0, 3), // A L
    m('2024-01-27', 'Chelsea', 'Arsenal', 0, 4), // A W
    m('2024-02-03', 'Arsenal', 'Everton', 1, 0), // after the as-of date
  ]

  it('counts points, goals and days up to and including the as-of date', () => {
    const rows = computeTeamForm(matches, '2024-01-30', { n: 6 })
    const arsenal = rows.find((r) => r.team === 'Arsenal')!
    expect(arsenal.values).toEqual({
      points_per_game: 7 / 4,
      goals_for_per_game: 7 / 4,
      goals_against_per_game: 4 / 4,
      days_since_last_match: 3,
      matches_in_window: 4,
    })
    expect(arsenal.eventTime).toBe(Date.UTC(2024, 0, 30))
    expect(rows.map((r) => r.team)).toEqual(['Arsenal', 'Chelsea', 'Everton', 'Fulham'])
    // a match on the as-of date counts, with 0 days since
    const onTheDay = computeTeamForm(matches, '2024-02-03').find((r) => r.team === 'Everton')!
    expect(onTheDay.values.days_since_last_match).toBe(0)
  })

  it('keeps only the last N matches', () => {
    const arsenal = computeTeamForm(matches, '2024-01-30', { n: 2 }).find((r) => r.team === 'Arsenal')!
    expect(arsenal.values).toMatchObject({
      points_per_game: 1.5,
      goals_for_per_game: 2,
      goals_against_per_game: 1.5,
      matches_in_window: 2,
    })
  })

  it('files a promoted team under the league of its latest match and counts its lower-league form', () => {
    const rows = computeTeamForm(
      [m('2023-05-01', 'Luton', 'Hull', 3, 0, 'E1'), m('2023-08-12', 'Brighton', 'Luton', 4, 1, 'E0')],
      '2023-08-20',
    )
    expect(rows.find((r) => r.team === 'Luton')).toMatchObject({
      league: 'E0',
      values: { matches_in_window: 2, points_per_game: 1.5 },
    })
    expect(rows.find((r) => r.team === 'Hull')?.league).toBe('E1')
  })

  it('rejects bad dates and windows', () => {
    expect(() => computeTeamForm(matches, '30/01/2024')).toThrow(/YYYY-MM-DD/)
    expect(() => computeTeamForm(matches, '2024-01-30', { n: 0 })).toThrow(RangeError)
  })

  it('always produces rows the team_form view accepts (property)', () => {
    const match = fc.record({
      day: fc.integer({ min: 0, max: 400 }),
      home: fc.integer({ min: 0, max: 7 }),
      away: fc.integer({ min: 0, max: 7 }),
      homeGoals: fc.integer({ min: 0, max: 9 }),
      awayGoals: fc.integer({ min: 0, max: 9 }),
    })
    fc.assert(
      fc.property(
        fc.array(match, { maxLength: 60 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 450 }),
        (raw, n, asOfDay) => {
          const date = (d: number) =>
            new Date(Date.UTC(2023, 7, 1) + d * 86_400_000).toISOString().slice(0, 10)
          const list = raw
            .filter((r) => r.home !== r.away)
            .map((r) => m(date(r.day), `T${r.home}`, `T${r.away}`, r.homeGoals, r.awayGoals))
          const rows = computeTeamForm(list, date(asOfDay), { n })
          const view = teamFormView(n)
          for (const row of rows) expect(validateValues(view, row.values)).toEqual([])
          const played = new Set(list.filter((x) => x.date <= date(asOfDay)).flatMap((x) => [x.home, x.away]))
          expect(rows.length).toBe(played.size)
        },
      ),
      { numRuns: 200 },
    )
  })
})

describe('computeTeamRatings', () => {
  it('takes attack, defence, SEs and γ from a fitted Dixon-Coles model', () => {
    const { model } = simulatedLeague('E0', 11)
    const rows = computeTeamRatings(model, 'E0')
    expect(rows).toHaveLength(20)
    const sumAttack = rows.reduce((s, r) => s + (r.values.attack as number), 0)
    expect(Math.abs(sumAttack)).toBeLessThan(1e-9)
    for (const row of rows) {
      expect(validateValues(teamRatingsView, row.values)).toEqual([])
      expect(row.values.home_advantage).toBe(model.homeAdvantage)
      expect(row.eventTime).toBe(asOfEventTime(model.asOf))
    }
    const first = model.teams[0]
    expect(rows[0]).toMatchObject({
      team: first.name,
      values: { attack: first.attack, attack_se: first.attackSe },
    })
  })

  it('carries the matches each team was rated on and, given the current league, leaves out teams that left it (#20)', () => {
    const { model } = simulatedLeague('E0', 11)
    const rows = computeTeamRatings(model, 'E0')
    expect(rows.map((r) => r.values.matches)).toEqual(model.teams.map((t) => t.matches))
    const current = new Set(model.teams.slice(0, 17).map((t) => t.name))
    const shown = computeTeamRatings(model, 'E0', current)
    expect(shown.map((r) => r.team)).toEqual(model.teams.slice(0, 17).map((t) => t.name))
    for (const row of shown) expect(validateValues(teamRatingsView, row.values)).toEqual([])
    // an empty set (no season found) hides nothing rather than everything
    expect(computeTeamRatings(model, 'E0', new Set())).toHaveLength(20)
  })

  it('leaves SEs out (not NaN) when the fit has none', () => {
    const rows = computeTeamRatings(
      {
        asOf: '2024-05-19',
        homeAdvantage: 0.2,
        teams: [{ name: 'A', attack: 0.1, defence: 0.05, attackSe: null, defenceSe: null, matches: 3 }],
      },
      'E0',
    )
    expect(validateValues(teamRatingsView, rows[0].values)).toEqual([])
  })
})

describe('computeMatchProbabilities', () => {
  it('writes λ, μ, four 1X2 triples summing to 1, over 2.5 and BTTS', () => {
    const { model } = simulatedLeague('E0', 5)
    const [home, away] = [model.teams[0].name, model.teams[1].name]
    const rows = computeMatchProbabilities(
      model,
      [
        { league: 'E0', date: '2024-08-17', home, away, market: [0.5, 0.28, 0.22] },
        { league: 'E0', date: '2024-08-17', home: away, away: home },
      ],
      {
        modelVersion: '12',
        blend: (p, q) => [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2, (p[2] + q[2]) / 2],
        calibrate: (t) => t,
      },
    )
    for (const row of rows) {
      expect(validateValues(matchProbabilitiesView, row.values)).toEqual([])
      const v = row.values as Record<string, number>
      for (const k of ['model', 'blend', 'calibrated']) {
        expect(Math.abs(v[`p_home_${k}`] + v[`p_draw_${k}`] + v[`p_away_${k}`] - 1)).toBeLessThan(1e-9)
      }
    }
    const [withOdds, withoutOdds] = rows.map((r) => r.values as Record<string, number>)
    expect(withOdds.p_home_blend).toBeCloseTo((withOdds.p_home_model + 0.5) / 2, 12)
    expect(withoutOdds.p_home_market).toBeUndefined()
    expect(withoutOdds.p_home_blend).toBe(withoutOdds.p_home_model)
    expect(withOdds.model_version).toBe('12')
  })
})

describe('fingerprintMatches', () => {
  it('does not depend on order and changes with any score', () => {
    const a = [m('2024-01-06', 'A', 'B', 1, 0), m('2024-01-07', 'C', 'D', 2, 2)]
    expect(fingerprintMatches(a)).toBe(fingerprintMatches([...a].reverse()))
    expect(fingerprintMatches(a)).not.toBe(fingerprintMatches([a[0], { ...a[1], awayGoals: 3 }]))
    expect(fingerprintMatches(a)).toMatch(/^sha256:[0-9a-f]{16}$/)
  })
})
