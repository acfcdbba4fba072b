/** Walk-forward backtest and ξ selection: pure, no I/O. */
export * from './walkForward'
export * from './selectXi'
export * from './selectVariant'
export * from './fitExcluding'
export * from './stageGate'
