export * from './shapley'
export * from './explainFixture'
