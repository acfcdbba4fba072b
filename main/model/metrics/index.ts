export * from './probabilities'
export * from './scores'
