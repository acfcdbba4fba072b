import { describe, expect, it } from 'vitest'
import {
  applyCalibrator,
  CALIBRATION_FLOOR,
  calibratorSchema,
  fitIsotonicCalibrator,
  fitTemperature,
  TEMPERATURE_MIN,
  type Calibrator,
} from './calibrator'
import { meanLogLoss } from '../metrics/scores'
import type { OutcomeIndex, Triple } from '../metrics/probabilities'

function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const sharpen = (q: Triple, T: number): Triple => {
  const e = q.map((x) => x ** (1 / T))
  const s = e[0] + e[1] + e[2]
  return [e[0] / s, e[1] / s, e[2] / s]
}

/** True probabilities q, outcomes drawn from q, and an over-confident forecaster reporting q^(1/T0). */
function overconfident(seed: number, n: number, T0: number) {
  const r = rng(seed)
  const truth: Triple[] = []
  const preds: Triple[] = []
  const ys: OutcomeIndex[] = []
  for (let i = 0; i < n; i++) {
    const h = 0.2 + 0.5 * r()
    const d = 0.2 + 0.1 * r()
    const q: Triple = [h, d, 1 - h - d]
    const u = r()
    truth.push(q)
    preds.push(sharpen(q, T0))
    ys.push(u < q[0] ? 0 : u < q[0] + q[1] ? 1 : 2)
  }
  return { truth, preds, ys }
}

const strictlyInside = (p: Triple) =>
  p.every((x) => Number.isFinite(x) && x > 0 && x < 1) && Math.abs(p[0] + p[1] + p[2] - 1) < 1e-9

describe('temperature scaling', () => {
  it('recovers T ≈ 2 for a forecaster that squared its probabilities (q^(1/0.5))', () => {
    const { preds, ys } = overconfident(3, 20000, 0.5)
    const cal = fitTemperature(preds, ys)
    // undoing a sharpening by 1/T0 = 2 needs T = 2 / 1 = 2 (p^(1/T) = q^(2/T) = q)
    expect(cal.temperature).toBeGreaterThan(1.8)
    expect(cal.temperature).toBeLessThan(2.2)
    expect(cal.logLossAfter).toBeLessThan(cal.logLossBefore)
    const after = meanLogLoss(
      preds.map((p) => applyCalibrator(cal, p)),
      ys,
    )
    expect(after).toBeCloseTo(cal.logLossAfter, 6) // the floor barely matters at these probabilities
  })

  it('sits at a stationary point: d/dβ mean log loss = mean(E_q[ln p] − ln p_y) ≈ 0', () => {
    const { preds, ys } = overconfident(5, 3000, 0.7)
    const { temperature } = fitTemperature(preds, ys)
    const beta = 1 / temperature
    let g = 0
    preds.forEach((p, i) => {
      const q = sharpen(p, temperature)
      g += q.reduce((s, qi, j) => s + qi * Math.log(p[j]), 0) - Math.log(p[ys[i]])
    })
    expect(Math.abs(g / preds.length)).toBeLessThan(1e-6)
    expect(beta).toBeGreaterThan(0)
  })

  it('uniform forecasts leave T = 1; a perfectly separable sample hits the documented lower bound', () => {
    expect(fitTemperature([[1 / 3, 1 / 3, 1 / 3]], [0]).temperature).toBe(1)
    const sep = fitTemperature(
      [
        [0.6, 0.3, 0.1],
        [0.1, 0.3, 0.6],
      ],
      [0, 2],
    )
    expect(sep.temperature).toBeCloseTo(TEMPERATURE_MIN, 6)
    expect(strictlyInside(applyCalibrator(sep, [0.6, 0.3, 0.1]))).toBe(true)
  })
})

