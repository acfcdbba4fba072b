import type Database from 'better-sqlite3'
import { listMatches } from '../data/queries'
import { fitDixonColes, toMatchArrays, type FittedModel } from '../../model/dixonColes'
import { walkForward, yearsBefore, type BacktestMatch, type WalkForwardMetrics } from '../../model/backtest'
import type { BlendSpec } from '../../model/blend'
import type { Calibrator } from '../../model/calibration'
import { pickMarketQuote } from '../../../shared/marketPreference'
import { ApiError } from '../../../shared/api/errors'

export const LEAGUE_MODEL_XI = 0.0019
export const LEAGUE_MODEL_WINDOW_YEARS = 3
export const MARGIN_METHOD = 'shin' as const

/** A model ready to price fixtures, with where it came from (shown next to every probability). */
export interface LeagueModel {
  league: string
  model: FittedModel
  blend: BlendSpec | null
  calibrator: Calibrator | null
  /** Walk-forward scores over the last year, for model, market, blend and calibrated. */
  evaluation: WalkForwardMetrics | null
  source: { kind: 'fitted-from-local-data'; description: string; fittedAt: string; matches: number }
}

/** Model source the jackpot screen asks; the training pipeline's champion will plug in here. */
export interface LeagueModelProvider {
  get(league: string, asOf?: string): LeagueModel
}

/**
 * Fits Dixon-Coles on the league's local matches (3 years, ξ = 0.0019 per day, as of the latest
 * match) and fits the blend weight and calibrator by a walk-forward over the last year, so blend
 * and calibration are learned only from out-of-sample predictions. Cached until the data change.
 */
export function createLocalLeagueModels(
  db: Database.Database,
  now: () => Date = () => new Date(),
): LeagueModelProvider {
  const cache = new Map<string, LeagueModel>()
  const dataVersion = db.prepare(
    `SELECT count(*) AS n, max(updated_at) AS v, max(date) AS last FROM matches WHERE league_code = ? AND deleted = 0 AND status = 'played'`,
  )
  return {
    get(league, asOf) {
      const version = dataVersion.get(league) as { n: number; v: string | null; last: string | null }
      if (version.n === 0 || !version.last) {
        throw new ApiError(
          'MODEL_NO_DATA',
          `No played matches for ${league} in the local store: import or sync its seasons first.`,
        )
      }
      const until = asOf && asOf < version.last ? asOf : version.last
      const key = `${league}|${until}|${version.n}|${version.v}`
      const cached = cache.get(key)
      if (cached) return cached

      const rows = listMatches(db, {
        league,
        status: 'played',
        to: until,
        from: yearsBefore(until, LEAGUE_MODEL_WINDOW_YEARS + 1),
        limit: 1_000_000,
      })
      const matches: BacktestMatch[] = rows
        .filter((m) => m.homeGoals !== null && m.awayGoals !== null)
        .map((m) => {
          const quote = pickMarketQuote(m.odds)
          return {
            date: m.date,
            home: m.homeTeam,
            away: m.awayTeam,
            homeGoals: m.homeGoals!,
            awayGoals: m.awayGoals!,
            neutral: m.neutral,
            odds: quote ? ([quote.home, quote.draw, quote.away] as const) : null,
          }
        })
      const from = yearsBefore(until, LEAGUE_MODEL_WINDOW_YEARS)
      const model = fitDixonColes(toMatchArrays(matches.filter((m) => m.date >= from)), {
        xi: LEAGUE_MODEL_XI,
        asOf: until,
        from,
      })
      let blend: BlendSpec | null = null
      let calibrator: Calibrator | null = null
      let evaluation: WalkForwardMetrics | null = null
      const evalFrom = yearsBefore(until, 1)
      if (matches.some((m) => m.date < evalFrom)) {
        try {
          const wf = walkForward(matches, {
            from: evalFrom,
            to: until,
            xi: LEAGUE_MODEL_XI,
            margin: MARGIN_METHOD,
            blend: 'log',
          })
          blend = wf.final.alpha === null ? null : { kind: 'log', alpha: wf.final.alpha }
          calibrator = wf.final.calibrator
          evaluation = wf.metrics
        } catch {
          // too little history for a walk-forward: model and market only
        }
      }
      const result: LeagueModel = {
        league,
        model,
        blend,
        calibrator,
        evaluation,
        source: {
          kind: 'fitted-from-local-data',
          description: `Dixon-Coles fitted now on ${model.nMatches} ${league} matches from ${from} to ${until} (ξ ${LEAGUE_MODEL_XI}/day)${
            blend
              ? `; log-pool blend α = ${blend.alpha.toFixed(3)} and ${calibrator?.kind ?? 'no'} calibration learned walk-forward over the last year`
              : ''
          }`,
          fittedAt: now().toISOString(),
          matches: model.nMatches,
        },
      }
      for (const old of cache.keys()) if (old.startsWith(`${league}|`)) cache.delete(old) // stale versions
      cache.set(key, result)
      return result
    },
  }
}
