export {
  impliedRates,
  marketMoments,
  type ImpliedRates,
  type ImpliedRatesOptions,
  type MarketMoments,
} from './impliedRates'
export {
  marketVariant,
  fitMarket,
  marketRates,
  type MarketRates,
  DEFAULT_MARKET_WEIGHT,
  DEFAULT_MARKET_XI,
  RHO_STEP,
  type MarketFit,
  newInversionCache,
  type InversionCache,
} from './marketVariant'
