/**
 * `toMatchArrays` for a walk-forward's next window (#23). Consecutive refits see nearly the same matches: the
 * window `sorted[lo, hi)` moved forward by a date, so the previous history minus its first rows is this one's
 * start (the very same objects). Those rows are copied from the previous arrays with their team indices
 * renumbered by first appearance; only the new rows are converted (and validated) from the match objects, whose
 * fields are slow to read (the objects come in many shapes). The result equals `toMatchArrays(history)` exactly:
 * same teams in the same order, same values. Match objects are taken as immutable, as the market's inversion
 * cache already does. Anything else (a filtered window, another array) is converted from scratch.
 */
import { emptyMatchArrays, toMatchArrays, type MatchArrays } from '../../dixonColes'
import type { VariantMatch } from '../types'

export interface ArraysMemo {
  matches: readonly VariantMatch[]
  data: MatchArrays
}

export function matchArraysAfter(
  history: readonly VariantMatch[],
  memo: ArraysMemo | undefined,
): MatchArrays {
  const prev = memo?.matches
  const shift = prev && history.length > 0 ? prev.indexOf(history[0]) : -1
  if (!memo || !prev || shift < 0) return toMatchArrays(history)
  const overlap = Math.min(prev.length - shift, history.length)
  for (let i = 0; i < overlap; i++) if (prev[shift + i] !== history[i]) return toMatchArrays(history)
  let tail: MatchArrays
  try {
    tail = toMatchArrays(history.slice(overlap))
  } catch {
    return toMatchArrays(history) // the error with this history's row numbers
  }
  const old = memo.data
  const n = history.length
  const out = emptyMatchArrays(n)
  const byName = new Map<string, number>()
  const idOf = (name: string) => {
    let id = byName.get(name)
    if (id === undefined) {
      id = out.teams.length
      out.teams.push(name)
      byName.set(name, id)
    }
    return id
  }
  const renumber = new Int32Array(old.teams.length).fill(-1)
  const fromOld = (t: number) => (renumber[t] >= 0 ? renumber[t] : (renumber[t] = idOf(old.teams[t])))
  for (let i = 0; i < overlap; i++) {
    const j = shift + i
    out.home[i] = fromOld(old.home[j])
    out.away[i] = fromOld(old.away[j])
  }
  for (let i = overlap; i < n; i++) {
    out.home[i] = idOf(tail.teams[tail.home[i - overlap]])
    out.away[i] = idOf(tail.teams[tail.away[i - overlap]])
  }
  const copy = (key: 'homeGoals' | 'awayGoals' | 'dayNumber' | 'neutral') => {
    out[key].set(old[key].subarray(shift, shift + overlap), 0)
    out[key].set(tail[key], overlap)
  }
  copy('homeGoals')
  copy('awayGoals')
  copy('dayNumber')
  copy('neutral')
  return out
}
