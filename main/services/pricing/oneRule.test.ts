/**
 * #19's one pricing rule: the same fixture to come gets bit-identical served probabilities (and model and
 * market) through every path that prices it. Add a path by appending to PATHS (fixtures-api: `fixtures
 * price` and `predict --league` through dispatch); each returns the fixture's model, market and served triples.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findUpcomingFixture, importFixturesContents, listUpcomingFixtures } from '../data/fixtures'
import { SqliteFeatureStore } from '../features/sqliteFeatureStore'
import { createJackpotStore } from '../jackpots/jackpotStore'
import { createLeagueModels, type LeagueModelProvider } from '../jackpots/leagueModel'
import { priceJackpot } from '../jackpots/analyseJackpot'
import { LocalTrackingStore } from '../tracking/localTrackingStore'
import { openTrackingDatabase } from '../tracking/localSchema'
import type { TrackingStore } from '../tracking/trackingStore'
import { featureStoreRebuilder } from '../training/featureRebuild'
import { readChampion } from '../training/pipeline'
import type { ModelArtifact } from '../training/artifacts'
import { simulatedAppDatabase } from '../training/testing/simulatedStore'
import { fitDixonColes, toMatchArrays } from '../../model/dixonColes'
import { fixtureToPrice, priceFixture, priceUpcoming } from './index'
import { playedMatches, registerTestChampion } from './testing'
import { createDispatch, type Handlers } from '../../core/dispatch'
import { createEventBus } from '../../core/eventBus'
import type { ScorelineConfig } from '../../core/config'
import { procedureNames } from '../../../shared/api/contract'
import type { PricedFixture } from '../../../shared/pricing'
import { createFixtureHandlers } from '../../api/fixtureHandlers'
import { toPredicted } from '../../cli/commands/predict'
import type { BlendKind } from '../../model/blend'
import type { MarginMethod } from '../../model/market'
import { championLeagueModel } from '../jackpots/leagueModel'

type Triple = readonly [number, number, number]
export interface PricedTriples {
  model: Triple | null
  market: Triple | null
  served: Triple
}
export interface OneRuleContext {
  db: ReturnType<typeof simulatedAppDatabase>
  tracking: TrackingStore
  models: LeagueModelProvider
  dir: string
  now: Date
  league: string
  home: string
  away: string
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scoreline-one-rule-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
const LEAGUE = 'E0'

/** The champion's own pricing, as its artifact records it (the pipeline's settings when it was trained). */
interface ChampionPricing {
  margin: MarginMethod
  blend: BlendKind
}

async function registerChampion(
  tracking: TrackingStore,
  db: OneRuleContext['db'],
  pricing: ChampionPricing = { margin: 'shin', blend: 'log' },
) {
  const matches = playedMatches(db, LEAGUE)
  const model = fitDixonColes(toMatchArrays(matches), { xi: 0.0019 })
  const artifact: ModelArtifact = {
    format: 'scoreline-dixon-coles/1',
    league: LEAGUE,
    model,
    blend: { kind: pricing.blend, alpha: 0.35 },
    calibrator: {
      kind: 'temperature',
      temperature: 1.1,
      floor: 1e-6,
      n: 300,
      logLossBefore: 1,
      logLossAfter: 0.99,
    },
    settings: { margin_method: pricing.margin, blend: pricing.blend, calibration: 'temperature' },
    dataFingerprint: 'test',
    evalWindow: 'E0 test window',
    howToPredict: '…',
  }
  await registerTestChampion(tracking, artifact)
}

const triples = (p: {
  model: { probabilities: Triple } | null
  market: { probabilities: Triple } | null
  served: { probabilities: Triple } | null
}): PricedTriples => ({
  model: p.model?.probabilities ?? null,
  market: p.market?.probabilities ?? null,
  served: p.served!.probabilities,
})

