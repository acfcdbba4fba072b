/**
 * Σα = 0 for the variants fitted by L-BFGS (negative binomial, bivariate Poisson, multi-division), whose θ starts
 * with (α_0..α_{K−1}, β_0..β_{K−1}). Their log-likelihoods (and the multi-division prior) are invariant under
 * α + c, β − c (λ = exp(… + α_h + β_a), μ = exp(α_a + β_h …), GUIDE.md), so minimising
 *   −ℓ(θ) + ½(Σα)²
 * changes nothing but which point of that line is returned: the penalised minimum is the constrained maximum.
 * `centreAttack` then removes the rounding left in Σα along the same invariant direction.
 */

/** ℓ(θ) with its gradient written into `grad`; −Infinity where θ is infeasible. */
export type LogLikelihood = (theta: Float64Array, grad: Float64Array) => number

/** The L-BFGS objective −ℓ(θ) + ½(Σα)² and its gradient (+Infinity where ℓ = −Infinity). */
export function sumToZeroObjective(
  logLikelihood: LogLikelihood,
  nTeams: number,
): (theta: Float64Array, grad: Float64Array) => number {
  const k = nTeams
  return (theta, grad) => {
    const ll = logLikelihood(theta, grad)
    if (ll === -Infinity) return Infinity
    let sumAlpha = 0
    for (let i = 0; i < k; i++) sumAlpha += theta[i]
    for (let j = 0; j < grad.length; j++) grad[j] = -grad[j]
    for (let i = 0; i < k; i++) grad[i] += sumAlpha
    return -ll + 0.5 * sumAlpha * sumAlpha
  }
}

/** α − mean(α), β + mean(α) in place: Σα = 0 exactly, every rate unchanged. */
export function centreAttack(theta: Float64Array, nTeams: number): void {
  const k = nTeams
  let mean = 0
  for (let i = 0; i < k; i++) mean += theta[i] / k
  for (let i = 0; i < k; i++) {
    theta[i] -= mean
    theta[k + i] += mean
  }
}
