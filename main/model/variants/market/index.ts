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
  DEFAULT_MARKET_WEIGHT,
  DEFAULT_MARKET_XI,
  type MarketFit,
  type MarketMemo,
} from './marketVariant'
export {
  marketRates,
  type MarketRates,
  RHO_STEP,
  newInversionCache,
  type InversionCache,
} from './inversionCache'
