// Opinion pools that combine the model's probabilities with the (margin-free) market's
// (Genest & Zidek 1986, "Combining probability distributions"), and the one-parameter fit of the weight.
import { z } from 'zod'
import {
  assertSameLength,
  assertTriple,
  ModelInputError,
  outcomeIndex,
  type Outcome,
  type Triple,
} from '../metrics/probabilities'
import { LOG_LOSS_EPSILON } from '../metrics/scores'

export type BlendKind = 'linear' | 'log'

/** Serialisable blend: `alpha` is the model's weight, 1 − alpha the market's. */
export interface BlendSpec {
  kind: BlendKind
  alpha: number
}

export const blendSpecSchema = z.object({
  kind: z.enum(['linear', 'log']),
  alpha: z.number().min(0).max(1),
})

function checkAlpha(alpha: number): void {
  if (!(alpha >= 0 && alpha <= 1)) {
    throw new ModelInputError(
      'INVALID_ARGUMENT',
      `blend weight alpha must be in [0, 1], got ${String(alpha)}`,
    )
  }
}

/** Linear opinion pool: p = α·model + (1 − α)·market. */
export function linearPool(model: Triple, market: Triple, alpha: number): Triple {
  checkAlpha(alpha)
  assertTriple(model, 'linear pool: model')
  assertTriple(market, 'linear pool: market')
  const b = 1 - alpha
  const h = alpha * model[0] + b * market[0]
  const d = alpha * model[1] + b * market[1]
  const a = alpha * model[2] + b * market[2]
  const s = h + d + a
  return [h / s, d / s, a / s]
}

/** Logarithmic (geometric) opinion pool: p_i ∝ model_i^α · market_i^(1−α). The endpoints return the
 * corresponding input exactly (0^0 is taken as 1). If the two forecasts give no outcome positive
 * probability in common the pool is undefined and INVALID_PROBABILITIES is thrown. */
export function logPool(model: Triple, market: Triple, alpha: number): Triple {
  checkAlpha(alpha)
  assertTriple(model, 'log pool: model')
  assertTriple(market, 'log pool: market')
  if (alpha === 1) return [model[0], model[1], model[2]]
  if (alpha === 0) return [market[0], market[1], market[2]]
  const w = [0, 1, 2].map((i) => model[i] ** alpha * market[i] ** (1 - alpha))
  const s = w[0] + w[1] + w[2]
  if (!(s > 0)) {
    throw new ModelInputError(
      'INVALID_PROBABILITIES',
      'log pool: model and market share no possible outcome',
      {
        model,
        market,
      },
    )
  }
  return [w[0] / s, w[1] / s, w[2] / s]
}

/** Applies a serialised blend to one fixture. */
export function applyBlend(spec: BlendSpec, model: Triple, market: Triple): Triple {
  return spec.kind === 'linear' ? linearPool(model, market, spec.alpha) : logPool(model, market, spec.alpha)
}

export interface BlendFit {
  kind: BlendKind
  /** Model weight in [0, 1] minimising the mean log loss. */
  alpha: number
  /** Mean log loss (natural log, ε-clipped as in metrics) of the blend at alpha. */
  logLoss: number
  n: number
}

/** Fits the pool weight α ∈ [0, 1] by minimising mean log loss on the given (out-of-sample) fixtures.
 * Both objectives are convex in α: −ln(α·m + (1−α)·k) is the negative log of an affine function, and for the
 * log pool −ln p_y = −(α·ℓ_y + (1−α)·κ_y) + logΣexp(α·ℓ + (1−α)·κ) is log-sum-exp of affine minus affine. So a
 * golden-section search on [0, 1] to width 1e-10 finds the global minimum (to 1e-6 with room to spare);
 * the endpoints are compared explicitly so a boundary optimum is returned exactly. */
export function fitBlendWeight(
  modelProbs: readonly Triple[],
  marketProbs: readonly Triple[],
  outcomes: readonly Outcome[],
  pool: BlendKind,
): BlendFit {
  assertSameLength('fitBlendWeight', modelProbs, outcomes)
  assertSameLength('fitBlendWeight', marketProbs, outcomes)
  const ys = outcomes.map((o, i) => outcomeIndex(o, `fitBlendWeight: outcome ${i}`))
  modelProbs.forEach((p, i) => assertTriple(p, `fitBlendWeight: model ${i}`))
  marketProbs.forEach((p, i) => assertTriple(p, `fitBlendWeight: market ${i}`))
  const n = ys.length
  const spec = (alpha: number): BlendSpec => ({ kind: pool, alpha })
  const loss = (alpha: number): number => {
    let s = 0
    for (let i = 0; i < n; i++) {
      const p = applyBlendSafe(spec(alpha), modelProbs[i], marketProbs[i])
      s -= Math.log(Math.max(p ? p[ys[i]] : 0, LOG_LOSS_EPSILON))
    }
    return s / n
  }
  const alpha = goldenSectionMin(loss, 0, 1, 1e-10)
  return { kind: pool, alpha, logLoss: loss(alpha), n }
}

function applyBlendSafe(spec: BlendSpec, model: Triple, market: Triple): Triple | null {
  try {
    return applyBlend(spec, model, market)
  } catch {
    return null // disjoint supports: every outcome has probability 0 → clipped log loss
  }
}

/** Golden-section search (Kiefer 1953) for the minimum of a unimodal f on [a, b], then a comparison with
 * the endpoints (the interior search can only approach a boundary optimum to within `tol`). */
export function goldenSectionMin(f: (x: number) => number, a: number, b: number, tol: number): number {
  const g = (Math.sqrt(5) - 1) / 2
  let lo = a
  let hi = b
  let x1 = hi - g * (hi - lo)
  let x2 = lo + g * (hi - lo)
  let f1 = f(x1)
  let f2 = f(x2)
  while (hi - lo > tol) {
    if (f1 <= f2) {
      hi = x2
      x2 = x1
      f2 = f1
      x1 = hi - g * (hi - lo)
      f1 = f(x1)
    } else {
      lo = x1
      x1 = x2
      f1 = f2
      x2 = lo + g * (hi - lo)
      f2 = f(x2)
    }
  }
  const mid = (lo + hi) / 2
  let best = mid
  let fBest = f(mid)
  for (const x of [a, b]) {
    const fx = f(x)
    if (fx <= fBest) {
      best = x
      fBest = fx
    }
  }
  return best
}
