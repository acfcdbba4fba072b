/**
 * Matches with their market odds as typed arrays: what crosses into a worker (a few memcpy'd buffers
 * rather than thousands of objects to clone). Extends the engine's `MatchArrays` with one Float64Array of
 * 1X2 decimal odds, three per match, NaN where the match has none, and (when any match has them) the
 * extras a goal-model variant may train on.
 */
import { dateOfDayNumber, toMatchArrays, type MatchArrays } from '../../model/dixonColes'
import type { BacktestMatch } from '../../model/backtest'

export interface PackedMatches extends MatchArrays {
  odds: Float64Array
  /**
   * What a goal-model variant may train on, {@link EXTRA_FIELDS} per match (NaN = absent): shots, shots on
   * target, the margin-free market 1X2 and over 2.5. Absent when no match has any.
   */
  extras?: Float64Array
}

/** Per-match layout of `PackedMatches.extras`. */
export const EXTRA_FIELDS = 8

function hasExtras(m: BacktestMatch): boolean {
  return (
    m.homeShots != null ||
    m.awayShots != null ||
    m.homeShotsOnTarget != null ||
    m.awayShotsOnTarget != null ||
    m.market != null ||
    m.marketOver25 != null
  )
}

const num = (x: number | null | undefined) => (x === null || x === undefined ? NaN : x)
const opt = (x: number) => (Number.isNaN(x) ? null : x)

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
  if (!matches.some(hasExtras)) return { ...arrays, odds }
  const extras = new Float64Array(matches.length * EXTRA_FIELDS).fill(NaN)
  matches.forEach((m, i) => {
    const k = EXTRA_FIELDS * i
    extras[k] = num(m.homeShots)
    extras[k + 1] = num(m.awayShots)
    extras[k + 2] = num(m.homeShotsOnTarget)
    extras[k + 3] = num(m.awayShotsOnTarget)
    if (m.market) {
      extras[k + 4] = m.market[0]
      extras[k + 5] = m.market[1]
      extras[k + 6] = m.market[2]
    }
    extras[k + 7] = num(m.marketOver25)
  })
  return { ...arrays, odds, extras }
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
    if (p.extras) {
      const e = p.extras
      const k = EXTRA_FIELDS * i
      Object.assign(out[i], {
        homeShots: opt(e[k]),
        awayShots: opt(e[k + 1]),
        homeShotsOnTarget: opt(e[k + 2]),
        awayShotsOnTarget: opt(e[k + 3]),
        market: Number.isNaN(e[k + 4]) ? null : [e[k + 4], e[k + 5], e[k + 6]],
        marketOver25: opt(e[k + 7]),
      })
    }
  }
  return out
}

/** The buffers of a packed list, for `transfer` when the caller will not use it again. */
export function packedBuffers(p: PackedMatches): ArrayBuffer[] {
  return [
    p.home,
    p.away,
    p.homeGoals,
    p.awayGoals,
    p.dayNumber,
    p.neutral,
    p.odds,
    ...(p.extras ? [p.extras] : []),
  ].map((a) => a.buffer as ArrayBuffer)
}
