/**
 * Limited-memory BFGS with simple bounds, small enough to read in one sitting.
 *
 * Direction: the two-loop recursion of Nocedal & Wright (2006), Numerical Optimization, 2nd ed.,
 * Algorithm 7.4, with the initial scaling H₀ = (sᵀy / yᵀy)·I of their eq. (7.20). Bounds: projected
 * L-BFGS with an active set — a coordinate sitting on a bound whose gradient pushes it outward is held
 * fixed (its direction entry is 0), the memory is cleared whenever that set changes, and trial points are
 * projected back into the box. Line search: Armijo backtracking on the projected step (f = +Infinity, e.g.
 * a negative Dixon-Coles τ, is simply rejected). Pairs with sᵀy ≤ 0 are not stored, so H stays positive
 * definite. Shared by the negative binomial, bivariate Poisson and multi-division variants (gradients are
 * exact; this routine never differences).
 */

/** f(x) and its gradient written into `grad`; return +Infinity (grad ignored) when x is infeasible. */
export type Objective = (x: Float64Array, grad: Float64Array) => number

export interface LbfgsOptions {
  /** Pairs kept (default 10). */
  memory?: number
  /** Default 2000. */
  maxIterations?: number
  /** Stop when the Euclidean norm of the projected gradient is below this (default 1e-7). */
  tolerance?: number
  /** Per-coordinate bounds (±Infinity for none; lower = upper fixes a coordinate). */
  lower?: Float64Array
  upper?: Float64Array
  /**
   * Diagonal preconditioning: minimise over z with x = scale ⊙ z (scale_i ≈ 1/√(curvature of x_i)), so parameters
   * on very different scales (a home advantage informed by every match, a team rating by a few dozen) converge
   * at one rate. Results are reported in x.
   */
  scale?: Float64Array
}

export interface LbfgsResult {
  x: Float64Array
  f: number
  gradient: Float64Array
  /** Norm of the projected gradient at x. */
  gradientNorm: number
  iterations: number
  evaluations: number
  converged: boolean
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i] * b[i]
  return s
}

/** Minimise `f` from `x0` (copied, then projected into the bounds). */
export function minimiseLbfgs(f: Objective, x0: Float64Array, opts: LbfgsOptions = {}): LbfgsResult {
  const scale = opts.scale
  if (!scale) return minimiseUnscaled(f, x0, resolveOptions(opts, x0.length, opts.lower, opts.upper))
  const n = x0.length
  const x = new Float64Array(n)
  const toX = (z: Float64Array) => {
    for (let i = 0; i < n; i++) x[i] = scale[i] * z[i]
    return x
  }
  const g = (z: Float64Array, grad: Float64Array) => {
    const v = f(toX(z), grad)
    for (let i = 0; i < n; i++) grad[i] *= scale[i]
    return v
  }
  const div = (v: Float64Array | undefined) => (v ? v.map((b, i) => b / scale[i]) : undefined)
  const res = minimiseUnscaled(
    g,
    x0.map((v, i) => v / scale[i]),
    resolveOptions(opts, n, div(opts.lower), div(opts.upper)),
  )
  return {
    ...res,
    x: Float64Array.from(res.x, (z, i) => z * scale[i]),
    gradient: Float64Array.from(res.gradient, (v, i) => v / scale[i]),
  }
}

/** The options with their defaults, as one object shape whatever the caller passed (#23). */
interface ResolvedOptions {
  memory: number
  maxIterations: number
  tolerance: number
  lower: Float64Array
  upper: Float64Array
}

function resolveOptions(
  opts: LbfgsOptions,
  n: number,
  lower: Float64Array | undefined,
  upper: Float64Array | undefined,
): ResolvedOptions {
  return {
    memory: opts.memory ?? 10,
    maxIterations: opts.maxIterations ?? 2000,
    tolerance: opts.tolerance ?? 1e-7,
    lower: lower ?? new Float64Array(n).fill(-Infinity),
    upper: upper ?? new Float64Array(n).fill(Infinity),
  }
}

/**
 * The minimisation in the (scaled) coordinates. Written for V8 (#23): the options come in one shape (each variant
 * passes its own), every element a branch may test is read before the test (a bound reached late in a run
 * otherwise meets optimised code without feedback for it), and the stall exit goes through the loop's own
 * convergence check instead of a call site of its own.
 */
