/**
 * `--model auto` chooses on the year before the evaluation window, from matches up to that year's end only, so
 * a run after this week's results (new matches inside the evaluation window) would choose exactly as the last
 * one did. The choice is keyed by a fingerprint of everything it reads — the matches on or before the period's
 * last day (every field), the period, the walk-forward options and the candidates. Two levels keep it (#23):
 * this memo, a dependency of the pipeline living as long as its owner (the app's training service), and the
 * tracking store (storedSelection.ts), which outlives the process and is shared by the desktops of one server.
 */
import { createHash } from 'node:crypto'
import type { BacktestMatch, VariantCandidate, VariantSelection } from '../../../model/backtest'

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

export interface SelectionMemo {
  /** A copy of the selection made on the same inputs, or undefined. */
  recall(key: string): VariantSelection | undefined
  remember(key: string, selection: VariantSelection): void
}

/** The last `kept` choices, handed out as copies (a caller editing one cannot change the next run's). */
export function createSelectionMemo(kept = 32): SelectionMemo {
  const memo = new Map<string, VariantSelection>()
  return {
    recall: (key) => {
      const hit = memo.get(key)
      return hit && structuredClone(hit)
    },
    remember: (key, selection) => {
      memo.delete(key)
      memo.set(key, structuredClone(selection))
      if (memo.size > kept) memo.delete(memo.keys().next().value as string)
    },
  }
}
