/**
 * Score distributions and market probabilities from Dixon-Coles rates.
 *
 * P(x, y) = τ_{λ,μ,ρ}(x, y)·Pois(x; λ)·Pois(y; μ) (Dixon & Coles 1997, eq. 4.2). The τ correction
 * preserves total mass exactly on the infinite grid (the four adjustments cancel: −λμρ·p00 +
 * λρ·p01 + μρ·p10 − ρ·p11 = 0 since p01 = μ·p00, p10 = λ·p00, p11 = λμ·p00), so capping the grid at
 * N goals per side loses only the Poisson tail 1 − F_λ(N)·F_μ(N). N is the smallest cap that
 * makes that tail < 1e-10, and the capped matrix is renormalised to sum to 1.
 */
import { DixonColesError } from './errors'
import type { FittedModel } from './types'

/** Upper bound on the missing Poisson mass of the capped score grid. */
export const SCORE_TAIL_MASS = 1e-10
const HARD_GOAL_CAP = 400

/** The open interval of ρ for which all four τ of a fixture with rates λ, μ are positive. */
export function fixtureRhoInterval(lambda: number, mu: number): [number, number] {
  return [Math.max(-1 / lambda, -1 / mu), Math.min(1, 1 / (lambda * mu))]
}

/** ρ clamped into the closed τ-region of the fixture (a boundary value makes one τ exactly 0). */
export function clampRho(lambda: number, mu: number, rho: number): { rho: number; clamped: boolean } {
  const [lo, hi] = fixtureRhoInterval(lambda, mu)
  if (rho < lo) return { rho: lo, clamped: true }
  if (rho > hi) return { rho: hi, clamped: true }
  return { rho, clamped: false }
}

/** Above this many expected goals the Poisson mass underflows out of the score grid (e^−λ → 0 past ~745). */
const MAX_RATE = 100

function checkRates(lambda: number, mu: number, rho: number): void {
  if (!(lambda > 0 && mu > 0 && lambda <= MAX_RATE && mu <= MAX_RATE && Number.isFinite(rho))) {
    throw new DixonColesError(
      'MODEL_BAD_INPUT',
      `Score rates must be positive and at most ${MAX_RATE} goals, and rho finite (lambda=${lambda}, mu=${mu}, rho=${rho})`,
      { lambda, mu, rho },
    )
  }
}

/** Poisson pmf 0..N with N the smallest cap such that 1 − F_λ(N)F_μ(N) < tail (or `maxGoals` if given). */
function poissonPair(lambda: number, mu: number, maxGoals?: number, tail = SCORE_TAIL_MASS) {
  const px: number[] = [Math.exp(-lambda)]
  const py: number[] = [Math.exp(-mu)]
  let fx = px[0]
  let fy = py[0]
  let n = 0
  const done = () =>
    maxGoals !== undefined ? n >= maxGoals : (1 - fx * fy < tail && n >= 1) || n >= HARD_GOAL_CAP
  while (!done()) {
    n++
    const ax = (px[n - 1] * lambda) / n
    const ay = (py[n - 1] * mu) / n
    px.push(ax)
    py.push(ay)
    fx += ax
    fy += ay
  }
  return { px, py, n }
}

export interface ScoreMatrixOptions {
  /** Fixed goal cap per side (overrides the tail-mass rule). */
  maxGoals?: number
}

/**
 * Joint score distribution as `matrix[homeGoals][awayGoals]`, goals 0..N with N from the 1e-10 tail
 * rule, renormalised to sum to 1. A ρ outside the fixture's τ-region is clamped to its boundary
 * (see `predictFixture` for the flag).
 */
export function scoreMatrix(
  lambda: number,
  mu: number,
  rho: number,
  opts: ScoreMatrixOptions = {},
): number[][] {
  checkRates(lambda, mu, rho)
  const r = clampRho(lambda, mu, rho).rho
  const { px, py, n } = poissonPair(lambda, mu, opts.maxGoals)
  const m: number[][] = new Array(n + 1)
  let total = 0
  for (let x = 0; x <= n; x++) {
    const row = new Array<number>(n + 1)
    for (let y = 0; y <= n; y++) row[y] = px[x] * py[y]
    m[x] = row
  }
  m[0][0] *= Math.max(0, 1 - lambda * mu * r)
  if (n >= 1) {
    m[0][1] *= Math.max(0, 1 + lambda * r)
    m[1][0] *= Math.max(0, 1 + mu * r)
    m[1][1] *= Math.max(0, 1 - r)
  }
  for (let x = 0; x <= n; x++) for (let y = 0; y <= n; y++) total += m[x][y]
  for (let x = 0; x <= n; x++) for (let y = 0; y <= n; y++) m[x][y] /= total
  return m
}

