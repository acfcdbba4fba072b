/**
 * "The market" of a fixture from its price snapshots: the first bookmaker in the preference order with a
 * valid 1X2 snapshot (entered jackpot odds win over every snapshot), its over/under 2.5 and Asian-handicap
 * prices where it quotes them (else the first preferred bookmaker that does), margins removed with the
 * model's method; and the best (highest) price of each outcome across the bookmakers in the snapshot.
 */
import { MARKET_PREFERENCE } from '../../../shared/marketPreference'
import type { MarketPrice, PricedFixture } from '../../../shared/pricing'
import { removeMargin, removeMarginN, type MarginMethod } from '../../model/market'
import type { Triple } from '../../model/metrics'
import { bookmakerName } from '../data/csv/headerLayout'
import type { MarketKey } from '../data/csv'
import type { FixtureToPrice, PriceSnapshotLike } from './types'

/** Averages and maxima of many bookmakers: a reference price, not one you can take from a named book. */
const AGGREGATES = new Set(['Avg', 'Max', 'BbAv', 'BbMx'])

const valid = (s: PriceSnapshotLike, n: number) =>
  s.prices.length === n && s.prices.every((p) => Number.isFinite(p) && p > 1)

const labelOf = (bookmaker: string) =>
  MARKET_PREFERENCE.find((p) => p.bookmaker === bookmaker && p.kind === 'pre-match')?.label ??
  bookmakerName(bookmaker)

/** Snapshots of one market in preference order (closing entries match only the season file's closing). */
function preferred(
  snapshots: readonly PriceSnapshotLike[],
  market: string,
  size: number,
  preference: readonly MarketKey[],
): PriceSnapshotLike[] {
  const out: PriceSnapshotLike[] = []
  for (const p of preference) {
    const s = snapshots.find(
      (x) =>
        x.market === market &&
        x.bookmaker === p.bookmaker &&
        (p.kind === 'pre-match' || x.source === 'season-closing') &&
        valid(x, size),
    )
    if (s && !out.includes(s)) out.push(s)
  }
  return out
}

function twoWay(
  snapshots: readonly PriceSnapshotLike[],
  market: 'ou25' | 'ah',
  first: string | null,
  preference: readonly MarketKey[],
  margin: MarginMethod,
): MarketPrice['overUnder25'] {
  const ordered = preferred(snapshots, market, 2, preference)
  const s = ordered.find((x) => x.bookmaker === first) ?? ordered[0]
  if (!s || s.line === null) return null
  const [a, b] = removeMarginN(s.prices, margin).probabilities
  return {
    bookmaker: s.bookmaker,
    line: s.line,
    prices: [s.prices[0], s.prices[1]],
    probabilities: [a, b],
    observedAt: s.observedAt,
  }
}

export const DEFAULT_PREFERENCE: readonly MarketKey[] = MARKET_PREFERENCE.map(({ bookmaker, kind }) => ({
  bookmaker,
  kind,
}))

export function marketOf(
  input: Pick<FixtureToPrice, 'snapshots' | 'enteredOdds'>,
  margin: MarginMethod,
  preference: readonly MarketKey[] = DEFAULT_PREFERENCE,
): MarketPrice | null {
  const entered = input.enteredOdds
  const snap = entered ? null : (preferred(input.snapshots, '1x2', 3, preference)[0] ?? null)
  const prices: Triple | null = entered
    ? [entered.home, entered.draw, entered.away]
    : snap
      ? [snap.prices[0], snap.prices[1], snap.prices[2]]
      : null
  if (!prices) return null
  const removed = removeMargin(prices, margin)
  const bookmaker = snap?.bookmaker ?? 'entered'
  return {
    bookmaker,
    label: snap ? labelOf(snap.bookmaker) : 'odds entered on the jackpot',
    source: snap ? snap.source : 'jackpot',
    marginMethod: removed.method,
    margin: removed.margin,
    observedAt: snap?.observedAt ?? null,
    prices,
    probabilities: removed.probabilities,
    overUnder25: twoWay(input.snapshots, 'ou25', snap?.bookmaker ?? null, preference, margin),
    asianHandicap: twoWay(input.snapshots, 'ah', snap?.bookmaker ?? null, preference, margin),
  }
}

export interface BestPrice {
  price: number
  bookmaker: string
  observedAt: string | null
}

/** The highest price of each 1X2 outcome: entered odds when given, else across the named bookmakers
 * (the market maximum only when no named bookmaker quotes the fixture). */
export function bestPrices(input: Pick<FixtureToPrice, 'snapshots' | 'enteredOdds'>): BestPrice[] | null {
  const e = input.enteredOdds
  if (e) return [e.home, e.draw, e.away].map((price) => ({ price, bookmaker: 'entered', observedAt: null }))
  const all = input.snapshots.filter((s) => s.market === '1x2' && valid(s, 3))
  const named = all.filter((s) => !AGGREGATES.has(s.bookmaker))
  const pool = named.length > 0 ? named : all.filter((s) => s.bookmaker === 'Max')
  if (pool.length === 0) return null
  return [0, 1, 2].map((j) => {
    const best = pool.reduce((a, b) => (b.prices[j] > a.prices[j] ? b : a))
    return { price: best.prices[j], bookmaker: labelOf(best.bookmaker), observedAt: best.observedAt }
  })
}

/** The expected value p·o − 1 of each outcome at its best price in the snapshot (null without a price). */
export function expectedValues(
  input: Pick<FixtureToPrice, 'snapshots' | 'enteredOdds'>,
  probabilities: Triple,
): PricedFixture['ev'] {
  const best = bestPrices(input)
  return best
    ? best.map((b, j) => ({
        outcome: (['H', 'D', 'A'] as const)[j],
        price: b.price,
        bookmaker: b.bookmaker,
        observedAt: b.observedAt,
        ev: probabilities[j] * b.price - 1,
      }))
    : null
}
