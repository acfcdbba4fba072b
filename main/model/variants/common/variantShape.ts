/**
 * Every variant as one object shape: the properties of `GoalModelVariant` in one order, an absent optional one
 * `undefined` (#23). The walk-forward and the comparison call `variant.fit`, `variant.predict`, … on every
 * variant in one worker thread; V8 specialises such a property read to the object shapes it has seen and, at a
 * new one, throws the optimised function away and compiles it again (`walkForward` is large: up to 250 ms of
 * compiling each time). The variants' literals listed their properties in five different orders. Each variant
 * (the market variant's literal already has this order) is built by this function; registry.test.ts checks it.
 */
import type { GoalModelVariant } from '../types'

export function variantOfOneShape<Fit>(v: GoalModelVariant<Fit>): GoalModelVariant<Fit> {
  return {
    id: v.id,
    label: v.label,
    description: v.description,
    hyperGrid: v.hyperGrid,
    fit: v.fit,
    predict: v.predict,
    explain: v.explain,
    fitInfo: v.fitInfo,
    asEngineModel: v.asEngineModel,
    summary: v.summary,
  }
}
