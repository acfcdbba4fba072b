// Scoring rules and calibration diagnostics for 1X2 forecasts. Every function takes predictions as
// [home, draw, away] triples and outcomes as 0/1/2 (or 'H'/'D'/'A'); means are plain arithmetic means.
import {
  argMax,
  assertSameLength,
  assertTriple,
  ModelInputError,
  outcomeIndex,
  type Outcome,
  type OutcomeIndex,
  type Triple,
} from './probabilities'

/** Log loss clips the probability of the observed outcome to [LOG_LOSS_EPSILON, 1] so a confident miss
 * costs −ln(1e-15) ≈ 34.5 instead of Infinity (the same epsilon scikit-learn's log_loss used by default). */
export const LOG_LOSS_EPSILON = 1e-15

/** Number of equal-width bins on [0, 1] for ECE and reliability diagrams. */
export const CALIBRATION_BINS = 10

/** Ranked probability score of one forecast (Epstein 1969; Constantinou & Fenton 2012, eq. 1):
 * RPS = 1/(r−1) · Σ_{i=1}^{r−1} (Σ_{j≤i} (p_j − o_j))², outcomes ordered H, D, A so r − 1 = 2. Range 0–1. */
export function rps(p: Triple, outcome: Outcome): number {
  const y = outcomeIndex(outcome)
  const c1 = p[0] - (y === 0 ? 1 : 0)
  const c2 = c1 + p[1] - (y === 1 ? 1 : 0)
  return (c1 * c1 + c2 * c2) / 2
}

/** Multiclass Brier score (Brier 1950, original form): Σ_i (p_i − o_i)², range 0–2. */
export function brier(p: Triple, outcome: Outcome): number {
  const y = outcomeIndex(outcome)
  let s = 0
  for (let i = 0; i < 3; i++) {
    const d = p[i] - (i === y ? 1 : 0)
    s += d * d
  }
  return s
}

/** Log loss of one forecast: −ln max(p_y, ε) with natural log and ε = LOG_LOSS_EPSILON. */
export function logLoss(p: Triple, outcome: Outcome): number {
  return -Math.log(Math.max(p[outcomeIndex(outcome)], LOG_LOSS_EPSILON))
}

function validated(preds: readonly Triple[], outcomes: readonly Outcome[], what: string): OutcomeIndex[] {
  assertSameLength(what, preds, outcomes)
  const ys: OutcomeIndex[] = new Array(preds.length)
  for (let i = 0; i < preds.length; i++) {
    assertTriple(preds[i], `${what}: prediction ${i}`)
    ys[i] = outcomeIndex(outcomes[i], `${what}: outcome ${i}`)
  }
  return ys
}
function meanOf(
  preds: readonly Triple[],
  outcomes: readonly Outcome[],
  what: string,
  f: (p: Triple, y: Outcome) => number,
): number {
  const ys = validated(preds, outcomes, what)
  let s = 0
  for (let i = 0; i < preds.length; i++) s += f(preds[i], ys[i])
  return s / preds.length
}

export const meanRps = (preds: readonly Triple[], outcomes: readonly Outcome[]): number =>
  meanOf(preds, outcomes, 'meanRps', rps)
export const meanBrier = (preds: readonly Triple[], outcomes: readonly Outcome[]): number =>
  meanOf(preds, outcomes, 'meanBrier', brier)
export const meanLogLoss = (preds: readonly Triple[], outcomes: readonly Outcome[]): number =>
  meanOf(preds, outcomes, 'meanLogLoss', logLoss)

/** Share of forecasts whose arg-max outcome happened; ties pick the lower index (H, then D, then A). */
export function accuracy(preds: readonly Triple[], outcomes: readonly Outcome[]): number {
  const ys = validated(preds, outcomes, 'accuracy')
  let hits = 0
  for (let i = 0; i < preds.length; i++) if (argMax(preds[i]) === ys[i]) hits++
  return hits / preds.length
}

