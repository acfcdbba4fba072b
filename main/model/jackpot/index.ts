export * from './jackpot'
export * from './ticketPlan'
