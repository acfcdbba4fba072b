/**
 * Every goal-model variant by id. Each variant lives in its own folder under `main/model/variants/` and
 * adds exactly one line here (plus its import); the walk-forward, `scoreline compare-models` and `--model`
 * read this map.
 */
import { DixonColesError } from '../dixonColes/errors'
import type { GoalModelVariant, VariantId } from './types'
import { VARIANT_IDS } from './types'
import { dixonColesVariant, poissonVariant } from './dixonColes'
import { shotsVariant } from './shots'
import { marketVariant } from './market'
import { negativeBinomialVariant } from './negativeBinomial'
import { bivariatePoissonVariant } from './bivariatePoisson'
import { dynamicVariant } from './dynamic'
import { multiDivisionVariant } from './multiDivision'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each variant has its own Fit type
type AnyVariant = GoalModelVariant<any>

export const VARIANTS: Partial<Record<VariantId, AnyVariant>> = {
  'dixon-coles': dixonColesVariant,
  poisson: poissonVariant,
  shots: shotsVariant,
  market: marketVariant,
  'negative-binomial': negativeBinomialVariant,
  'bivariate-poisson': bivariatePoissonVariant,
  dynamic: dynamicVariant,
  'multi-division': multiDivisionVariant,
}

/** The variant for an id, or undefined when it is not (yet) available. */
export function variantById(id: string): GoalModelVariant<unknown> | undefined {
  return Object.prototype.hasOwnProperty.call(VARIANTS, id)
    ? (VARIANTS as Record<string, GoalModelVariant<unknown> | undefined>)[id]
    : undefined
}

/** Ids of the variants available, in the canonical order of `VARIANT_IDS` (then any others). */
export function availableVariants(): VariantId[] {
  const ids = Object.keys(VARIANTS).filter((k) => VARIANTS[k as VariantId]) as VariantId[]
  const rank = (id: VariantId) => {
    const i = VARIANT_IDS.indexOf(id)
    return i < 0 ? VARIANT_IDS.length : i
  }
  return ids.sort((a, b) => rank(a) - rank(b))
}

/** The variant for an id; MODEL_BAD_INPUT naming the available ones otherwise. */
export function requireVariant(id: string): GoalModelVariant<unknown> {
  const v = variantById(id)
  if (!v) {
    throw new DixonColesError(
      'MODEL_BAD_INPUT',
      `Unknown model variant "${id}" (available: ${availableVariants().join(', ')})`,
      { variant: id, available: availableVariants() },
    )
  }
  return v
}
