import type { PricedFixture } from '../../../shared/pricing'
import type { MarginMethod } from '../../model/market'
import { expectedValues, marketOf } from './marketFromSnapshots'
import type { FixtureToPrice, PriceOptions } from './types'

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
    league: f.league,
    home: f.home,
    away: f.away,
    date: f.date,
    kickoffUtc: f.kickoffUtc ?? null,
    matchId: f.matchId ?? null,
    model: null,
    market,
    served: market
      ? {
          probabilities: market.probabilities,
          stage: 'market',
          beforeCalibration: market.probabilities,
          alpha: 0,
          blendKind: null,
          calibrator: null,
        }
      : null,
    edge: market ? { served: [0, 0, 0], model: null } : null,
    ev: market ? expectedValues(f, market.probabilities) : null,
    warnings: [{ code: 'no-model', message: reason }],
    explanation: null,
    source: null,
  }
}