/** Every path that prices a fixture to come. */
export const PATHS: { name: string; price: (ctx: OneRuleContext) => Promise<PricedTriples> }[] = [
  {
    name: 'priceFixture',
    price: async (c) => {
      const f = listUpcomingFixtures(c.db, { league: c.league, now: c.now }).find((x) => x.home === c.home)!
      return triples(priceFixture(await c.models.get(c.league), fixtureToPrice(f), { now: c.now }))
    },
  },
  {
    name: 'priceUpcoming',
    price: async (c) => {
      const r = await priceUpcoming(c.db, c.models, { league: c.league, now: c.now })
      return triples(r.fixtures.find((f) => f.home === c.home)!)
    },
  },
  {
    name: 'jackpot (no odds entered: the snapshot of the fixture to come)',
    price: async (c) => {
      const store = createJackpotStore(c.db)
      const jackpot = store.create({
        name: 'one rule',
        league: c.league,
        fixtures: [{ home: c.home, away: c.away }],
      })
      const analysis = await priceJackpot(store.get(jackpot.id), c.models, {
        findUpcoming: (q) => findUpcomingFixture(c.db, { ...q, now: c.now }),
        now: c.now,
      })
      return triples(analysis.fixtures[0].priced)
    },
  },
  {
    name: 'match_probabilities feature view',
    price: async (c) => {
      const store = SqliteFeatureStore.open(path.join(c.dir, 'features.sqlite'))
      try {
        const champion = (await readChampion(c.tracking, c.league))!
        const rebuild = featureStoreRebuilder(store, c.db, { margin: 'shin', blend: 'log', now: () => c.now })
        await rebuild({ promoted: [c.league], champions: { [c.league]: champion } })
        const f = listUpcomingFixtures(c.db, { league: c.league, now: c.now }).find((x) => x.home === c.home)!
        const row = await store.getMatch('match_probabilities', c.league, f.date, c.home, c.away)
        if (row.status !== 'hit') throw new Error(`${row.status}: ${row.message}`)
        const v = row.values as Record<string, number>
        const t = (k: string): Triple => [v[`p_home_${k}`], v[`p_draw_${k}`], v[`p_away_${k}`]]
        return { model: t('model'), market: t('market'), served: t('calibrated') }
      } finally {
        await store.close()
      }
    },
  },
]

