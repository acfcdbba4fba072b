export * from './types'
export * from './priceFixture'
export * from './marketFromSnapshots'
export * from './modelUsed'
