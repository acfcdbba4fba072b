export * from './blend'
export * from './servedForecast'
