/**
 * Matches with their market odds as typed arrays: what crosses into a worker (a few memcpy'd buffers
 * rather than thousands of objects to clone). Extends the engine's `MatchArrays` with one Float64Array of
 * 1X2 decimal odds, three per match, NaN where the match has none.
 */
import { dateOfDayNumber, toMatchArrays, type MatchArrays } from '../../model/dixonColes'
import type { BacktestMatch } from '../../model/backtest'

export interface PackedMatches extends MatchArrays {
  odds: Float64Array
}

export function packMatches(matches: readonly BacktestMatch[]): PackedMatches {
  const arrays = toMatchArrays(matches)
  const odds = new Float64Array(matches.length * 3).fill(NaN)
  matches.forEach((m, i) => {
    if (m.odds) {
      odds[3 * i] = m.odds[0]
      odds[3 * i + 1] = m.odds[1]
      odds[3 * i + 2] = m.odds[2]
    }
  })
  return { ...arrays, odds }
}

/** The same matches, in the same order, as the objects `walkForward` takes. */
export function unpackMatches(p: PackedMatches): BacktestMatch[] {
  const n = p.home.length
  const out: BacktestMatch[] = new Array(n)
  const dates = new Map<number, string>()
  for (let i = 0; i < n; i++) {
    const day = p.dayNumber[i]
    let date = dates.get(day)
    if (date === undefined) dates.set(day, (date = dateOfDayNumber(day)))
    const o = p.odds[3 * i]
    out[i] = {
      date,
      home: p.teams[p.home[i]],
      away: p.teams[p.away[i]],
      homeGoals: p.homeGoals[i],
      awayGoals: p.awayGoals[i],
      ...(p.neutral[i] ? { neutral: true } : {}),
      odds: Number.isNaN(o) ? null : [o, p.odds[3 * i + 1], p.odds[3 * i + 2]],
    }
  }
  return out
}

/** The buffers of a packed list, for `transfer` when the caller will not use it again. */
export function packedBuffers(p: PackedMatches): ArrayBuffer[] {
  return [p.home, p.away, p.homeGoals, p.awayGoals, p.dayNumber, p.neutral, p.odds].map(
    (a) => a.buffer as ArrayBuffer,
  )
}
