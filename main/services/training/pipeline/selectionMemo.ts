/**
 * `--model auto` chooses on the year before the evaluation window, from matches up to that year's end only, so
 * a run after this week's results (new matches inside the evaluation window) would choose exactly as the last
 * one did. The choice is kept per fingerprint of everything it reads — the matches on or before the period's
 * last day (every field), the period, the walk-forward options and the candidates — for the life of the
 * process (the app's Training screen and scheduler), and reused bit for bit when the fingerprint recurs (#23).
 */
import { createHash } from 'node:crypto'
import type { BacktestMatch, VariantCandidate, VariantSelection } from '../../../model/backtest'

const KEPT = 32
const memo = new Map<string, VariantSelection>()

export function selectionKey(
  matches: readonly BacktestMatch[],
  period: { from: string; to: string },
  options: Record<string, unknown>,
  candidates: readonly VariantCandidate[],
): string {
  const hash = createHash('sha256')
  hash.update(JSON.stringify({ period, options, candidates }))
  for (const m of matches) if (m.date <= period.to) hash.update(JSON.stringify(m))
  return hash.digest('hex')
}

/** A copy of the selection made on the same inputs, or undefined. */
export function recallSelection(key: string): VariantSelection | undefined {
  const hit = memo.get(key)
  return hit && structuredClone(hit)
}

export function rememberSelection(key: string, selection: VariantSelection): void {
  memo.delete(key)
  memo.set(key, structuredClone(selection))
  if (memo.size > KEPT) memo.delete(memo.keys().next().value as string)
}
