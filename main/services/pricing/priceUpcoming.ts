/**
 * Every fixture to come (the data layer's `listUpcomingFixtures`) priced through `priceFixture` with its
 * league's model, with the models used and counts of what was priced, stale, unrated, without a model or
 * without a market. A league whose model cannot be had keeps its fixtures unpriced (no served forecast, edge
 * or expected value) but with their market, and the reason as a 'no-model' warning.
 */
import type Database from 'better-sqlite3'
import type { ModelUsed, PriceCounts, PricedFixture } from '../../../shared/pricing'
import { toApiErrorShape } from '../../core/appError'
import { listUpcomingFixtures, type UpcomingFixture } from '../data/fixtures'
import type { LeagueModel, LeagueModelProvider } from '../jackpots/leagueModel'
import type { MarketKey } from '../data/csv'
import type { MarginMethod } from '../../model/market'
import { MARGIN_METHOD } from '../jackpots/leagueModel'
import { priceFixture } from './priceFixture'
import { priceWithoutModel } from './priceWithoutModel'
import { modelUsedOf } from './modelUsed'
import type { FixtureToPrice } from './types'

export interface PriceUpcomingOptions {
  league?: string
  from?: string
  to?: string
  now?: Date
  preference?: readonly MarketKey[]
  /** Skip the explanations (the feature view stores numbers only). Default true. */
  explain?: boolean
  /** Margin removal for the market of a fixture whose league has no model (default: the pricing default). */
  margin?: MarginMethod
}

export interface PricedUpcoming {
  fixtures: PricedFixture[]
  models: ModelUsed[]
  counts: PriceCounts
}

/** The pricing input of a fixture to come. */
export function fixtureToPrice(f: UpcomingFixture): FixtureToPrice {
  return {
    league: f.league,
    home: f.home,
    away: f.away,
    date: f.date,
    kickoffUtc: f.kickoffUtc,
    matchId: f.matchId,
    snapshots: f.snapshots,
  }
}

/**
 * Priced (a served forecast), stale, unrated (a team priced from the promoted-team prior), without a model
 * (the league has none: the market is still shown) and without a market (no price in any snapshot) — a
 * fixture without a model is not "without a market" when its file has prices.
 */
export function countPriced(fixtures: readonly PricedFixture[]): PriceCounts {
  const has = (f: PricedFixture, ...codes: string[]) => f.warnings.some((w) => codes.includes(w.code))
  return {
    total: fixtures.length,
    priced: fixtures.filter((f) => f.served !== null).length,
    stale: fixtures.filter((f) => has(f, 'stale')).length,
    unrated: fixtures.filter((f) => has(f, 'promoted-prior')).length,
    noMarket: fixtures.filter((f) => f.market === null).length,
    noModel: fixtures.filter((f) => f.model === null).length,
  }
}

/** Prices fixtures with their leagues' models, looking each league's model up once. */
export async function priceFixtures(
  fixtures: readonly FixtureToPrice[],
  models: LeagueModelProvider,
  opts: Omit<PriceUpcomingOptions, 'league' | 'from' | 'to'> = {},
): Promise<PricedUpcoming> {
  const byLeague = new Map<string, LeagueModel | Error>()
  for (const league of new Set(fixtures.map((f) => f.league))) {
    try {
      byLeague.set(league, await models.get(league))
    } catch (error) {
      byLeague.set(league, error instanceof Error ? error : new Error(String(error)))
    }
  }
  const priced = fixtures.map((f) => {
    const model = byLeague.get(f.league)!
    return model instanceof Error
      ? priceWithoutModel(f, toApiErrorShape(model).message, opts.margin ?? MARGIN_METHOD, {
          preference: opts.preference,
          serveMarket: false,
        })
      : priceFixture(model, f, { now: opts.now, preference: opts.preference, explain: opts.explain })
  })
  const used = [...byLeague.values()].filter((m): m is LeagueModel => !(m instanceof Error))
  return { fixtures: priced, models: used.map(modelUsedOf), counts: countPriced(priced) }
}

/** Every fixture to come in the window, priced. */
export async function priceUpcoming(
  db: Database.Database,
  models: LeagueModelProvider,
  opts: PriceUpcomingOptions = {},
): Promise<PricedUpcoming> {
  const { league, from, to, ...rest } = opts
  const upcoming = listUpcomingFixtures(db, { league, from, to, now: opts.now })
  return priceFixtures(upcoming.map(fixtureToPrice), models, rest)
}
