/** Goal-model variants behind one interface (see `types.ts`): pure maths, no I/O. */
export * from './types'
export * from './registry'
