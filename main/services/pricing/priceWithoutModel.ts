import type { MarketPrice, PricedFixture } from '../../../shared/pricing'
import type { MarginMethod } from '../../model/market'
import { expectedValues, marketOf } from './marketFromSnapshots'
import type { FixtureToPrice, PriceOptions } from './types'

/** Which fixture a priced fixture is. */
export const fixtureIdentity = (f: FixtureToPrice) => ({
  league: f.league,
  home: f.home,
  away: f.away,
  date: f.date,
  kickoffUtc: f.kickoffUtc ?? null,
  matchId: f.matchId ?? null,
})

/** The market alone served (no model to price the fixture with). */
export const marketServed = (market: MarketPrice): NonNullable<PricedFixture['served']> => ({
  probabilities: market.probabilities,
  stage: 'market',
  beforeCalibration: market.probabilities,
  alpha: 0,
  blendKind: null,
  calibrator: null,
})

/**
 * A fixture no model can price (no league, no model for it): the reason as a 'no-model' warning and, when
 * a margin method is given and the fixture has a price, the market alone served, named as such.
 */
export function priceWithoutModel(
  f: FixtureToPrice,
  reason: string,
  margin: MarginMethod | null = null,
  opts: Pick<PriceOptions, 'preference'> = {},
): PricedFixture {
  const market = margin ? marketOf(f, margin, opts.preference) : null
  return {
    ...fixtureIdentity(f),
    model: null,
    market,
    served: market ? marketServed(market) : null,
    edge: market ? { served: [0, 0, 0], model: null } : null,
    ev: market ? expectedValues(f, market.probabilities) : null,
    warnings: [{ code: 'no-model', message: reason }],
    explanation: null,
    source: null,
  }
}
