export * from './jackpot'
