// Isotonic regression by the pool-adjacent-violators algorithm (Ayer et al. 1955; Barlow et al. 1972,
// "Statistical inference under order restrictions", §1.2), used for one-vs-rest probability calibration
// (Zadrozny & Elkan 2002).
import { ModelInputError } from '../metrics/probabilities'

/** A fitted non-decreasing step map as data. Interpolation: LINEAR between consecutive breakpoints and
 * CONSTANT outside [x[0], x[last]] — the same rule as scikit-learn's IsotonicRegression with
 * out_of_bounds='clip'. Each pooled block contributes its first and last x (one point when they coincide),
 * so inside a block the map is flat and between blocks it ramps linearly. x is strictly increasing. */
export interface IsotonicMap {
  x: number[]
  y: number[]
}

/** Weighted PAV on values already in x order: returns the fitted value for each input position, the
 * non-decreasing sequence minimising Σ w_i (f_i − y_i)². O(n). */
export function pav(y: readonly number[], w?: readonly number[]): number[] {
  const n = y.length
  const val: number[] = [] // block means
  const wt: number[] = [] // block weights
  const len: number[] = [] // block sizes
  for (let i = 0; i < n; i++) {
    let v = y[i]
    let ww = w ? w[i] : 1
    let l = 1
    while (val.length > 0 && val[val.length - 1] >= v) {
      const pv = val.pop()!
      const pw = wt.pop()!
      const pl = len.pop()!
      v = (pv * pw + v * ww) / (pw + ww)
      ww += pw
      l += pl
    }
    val.push(v)
    wt.push(ww)
    len.push(l)
  }
  const out: number[] = new Array(n)
  let k = 0
  for (let b = 0; b < val.length; b++) for (let j = 0; j < len[b]; j++) out[k++] = val[b]
  return out
}

/** Fits a non-decreasing map y ≈ f(x) by weighted least squares. Tied x values are pooled first (their
 * mean y with summed weight), as scikit-learn does, so equal inputs always map to equal outputs. */
export function fitIsotonic(x: readonly number[], y: readonly number[], w?: readonly number[]): IsotonicMap {
  if (x.length !== y.length || (w && w.length !== x.length)) {
    throw new ModelInputError('LENGTH_MISMATCH', `isotonic: ${x.length} x values but ${y.length} y values`)
  }
  if (x.length === 0) throw new ModelInputError('EMPTY_INPUT', 'isotonic: no points to fit')
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i]) || (w && !(w[i] > 0 && Number.isFinite(w[i])))) {
      throw new ModelInputError('INVALID_ARGUMENT', `isotonic: point ${i} is not finite (or weight ≤ 0)`)
    }
  }
  const order = x.map((_, i) => i).sort((a, b) => x[a] - x[b])
  // pool ties
  const ux: number[] = []
  const uy: number[] = []
  const uw: number[] = []
  for (const i of order) {
    const wi = w ? w[i] : 1
    const last = ux.length - 1
    if (last >= 0 && ux[last] === x[i]) {
      uy[last] = (uy[last] * uw[last] + y[i] * wi) / (uw[last] + wi)
      uw[last] += wi
    } else {
      ux.push(x[i])
      uy.push(y[i])
      uw.push(wi)
    }
  }
  const fitted = pav(uy, uw)
  // keep the first and last x of every constant run (sklearn's redundant-point removal)
  const bx: number[] = []
  const by: number[] = []
  for (let i = 0; i < ux.length; i++) {
    const prevSame = i > 0 && fitted[i - 1] === fitted[i]
    const nextSame = i < ux.length - 1 && fitted[i + 1] === fitted[i]
    if (prevSame && nextSame) continue
    bx.push(ux[i])
    by.push(fitted[i])
  }
  return { x: bx, y: by }
}

/** Evaluates a fitted map at t: linear interpolation between breakpoints, constant outside them. */
export function evalIsotonic(map: IsotonicMap, t: number): number {
  const { x, y } = map
  const n = x.length
  if (t <= x[0]) return y[0]
  if (t >= x[n - 1]) return y[n - 1]
  // binary search for the last breakpoint ≤ t
  let lo = 0
  let hi = n - 1
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (x[mid] <= t) lo = mid
    else hi = mid
  }
  const f = (t - x[lo]) / (x[hi] - x[lo])
  return y[lo] + f * (y[hi] - y[lo])
}
