/**
 * The pipeline's feature rebuild on promotion (and after every fixtures import), through the feature store's
 * `rebuildFeatureViews`: `team_ratings` from every league's champion, `team_form` from the played matches of
 * those leagues and `match_probabilities` for their fixtures to come, each fixture priced by `priceFixture`
 * (the one served rule: the champion's model, the market from the preferred bookmaker's latest snapshot, its
 * α and calibrator), each view written completely, then switched atomically.
 */
import type Database from 'better-sqlite3'
import type { PricedFixture } from '../../../shared/pricing'
import type { BlendKind } from '../../model/blend'
import type { MarginMethod } from '../../model/market'
import { listMatches } from '../data/queries'
import { listUpcomingFixtures } from '../data/fixtures'
import { asOfEventTime } from '../features/computeFeatures'
import type { FeatureStore, MatchRow } from '../features/featureStore'
import { rebuildFeatureViews } from '../features/rebuildFeatures'
import { championLeagueModel } from '../jackpots/leagueModel'
import { fixtureToPrice, priceFixture } from '../pricing'
import type { ChampionModel, FeatureRebuilder } from './pipeline'

export interface RebuilderOptions {
  writtenBy?: string
  /**
   * Margin removal for the fixtures' market odds of a champion that does not carry its own (the pipeline's
   * setting). Default 'shin'. A champion read from its artifact prices with the method it was trained with.
   */
  margin?: MarginMethod
  /** Opinion pool for a champion that does not carry its own α's kind (the pipeline's setting). Default 'log'. */
  blend?: BlendKind
  /** Fixtures to come are those from the day before this on. */
  now?: () => Date
}

/**
 * Every fixture to come of `league`, priced by its champion through the one served rule, with the champion's
 * own margin method and blend kind (its artifact's) where it carries them, as the jackpots and `fixtures
 * price` read it; `settings` only for a champion that does not.
 */
export function pricedUpcomingFixtures(
  db: Database.Database,
  league: string,
  champion: ChampionModel,
  settings: { margin: MarginMethod; blend: BlendKind; now: Date },
): PricedFixture[] {
  const model = championLeagueModel(league, champion, {
    margin: champion.margin ?? settings.margin,
    blend: champion.blend ?? settings.blend,
  })
  return listUpcomingFixtures(db, { league, now: settings.now }).map((f) =>
    priceFixture(model, fixtureToPrice(f), { now: settings.now, explain: false }),
  )
}

const hda = (kind: string, t: readonly number[] | null | undefined) =>
  t ? { [`p_home_${kind}`]: t[0], [`p_draw_${kind}`]: t[1], [`p_away_${kind}`]: t[2] } : {}

/** A priced fixture as a match_probabilities row (model, market, blend stage, served = calibrated). */
export function matchProbabilityRow(
  p: PricedFixture,
  modelVersion: string,
  eventTime: number,
): MatchRow | null {
  if (!p.model || !p.served || !p.date) return null
  return {
    league: p.league,
    date: p.date,
    home: p.home,
    away: p.away,
    ...(p.kickoffUtc ? { kickoff: Date.parse(p.kickoffUtc) } : {}),
    eventTime,
    values: {
      lambda: p.model.lambda,
      mu: p.model.mu,
      ...hda('model', p.model.probabilities),
      ...hda('market', p.market?.probabilities),
      ...hda('blend', p.served.beforeCalibration),
      ...hda('calibrated', p.served.probabilities),
      p_over_2_5: p.model.over25,
      p_btts: p.model.btts,
      model_version: modelVersion,
    },
  }
}

export function featureStoreRebuilder(
  store: FeatureStore,
  db: Database.Database,
  options: RebuilderOptions | string = {},
): FeatureRebuilder {
  const o = typeof options === 'string' ? { writtenBy: options } : options
  const writtenBy = o.writtenBy ?? 'scoreline:pipeline'
  const margin = o.margin ?? 'shin'
  const blend = o.blend ?? 'log'
  return async ({ champions }) => {
    const leagues = Object.keys(champions).sort()
    const now = (o.now ?? (() => new Date()))()
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
    const modelVersion = leagues.map((l) => `${l}@${champions[l].version}`).join(' ')
    const rows: MatchRow[] = []
    const notes: string[] = []
    const prior: string[] = []
    for (const league of leagues) {
      const eventTime = asOfEventTime(champions[league].model.asOf)
      for (const p of pricedUpcomingFixtures(db, league, champions[league], { margin, blend, now })) {
        const row = matchProbabilityRow(p, modelVersion, eventTime)
        if (row) rows.push(row)
        else
          notes.push(
            `${league} ${p.home} v ${p.away} not priced: ${p.warnings.map((w) => w.message).join('; ')}`,
          )
        for (const w of p.warnings)
          if (w.code === 'promoted-prior') prior.push(`${league} ${w.message.split(' has no rating')[0]}`)
      }
    }
    // the lineage names the margin method each champion's market was read with
    const margins = leagues.map((l) => champions[l].margin ?? margin)
    const marketMethod =
      new Set(margins).size <= 1
        ? (margins[0] ?? margin)
        : leagues.map((l, i) => `${l} ${margins[i]}`).join(', ')
    const results = await rebuildFeatureViews({
      store,
      matches,
      models: Object.fromEntries(leagues.map((l) => [l, champions[l].model])),
      modelVersion,
      runId: leagues.length === 1 ? champions[leagues[0]].runId : null,
      asOf,
      matchRows: rows,
      marketMethod,
      writtenBy,
      views: ['team_ratings', 'team_form', 'match_probabilities'],
    })
    const out = results.map((r) => `${r.view}: ${r.written} written, ${r.rejected} rejected`)
    if (rows.length === 0)
      out.push(
        'match_probabilities: no fixtures to come in the local store (import them: scoreline fixtures download)',
      )
    if (prior.length) out.push(`priced from the promoted-team prior: ${[...new Set(prior)].join(', ')}`)
    out.push(...notes)
    return { views: results.map((r) => `${r.view}@${r.version}`), note: out.join('; ') }
  }
}
