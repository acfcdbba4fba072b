/**
 * When "best" means something (#20): the one rule every screen (and any command) uses before it marks a run's
 * metric ★best. A score has a direction (lower is better for RPS, Brier, log loss, ECE; higher for accuracy and
 * log-likelihood); a count (`model_n`, `gate_rows`), a flag (`served`), a fitted value (α, ρ, home advantage,
 * temperature, ξ), a cost (iterations, seconds) has none. A log-likelihood is a score only between fits of the
 * same model type on the same data window with the same decay: otherwise the numbers measure different things.
 */

export type MetricDirection = 'lower' | 'higher'

export type MetricRule =
  | { kind: 'score'; direction: MetricDirection; label: string }
  | { kind: 'likelihood'; direction: 'higher'; label: string }
  | { kind: 'not-a-score'; direction: null; label: string }

const COUNT = /(^|_)(n|count|rows|matches|points)$/
const FLAG = /(^|_)(served|open|gated|ok)$/
const FITTED =
  /(^|_)(alpha|rho|home_advantage|temperature|xi|gamma|beta|lambda|mu|weight|scale|shrinkage|prior|threshold|margin)$/
const COST = /(^|_)(iterations|seconds|ms|duration|time|evaluations)$/
const LIKELIHOOD = /(^|_)(log_likelihood|loglik|ll)$/
const HIGHER = /(^|_)(accuracy|auc|roi|hit_rate|precision|recall)$/
const LOWER = /(^|_)(rps|brier|log_loss|ece|mae|rmse|mse|error|loss)$/

/** What a metric is and, when it is a score, which way is better — from its key alone. */
export function metricRule(key: string): MetricRule {
  const k = key.toLowerCase().replace(/[.\s-]+/g, '_')
  if (COUNT.test(k)) return { kind: 'not-a-score', direction: null, label: 'a count: no best' }
  if (FLAG.test(k)) return { kind: 'not-a-score', direction: null, label: 'a flag: no best' }
  if (COST.test(k)) return { kind: 'not-a-score', direction: null, label: 'a cost, not a score: no best' }
  if (LIKELIHOOD.test(k))
    return {
      kind: 'likelihood',
      direction: 'higher',
      label: 'higher is better, only between the same model type and data window',
    }
  if (FITTED.test(k)) return { kind: 'not-a-score', direction: null, label: 'a fitted value: no best' }
  if (HIGHER.test(k)) return { kind: 'score', direction: 'higher', label: 'higher is better' }
  if (LOWER.test(k)) return { kind: 'score', direction: 'lower', label: 'lower is better' }
  return { kind: 'not-a-score', direction: null, label: 'no stated direction: no best' }
}

/** Params that must agree before two log-likelihoods compare: the model type and the data it was fitted on. */
export const LIKELIHOOD_CONTEXT = [
  'model_variant',
  'model',
  'seasons',
  'train_from',
  'train_to',
  'window_years',
  'xi',
] as const

/**
 * Which of the runs' values are ★best: every run tied with the best value, none when the metric is not a
 * score, fewer than two runs have it, all values are equal, or (for a log-likelihood) the runs differ in model
 * type or data window (`params`: each run's params, in the same order as `values`).
 */
export function bestOf(
  key: string,
  values: readonly (number | null | undefined)[],
  params?: readonly (Readonly<Record<string, string | null | undefined>> | null | undefined)[],
): { best: boolean[]; reason: string } {
  const rule = metricRule(key)
  const none = (reason: string) => ({ best: values.map(() => false), reason })
  if (rule.direction === null) return none(rule.label)
  const present = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
  if (present.length < 2) return none('fewer than two runs have it')
  if (rule.kind === 'likelihood') {
    for (const p of LIKELIHOOD_CONTEXT) {
      const seen = new Set(values.map((v, i) => (typeof v === 'number' ? (params?.[i]?.[p] ?? null) : '')))
      seen.delete('')
      if (!params || seen.size > 1)
        return none(
          params
            ? `log-likelihoods of different ${p === 'model' || p === 'model_variant' ? 'model types' : 'data windows'} (${p} differs)`
            : 'log-likelihoods compare only with the same model type and window',
        )
    }
  }
  const target = rule.direction === 'lower' ? Math.min(...present) : Math.max(...present)
  if (present.every((v) => v === target)) return none('every run has the same value')
  return { best: values.map((v) => v === target), reason: rule.label }
}
