/**
 * The goals markets' forecasts and scores, from a score matrix: P(over 2.5 goals), the goal-difference
 * distribution, and the home side's Asian-handicap cover probability at a line, with the binary Brier
 * score (p − y)² (range 0–1) and log loss (natural log) they are scored by.
 *
 * Asian handicap, settled exactly (the rule of pricing/asianHandicap.ts): the line h is the home side's
 * handicap; a whole or half line wins when d + h > 0 (d = home − away goals), pushes at 0 and loses below;
 * a quarter line splits the stake between h − 0.25 and h + 0.25. A match's settlement is the share of the
 * stake won and lost (push: neither), and the cover probability is W / (W + L) with W, L the expected
 * shares won and lost: the probability a margin-free two-way price means, pushes left out.
 */
import { LOG_LOSS_EPSILON } from './scores'
import { ModelInputError } from './probabilities'

/** P(home − away goals = min + i) as p[i]. */
export interface GoalDifference {
  min: number
  p: number[]
}

/** P(home + away ≥ 3) of `matrix[x][y]` = P(home = x, away = y). */
export function over25Probability(matrix: readonly (readonly number[])[]): number {
  let over = 0
  for (let x = 0; x < matrix.length; x++) {
    const row = matrix[x]
    for (let y = Math.max(0, 3 - x); y < row.length; y++) over += row[y]
  }
  return Math.min(1, Math.max(0, over))
}

export function goalDifferenceOf(matrix: readonly (readonly number[])[]): GoalDifference {
  const cols = Math.max(...matrix.map((r) => r.length))
  const min = -(cols - 1)
  const p = new Array<number>(matrix.length + cols - 1).fill(0)
  for (let x = 0; x < matrix.length; x++) {
    const row = matrix[x]
    for (let y = 0; y < row.length; y++) p[x - y - min] += row[y]
  }
  return { min, p }
}

function checkLine(line: number): void {
  if (!Number.isFinite(line) || Math.abs(line * 4 - Math.round(line * 4)) > 1e-9) {
    throw new ModelInputError('INVALID_ARGUMENT', `an Asian handicap line is a multiple of 0.25, got ${line}`)
  }
}

/** Shares of the home bet's stake won and lost when the goal difference is `d` (push: 0 and 0). */
export function settleAsianHandicap(d: number, line: number): { won: number; lost: number } {
  checkLine(line)
  const quarter = Math.abs(line * 2 - Math.round(line * 2)) > 1e-9
  const halves = quarter ? [line - 0.25, line + 0.25] : [line, line]
  let won = 0
  let lost = 0
  for (const h of halves) {
    const s = Math.sign(Math.round((d + h) * 4)) // exact on quarter multiples
    if (s > 0) won += 0.5
    else if (s < 0) lost += 0.5
  }
  return { won, lost }
}

/** W / (W + L) at `line` (0.5 when every outcome pushes). */
export function homeCoverProbability(gd: GoalDifference, line: number): number {
  let w = 0
  let l = 0
  gd.p.forEach((p, i) => {
    if (p === 0) return
    const s = settleAsianHandicap(gd.min + i, line)
    w += p * s.won
    l += p * s.lost
  })
  return w + l > 0 ? w / (w + l) : 0.5
}

/** (p − y)² for a binary event (y 1 when it happened). */
export const binaryBrier = (p: number, y: 0 | 1): number => (p - y) ** 2

/** −log of the probability given to what happened (floored at 1e-15 like the 1X2 log loss). */
export const binaryLogLoss = (p: number, y: 0 | 1): number =>
  -Math.log(Math.max(y === 1 ? p : 1 - p, LOG_LOSS_EPSILON))
