export * from './isotonic'
export * from './calibrator'
