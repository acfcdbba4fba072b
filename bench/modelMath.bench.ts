// Benchmarks for the pure-math model modules (margins, calibration, jackpot, explanations).
// `npx tsx bench/modelMath.bench.ts` prints a table; `run()` returns the rows for bench/run.ts.

import { removeMargin } from '../main/model/market/margins'
import { fitIsotonicCalibrator } from '../main/model/calibration/calibrator'
import { analyseJackpot, type JackpotFixture } from '../main/model/jackpot/jackpot'
import { explainFixture, type ExplainInput } from '../main/model/explain/explainFixture'
import type { OutcomeIndex, Triple } from '../main/model/metrics/probabilities'
import { isMain, printResults, timeMedian } from './support'

export interface BenchRow {
  name: string
  median_ms: number
  runs: number
  target_ms?: number
  note?: string
}

/** Deterministic PRNG (mulberry32) so every run measures the same inputs. */
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

function randomTriple(r: () => number): Triple {
  const e = [r() + 0.05, r() + 0.05, r() + 0.05]
  const s = e[0] + e[1] + e[2]
  return [e[0] / s, e[1] / s, e[2] / s]
}

const round = (x: number) => Math.round(x * 1000) / 1000

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  const r = rng(20261127)

  // 1. Shapley explanation of one fixture with all 8 components (256 Dixon-Coles evaluations)
  const input: ExplainInput = {
    gamma: 0.25,
    alphaHome: 0.45,
    betaHome: -0.2,
    alphaAway: 0.05,
    betaAway: 0.15,
    betaMean: 0.1,
    rho: -0.08,
    market: { probabilities: [0.6, 0.23, 0.17], blend: { kind: 'log', alpha: 0.6 } },
    calibrator: {
      kind: 'temperature',
      temperature: 1.1,
      floor: 1e-4,
      n: 1,
      logLossBefore: 1,
      logLossAfter: 1,
    },
  }
  rows.push({
    name: 'Shapley explanation, 1 fixture, 8 components (256 coalitions)',
    median_ms: round(timeMedian(() => explainFixture(input), 51)),
    runs: 51,
    target_ms: 20,
  })

  // 2. Jackpot distribution for a 17-fixture coupon, against 2^17 brute-force enumeration as baseline
  const coupon: JackpotFixture[] = Array.from({ length: 17 }, () => ({ probabilities: randomTriple(r) }))
  const jackpotMs = timeMedian(() => analyseJackpot(coupon), 201)
  const ps = analyseJackpot(coupon).legs.map((l) => l.probability)
  const brute = () => {
    const dist = new Array<number>(18).fill(0)
    for (let mask = 0; mask < 1 << 17; mask++) {
      let p = 1
      let k = 0
      for (let i = 0; i < 17; i++) {
        if (mask & (1 << i)) {
          p *= ps[i]
          k++
        } else p *= 1 - ps[i]
      }
      dist[k] += p
    }
    return dist
  }
  const bruteMs = timeMedian(brute, 5, 1)
  rows.push({
    name: 'Jackpot distribution, 17 fixtures (Poisson-binomial DP)',
    median_ms: round(jackpotMs),
    runs: 201,
    target_ms: 1,
    note: `brute force over 2^17 right/wrong patterns: ${round(bruteMs)} ms (${Math.round(bruteMs / jackpotMs)}× slower)`,
  })

  // 3. Isotonic calibrator fit on 2,000 out-of-sample predictions
  const preds: Triple[] = []
  const ys: OutcomeIndex[] = []
  for (let i = 0; i < 2000; i++) {
    const q = randomTriple(r)
    const u = r()
    preds.push(q)
    ys.push(u < q[0] ? 0 : u < q[0] + q[1] ? 1 : 2)
  }
  rows.push({
    name: 'Isotonic calibration fit, 2,000 predictions (3 PAV fits)',
    median_ms: round(timeMedian(() => fitIsotonicCalibrator(preds, ys), 31)),
    runs: 31,
    target_ms: 20,
  })

  // 4. Shin margin removal ×10,000, with the multiplicative method on the same odds as baseline
  const odds = Array.from({ length: 10_000 }, () => {
    const q = randomTriple(r)
    return q.map((p) => 1 / (p * (1.02 + 0.08 * r()))) as [number, number, number]
  })
  const shinMs = timeMedian(() => {
    for (const o of odds) removeMargin(o, 'shin')
  }, 15)
  const multMs = timeMedian(() => {
    for (const o of odds) removeMargin(o, 'multiplicative')
  }, 15)
  rows.push({
    name: 'Margin removal, Shin ×10,000 fixtures',
    median_ms: round(shinMs),
    runs: 15,
    target_ms: 100,
    note: `multiplicative on the same odds: ${round(multMs)} ms (Shin ${(shinMs / multMs).toFixed(1)}× that)`,
  })
  return rows
}

if (isMain(import.meta.url)) printResults(await run())
