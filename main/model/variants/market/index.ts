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
  DEFAULT_MARKET_WEIGHT,
  RHO_STEP,
  type MarketFit,
  newInversionCache,
  type InversionCache,
} from './marketVariant'
