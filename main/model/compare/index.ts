/** Comparing goal-model variants honestly: same matches, paired bootstrap intervals. Pure, no I/O. */
export * from './pairedBootstrap'
export * from './compareVariants'