/** P(X > Y), P(X = Y), P(X < Y) of independent Poisson pmfs on 0..n (before the τ adjustments). */
function poissonOutcomeSums(px: number[], py: number[], n: number) {
  let home = 0
  let draw = 0
  let away = 0
  let cx = 0 // F_λ(x − 1)
  let cy = 0 // F_μ(x − 1)
  for (let x = 0; x <= n; x++) {
    home += px[x] * cy // P(X = x, Y < x)
    away += py[x] * cx // P(Y = x, X < x)
    draw += px[x] * py[x]
    cx += px[x]
    cy += py[x]
  }
  return { home, draw, away }
}

/** The sums with the τ adjustments of the four low-score cells for one ρ, normalised. */
function tauAdjusted(
  sums: { home: number; draw: number; away: number },
  pair: { px: number[]; py: number[]; n: number },
  lambda: number,
  mu: number,
  rho: number,
): [number, number, number] {
  const { px, py, n } = pair
  const r = clampRho(lambda, mu, rho).rho
  let { home, draw, away } = sums
  const p00 = px[0] * py[0]
  draw += p00 * (Math.max(0, 1 - lambda * mu * r) - 1)
  if (n >= 1) {
    away += px[0] * py[1] * (Math.max(0, 1 + lambda * r) - 1)
    home += px[1] * py[0] * (Math.max(0, 1 + mu * r) - 1)
    draw += px[1] * py[1] * (Math.max(0, 1 - r) - 1)
  }
  home = Math.max(0, home)
  draw = Math.max(0, draw)
  away = Math.max(0, away)
  const total = home + draw + away
  return [home / total, draw / total, away / total]
}

/**
 * [P(home win), P(draw), P(away win)] under Dixon-Coles with rates λ (home), μ (away) and ρ, summing
 * to 1 within 1e-12. Allocation-light O(N) path (no matrix) for callers that need many of these.
 */
export function outcomeProbabilities(lambda: number, mu: number, rho: number): [number, number, number] {
  checkRates(lambda, mu, rho)
  const pair = poissonPair(lambda, mu)
  return tauAdjusted(poissonOutcomeSums(pair.px, pair.py, pair.n), pair, lambda, mu, rho)
}

/** A rate's Poisson pmf and cdf, extended on demand: the same values, summed in the same order, as
 * `poissonPair` computes for any pair the rate is in. */
function poissonSeries(rate: number) {
  const p = [Math.exp(-rate)]
  const F = [p[0]]
  return {
    p,
    F,
    upTo(n: number) {
      for (let k = p.length; k <= n; k++) {
        p.push((p[k - 1] * rate) / k)
        F.push(F[k - 1] + p[k])
      }
    },
  }
}

/**
 * `outcomeProbabilities(λ, μ, ρ)` for every λ × μ × ρ of a grid, bit for bit, each rate's Poisson pmf computed
 * once (an explanation's 64 coalitions use 8 λ, 4 μ and 2 ρ). `out[i][j][k]` is for λ_i, μ_j, ρ_k.
 */
export function outcomeProbabilitiesGrid(
  lambdas: readonly number[],
  mus: readonly number[],
  rhos: readonly number[],
): [number, number, number][][][] {
  for (const l of lambdas) for (const m of mus) for (const r of rhos) checkRates(l, m, r)
  const xs = lambdas.map(poissonSeries)
  const ys = mus.map(poissonSeries)
  return lambdas.map((lambda, i) =>
    mus.map((mu, j) => {
      const x = xs[i]
      const y = ys[j]
      // poissonPair's cap: the smallest n ≥ 1 with 1 − F_λ(n)·F_μ(n) below the tail mass
      let n = 1
      x.upTo(n)
      y.upTo(n)
      while (!(1 - x.F[n] * y.F[n] < SCORE_TAIL_MASS) && n < HARD_GOAL_CAP) {
        n++
        x.upTo(n)
        y.upTo(n)
      }
      const pair = { px: x.p, py: y.p, n }
      const sums = poissonOutcomeSums(x.p, y.p, n)
      return rhos.map((rho) => tauAdjusted(sums, pair, lambda, mu, rho))
    }),
  )
}

/** Over/under a goal line on a score matrix; integer lines have a push (total exactly equal). */
export function overUnder(
  matrix: number[][],
  line: number,
): { line: number; over: number; under: number; push: number } {
  let over = 0
  let under = 0
  let push = 0
  for (let x = 0; x < matrix.length; x++) {
    const row = matrix[x]
    for (let y = 0; y < row.length; y++) {
      const t = x + y
      if (t > line) over += row[y]
      else if (t < line) under += row[y]
      else push += row[y]
    }
  }
  return { line, over, under, push }
}

/** Both teams to score. */
export function bothTeamsToScore(matrix: number[][]): { yes: number; no: number } {
  let no = 0
  for (let x = 0; x < matrix.length; x++) no += matrix[x][0]
  for (let y = 1; y < matrix[0].length; y++) no += matrix[0][y]
  return { yes: Math.max(0, 1 - no), no }
}

