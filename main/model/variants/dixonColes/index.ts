export * from './dixonColesVariant'