function minimiseUnscaled(f: Objective, x0: Float64Array, opts: ResolvedOptions): LbfgsResult {
  const n = x0.length
  const memory = opts.memory
  const maxIterations = opts.maxIterations
  const tolerance = opts.tolerance
  const lo = opts.lower
  const hi = opts.upper
  const project = (v: Float64Array) => {
    for (let i = 0; i < n; i++) v[i] = Math.min(hi[i], Math.max(lo[i], v[i]))
  }
  let x = Float64Array.from(x0)
  project(x)
  let g = new Float64Array(n)
  let fx = f(x, g)
  let evaluations = 1
  if (!Number.isFinite(fx)) throw new Error('L-BFGS: the starting point is infeasible (f is not finite)')
  const S: Float64Array[] = []
  const Y: Float64Array[] = []
  const RHO: number[] = []
  const alpha = new Float64Array(memory)
  const fixed = new Uint8Array(n)
  const prevFixed = new Uint8Array(n)
  const d = new Float64Array(n)
  let xn = new Float64Array(n)
  let gn = new Float64Array(n)
  let iterations = 0
  let gnorm = Infinity
  let stalled = 0

  const projectedNorm = () => {
    let s = 0
    for (let i = 0; i < n; i++) {
      const l = lo[i]
      const u = hi[i]
      const xi = x[i]
      const gi = g[i]
      if (l === u) continue
      if ((xi <= l && gi > 0) || (xi >= u && gi < 0)) continue
      s += gi * gi
    }
    return Math.sqrt(s)
  }

  let stop = false
  while (true) {
    gnorm = projectedNorm()
    if (stop || gnorm < tolerance || iterations >= maxIterations) break
    // Active set: coordinates held on their bound this iteration.
    let changed = false
    for (let i = 0; i < n; i++) {
      const l = lo[i]
      const u = hi[i]
      const xi = x[i]
      const gi = g[i]
      fixed[i] = l === u || (xi <= l && gi > 0) || (xi >= u && gi < 0) ? 1 : 0
      if (fixed[i] !== prevFixed[i]) changed = true
    }
    prevFixed.set(fixed)
    if (changed) {
      S.length = 0
      Y.length = 0
      RHO.length = 0
    }
    // Two-loop recursion on the free coordinates: d = −H·g.
    for (let i = 0; i < n; i++) d[i] = fixed[i] ? 0 : -g[i]
    const m = S.length
    for (let j = m - 1; j >= 0; j--) {
      alpha[j] = RHO[j] * dot(S[j], d)
      const y = Y[j]
      for (let i = 0; i < n; i++) if (!fixed[i]) d[i] -= alpha[j] * y[i]
    }
    const gammaScale = m ? dot(S[m - 1], Y[m - 1]) / dot(Y[m - 1], Y[m - 1]) : Math.min(1, 1 / gnorm)
    for (let i = 0; i < n; i++) d[i] *= gammaScale
    for (let j = 0; j < m; j++) {
      const beta = RHO[j] * dot(Y[j], d)
      const s = S[j]
      for (let i = 0; i < n; i++) if (!fixed[i]) d[i] += (alpha[j] - beta) * s[i]
    }
    let slope = dot(g, d)
    if (!(slope < 0)) {
      // Not a descent direction (can happen right after the active set moves): steepest descent.
      S.length = 0
      Y.length = 0
      RHO.length = 0
      for (let i = 0; i < n; i++) d[i] = fixed[i] ? 0 : -g[i] * Math.min(1, 1 / gnorm)
      slope = dot(g, d)
    }
    // Armijo backtracking along the projected path x(t) = P(x + t·d).
    let accepted = false
    let fn = Infinity
    const noise = 1e-13 * (1 + Math.abs(fx))
    for (let t = 1, tries = 0; tries < 40; t *= 0.5, tries++) {
      for (let i = 0; i < n; i++) xn[i] = x[i] + t * d[i]
      project(xn)
      fn = f(xn, gn)
      evaluations++
      if (!Number.isFinite(fn)) continue
      let decrease = 0
      for (let i = 0; i < n; i++) decrease += g[i] * (xn[i] - x[i])
      // Armijo; or — once changes are below the rounding of f — a step that does not lose more than that rounding
      // and flattens the slope along d (|gₙ·d| ≤ 0.9·|g·d|): near the optimum f can no longer tell steps apart, the
      // exact gradient still can (the engine's Newton accepts such steps too).
      if (fn <= fx + 1e-4 * decrease || (fn <= fx + noise && Math.abs(dot(gn, d)) <= 0.9 * Math.abs(slope))) {
        accepted = true
        break
      }
    }
    iterations++
    if (!accepted) {
      if (S.length === 0) break // even steepest descent cannot decrease f: converged to rounding
      S.length = 0
      Y.length = 0
      RHO.length = 0
      continue
    }
    const s = new Float64Array(n)
    const y = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      s[i] = xn[i] - x[i]
      y[i] = gn[i] - g[i]
    }
    const sy = dot(s, y)
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (S.length === memory) {
        S.shift()
        Y.shift()
        RHO.shift()
      }
      S.push(s)
      Y.push(y)
      RHO.push(1 / sy)
    }
    const fOld = fx
    ;[x, xn] = [xn, x]
    ;[g, gn] = [gn, g]
    fx = fn
    // At the rounding floor of f for many iterations in a row: nothing more to gain.
    stalled = fOld - fx <= noise ? stalled + 1 : 0
    if (stalled >= 30) stop = true // the loop's head takes the norm at x and stops
  }
  return {
    x,
    f: fx,
    gradient: g,
    gradientNorm: gnorm,
    iterations,
    evaluations,
    converged: gnorm < tolerance,
  }
}
