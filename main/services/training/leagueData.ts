/**
 * What the pipeline trains on for one league, read from the local store: played matches with the market's
 * 1X2 odds (the first quoted bookmaker in a preference list), the evaluation window (the latest season)
 * and fingerprints that identify the training data and the evaluation matches.
 */
import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import { listMatches, type MatchRow } from '../data/queries'
import { DEFAULT_MARKET_PREFERENCE, type MarketKey } from '../data/csv'
import { yearsBefore, type BacktestMatch } from '../../model/backtest'
import { TrainingError } from './errors'
import { goalsPricesByMatch } from '../data/queries/goalsPriceQueries'
import type { GoalsPrices } from '../data/db/goalsPrices'
import { pickMarketQuote } from '../../../shared/marketPreference'
import { removeMargin, type MarginMethod } from '../../model/market'
import type { Triple } from '../../model/metrics'

export interface LeagueData {
  league: string
  /** Played matches from `windowYears` before the evaluation window to its end, date order. */
  matches: BacktestMatch[]
  evaluation: { season: string; from: string; to: string; matches: number }
  /** sha256 (hex) of every match row the pipeline reads (dates, teams, goals, odds). */
  dataFingerprint: string
  /** `<league>:<from>..<to>:<12 hex of a hash of the evaluation matches>`: same id = same matches. */
  evalWindow: string
  /** Matches with odds from the preference list. */
  withOdds: number
  /** The store's id of a loaded match (null when it is not one of them): joins forecasts across runs (#20). */
  matchIdOf: (m: { date: string; home: string; away: string }) => number | null
  /** Every 1X2 quote the store holds for a loaded match (pre-match and closing; [] when none): the value backtest's prices (#22 §3). */
  quotesOf?: (m: { date: string; home: string; away: string }) => readonly MatchRow['odds'][number][]
  seasons: string[]
  /** The O/U 2.5 and Asian-handicap prices the store keeps for a loaded match (`goals_json`; null: none) (#22 §2). */
  goalsPricesOf?: (m: { date: string; home: string; away: string }) => GoalsPrices | null
}

/** The market's 1X2 prices for a match: the first quote in `preference` (shared/marketPreference.ts). */
export function pickOdds(
  row: Pick<MatchRow, 'odds'>,
  preference: readonly MarketKey[],
): [number, number, number] | null {
  const quote = pickMarketQuote(row.odds, preference)
  return quote ? [quote.home, quote.draw, quote.away] : null
}

function hashRows(matches: readonly BacktestMatch[]): string {
  const h = createHash('sha256')
  for (const m of matches) {
    h.update(
      `${m.date},${m.home},${m.away},${m.homeGoals},${m.awayGoals},${m.neutral ? 1 : 0},${m.odds?.join(';') ?? ''}\n`,
    )
  }
  return h.digest('hex')
}

/**
 * The margin-free 1X2 a goal-model variant may train on (for PAST matches only): Pinnacle closing when
 * quoted, else the first quote in `preference`; null without odds.
 */
export function trainingMarket(
  row: Pick<MatchRow, 'odds'>,
  preference: readonly MarketKey[],
  margin: MarginMethod,
): Triple | null {
  const quote = pickMarketQuote(row.odds, [{ bookmaker: 'PS', kind: 'closing' }, ...preference])
  if (!quote) return null
  try {
    return removeMargin([quote.home, quote.draw, quote.away], margin).probabilities
  } catch {
    return null
  }
}

export function loadLeagueData(
  db: Database.Database,
  league: string,
  options: {
    windowYears: number
    marketPreference?: readonly MarketKey[]
    /** Margin method of the variants' training market (default shin). */
    margin?: MarginMethod
    /**
     * Years of extra history before the training window (for `--model auto`, which chooses on the year
     * before the evaluation window and needs a full window before that). Default 0.
     */
    extraYears?: number
  },
): LeagueData {
  const preference = options.marketPreference ?? DEFAULT_MARKET_PREFERENCE
  const rows = listMatches(db, { league, status: 'played' }).filter(
    (r) => r.homeGoals !== null && r.awayGoals !== null,
  )
  if (rows.length === 0) {
    throw new TrainingError(
      'PIPELINE_NO_DATA',
      `No played matches for league ${league} in the local store: import its season CSVs (scoreline data import) or sync from Postgres (scoreline data sync) first.`,
      { league },
    )
  }
  const seasons = [...new Set(rows.map((r) => r.season))].sort()
  const season = seasons[seasons.length - 1]
  if (seasons.length < 2) {
    throw new TrainingError(
      'PIPELINE_NO_DATA',
      `League ${league} has only season ${season}: the pipeline evaluates on the latest season and needs at least one earlier season to train on.`,
      { league, seasons },
    )
  }
  const evalRows = rows.filter((r) => r.season === season)
  const from = evalRows[0].date
  const to = evalRows[evalRows.length - 1].date
  const start = yearsBefore(from, options.windowYears + (options.extraYears ?? 0))
  const margin = options.margin ?? 'shin'
  const matches: BacktestMatch[] = rows
    .filter((r) => r.date >= start && r.date <= to)
    .map((r) => ({
      date: r.date,
      home: r.homeTeam,
      away: r.awayTeam,
      homeGoals: r.homeGoals as number,
      awayGoals: r.awayGoals as number,
      ...(r.neutral ? { neutral: true } : {}),
      odds: pickOdds(r, preference),
      homeShots: r.homeShots,
      awayShots: r.awayShots,
      homeShotsOnTarget: r.homeShotsOnTarget,
      awayShotsOnTarget: r.awayShotsOnTarget,
      market: trainingMarket(r, preference, margin),
    }))
  const evalMatches = matches.filter((m) => m.date >= from)
  // a team plays once a day, so date + home + away names one match of a league
  const key = (m: { date: string; home: string; away: string }) => `${m.date}|${m.home}|${m.away}`
  const loaded = rows.filter((r) => r.date >= start && r.date <= to)
  const ids = new Map(loaded.map((r) => [key({ date: r.date, home: r.homeTeam, away: r.awayTeam }), r.id]))
  const quotes = new Map(
    loaded.map((r) => [key({ date: r.date, home: r.homeTeam, away: r.awayTeam }), r.odds]),
  )
  const goalsPrices = goalsPricesByMatch(db, league)
  return {
    league,
    matches,
    evaluation: { season, from, to, matches: evalMatches.length },
    dataFingerprint: hashRows(matches),
    evalWindow: `${league}:${from}..${to}:${hashRows(evalMatches).slice(0, 12)}`,
    withOdds: matches.filter((m) => m.odds).length,
    seasons,
    matchIdOf: (m) => ids.get(key(m)) ?? null,
    goalsPricesOf: (m) => goalsPrices.get(ids.get(key(m)) ?? -1) ?? null,
    quotesOf: (m) => quotes.get(key(m)) ?? [],
  }
}
