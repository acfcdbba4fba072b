import { describe, expect, it } from 'vitest'
import { simulateLeagueForVariants } from '../../../model/backtest/simulatedMarket'
import {
  selectionPeriodBefore,
  selectVariant,
  variantCandidates,
  type BacktestMatch,
} from '../../../model/backtest'
import { createSelectionMemo, selectionKey } from './selectionMemo'

const { matches } = simulateLeagueForVariants()
const EVAL_FROM = '2022-08-01'
const period = selectionPeriodBefore(EVAL_FROM)
const options = { windowYears: 3, xi: 0.0019 }
const candidates = variantCandidates(['dixon-coles', 'poisson'])
const key = (m: readonly BacktestMatch[], o: Record<string, unknown> = options) =>
  selectionKey(m, period, o, candidates)
const flip = (m: BacktestMatch): BacktestMatch => ({
  ...m,
  homeGoals: m.awayGoals,
  awayGoals: m.homeGoals + 1,
})

describe('selection memo (--model auto reruns)', () => {
  it('the key ignores matches after the selection period and sees any change on or before it', () => {
    const after = matches.findIndex((m) => m.date > period.to)
    const inside = matches.findIndex((m) => m.date >= period.from && m.date <= period.to)
    const before = matches.findIndex((m) => m.date < period.from)
    expect(Math.min(after, inside, before)).toBeGreaterThanOrEqual(0)
    const changed = (i: number) => matches.map((m, j) => (j === i ? flip(m) : m))
    expect(key(changed(after))).toBe(key(matches))
    expect(key(matches.filter((m) => m.date <= period.to))).toBe(key(matches))
    expect(key(changed(inside))).not.toBe(key(matches))
    expect(key(changed(before))).not.toBe(key(matches))
    expect(key(matches, { ...options, windowYears: 2 })).not.toBe(key(matches))
  })

  it('a selection on the same inputs is the one computed again, bit for bit, and handed out as a copy', async () => {
    const choose = (m: readonly BacktestMatch[]) =>
      selectVariant(m, options, period, candidates, undefined, EVAL_FROM)
    const first = await choose(matches)
    const k = key(matches)
    const { recall: recallSelection, remember: rememberSelection } = createSelectionMemo()
    expect(recallSelection(k)).toBeUndefined()
    rememberSelection(k, first)
    // a new week of results inside the evaluation window: same key, and recomputing gives the same selection
    const later = matches.map((m) => (m.date >= EVAL_FROM ? flip(m) : m))
    expect(key(later)).toBe(k)
    const again = await choose(later)
    const recalled = recallSelection(key(later))!
    expect(JSON.stringify(recalled)).toBe(JSON.stringify(again))
    recalled.candidates.length = 0
    expect(recallSelection(k)!.candidates).toHaveLength(2)
    expect(createSelectionMemo().recall(k), 'each memo is its own').toBeUndefined()
  })

  it('keeps the last `kept` choices', async () => {
    const memo = createSelectionMemo(2)
    const sel = await selectVariant(matches, options, period, candidates, undefined, EVAL_FROM)
    for (const k of ['a', 'b', 'c']) memo.remember(k, sel)
    expect(['a', 'b', 'c'].map((k) => memo.recall(k) !== undefined)).toEqual([false, true, true])
  })
})