export interface ScoreProbability {
  homeGoals: number
  awayGoals: number
  p: number
}

const scoreOrder = (a: ScoreProbability, b: ScoreProbability) =>
  b.p - a.p || a.homeGoals + a.awayGoals - (b.homeGoals + b.awayGoals) || a.homeGoals - b.homeGoals

/** The k most likely exact scores, most likely first (ties: fewer total goals, then home goals). Keeps only
 * the k best while scanning (a full sort of the grid dominated pricing a fixture); same order as sorting. */
export function topScores(matrix: number[][], k = 5): ScoreProbability[] {
  const best: ScoreProbability[] = []
  if (k <= 0) return best
  for (let x = 0; x < matrix.length; x++) {
    for (let y = 0; y < matrix[x].length; y++) {
      const s = { homeGoals: x, awayGoals: y, p: matrix[x][y] }
      if (best.length === k && scoreOrder(s, best[k - 1]) >= 0) continue
      let i = best.length === k ? k - 1 : best.length
      if (best.length < k) best.push(s)
      while (i > 0 && scoreOrder(s, best[i - 1]) < 0) {
        best[i] = best[i - 1]
        i--
      }
      best[i] = s
    }
  }
  return best
}

/** 1X2 from a score matrix. */
export function matrixOutcomes(matrix: number[][]): [number, number, number] {
  let home = 0
  let draw = 0
  let away = 0
  for (let x = 0; x < matrix.length; x++) {
    const row = matrix[x]
    for (let y = 0; y < row.length; y++) {
      if (x > y) home += row[y]
      else if (x === y) draw += row[y]
      else away += row[y]
    }
  }
  const t = home + draw + away
  return [home / t, draw / t, away / t]
}

export interface FixturePrediction {
  home: string
  away: string
  neutral: boolean
  lambda: number
  mu: number
  /** ρ actually used: the model's, or the nearest boundary of this fixture's τ-region. */
  rho: number
  rhoClamped: boolean
  /** matrix[homeGoals][awayGoals], sums to 1. */
  matrix: number[][]
  maxGoals: number
  pHome: number
  pDraw: number
  pAway: number
  doubleChance: { homeOrDraw: number; homeOrAway: number; drawOrAway: number }
  /** Over/under 2.5 goals; use `overUnder(prediction.matrix, line)` for other lines. */
  overUnder25: { line: number; over: number; under: number; push: number }
  btts: { yes: number; no: number }
  topScores: ScoreProbability[]
}

export interface PredictOptions {
  neutral?: boolean
  /** How many most likely scores to list (default 5). */
  topScores?: number
}

/** Look a team up in a fitted model, or throw UNKNOWN_TEAM naming it. */
export function teamRating(model: FittedModel, name: string) {
  const t = model.teams.find((team) => team.name === name)
  if (!t) {
    throw new DixonColesError(
      'UNKNOWN_TEAM',
      `No rating for "${name}" in the model fitted as of ${model.asOf} (${model.nTeams} teams). ` +
        'Check the spelling or refit with matches that include this team.',
      { team: name, asOf: model.asOf },
    )
  }
  return t
}

/** Expected goals of a fixture under a fitted model: λ = exp(γ + α_h + β_a) (γ omitted at a neutral venue), μ = exp(α_a + β_h). */
export function fixtureRates(model: FittedModel, home: string, away: string, neutral = false) {
  const h = teamRating(model, home)
  const a = teamRating(model, away)
  if (h === a) {
    throw new DixonColesError('MODEL_BAD_INPUT', `${home} cannot play itself`, { team: home })
  }
  const lambda = Math.exp((neutral ? 0 : model.homeAdvantage) + h.attack + a.defence)
  const mu = Math.exp(a.attack + h.defence)
  return { lambda, mu }
}

/** Full market picture for one fixture. Probabilities are non-negative and each market sums to 1. */
export function predictFixture(
  model: FittedModel,
  home: string,
  away: string,
  opts: PredictOptions = {},
): FixturePrediction {
  const neutral = opts.neutral ?? false
  const { lambda, mu } = fixtureRates(model, home, away, neutral)
  const { rho, clamped } = clampRho(lambda, mu, model.rho)
  const matrix = scoreMatrix(lambda, mu, rho)
  const [pHome, pDraw, pAway] = matrixOutcomes(matrix)
  return {
    home,
    away,
    neutral,
    lambda,
    mu,
    rho,
    rhoClamped: clamped,
    matrix,
    maxGoals: matrix.length - 1,
    pHome,
    pDraw,
    pAway,
    doubleChance: { homeOrDraw: pHome + pDraw, homeOrAway: pHome + pAway, drawOrAway: pDraw + pAway },
    overUnder25: overUnder(matrix, 2.5),
    btts: bothTeamsToScore(matrix),
    topScores: topScores(matrix, opts.topScores ?? 5),
  }
}
