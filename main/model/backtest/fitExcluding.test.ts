import { afterAll, describe, expect, it } from 'vitest'
import { DixonColesError, fitDixonColes } from '../dixonColes'
import { VARIANTS, type GoalModelVariant, type VariantId } from '../variants'
import { dixonColesVariant, variantMatchArrays, type DixonColesVariantFit } from '../variants/dixonColes'
import { fitExcluding } from './fitExcluding'
import { simulateLeagueWithOdds } from './simulatedMarket'
import { walkForward, type BacktestMatch } from './walkForward'

/** Dixon-Coles WITHOUT its own exclusions: throws MODEL_DEGENERATE for a newcomer that has not scored. */
const plain: GoalModelVariant<DixonColesVariantFit> = {
  ...dixonColesVariant,
  id: 'plain-dc' as VariantId,
  fitInfo: undefined,
  fit: (history, ctx) => ({
    model: fitDixonColes(variantMatchArrays(history, ctx.teams), {
      asOf: ctx.asOf,
      from: ctx.from,
      xi: ctx.xi,
      // the plain maximum-likelihood fit, which has no rating for a newcomer that has not scored (the engine's
      // default shrinks it toward the promoted-team prior instead, #20): what fitExcluding exists for
      shrinkage: false,
    }),
    excluded: [],
  }),
}
;(VARIANTS as Record<string, unknown>)['plain-dc'] = plain
afterAll(() => delete (VARIANTS as Record<string, unknown>)['plain-dc'])

const FROM = '2022-08-01'
const { matches } = simulateLeagueWithOdds()
const d0 = matches.find((m) => m.date >= FROM)!.date
const later = matches.filter((m) => m.date > d0)[0].date
// A newcomer loses 0-2 on the first date, plays again later.
const withBlank: BacktestMatch[] = [
  ...matches,
  { date: d0, home: 'Team 02', away: 'Blank FC', homeGoals: 2, awayGoals: 0, odds: [1.5, 4, 6] },
  { date: later, home: 'Blank FC', away: 'Team 03', homeGoals: 1, awayGoals: 1, odds: [3, 3.3, 2.3] },
]

describe('fitExcluding', () => {
  it('leaves out the teams a MODEL_DEGENERATE error names and refits; other errors pass through', () => {
    const history = withBlank.filter((m) => m.date <= d0)
    const ctx = { asOf: d0, from: '2019-08-01', xi: 0.0019 }
    expect(() => plain.fit(history, ctx)).toThrow(DixonColesError)
    const { fit, info } = fitExcluding(plain, history, ctx)
    expect(info.excludedTeams).toEqual(['Blank FC'])
    expect(info.nTeams).toBe(12) // the default info counts the teams left in
    expect(
      plain.predict(fit as DixonColesVariantFit, { date: later, home: 'Blank FC', away: 'Team 03' }),
    ).toBeNull()
    expect(() => fitExcluding(plain, [], ctx)).toThrow(/No matches/)
  })

  it('the walk-forward uses it for every variant: the newcomer’s match is skipped, not the whole date', () => {
    const r = walkForward(withBlank, { from: FROM, minHistory: 30, model: 'plain-dc' as VariantId })
    const refit = r.refits.find((x) => x.date === later)!
    expect(refit.fit!.excludedTeams).toEqual(['Blank FC'])
    const blank = r.rows.find((x) => x.home === 'Blank FC')!
    expect(blank.model).toBeNull()
    expect(blank.skipReason).toMatch(/Blank FC \(left out of the fit/)
    expect(r.rows.filter((x) => x.date === later && x.home !== 'Blank FC').every((x) => x.model)).toBe(true)
    // The app's Dixon-Coles adapter (shrinkage on, #20) rates the newcomer from the promoted-team prior, so
    // nothing is left out and its match is forecast.
    const dc = walkForward(withBlank, { from: FROM, minHistory: 30 })
    expect(dc.refits.find((x) => x.date === later)!.fit!.excludedTeams).toEqual([])
    expect(dc.rows.find((x) => x.home === 'Blank FC')!.model).not.toBeNull()
  })
})
