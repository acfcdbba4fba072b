/**
 * The inputs of pricing. `PriceSnapshotLike` is the data layer's `PriceSnapshot`
 * (main/services/data/fixtures) structurally, so pricing stays pure and testable without a store.
 */
import type { MarketKey } from '../data/csv'

export interface PriceSnapshotLike {
  /** Normalised group id as the CSV reader gives it: 'B365', 'PS', 'Avg', 'Max', … */
  bookmaker: string
  market: '1x2' | 'ou25' | 'ah' | string
  /** 2.5 for ou25, the home side's handicap for ah, null for 1x2. */
  line: number | null
  /** 1x2: [home, draw, away]; ou25: [over, under]; ah: [home, away]. */
  prices: number[]
  /** UTC ISO. */
  observedAt: string
  source: string
}

export interface FixtureToPrice {
  league: string
  home: string
  away: string
  /** Calendar date `YYYY-MM-DD` of the match, when known. */
  date: string | null
  kickoffUtc?: string | null
  matchId?: number | null
  neutral?: boolean
  /** Latest per (bookmaker, market) before kick-off; entered odds win over them. */
  snapshots: readonly PriceSnapshotLike[]
  enteredOdds?: { home: number; draw: number; away: number } | null
}

export interface PriceOptions {
  /** Stale check against this when the fixture has no date. */
  now?: Date
  /** Bookmakers in order of preference for "the market" (default: shared/marketPreference). */
  preference?: readonly MarketKey[]
  /** Outcome the explanation's sentences talk about (a jackpot pick); default the served favourite. */
  outcome?: 'H' | 'D' | 'A'
  /** Skip the explanation (the feature view does not store it). Default true. */
  explain?: boolean
}
