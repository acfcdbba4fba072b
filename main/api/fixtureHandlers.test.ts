/**
 * The `fixtures.*` procedures through the real `dispatch` (input validated against the contract, output
 * validated in tests), on an in-memory store holding a simulated league, with a champion stand-in (the
 * league's local fit labelled as a registry champion) so no tracking store is needed.
 */
import type Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDispatch, type Dispatch, type Handlers } from '../core/dispatch'
import { createEventBus } from '../core/eventBus'
import type { ScorelineConfig } from '../core/config'
import { procedureNames } from '../../shared/api/contract'
import { simulatedAppDatabase } from '../services/training/testing/simulatedStore'
import {
  createLeagueModels,
  createLocalLeagueModels,
  type LeagueModel,
  type LeagueModelProvider,
} from '../services/jackpots/leagueModel'
import { priceFixture } from '../services/pricing'
import { createFixtureHandlers } from './fixtureHandlers'
import type { FeatureRebuildOutcomeDto, PriceSnapshotDto } from '../../shared/api/domains/fixtures'
import type { ModelUsed, PricedFixture } from '../../shared/pricing'

const NOW = new Date('2023-05-01T09:00:00Z')

/** A local fit dressed as the registry's champion v7 (what the pricing reads from a real champion). */
export function championStandIn(db: Database.Database): LeagueModelProvider {
  const local = createLocalLeagueModels(db)
  return {
    async get(league, asOf) {
      const m = local.get(league, asOf)
      return {
        ...m,
        source: {
          kind: 'champion',
          modelName: `scoreline-${league}`,
          version: '7',
          runId: 'run0000champion',
          description: `Champion scoreline-${league} v7 (test stand-in)`,
          matches: m.model.nMatches,
        },
      } satisfies LeagueModel
    },
  }
}

/** An invented fixtures.csv in football-data's shape: two E0 fixtures to come with 1X2, O/U and AH prices. */
export function fixturesCsv(
  rows: { date: string; time: string; home: string; away: string; ps: number[] }[],
) {
  const header =
    'Div,Date,Time,HomeTeam,AwayTeam,B365H,B365D,B365A,PSH,PSD,PSA,B365>2.5,B365<2.5,AHh,B365AHH,B365AHA'
  const lines = rows.map((r) => {
    const [d, m, y] = [r.date.slice(8, 10), r.date.slice(5, 7), r.date.slice(0, 4)]
    const b365 = r.ps.map((p) => (p * 0.97).toFixed(2))
    return `E0,${d}/${m}/${y},${r.time},${r.home},${r.away},${b365.join(',')},${r.ps.join(',')},1.90,1.95,-0.25,1.93,1.97`
  })
  return [header, ...lines].join('\r\n') + '\r\n'
}

const FIXTURES = [
  { date: '2023-05-06', time: '15:00', home: 'E0 Team 01', away: 'E0 Team 02', ps: [2.1, 3.4, 3.6] },
  { date: '2023-05-07', time: '16:30', home: 'E0 Team 03', away: 'E0 Team 04', ps: [1.8, 3.7, 4.6] },
]

