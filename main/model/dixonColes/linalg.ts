/**
 * Symmetric positive-definite solves on row-major Float64Array matrices (hand-rolled Cholesky).
 *
 * Why not ml-matrix: it was measured as the bottleneck. On the EPL-season system (m = 41) on this
 * 2-core box, ml-matrix's CholeskyDecomposition took ~206 µs per factorisation, ~58 µs per solve and
 * ~1045 µs for the inverse via solve(eye): ~3.2 ms of a ~3.2 ms fit against a 1 ms budget for the
 * whole fit. `bench/dixonColes.bench.ts` re-measures both in the same run: factor + solve + full
 * inverse 0.095 ms hand-rolled vs 0.66 ms ml-matrix (×6.9), and the fit itself only needs
 * diag(A⁻¹) plus one quadratic form (`inverseSummary`), cheaper still. No per-element method calls,
 * no allocation in factor/solve.
 */
/**
 * L·Lᵀ = A + shift·I into `L` (see {@link SpdSolver.factor}); false at a pivot that is not positive enough. A
 * function of its own (#23): V8 compiles the long first factorisation's loop on its own (on-stack replacement)
 * and keeps that code after a bail-out that happens past the loop, so with `this.ok = true` after the loop (not
 * yet reached, hence without type feedback, when the loop was compiled) every later call entered the loop's
 * code and bailed out there — 134 deoptimisations in one compare-models run.
 */
function cholesky(a: Float64Array, L: Float64Array, m: number, shift: number, relPivot: number): boolean {
  for (let j = 0; j < m; j++) {
    const rj = j * m
    let d = a[rj + j] + shift
    for (let p = 0; p < j; p++) d -= L[rj + p] * L[rj + p]
    if (!(d > relPivot * Math.abs(a[rj + j] + shift))) return false
    const ljj = Math.sqrt(d)
    L[rj + j] = ljj
    const inv = 1 / ljj
    // two rows at a time: each row's dot product is summed in the same order as one at a time (bit-identical
    // factors), but the two chains of dependent subtractions interleave (×1.3 at m = 51, #23)
    let i = j + 1
    for (; i + 1 < m; i += 2) {
      const ri = i * m
      const ri2 = ri + m
      let s = a[ri + j]
      let s2 = a[ri2 + j]
      for (let p = 0; p < j; p++) {
        const l = L[rj + p]
        s -= L[ri + p] * l
        s2 -= L[ri2 + p] * l
      }
      L[ri + j] = s * inv
      L[ri2 + j] = s2 * inv
    }
    if (i < m) {
      const ri = i * m
      let s = a[ri + j]
      for (let p = 0; p < j; p++) s -= L[ri + p] * L[rj + p]
      L[ri + j] = s * inv
    }
  }
  return true
}

export class SpdSolver {
  private readonly m: number
  private readonly L: Float64Array
  private ok = false

  constructor(m: number) {
    this.m = m
    this.L = new Float64Array(m * m)
  }

  /**
   * Factorise A + shift·I = L·Lᵀ (A row-major m×m, symmetric; only its lower triangle is read).
   * False when it is not numerically positive definite: a squared pivot ≤ `relPivot` × its
   * diagonal entry counts as singular.
   */
  factor(a: Float64Array, shift = 0, relPivot = 1e-13): boolean {
    this.ok = cholesky(a, this.L, this.m, shift, relPivot)
    return this.ok
  }

  /** x = A⁻¹ b for the last successful factor() (forward then back substitution). */
  solve(b: Float64Array, out: Float64Array): void {
    if (!this.ok) throw new Error('SpdSolver.solve called without a successful factor()')
    const m = this.m
    const L = this.L
    for (let i = 0; i < m; i++) {
      const ri = i * m
      let s = b[i]
      for (let p = 0; p < i; p++) s -= L[ri + p] * out[p]
      out[i] = s / L[ri + i]
    }
    for (let i = m - 1; i >= 0; i--) {
      let s = out[i]
      for (let p = i + 1; p < m; p++) s -= L[p * m + i] * out[p]
      out[i] = s / L[i * m + i]
    }
  }

  /** L⁻¹ (row-major, lower triangular), built row by row with contiguous axpy updates. */
  private lowerInverse(): Float64Array {
    const m = this.m
    const L = this.L
    const Li = new Float64Array(m * m)
    for (let i = 0; i < m; i++) {
      const ri = i * m
      for (let p = 0; p < i; p++) {
        const c = L[ri + p]
        if (c === 0) continue
        const rp = p * m
        for (let j = 0; j <= p; j++) Li[ri + j] += c * Li[rp + j]
      }
      const inv = 1 / L[ri + i]
      for (let j = 0; j < i; j++) Li[ri + j] *= -inv
      Li[ri + i] = inv
    }
    return Li
  }

  /**
   * diag(A⁻¹) and zᵀA⁻¹z for z = (1,..,1, 0,..,0) with `nOnes` leading ones, without forming
   * A⁻¹: diag_i = ‖L⁻¹e_i‖² (column norms of L⁻¹) and zᵀA⁻¹z = ‖L⁻¹z‖².
   */
  inverseSummary(nOnes: number): { diag: Float64Array; leadingSum: number } {
    if (!this.ok) throw new Error('SpdSolver.inverseSummary called without a successful factor()')
    const m = this.m
    const Li = this.lowerInverse()
    const diag = new Float64Array(m)
    let leadingSum = 0
    for (let i = 0; i < m; i++) {
      const ri = i * m
      let w = 0
      for (let j = 0; j <= i; j++) {
        const v = Li[ri + j]
        diag[j] += v * v
        if (j < nOnes) w += v
      }
      leadingSum += w * w
    }
    return { diag, leadingSum }
  }

  /** A⁻¹ (row-major, symmetric) = L⁻ᵀ L⁻¹ for the last successful factor(). */
  inverse(): Float64Array {
    if (!this.ok) throw new Error('SpdSolver.inverse called without a successful factor()')
    const m = this.m
    const Li = this.lowerInverse()
    // V[i][j] = Σ_{p ≥ max(i,j)} Li[p][i]·Li[p][j]
    const V = new Float64Array(m * m)
    for (let p = 0; p < m; p++) {
      const rp = p * m
      for (let i = 0; i <= p; i++) {
        const a = Li[rp + i]
        if (a === 0) continue
        const ri = i * m
        for (let j = 0; j <= i; j++) V[ri + j] += a * Li[rp + j]
      }
    }
    for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) V[j * m + i] = V[i * m + j]
    return V
  }
}
