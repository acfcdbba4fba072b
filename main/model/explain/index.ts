export * from './shapley'
export * from './explainFixture'
export * from './explainServed'
