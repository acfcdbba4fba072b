/**
 * The goal-model variants (`main/model/variants`), in the order tables list them: one list for the model's
 * registry, the API contract (`training.runPipeline`'s model choice) and the Training screen.
 */
export const MODEL_VARIANTS = [
  'dixon-coles',
  'poisson',
  'shots',
  'multi-division',
  'market',
  'dynamic',
  'negative-binomial',
  'bivariate-poisson',
] as const

export type ModelVariantId = (typeof MODEL_VARIANTS)[number]
