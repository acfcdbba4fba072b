/**
 * Asian handicap settled exactly on a score matrix. The line is the home side's handicap h: the home bet
 * wins when homeGoals − awayGoals + h > 0, pushes (stake back) at 0, loses below. A quarter line
 * (h = k ± 0.25) splits the stake between h − 0.25 and h + 0.25, giving half wins and half losses.
 */
import { ModelInputError } from '../metrics/probabilities'

export interface AsianHandicapOutcome {
  line: number
  /** W / (W + L), with half stakes counted as halves: the probability a margin-free two-way price means. */
  homeCover: number
  /** Stake-weighted shares (sum 1): full win, half win, push, half loss, full loss. */
  win: number
  halfWin: number
  push: number
  halfLoss: number
  loss: number
}

/** P(homeGoals − awayGoals = d) for every goal difference d in the matrix. */
function goalDifferences(matrix: readonly (readonly number[])[]): Map<number, number> {
  const out = new Map<number, number>()
  for (let x = 0; x < matrix.length; x++) {
    const row = matrix[x]
    for (let y = 0; y < row.length; y++) out.set(x - y, (out.get(x - y) ?? 0) + row[y])
  }
  return out
}

export function asianHandicap(matrix: readonly (readonly number[])[], line: number): AsianHandicapOutcome {
  if (!Number.isFinite(line) || Math.abs(line * 4 - Math.round(line * 4)) > 1e-9) {
    throw new ModelInputError('INVALID_ARGUMENT', `an Asian handicap line is a multiple of 0.25, got ${line}`)
  }
  const quarter = Math.abs(line * 2 - Math.round(line * 2)) > 1e-9
  const halves = quarter ? [line - 0.25, line + 0.25] : [line, line]
  let win = 0
  let halfWin = 0
  let push = 0
  let halfLoss = 0
  let loss = 0
  for (const [d, p] of goalDifferences(matrix)) {
    const r = halves.map((h) => Math.sign(d + h)) // +1 win, 0 push, −1 loss per half stake
    const sum = r[0] + r[1]
    if (sum === 2) win += p
    else if (sum === -2) loss += p
    else if (sum === 0 && r[0] === 0) push += p
    else if (sum === 1)
      halfWin += p // one half wins, the other pushes
    else if (sum === -1) halfLoss += p
    else push += p // one half wins, one loses: cannot happen on a quarter line (halves 0.5 apart)
  }
  const w = win + halfWin / 2
  const l = loss + halfLoss / 2
  return { line, homeCover: w + l > 0 ? w / (w + l) : 0.5, win, halfWin, push, halfLoss, loss }
}