describe('fixtures procedures through dispatch', () => {
  let db: Database.Database
  let dispatch: Dispatch
  let handlers: ReturnType<typeof createFixtureHandlers>
  const rebuilds: string[][] = []
  const call = async <T>(name: string, input: unknown): Promise<T> => {
    const result = await dispatch(name, input, { transport: 'test' })
    if (!result.ok) throw Object.assign(new Error(result.error.message), result.error)
    return result.value as T
  }
  const fail = async (name: string, input: unknown) => {
    const result = await dispatch(name, input, { transport: 'test' })
    expect(result.ok, JSON.stringify(result)).toBe(false)
    return (result as { error: { code: string; message: string } }).error
  }

  beforeAll(() => {
    db = simulatedAppDatabase([{ code: 'E0', teams: 8, seasons: 3, seed: 5 }])
    handlers = createFixtureHandlers({
      db,
      config: () => ({ footballDataUrl: 'http://127.0.0.1:9' }) as unknown as ScorelineConfig,
      events: createEventBus(),
      leagueModels: championStandIn(db),
      now: () => NOW,
      rebuildFeatures: async (leagues): Promise<FeatureRebuildOutcomeDto> => {
        rebuilds.push(leagues)
        return { status: 'rebuilt', leagues, message: 'test rebuild' }
      },
    })
    const all = { ...handlers } as Record<string, unknown>
    for (const name of procedureNames) all[name] ??= () => Promise.reject(new Error('unused'))
    dispatch = createDispatch(all as Handlers, { validateOutput: true })
  }, 60_000)
  afterAll(() => db?.close())

  it('refuses malformed input naming the field (dates, league codes, an import without files)', async () => {
    expect((await fail('fixtures.price', { from: '06/05/2023' })).message).toMatch(/from: expected a date/)
    expect((await fail('fixtures.list', { league: '' })).code).toBe('INVALID_INPUT')
    expect((await fail('fixtures.import', {})).message).toMatch(/give at least one file/)
    expect((await fail('fixtures.history', { matchId: -3 })).code).toBe('INVALID_INPUT')
    expect((await fail('fixtures.priceNamed', { fixtures: [] })).code).toBe('INVALID_INPUT')
    expect((await fail('fixtures.download', { leagues: 'E0' })).code).toBe('INVALID_INPUT')
  })

  it('nothing to come yet: list and price answer empty, not an error', async () => {
    expect(await call('fixtures.list', {})).toEqual({ fixtures: [] })
    const priced = await call<{ fixtures: unknown[]; counts: { total: number } }>('fixtures.price', {})
    expect(priced.fixtures).toEqual([])
    expect(priced.counts.total).toBe(0)
  })

  it('imports a fixtures file (contents), lists the fixtures with their snapshots, then rebuilds the view', async () => {
    const out = await call<{
      files: { ok: boolean; result: { snapshots: { added: number } } }[]
      rebuild: FeatureRebuildOutcomeDto
    }>('fixtures.import', { files: [{ name: 'fixtures.csv', contents: fixturesCsv(FIXTURES) }] })
    expect(out.files[0].ok, JSON.stringify(out.files[0])).toBe(true)
    expect(out.files[0].result.snapshots.added).toBeGreaterThan(0)
    expect(out.rebuild).toEqual({ status: 'rebuilt', leagues: ['E0'], message: 'test rebuild' })
    expect(rebuilds).toEqual([['E0']])

    const list = await call<{ fixtures: { home: string; snapshots: { bookmaker: string }[] }[] }>(
      'fixtures.list',
      { league: 'E0' },
    )
    expect(list.fixtures.map((f) => f.home)).toEqual(['E0 Team 01', 'E0 Team 03'])
    expect(list.fixtures[0].snapshots.map((s) => s.bookmaker)).toContain('PS')

    // the same prices again add no snapshot, change nothing, and rebuild nothing
    const again = await call<{
      files: { result: { snapshots: { added: number } } }[]
      rebuild: FeatureRebuildOutcomeDto
    }>('fixtures.import', { files: [{ name: 'fixtures.csv', contents: fixturesCsv(FIXTURES) }] })
    expect(again.files[0].result.snapshots.added).toBe(0)
    expect(again.rebuild.status).toBe('skipped')
    expect(rebuilds).toHaveLength(1)
  })

  it('a file that is not a fixtures file is rejected whole, the others still import', async () => {
    const out = await call<{ files: { ok: boolean; file: string; error?: { code: string } }[] }>(
      'fixtures.import',
      {
        files: [
          { name: 'garbage.csv', contents: 'this,is\nnot,football\n' },
          { name: 'fixtures.csv', contents: fixturesCsv(FIXTURES) },
        ],
      },
    )
    expect(out.files.map((f) => [f.file, f.ok])).toEqual([
      ['garbage.csv', false],
      ['fixtures.csv', true],
    ])
    expect(out.files[0].error?.code).toMatch(/^[A-Z_]+$/)
  })

  it('prices every fixture to come with the champion: model, market, served, edge, EV, source', async () => {
    const out = await call<{
      fixtures: PricedFixture[]
      models: ModelUsed[]
      counts: { total: number; priced: number }
    }>('fixtures.price', { league: 'E0' })
    expect(out.counts).toMatchObject({ total: 2, priced: 2 })
    expect(out.models).toHaveLength(1)
    expect(out.models[0]).toMatchObject({ league: 'E0', kind: 'champion', version: '7' })
    for (const f of out.fixtures) {
      expect(f.market?.bookmaker).toBe('PS')
      expect(f.served).not.toBeNull()
      expect(f.edge).not.toBeNull()
      expect(f.ev?.length).toBe(3)
      const sum = f.served!.probabilities.reduce((a, b) => a + b, 0)
      expect(Math.abs(sum - 1)).toBeLessThan(1e-9)
      expect(f.explanation?.served).toEqual(f.served!.probabilities)
    }
    // the date window filters
    expect(
      (await call<{ fixtures: unknown[] }>('fixtures.price', { to: '2023-05-06' })).fixtures,
    ).toHaveLength(1)
  })

  it('priceNamed gives the same numbers as fixtures.price for a fixture to come (one rule), bit for bit', async () => {
    const all = await call<{ fixtures: PricedFixture[] }>('fixtures.price', {})
    const named = await call<{ fixtures: PricedFixture[] }>('fixtures.priceNamed', {
      fixtures: [{ league: 'E0', home: 'E0 Team 01', away: 'E0 Team 02' }],
    })
    expect(named.fixtures[0].served).toEqual(all.fixtures[0].served)
    expect(named.fixtures[0].model).toEqual(all.fixtures[0].model)
    expect(named.fixtures[0].matchId).toBe(all.fixtures[0].matchId)
    // and both are priceFixture's
    const model = await championStandIn(db).get('E0')
    const direct = priceFixture(
      model,
      {
        league: 'E0',
        home: 'E0 Team 01',
        away: 'E0 Team 02',
        date: all.fixtures[0].date,
        kickoffUtc: all.fixtures[0].kickoffUtc,
        matchId: all.fixtures[0].matchId,
        snapshots: (
          await call<{
            fixtures: { snapshots: PriceSnapshotDto[] }[]
          }>('fixtures.list', {})
        ).fixtures[0].snapshots,
      },
      { now: NOW },
    )
    expect(direct.served?.probabilities).toEqual(named.fixtures[0].served?.probabilities)
  })

  it('priceNamed: entered odds win over the snapshot; an unknown team is refused with suggestions', async () => {
    const named = await call<{ fixtures: PricedFixture[] }>('fixtures.priceNamed', {
      fixtures: [
        { league: 'E0', home: 'E0 Team 01', away: 'E0 Team 02', odds: { home: 3, draw: 3, away: 3 } },
      ],
    })
    expect(named.fixtures[0].market?.prices).toEqual([3, 3, 3])
    const unknown = await fail('fixtures.priceNamed', {
      fixtures: [{ league: 'E0', home: 'E0 Team 1', away: 'E0 Team 02' }],
    })
    expect(unknown.code).toBe('UNKNOWN_TEAM')
    expect(unknown.message).toMatch(/Unknown team "E0 Team 1" in E0\. Did you mean "E0 Team/)
    const itself = await fail('fixtures.priceNamed', {
      fixtures: [{ league: 'E0', home: 'E0 Team 01', away: 'E0 Team 01' }],
    })
    expect(itself.message).toMatch(/cannot play itself/)
  })

  it('no champion: priceNamed says how to make one', async () => {
    const noChampion = createFixtureHandlers({
      db,
      config: () => ({}) as ScorelineConfig,
      events: createEventBus(),
      leagueModels: createLeagueModels(db), // no registry: only fits on the fly, never a champion
      now: () => NOW,
    })
    await expect(
      noChampion['fixtures.priceNamed'](
        { fixtures: [{ league: 'E0', home: 'E0 Team 01', away: 'E0 Team 02' }] },
        { transport: 'test' },
      ),
    ).rejects.toMatchObject({
      code: 'MODEL_NO_CHAMPION',
      message: expect.stringContaining('scoreline pipeline run --league E0'),
    })
  })

  it('history: every snapshot of a fixture, oldest first; an unknown match is NOT_FOUND', async () => {
    const list = await call<{ fixtures: { matchId: number }[] }>('fixtures.list', {})
    const h = await call<{ snapshots: { observedAt: string }[] }>('fixtures.history', {
      matchId: list.fixtures[0].matchId,
    })
    expect(h.snapshots.length).toBeGreaterThan(0)
    const times = h.snapshots.map((s) => s.observedAt)
    expect([...times].sort()).toEqual(times)
    expect((await fail('fixtures.history', { matchId: 987654 })).code).toBe('NOT_FOUND')
  })

  it('download from an unreachable server answers failed with the reason (no throw), nothing rebuilt', async () => {
    const out = await call<{
      status: string
      error: { message: string } | null
      rebuild: FeatureRebuildOutcomeDto
    }>('fixtures.download', { leagues: ['E0'] })
    expect(out.status).toBe('failed')
    expect(out.error?.message).toBeTruthy()
    expect(out.rebuild.status).toBe('skipped')
  }, 60_000)
})