/** The app's dispatch with the fixtures procedures, reading the champion from the registry as the app does. */
function fixturesDispatch(c: OneRuleContext) {
  const handlers: Record<string, unknown> = createFixtureHandlers({
    db: c.db,
    config: () =>
      ({ modelling: { margin: 'shin', blend: 'log', calibration: 'temperature' } }) as ScorelineConfig,
    events: createEventBus(),
    trackingAccess: { store: () => c.tracking, close: () => {} },
    now: () => c.now,
  })
  for (const name of procedureNames) handlers[name] ??= () => Promise.reject(new Error('unused'))
  const dispatch = createDispatch(handlers as Handlers, { validateOutput: true })
  return async <T>(name: string, input: unknown): Promise<T> => {
    const r = await dispatch(name, input, { transport: 'test' })
    if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`)
    return r.value as T
  }
}

PATHS.push(
  {
    name: '`fixtures price` (fixtures.price through dispatch)',
    price: async (c) => {
      const r = await fixturesDispatch(c)<{ fixtures: PricedFixture[] }>('fixtures.price', {
        league: c.league,
      })
      return triples(r.fixtures.find((f) => f.home === c.home)!)
    },
  },
  {
    name: '`predict --league` (fixtures.priceNamed through dispatch, then the CLI output)',
    price: async (c) => {
      const r = await fixturesDispatch(c)<{ fixtures: PricedFixture[] }>('fixtures.priceNamed', {
        fixtures: [{ league: c.league, home: c.home, away: c.away }],
      })
      const p = toPredicted(r.fixtures[0])
      const m = p.market?.probabilities
      return {
        model: [p.model.home, p.model.draw, p.model.away],
        market: m ? [m.home, m.draw, m.away] : null,
        served: [p.p_home, p.p_draw, p.p_away],
      }
    },
  },
)

/**
 * A store with a champion registered (its own margin method and blend kind) and one fixture to come. Every
 * path prices with the app's current settings shin / log (the feature rebuilder's options, the dispatch's
 * modelling config), so a champion trained with other ones tests that each path reads the champion's.
 */
async function oneRuleContext(subdir: string, pricing?: ChampionPricing): Promise<OneRuleContext> {
  const where = path.join(dir, subdir)
  fs.mkdirSync(where, { recursive: true })
  const db = simulatedAppDatabase([{ code: LEAGUE, seed: 5, seasons: 3, teams: 8 }])
  const tracking = new LocalTrackingStore({
    db: openTrackingDatabase(path.join(where, 'tracking.sqlite')),
    artifactsDir: path.join(where, 'artifacts'),
    ownsDb: true,
  })
  await registerChampion(tracking, db, pricing)
  const teams = (db.prepare('SELECT name FROM teams ORDER BY name').pluck().all() as string[]).slice(0, 2)
  // kick-off ten days ahead of the real clock: the feature view expires match rows a day after kick-off
  const today = new Date()
  const day = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 10))
  const ddmmyyyy = `${String(day.getUTCDate()).padStart(2, '0')}/${String(day.getUTCMonth() + 1).padStart(2, '0')}/${day.getUTCFullYear()}`
  importFixturesContents(
    db,
    'fixtures.csv',
    [
      'Div,Date,Time,HomeTeam,AwayTeam,B365H,B365D,B365A,PSH,PSD,PSA,P>2.5,P<2.5,AHh,PAHH,PAHA',
      `${LEAGUE},${ddmmyyyy},15:00,${teams[0]},${teams[1]},2.05,3.50,3.70,2.10,3.45,3.60,1.95,1.93,-0.25,1.98,1.90`,
    ].join('\n') + '\n',
    { observedAt: new Date(day.getTime() - 86_400_000).toISOString() },
  )
  return {
    db,
    tracking,
    models: createLeagueModels(db, { tracking: () => tracking }),
    dir: where,
    now: new Date(day.getTime() - 2 * 86_400_000),
    league: LEAGUE,
    home: teams[0],
    away: teams[1],
  }
}

async function expectOneRule(ctx: OneRuleContext): Promise<PricedTriples> {
  const results = []
  for (const p of PATHS) results.push({ name: p.name, ...(await p.price(ctx)) })
  const [first, ...rest] = results
  expect(first.market).not.toBeNull()
  for (const r of rest) {
    expect({ name: r.name, model: r.model, market: r.market, served: r.served }).toEqual({
      name: r.name,
      model: first.model,
      market: first.market,
      served: first.served,
    })
    r.served.forEach((x, j) => expect(Object.is(x, first.served[j])).toBe(true))
    r.market?.forEach((x, j) => expect(Object.is(x, first.market![j])).toBe(true))
  }
  return first
}

describe('one pricing rule', () => {
  let ctx: OneRuleContext
  beforeAll(async () => {
    ctx = await oneRuleContext('shin-log')
  })
  afterAll(() => ctx?.tracking.close?.())

  it('every path gives bit-identical model, market and served probabilities for the same fixture', async () => {
    await expectOneRule(ctx)
  })
})

describe('one pricing rule after a settings change', () => {
  let ctx: OneRuleContext
  beforeAll(async () => {
    ctx = await oneRuleContext('power-linear', { margin: 'power', blend: 'linear' })
  })
  afterAll(() => ctx?.tracking.close?.())

  it('a champion trained with power / linear is priced with them on every path, the feature view included, while the settings say shin / log', async () => {
    const served = await expectOneRule(ctx)
    // the champion's pricing is what every path used, and the settings' would have given other numbers
    const champion = (await readChampion(ctx.tracking, LEAGUE))!
    expect({ margin: champion.margin, blend: champion.blend }).toEqual({ margin: 'power', blend: 'linear' })
    const f = listUpcomingFixtures(ctx.db, { league: LEAGUE, now: ctx.now }).find((x) => x.home === ctx.home)!
    const withSettings = priceFixture(
      championLeagueModel(LEAGUE, champion, { margin: 'shin', blend: 'log' }),
      fixtureToPrice(f),
      { now: ctx.now },
    )
    expect(withSettings.served!.probabilities).not.toEqual(served.served)
    expect(withSettings.market!.probabilities).not.toEqual(served.market)
  })
})
