/**
 * Every goal-model variant by id. Each variant lives in its own folder under `main/model/variants/` and
 * adds exactly one line here; the walk-forward, `scoreline compare-models` and `--model` read this map.
 */
import type { GoalModelVariant, VariantId } from './types'

export const VARIANTS: Partial<Record<VariantId, GoalModelVariant<never>>> = {}

/** The variant for an id, or undefined when it is not (yet) available. */
export function variantById(id: string): GoalModelVariant<unknown> | undefined {
  return (VARIANTS as Record<string, GoalModelVariant<unknown> | undefined>)[id]
}

/** Ids of the variants available, in registry order. */
export function availableVariants(): VariantId[] {
  return Object.keys(VARIANTS) as VariantId[]
}
