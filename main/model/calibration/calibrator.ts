// Post-hoc calibration of 1X2 forecasts, fitted on out-of-sample predictions supplied by the caller and
// stored as plain data so a model version can carry its calibrator to the CLI, a worker or the UI.
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
import { goldenSectionMin } from '../blend/blend'
import { evalIsotonic, fitIsotonic, type IsotonicMap } from './isotonic'

/** Every calibrated probability is raised to at least this floor before the triple is renormalised, so
 * outputs are strictly inside (0, 1) even where the isotonic map is 0 (no such outcome in a bin) or 1.
 * After renormalising each entry is ≥ floor / (1 + 2·floor) > 0 and ≤ 1 − that. 1e-4 costs at most
 * −ln(1e-4) ≈ 9.2 nats on a surprise, instead of the 34.5 the metrics' ε-clip would charge. */
export const CALIBRATION_FLOOR = 1e-4

/** Temperature search range, T ∈ [T_MIN, T_MAX]; a perfectly separable sample drives T to T_MIN. */
export const TEMPERATURE_MIN = 0.05
export const TEMPERATURE_MAX = 20

export interface IsotonicCalibrator {
  kind: 'isotonic'
  /** See IsotonicMap: linear between breakpoints, constant outside. One map per outcome H, D, A. */
  interpolation: 'linear'
  outcomes: [IsotonicMap, IsotonicMap, IsotonicMap]
  floor: number
  n: number
}

export interface TemperatureCalibrator {
  kind: 'temperature'
  /** p_i ∝ exp(ln p_i / T) = p_i^(1/T); T > 1 softens, T < 1 sharpens. */
  temperature: number
  floor: number
  n: number
  /** Mean log loss on the fitting data before and after (natural log, ε-clipped as in metrics). */
  logLossBefore: number
  logLossAfter: number
}

export type Calibrator = IsotonicCalibrator | TemperatureCalibrator

const isotonicMapSchema = z
  .object({ x: z.array(z.number()).min(1), y: z.array(z.number().min(0).max(1)).min(1) })
  .refine((m) => m.x.length === m.y.length, 'x and y need the same length')
  .refine((m) => m.x.every((v, i) => i === 0 || v > m.x[i - 1]), 'x must be strictly increasing')
  .refine((m) => m.y.every((v, i) => i === 0 || v >= m.y[i - 1]), 'y must be non-decreasing')

export const calibratorSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('isotonic'),
    interpolation: z.literal('linear'),
    outcomes: z.tuple([isotonicMapSchema, isotonicMapSchema, isotonicMapSchema]),
    floor: z.number().positive().max(0.1),
    n: z.number().int().nonnegative(),
  }),
  z.object({
    kind: z.literal('temperature'),
    temperature: z.number().positive(),
    floor: z.number().positive().max(0.1),
    n: z.number().int().nonnegative(),
    logLossBefore: z.number(),
    logLossAfter: z.number(),
  }),
])

function validate(preds: readonly Triple[], outcomes: readonly Outcome[], what: string) {
  assertSameLength(what, preds, outcomes)
  preds.forEach((p, i) => assertTriple(p, `${what}: prediction ${i}`))
  return outcomes.map((o, i) => outcomeIndex(o, `${what}: outcome ${i}`))
}

function floorAndNormalise(q: readonly number[], floor: number): Triple {
  const a = Math.max(q[0], floor)
  const b = Math.max(q[1], floor)
  const c = Math.max(q[2], floor)
  const s = a + b + c
  return [a / s, b / s, c / s]
}

/** One-vs-rest isotonic calibration: for each outcome j a PAV fit of 1[y = j] on p_j, then the three
 * mapped values are floored at `floor` and renormalised. Works for any n ≥ 1 (a single point or a sample
 * with one outcome only gives constant maps, which the floor keeps away from 0). */
export function fitIsotonicCalibrator(
  preds: readonly Triple[],
  outcomes: readonly Outcome[],
  options: { floor?: number } = {},
): IsotonicCalibrator {
  const ys = validate(preds, outcomes, 'fitIsotonicCalibrator')
  const floor = checkFloor(options.floor)
  const maps = [0, 1, 2].map((j) =>
    fitIsotonic(
      preds.map((p) => p[j]),
      ys.map((y) => (y === j ? 1 : 0)),
    ),
  )
  return {
    kind: 'isotonic',
    interpolation: 'linear',
    outcomes: [maps[0], maps[1], maps[2]],
    floor,
    n: ys.length,
  }
}

function checkFloor(floor: number | undefined): number {
  const f = floor ?? CALIBRATION_FLOOR
  if (!(f > 0 && f <= 0.1))
    throw new ModelInputError('INVALID_ARGUMENT', `calibration floor must be in (0, 0.1]`)
  return f
}

/** Temperature scaling (Guo et al. 2017, §4.2) on log-probabilities: q_i = softmax(ln p_i / T). Inputs are
 * clipped to ε = 1e-15 before the log. Writing β = 1/T, the mean log loss −β·ℓ_y + logΣ_i exp(β·ℓ_i) is
 * convex in β, so a golden-section search over β ∈ [1/T_MAX, 1/T_MIN] finds the global minimum. If every
 * forecast is uniform the objective is flat and T = 1 is returned. */
export function fitTemperature(
  preds: readonly Triple[],
  outcomes: readonly Outcome[],
  options: { floor?: number } = {},
): TemperatureCalibrator {
  const ys = validate(preds, outcomes, 'fitTemperature')
  const floor = checkFloor(options.floor)
  const logs = preds.map((p) => p.map((x) => Math.log(Math.max(x, LOG_LOSS_EPSILON))))
  const loss = (beta: number): number => {
    let s = 0
    for (let i = 0; i < logs.length; i++) {
      const l = logs[i]
      const m = Math.max(l[0], l[1], l[2]) * beta
      const lse =
        m + Math.log(Math.exp(beta * l[0] - m) + Math.exp(beta * l[1] - m) + Math.exp(beta * l[2] - m))
      s += lse - beta * l[ys[i]]
    }
    return s / logs.length
  }
  const lo = 1 / TEMPERATURE_MAX
  const hi = 1 / TEMPERATURE_MIN
  // uniform forecasts carry no signal to sharpen or soften: every T gives the same loss
  const flat = logs.every((l) => l[0] === l[1] && l[1] === l[2])
  const beta = flat ? 1 : goldenSectionMin(loss, lo, hi, 1e-10)
  const before = loss(1)
  return {
    kind: 'temperature',
    temperature: 1 / beta,
    floor,
    n: ys.length,
    logLossBefore: before,
    logLossAfter: loss(beta),
  }
}

/** Applies a serialised calibrator to one forecast. Output sums to 1 and lies strictly inside (0, 1). */
export function applyCalibrator(calibrator: Calibrator, probs: Triple): Triple {
  const p = assertTriple(probs, 'applyCalibrator: probabilities')
  if (calibrator.kind === 'isotonic') {
    const m = calibrator.outcomes
    return floorAndNormalise(
      [evalIsotonic(m[0], p[0]), evalIsotonic(m[1], p[1]), evalIsotonic(m[2], p[2])],
      calibrator.floor,
    )
  }
  const beta = 1 / calibrator.temperature
  const l = p.map((x) => beta * Math.log(Math.max(x, LOG_LOSS_EPSILON)))
  const mx = Math.max(l[0], l[1], l[2])
  const e = l.map((x) => Math.exp(x - mx))
  const s = e[0] + e[1] + e[2]
  return floorAndNormalise([e[0] / s, e[1] / s, e[2] / s], calibrator.floor)
}
