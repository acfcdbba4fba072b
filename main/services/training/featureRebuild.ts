/**
 * The pipeline's feature rebuild on promotion, through the feature store's `rebuildFeatureViews`:
 * `team_ratings` from every league's champion and `team_form` from the played matches of those leagues,
 * each written completely, then switched atomically. (`match_probabilities` needs upcoming fixtures with
 * odds; `scoreline features rebuild` builds it when fixtures are in the store.)
 */
import type Database from 'better-sqlite3'
import { listMatches } from '../data/queries'
import type { FeatureStore } from '../features/featureStore'
import { rebuildFeatureViews } from '../features/rebuildFeatures'
import type { FeatureRebuilder } from './pipeline'

export function featureStoreRebuilder(
  store: FeatureStore,
  db: Database.Database,
  writtenBy = 'scoreline:pipeline',
): FeatureRebuilder {
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
    const results = await rebuildFeatureViews({
      store,
      matches,
      models: Object.fromEntries(leagues.map((l) => [l, champions[l].model])),
      modelVersion: leagues.map((l) => `${l}@${champions[l].version}`).join(' '),
      runId: leagues.length === 1 ? champions[leagues[0]].runId : null,
      asOf,
      writtenBy,
      views: ['team_ratings', 'team_form'],
    })
    return {
      views: results.map((r) => `${r.view}@${r.version}`),
      note: results.map((r) => `${r.view}: ${r.written} written, ${r.rejected} rejected`).join('; '),
    }
  }
}