describe('isotonic calibration', () => {
  it('improves in-sample log loss of an over-confident forecaster and keeps triples valid', () => {
    const { preds, ys } = overconfident(9, 2000, 0.5)
    const cal = fitIsotonicCalibrator(preds, ys)
    const out = preds.map((p) => applyCalibrator(cal, p))
    expect(out.every(strictlyInside)).toBe(true)
    expect(meanLogLoss(out, ys)).toBeLessThan(meanLogLoss(preds, ys))
    // each outcome's map is non-decreasing
    for (const m of cal.outcomes) expect(m.y.every((v, i) => i === 0 || v >= m.y[i - 1])).toBe(true)
  })

  it('edge cases: one point, one outcome only, predictions exactly 0 and 1 — no NaN, strictly inside (0,1)', () => {
    const cases: [Triple[], OutcomeIndex[]][] = [
      [[[0.5, 0.3, 0.2]], [1]],
      [
        [
          [0.5, 0.3, 0.2],
          [0.4, 0.3, 0.3],
          [0.7, 0.2, 0.1],
        ],
        [0, 0, 0],
      ],
      [
        [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
          [1, 0, 0],
        ],
        [0, 1, 2, 2],
      ],
    ]
    for (const [preds, ys] of cases) {
      for (const cal of [fitIsotonicCalibrator(preds, ys), fitTemperature(preds, ys)] as Calibrator[]) {
        for (const p of [...preds, [0, 0, 1] as Triple, [1 / 3, 1 / 3, 1 / 3] as Triple]) {
          const q = applyCalibrator(cal, p)
          expect(strictlyInside(q), `${cal.kind} on ${JSON.stringify(p)} gave ${JSON.stringify(q)}`).toBe(
            true,
          )
        }
      }
    }
  })

  it('the floor is documented and applied: an all-home sample maps D and A to floor/(1 + 2·floor)', () => {
    const cal = fitIsotonicCalibrator(
      [
        [0.5, 0.3, 0.2],
        [0.6, 0.2, 0.2],
      ],
      ['H', 'H'],
    )
    const q = applyCalibrator(cal, [0.55, 0.25, 0.2])
    expect(q[1]).toBeCloseTo(CALIBRATION_FLOOR / (1 + 2 * CALIBRATION_FLOOR), 15)
    expect(q[0]).toBeCloseTo(1 / (1 + 2 * CALIBRATION_FLOOR), 15)
  })
})

describe('serialisation', () => {
  it('both calibrators survive JSON and the zod schema and apply identically afterwards', () => {
    const { preds, ys } = overconfident(1, 300, 0.6)
    for (const cal of [fitIsotonicCalibrator(preds, ys), fitTemperature(preds, ys)] as Calibrator[]) {
      const back = calibratorSchema.parse(JSON.parse(JSON.stringify(cal))) as Calibrator
      expect(back).toEqual(cal)
      expect(applyCalibrator(back, preds[0])).toEqual(applyCalibrator(cal, preds[0]))
    }
    expect(calibratorSchema.safeParse({ kind: 'isotonic', interpolation: 'step' }).success).toBe(false)
    const unsorted = { ...fitIsotonicCalibrator(preds, ys), n: 1 }
    unsorted.outcomes = [{ x: [0.5, 0.2], y: [0, 1] }, unsorted.outcomes[1], unsorted.outcomes[2]]
    expect(calibratorSchema.safeParse(unsorted).success).toBe(false)
  })

  it('rejects invalid inputs with typed errors', () => {
    expect(() => fitIsotonicCalibrator([], [])).toThrow(/no predictions/)
    expect(() => fitTemperature([[0.5, 0.5, 0.5]], [0])).toThrow(/sums to/)
    expect(() => fitIsotonicCalibrator([[0.5, 0.3, 0.2]], [0], { floor: 0 })).toThrow(/floor/)
    expect(() => fitTemperature([[0.5, 0.3, 0.2]], [0], { floor: 0.5 })).toThrow(/floor/)
    expect(fitTemperature([[0.5, 0.3, 0.2]], [0], { floor: 0.01 }).floor).toBe(0.01)
  })
})
