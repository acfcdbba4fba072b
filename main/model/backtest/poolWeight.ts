/**
 * Fast refits for the walk-forward loop: the blend weight α (incremental) and temperature scaling.
 *
 * `fitBlendWeight` (model/blend) minimises the same objective by golden-section search over generic
 * triples; refitting it at each of ~120 dates on up to 380 rows costs ~1.5 s. Here the rows are kept as
 * logs in growing typed arrays and the convex objective is minimised by a safeguarded Newton iteration on
 * its derivative (bracketed bisection fallback), which needs ~5 passes instead of ~50. Tests check it
 * agrees with `fitBlendWeight` to 1e-7.
 *
 *  linear: f(α) = −mean ln(α·m_y + (1−α)·k_y)
 *  log:    f(α) = mean[ −z_y + ln Σ_j e^{z_j} ],  z_j = κ_j + α·(ℓ_j − κ_j),  ℓ = ln model, κ = ln market
 */
import type { BlendKind } from '../blend'
import {
  CALIBRATION_FLOOR,
  TEMPERATURE_MAX,
  TEMPERATURE_MIN,
  type TemperatureCalibrator,
} from '../calibration'
import { LOG_LOSS_EPSILON, type OutcomeLetter, type Triple } from '../metrics'

const INDEX: Record<OutcomeLetter, number> = { H: 0, D: 1, A: 2 }

export class PoolWeightFitter {
  private n = 0
  private model = new Float64Array(3 * 64)
  private market = new Float64Array(3 * 64)
  private y = new Uint8Array(64)

  constructor(readonly kind: BlendKind) {}

  get size(): number {
    return this.n
  }

  add(model: Triple, market: Triple, outcome: OutcomeLetter): void {
    if (this.n === this.y.length) {
      const grow = <T extends Float64Array | Uint8Array>(a: T, make: (len: number) => T): T => {
        const b = make(a.length * 2)
        b.set(a)
        return b
      }
      this.model = grow(this.model, (l) => new Float64Array(l))
      this.market = grow(this.market, (l) => new Float64Array(l))
      this.y = grow(this.y, (l) => new Uint8Array(l))
    }
    const log = this.kind === 'log'
    for (let j = 0; j < 3; j++) {
      const m = Math.max(model[j], LOG_LOSS_EPSILON)
      const k = Math.max(market[j], LOG_LOSS_EPSILON)
      this.model[3 * this.n + j] = log ? Math.log(m) : model[j]
      this.market[3 * this.n + j] = log ? Math.log(k) : market[j]
    }
    this.y[this.n] = INDEX[outcome]
    this.n++
  }

  /** f'(α) and f''(α) of the mean log loss. */
  private derivatives(alpha: number): [number, number] {
    let d1 = 0
    let d2 = 0
    const { n, model, market, y } = this
    if (this.kind === 'linear') {
      for (let i = 0; i < n; i++) {
        const m = model[3 * i + y[i]]
        const k = market[3 * i + y[i]]
        const p = Math.max(alpha * m + (1 - alpha) * k, LOG_LOSS_EPSILON)
        const r = (m - k) / p
        d1 -= r
        d2 += r * r
      }
    } else {
      for (let i = 0; i < n; i++) {
        const b = 3 * i
        const z0 = market[b] + alpha * (model[b] - market[b])
        const z1 = market[b + 1] + alpha * (model[b + 1] - market[b + 1])
        const z2 = market[b + 2] + alpha * (model[b + 2] - market[b + 2])
        const mx = Math.max(z0, z1, z2)
        const e0 = Math.exp(z0 - mx)
        const e1 = Math.exp(z1 - mx)
        const e2 = Math.exp(z2 - mx)
        const s = e0 + e1 + e2
        const dd0 = model[b] - market[b]
        const dd1 = model[b + 1] - market[b + 1]
        const dd2 = model[b + 2] - market[b + 2]
        const mean = (e0 * dd0 + e1 * dd1 + e2 * dd2) / s
        const sq = (e0 * dd0 * dd0 + e1 * dd1 * dd1 + e2 * dd2 * dd2) / s
        d1 += mean - (y[i] === 0 ? dd0 : y[i] === 1 ? dd1 : dd2)
        d2 += sq - mean * mean
      }
    }
    return [d1 / n, d2 / n]
  }

