/**
 * Paired bootstrap of a mean score difference (Efron & Tibshirani 1993, ch. 13, percentile interval).
 *
 * Two forecasts of the same matches give per-match differences d_i = S(p_i) − S(q_i) (S a scoring rule,
 * e.g. RPS). Resampling PAIRS keeps the correlation between the two forecasts, so the interval reflects
 * only the difference. Matches of one date share a fit (and often news), so whole DATES are resampled
 * (a cluster bootstrap): each replicate draws as many dates as there are, with replacement, and averages
 * the differences of every match on the drawn dates. Seeded (mulberry32): the same input gives the same
 * interval on every platform.
 */
import { mulberry32 } from '../simulate/simulateLeague'
import { DixonColesError } from '../dixonColes/errors'

export interface BootstrapOptions {
  /** Replicates (default 2000). */
  resamples?: number
  /** PRNG seed (default 20240701). */
  seed?: number
  /** Two-sided coverage (default 0.95). */
  level?: number
}

export const DEFAULT_RESAMPLES = 2000
export const DEFAULT_BOOTSTRAP_SEED = 20240701

export interface BootstrapInterval {
  /** Mean difference on the data as observed. */
  mean: number
  /** Percentile interval bounds. */
  lo: number
  hi: number
  /** Share of replicates with a mean difference < 0 (the first forecast better). */
  shareBelowZero: number
  n: number
  clusters: number
}

/** The q-quantile of sorted values (linear interpolation between order statistics, type 7). */
export function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q
  const i = Math.floor(h)
  const j = Math.min(i + 1, sorted.length - 1)
  return sorted[i] + (h - i) * (sorted[j] - sorted[i])
}

/** Draw sets kept: a comparison's intervals use a few (the RPS dates, and each goals market's subset). */
const KEPT_DRAWS = 4
const drawsByKey = new Map<string, Uint32Array>()

/**
 * The clusters every replicate draws, replicate after replicate: `resamples × k` indices from the seeded
 * PRNG. They depend only on (seed, k, resamples), so the ~140 intervals of one comparison (every variant
 * against the same scored dates, #23) draw each set once; the last {@link KEPT_DRAWS} sets are kept.
 */
function clusterDraws(seed: number, k: number, resamples: number): Uint32Array {
  const key = `${seed}/${k}/${resamples}`
  const kept = drawsByKey.get(key)
  if (kept) return kept
  const rng = mulberry32(seed)
  const draws = new Uint32Array(resamples * k)
  for (let i = 0; i < draws.length; i++) draws[i] = Math.floor(rng() * k)
  if (drawsByKey.size >= KEPT_DRAWS) drawsByKey.delete(drawsByKey.keys().next().value as string)
  drawsByKey.set(key, draws)
  return draws
}

/**
 * Percentile interval of the mean of `diffs`, resampling the clusters named by `cluster` (e.g. the match
 * dates). Throws MODEL_BAD_INPUT on empty or mismatched input.
 */
export function pairedBootstrap(
  diffs: readonly number[],
  cluster: readonly string[],
  opts: BootstrapOptions = {},
): BootstrapInterval {
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES
  const level = opts.level ?? 0.95
  if (diffs.length === 0 || diffs.length !== cluster.length) {
    throw new DixonColesError(
      'MODEL_BAD_INPUT',
      `pairedBootstrap needs one cluster per difference (got ${diffs.length} and ${cluster.length})`,
    )
  }
  if (!(Number.isInteger(resamples) && resamples >= 10) || !(level > 0 && level < 1)) {
    throw new DixonColesError('MODEL_BAD_INPUT', `resamples must be ≥ 10 and level in (0, 1)`)
  }
  // Per-cluster sums and counts, clusters in order of first appearance.
  const index = new Map<string, number>()
  const sums: number[] = []
  const counts: number[] = []
  let total = 0
  for (let i = 0; i < diffs.length; i++) {
    const d = diffs[i]
    if (!Number.isFinite(d)) throw new DixonColesError('MODEL_BAD_INPUT', `difference ${i} is not finite`)
    let c = index.get(cluster[i])
    if (c === undefined) {
      c = sums.length
      index.set(cluster[i], c)
      sums.push(0)
      counts.push(0)
    }
    sums[c] += d
    counts[c]++
    total += d
  }
  const k = sums.length
  const draws = clusterDraws(opts.seed ?? DEFAULT_BOOTSTRAP_SEED, k, resamples)
  const means = new Float64Array(resamples)
  let below = 0
  for (let b = 0, at = 0; b < resamples; b++) {
    let s = 0
    let n = 0
    for (let j = 0; j < k; j++, at++) {
      const c = draws[at]
      s += sums[c]
      n += counts[c]
    }
    means[b] = s / n
    if (means[b] < 0) below++
  }
  means.sort()
  const alpha = (1 - level) / 2
  return {
    mean: total / diffs.length,
    lo: quantile(means, alpha),
    hi: quantile(means, 1 - alpha),
    shareBelowZero: below / resamples,
    n: diffs.length,
    clusters: k,
  }
}
