/**
 * The pipeline's feature rebuild on promotion, through the feature store's `rebuildFeatureViews`:
 * `team_ratings` from every league's champion, `team_form` from the played matches of those leagues and
 * `match_probabilities` for their upcoming fixtures (scheduled matches in the local store from the last
 * played date on, priced by the champion with its own α and calibrator, the market from the app's market
 * preference with the margin removed), each written completely, then switched atomically.
 */
import type Database from 'better-sqlite3'
import { pickMarketQuote } from '../../../shared/marketPreference'
import { servedForecast, type BlendKind } from '../../model/blend'
import type { Triple } from '../../model/metrics'
import { applyCalibrator } from '../../model/calibration'
import { removeMargin, type MarginMethod } from '../../model/market'
import { listMatches } from '../data/queries'
import type { Fixture } from '../features/computeFeatures'
import type { FeatureStore } from '../features/featureStore'
import { rebuildFeatureViews } from '../features/rebuildFeatures'
import type { ChampionModel, FeatureRebuilder } from './pipeline'

export interface RebuilderOptions {
  writtenBy?: string
  /** Margin removal for the fixtures' market odds (the pipeline's setting). Default 'shin'. */
  margin?: MarginMethod
  /** Opinion pool the champions' α belongs to (the pipeline's setting). Default 'log'. */
  blend?: BlendKind
}

/** Upcoming fixtures of `league` (scheduled, on or after `from`) whose teams the champion rates. */
export function upcomingFixtures(
  db: Database.Database,
  league: string,
  champion: ChampionModel,
  from: string,
  margin: MarginMethod,
): { fixtures: Fixture[]; unrated: string[] } {
  const rated = new Set(champion.model.teams.map((t) => t.name))
  const unrated = new Set<string>()
  const fixtures: Fixture[] = []
  for (const m of listMatches(db, { league, status: 'scheduled', from })) {
    const missing = [m.homeTeam, m.awayTeam].filter((t) => !rated.has(t))
    if (missing.length) {
      missing.forEach((t) => unrated.add(t))
      continue
    }
    const quote = pickMarketQuote(m.odds)
    fixtures.push({
      league,
      date: m.date,
      home: m.homeTeam,
      away: m.awayTeam,
      neutral: m.neutral,
      kickoff: Date.parse(`${m.date}T${m.time ?? '15:00'}:00Z`),
      market: quote ? removeMargin([quote.home, quote.draw, quote.away], margin).probabilities : null,
    })
  }
  return { fixtures, unrated: [...unrated].sort() }
}

export function featureStoreRebuilder(
  store: FeatureStore,
  db: Database.Database,
  options: RebuilderOptions | string = {},
): FeatureRebuilder {
  const o = typeof options === 'string' ? { writtenBy: options } : options
  const writtenBy = o.writtenBy ?? 'scoreline:pipeline'
  const margin = o.margin ?? 'shin'
  const blendKind = o.blend ?? 'log'
  return async ({ champions }) => {
    const leagues = Object.keys(champions).sort()
    const matches = leagues.flatMap((league) =>
      listMatches(db, { league, status: 'played', withOdds: false })
        .filter((m) => m.homeGoals !== null && m.awayGoals !== null)
        .map((m) => ({
          league,
          date: m.date,
          home: m.homeTeam,
          away: m.awayTeam,
          homeGoals: m.homeGoals as number,
          awayGoals: m.awayGoals as number,
        })),
    )
    const asOf = matches.reduce((max, m) => (m.date > max ? m.date : max), '0000-00-00')
    const fixtures: Fixture[] = []
    const unrated: string[] = []
    for (const league of leagues) {
      const up = upcomingFixtures(db, league, champions[league], asOf, margin)
      fixtures.push(...up.fixtures)
      unrated.push(...up.unrated.map((t) => `${league} ${t}`))
    }
    const perLeague = Object.fromEntries(
      leagues.map((l) => {
        // the champion's served forecast (servedForecast): α null or 0 serves the market
        const { alpha, calibrator } = champions[l]
        const stages = { blend: { kind: blendKind, alpha }, calibrator: null }
        return [
          l,
          {
            blend: (model: Triple, market: Triple) => servedForecast(model, market, stages).blend,
            calibrate: calibrator ? (p: Triple) => applyCalibrator(calibrator, p) : undefined,
          },
        ]
      }),
    )
    const results = await rebuildFeatureViews({
      store,
      matches,
      models: Object.fromEntries(leagues.map((l) => [l, champions[l].model])),
      modelVersion: leagues.map((l) => `${l}@${champions[l].version}`).join(' '),
      runId: leagues.length === 1 ? champions[leagues[0]].runId : null,
      asOf,
      fixtures,
      perLeague,
      marketMethod: margin,
      writtenBy,
      views: ['team_ratings', 'team_form', 'match_probabilities'],
    })
    const notes = results.map((r) => `${r.view}: ${r.written} written, ${r.rejected} rejected`)
    if (fixtures.length === 0) notes.push('match_probabilities: no upcoming fixtures in the local store')
    if (unrated.length) notes.push(`fixtures skipped, no rating yet for: ${unrated.join(', ')}`)
    return { views: results.map((r) => `${r.view}@${r.version}`), note: notes.join('; ') }
  }
}
