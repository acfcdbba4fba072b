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

export interface WithoutModelOptions extends Pick<PriceOptions, 'preference'> {
  /**
   * Serve the market alone (a jackpot ticket needs probabilities; default true). False: the fixture stays
   * unpriced (no served forecast, no edge, no expected value: none means anything without a model) but
   * still shows its market, so a fixture to come of a league without a champion keeps its prices.
   */
  serveMarket?: boolean
}

/**
 * A fixture no model can price (no league, no model for it): the reason as a 'no-model' warning and, when
 * a margin method is given and the fixture has a price, its market (margin-free probabilities, bookmaker,
 * method, snapshot time, prices), served alone unless `serveMarket` is false.
 */
export function priceWithoutModel(
  f: FixtureToPrice,
  reason: string,
  margin: MarginMethod | null = null,
  opts: WithoutModelOptions = {},
): PricedFixture {
  const market = margin ? marketOf(f, margin, opts.preference) : null
  const served = market && opts.serveMarket !== false ? market : null
  return {
    ...fixtureIdentity(f),
    model: null,
    market,
    served: served ? marketServed(served) : null,
    edge: served ? { served: [0, 0, 0], model: null } : null,
    ev: served ? expectedValues(f, served.probabilities) : null,
    warnings: [{ code: 'no-model', message: reason }],
    explanation: null,
    source: null,
  }
}
