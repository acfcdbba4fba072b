export * from './margins'