function binOf(x: number, bins: number): number {
  // Bins are [k/B, (k+1)/B) with the last one closed: [0.9, 1.0].
  return Math.min(bins - 1, Math.floor(x * bins))
}

/** Expected calibration error (Naeini et al. 2015; Guo et al. 2017, eq. 3) on the *top-label confidence*:
 * each forecast goes to the bin of max_i p_i among 10 equal-width bins on [0, 1] (last bin closed), and
 * ECE = Σ_b (n_b / N) · |accuracy_b − meanConfidence_b|, accuracy being the arg-max pick's hit rate.
 * Bins are left-closed, [k/10, (k+1)/10), the last one [0.9, 1]; Guo et al. write them right-closed, which
 * differs only for a confidence exactly on an edge (e.g. 0.6 falls in [0.6, 0.7) here). */
export function ece(preds: readonly Triple[], outcomes: readonly Outcome[], bins = CALIBRATION_BINS): number {
  const ys = validated(preds, outcomes, 'ece')
  const count = new Array<number>(bins).fill(0)
  const conf = new Array<number>(bins).fill(0)
  const hit = new Array<number>(bins).fill(0)
  for (let i = 0; i < preds.length; i++) {
    const k = argMax(preds[i])
    const c = preds[i][k]
    const b = binOf(c, bins)
    count[b]++
    conf[b] += c
    if (k === ys[i]) hit[b]++
  }
  let e = 0
  for (let b = 0; b < bins; b++) if (count[b] > 0) e += Math.abs(hit[b] - conf[b]) / preds.length
  return e
}

export interface ReliabilityBin {
  lo: number
  hi: number
  count: number
  /** Mean predicted probability of the outcome in the bin; null when the bin is empty. */
  meanPredicted: number | null
  /** Share of the bin's forecasts where the outcome happened; null when the bin is empty. */
  observedFrequency: number | null
}

/** Reliability-diagram bins per outcome (one-vs-rest): for outcome j, forecasts are binned on p_j with
 * the same 10 equal-width bins as ECE. All bins are returned, empty ones with nulls (JSON-safe). */
export function reliabilityBins(
  preds: readonly Triple[],
  outcomes: readonly Outcome[],
  bins = CALIBRATION_BINS,
): [ReliabilityBin[], ReliabilityBin[], ReliabilityBin[]] {
  const ys = validated(preds, outcomes, 'reliabilityBins')
  const perOutcome = [0, 1, 2].map((j) => {
    const count = new Array<number>(bins).fill(0)
    const sumP = new Array<number>(bins).fill(0)
    const hits = new Array<number>(bins).fill(0)
    for (let i = 0; i < preds.length; i++) {
      const b = binOf(preds[i][j], bins)
      count[b]++
      sumP[b] += preds[i][j]
      if (ys[i] === j) hits[b]++
    }
    return count.map((n, b): ReliabilityBin => ({
      lo: b / bins,
      hi: (b + 1) / bins,
      count: n,
      meanPredicted: n > 0 ? sumP[b] / n : null,
      observedFrequency: n > 0 ? hits[b] / n : null,
    }))
  })
  return [perOutcome[0], perOutcome[1], perOutcome[2]]
}

/** The metrics object the CLI emits as JSON (snake_case keys by design). */
export interface MetricsSummary {
  n: number
  rps: number
  log_loss: number
  brier: number
  accuracy: number
  ece: number
}

/** All headline metrics over a set of out-of-sample forecasts. Throws EMPTY_INPUT for no forecasts. */
export function summarise(preds: readonly Triple[], outcomes: readonly Outcome[]): MetricsSummary {
  if (preds.length === 0 && outcomes.length === 0) {
    throw new ModelInputError('EMPTY_INPUT', 'summarise: no predictions to score')
  }
  return {
    n: preds.length,
    rps: meanRps(preds, outcomes),
    log_loss: meanLogLoss(preds, outcomes),
    brier: meanBrier(preds, outcomes),
    accuracy: accuracy(preds, outcomes),
    ece: ece(preds, outcomes),
  }
}