  /** α ∈ [0, 1] minimising the mean log loss of the rows added so far (to ~1e-12 in α). */
  fit(): number {
    if (this.n === 0) throw new Error('PoolWeightFitter: no rows')
    const [g0] = this.derivatives(0)
    if (g0 >= 0) return 0
    const [g1] = this.derivatives(1)
    if (g1 <= 0) return 1
    // f' is increasing (f convex) with f'(0) < 0 < f'(1): keep a bracket [lo, hi] around its root.
    let lo = 0
    let hi = 1
    let a = 0.5
    for (let iter = 0; iter < 100; iter++) {
      const [g, h] = this.derivatives(a)
      if (g === 0) return a
      if (g < 0) lo = a
      else hi = a
      const step = h > 0 ? g / h : NaN
      if (Math.abs(step) < 1e-13) return a // converged (before the bracket test: a − step may round to a)
      let next = a - step
      if (!(next > lo && next < hi)) next = (lo + hi) / 2
      if (hi - lo < 1e-13) return next
      a = next
    }
    return a
  }
}

/**
 * Temperature scaling fitted by safeguarded Newton on β = 1/T: the same convex objective and range as
 * model/calibration `fitTemperature` (mean log loss of softmax(β·ln p), β ∈ [1/T_MAX, 1/T_MIN], inputs
 * clipped at 1e-15), which uses ~50 golden-section passes where this needs ~5. The walk-forward refits
 * the calibrator at every date, so this is most of its cost. Tests check it agrees with `fitTemperature`.
 */
export function fitTemperatureFast(
  preds: readonly Triple[],
  outcomes: readonly OutcomeLetter[],
): TemperatureCalibrator {
  const n = preds.length
  if (n === 0 || outcomes.length !== n) throw new Error('fitTemperatureFast: need matching, non-empty inputs')
  const l = new Float64Array(3 * n)
  const y = new Uint8Array(n)
  let flat = true
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 3; j++) l[3 * i + j] = Math.log(Math.max(preds[i][j], LOG_LOSS_EPSILON))
    if (l[3 * i] !== l[3 * i + 1] || l[3 * i + 1] !== l[3 * i + 2]) flat = false
    y[i] = INDEX[outcomes[i]]
  }
  /** [f, f', f''] at β. */
  const at = (beta: number): [number, number, number] => {
    let f = 0
    let d1 = 0
    let d2 = 0
    for (let i = 0; i < n; i++) {
      const b = 3 * i
      const z0 = beta * l[b]
      const z1 = beta * l[b + 1]
      const z2 = beta * l[b + 2]
      const mx = Math.max(z0, z1, z2)
      const e0 = Math.exp(z0 - mx)
      const e1 = Math.exp(z1 - mx)
      const e2 = Math.exp(z2 - mx)
      const s = e0 + e1 + e2
      const mean = (e0 * l[b] + e1 * l[b + 1] + e2 * l[b + 2]) / s
      const sq = (e0 * l[b] * l[b] + e1 * l[b + 1] * l[b + 1] + e2 * l[b + 2] * l[b + 2]) / s
      f += mx + Math.log(s) - beta * l[b + y[i]]
      d1 += mean - l[b + y[i]]
      d2 += sq - mean * mean
    }
    return [f / n, d1 / n, d2 / n]
  }
  const lo0 = 1 / TEMPERATURE_MAX
  const hi0 = 1 / TEMPERATURE_MIN
  let beta = 1
  if (!flat) {
    if (at(lo0)[1] >= 0) beta = lo0
    else if (at(hi0)[1] <= 0) beta = hi0
    else {
      let lo = lo0
      let hi = hi0
      for (let iter = 0; iter < 100; iter++) {
        const [, g, h] = at(beta)
        if (g === 0) break
        if (g < 0) lo = beta
        else hi = beta
        const step = h > 0 ? g / h : NaN
        if (Math.abs(step) < 1e-13 * Math.max(1, beta)) break // converged (a step this small may round to β)
        let next = beta - step
        if (!(next > lo && next < hi)) next = (lo + hi) / 2
        beta = next
        if (hi - lo < 1e-13) break
      }
    }
  }
  return {
    kind: 'temperature',
    temperature: 1 / beta,
    floor: CALIBRATION_FLOOR,
    n,
    logLossBefore: at(1)[0],
    logLossAfter: at(beta)[0],
  }
}
