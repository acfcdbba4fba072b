export * from './asianHandicap'
export * from './promotedPrior'
