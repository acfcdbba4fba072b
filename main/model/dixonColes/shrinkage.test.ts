import { describe, expect, it } from 'vitest'
import { randomTeams, simulateLeague } from '../simulate/simulateLeague'
import { DixonColesError } from './errors'
import { fitDixonColes } from './fit'
import { standardErrorsAt } from './standardErrors'
import { toMatchArrays, type FittedModel, type MatchInput } from './types'

/**
 * #20: a team with 2 matches in the window (just promoted) used to get a full rating and show as the league's
 * best defence. The fit now shrinks teams with few matches toward the promoted-team prior; teams with 20 or
 * more matches are untouched.
 */
const teams = randomTeams(20, 7)
const league = simulateLeague({ teams, homeAdvantage: 0.27, rho: -0.11, seasons: 3, seed: 42 })
const last = league[league.length - 1].date
// the newcomer's two matches, on the last day, against the two best attacks
const attacks = [...teams].sort((a, b) => b.attack - a.attack)
const newcomer = (conceded: [number, number]): MatchInput[] => [
  { date: last, home: 'Newcomer FC', away: attacks[0].name, homeGoals: 1, awayGoals: conceded[0] },
  { date: last, home: attacks[1].name, away: 'Newcomer FC', homeGoals: conceded[1], awayGoals: 1 },
]
const rating = (m: FittedModel, name: string) => m.teams.find((t) => t.name === name)!
const bestDefence = (m: FittedModel) => [...m.teams].sort((a, b) => a.defence - b.defence)[0].name

describe('teams with few matches are shrunk toward the promoted-team prior', () => {
  it('a team with 2 matches is no longer the best defence', () => {
    const data = toMatchArrays([...league, ...newcomer([0, 1])])
    const plain = fitDixonColes(data, { xi: 0.0019, shrinkage: false })
    expect(bestDefence(plain)).toBe('Newcomer FC') // what the analyst saw
    const shrunk = fitDixonColes(data, { xi: 0.0019 })
    expect(shrunk.converged).toBe(true)
    expect(bestDefence(shrunk)).not.toBe('Newcomer FC')
    const n = rating(shrunk, 'Newcomer FC')
    expect(n.matches).toBe(2)
    // toward the promoted-team prior (a below-average side), with a standard error
    expect(shrunk.shrinkage?.teams).toEqual([
      { name: 'Newcomer FC', matches: 2, weight: expect.closeTo(3.24, 9) },
    ])
    expect(n.defence).toBeGreaterThan(rating(plain, 'Newcomer FC').defence)
    expect(n.defenceSe).toEqual(expect.any(Number))
    expect(n.attackSe).toEqual(expect.any(Number))
    expect(shrunk.warnings.join(' ')).toMatch(
      /1 team\(s\) with few matches shrunk toward the promoted-team prior/,
    )
    // the reported log-likelihood is the data's (the prior is not in it)
    expect(shrunk.logLikelihood).toBeLessThanOrEqual(plain.logLikelihood + 1e-9)
  })

  it('leaves well-observed teams essentially unchanged', () => {
    const data = toMatchArrays([...league, ...newcomer([0, 1])])
    const plain = fitDixonColes(data, { xi: 0.0019, shrinkage: false })
    const shrunk = fitDixonColes(data, { xi: 0.0019 })
    // expected goals between any two established teams move by less than 2 % (the ratings themselves shift by
    // a common constant when the newcomer's attack moves: Σα = 0 identifies them)
    const goals = (m: FittedModel, h: string, a: string) =>
      Math.exp(m.homeAdvantage + rating(m, h).attack + rating(m, a).defence)
    for (const h of teams)
      for (const a of teams) {
        if (h === a) continue
        expect(Math.abs(goals(shrunk, h.name, a.name) / goals(plain, h.name, a.name) - 1)).toBeLessThan(0.02)
      }
    // and a league where everyone has 20+ matches is fitted exactly as before
    const full = toMatchArrays(league)
    expect(fitDixonColes(full, { xi: 0.0019 })).toEqual(fitDixonColes(full, { xi: 0.0019, shrinkage: false }))
  })

  it('rates a newcomer that has not conceded yet (no maximum-likelihood rating exists) instead of refusing', () => {
    const data = toMatchArrays([...league, ...newcomer([0, 0])])
    expect(() => fitDixonColes(data, { shrinkage: false })).toThrow(DixonColesError)
    const m = fitDixonColes(data)
    expect(m.converged).toBe(true)
    const n = rating(m, 'Newcomer FC')
    expect(Number.isFinite(n.defence)).toBe(true)
    // two clean sheets against the two best attacks still say "good defence", but with a wide error
    expect(n.defenceSe as number).toBeGreaterThan(3 * (rating(m, teams[0].name).defenceSe as number))
  })

  it('still recovers the simulator’s known parameters within 4 standard errors', () => {
    const m = fitDixonColes(toMatchArrays([...league, ...newcomer([0, 1])]))
    for (const t of teams) {
      const r = rating(m, t.name)
      expect(Math.abs(r.attack - t.attack)).toBeLessThan(4 * (r.attackSe as number))
      expect(Math.abs(r.defence - t.defence)).toBeLessThan(4 * (r.defenceSe as number))
    }
    expect(Math.abs(m.homeAdvantage - 0.27)).toBeLessThan(4 * (m.homeAdvantageSe as number))
  })
})

describe('standardErrorsAt (the SEs every servable variant reports)', () => {
  it('equals the engine fit’s own standard errors at its optimum, the newcomer’s under the prior included', () => {
    const data = toMatchArrays([...league, ...newcomer([0, 1])])
    const fit = fitDixonColes(data, { xi: 0.0019, from: league[0].date })
    const at = standardErrorsAt(data, { asOf: fit.asOf, from: league[0].date, xi: 0.0019 }, fit)!
    for (const t of fit.teams) {
      expect(at.teams.get(t.name)!.attackSe).toBeCloseTo(t.attackSe as number, 6)
      expect(at.teams.get(t.name)!.defenceSe).toBeCloseTo(t.defenceSe as number, 6)
    }
    expect(at.homeAdvantageSe).toBeCloseTo(fit.homeAdvantageSe as number, 6)
  })
})
