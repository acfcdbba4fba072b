/**
 * The features.* procedures through dispatch: on the local SQLite store after a real pipeline run on a
 * simulated league (the promotion writes the views), a rebuild on demand from the champion, the errors a
 * user can act on, and the same against the real Redis (a key prefix per run, deleted afterwards),
 * including a Redis URL set in Settings while the app runs.
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScoreline, type Scoreline } from '../core/scoreline'
import { openAppDatabase } from '../services/data/db'
import { importSimulatedLeagues } from '../services/training/testing/simulatedStore'
import { createPipelineLock } from '../services/training/pipelineLock'
import { describeRedisUrl } from '../services/features/errors'
import { describeWithService } from '../../test/support/services'
import type {
  EntityReadDto,
  FeatureRebuildResultDto,
  FeatureStoreStatsDto,
  HistoryEntryDto,
  LeagueReadDto,
  ValidationReportDto,
  ViewInfoDto,
} from '../../shared/api/domains/features'
import type { PipelineRunDto } from '../../shared/api/domains/training'

function caller(scoreline: () => Scoreline) {
  const call = async <T>(name: string, input: unknown = {}): Promise<T> => {
    const result = await scoreline().dispatch(name, input, { transport: 'test' })
    if (!result.ok) throw Object.assign(new Error(result.error.message), result.error)
    return result.value as T
  }
  const failure = async (name: string, input: unknown = {}) => {
    const result = await scoreline().dispatch(name, input, { transport: 'test' })
    if (result.ok) throw new Error(`${name} succeeded, expected a failure`)
    return result.error
  }
  return { call, failure }
}

function simulatedHome(prefix: string): string {
  const home = mkdtempSync(path.join(os.tmpdir(), prefix))
  const db = openAppDatabase(path.join(home, 'scoreline.sqlite'))
  importSimulatedLeagues(db, [{ code: 'E0', teams: 8, seasons: 3, seed: 11 }])
  db.close()
  return home
}

async function trainE0(call: <T>(name: string, input?: unknown) => Promise<T>): Promise<PipelineRunDto> {
  const { run } = await call<{ run: PipelineRunDto }>('training.runPipeline', {
    leagues: ['E0'],
    wait: true,
  })
  expect(run.state).toBe('succeeded')
  expect(run.features.rebuilt).toBe(true)
  return run
}

describe('features.* on the local store', () => {
  let home: string
  let scoreline: Scoreline
  const { call, failure } = caller(() => scoreline)

  beforeAll(() => {
    home = simulatedHome('scoreline-features-')
    // a reversible stand-in for safeStorage, so a Redis URL typed with its password is accepted as the
    // desktop accepts it (URL stored without it, password encrypted) and the error path is exercised
    const secretCipher = {
      unavailableReason: () => null,
      encrypt: (plain: string) => Buffer.from(plain, 'utf8').reverse(),
      decrypt: (blob: Buffer) => Buffer.from(blob).reverse().toString('utf8'),
    }
    scoreline = createScoreline({ shell: 'cli', env: { SCORELINE_HOME: home }, secretCipher })
  })
  afterAll(async () => {
    await scoreline?.close()
    rmSync(home, { recursive: true, force: true })
  })

  it('before any pipeline run: the views exist without versions and reads say why there is nothing', async () => {
    const views = await call<ViewInfoDto[]>('features.views')
    expect(views.map((v) => v.definition.name).sort()).toEqual([
      'match_probabilities',
      'team_form',
      'team_ratings',
    ])
    expect(views.every((v) => v.activeVersion === null && v.versions.length === 0)).toBe(true)
    const read = await call<EntityReadDto>('features.getTeam', {
      view: 'team_ratings',
      league: 'E0',
      team: 'Nobody',
    })
    expect(read).toMatchObject({ status: 'no_active_version' })
    if (read.status !== 'hit') expect(read.message).toMatch(/features rebuild/)
    const rebuild = await failure('features.rebuild', {})
    expect(rebuild.code).toBe('FEATURES_NO_CHAMPION')
    expect(rebuild.message).toMatch(/No champion model for E0: run the pipeline first/)
  })

  it('after a pipeline run: versions with lineage, a league, a team, its history, stats and reports', async () => {
    const run = await trainE0(call)
    const league = run.leagues[0]
    const views = await call<ViewInfoDto[]>('features.views')
    const ratings = views.find((v) => v.definition.name === 'team_ratings')!
    expect(ratings.activeVersion).toBe(1)
    expect(ratings.versions[0]).toMatchObject({
      version: 1,
      state: 'active',
      createdBy: 'scoreline:pipeline',
      entityCount: 8,
      lineage: { modelVersion: `E0@${league.version}`, runId: league.runId },
    })
    expect(ratings.versions[0].lineage.dataFingerprint).toMatch(/\S{8,}/)

    const teams = await call<LeagueReadDto>('features.getTeams', { view: 'team_ratings', league: 'E0' })
    expect(teams.version).toBe(1)
    expect(teams.entities).toHaveLength(8)
    const attackSum = teams.entities.reduce((s, e) => s + Number(e.values.attack), 0)
    expect(Math.abs(attackSum)).toBeLessThan(1e-6) // identified with Σα = 0
    const team = teams.entities[0].entity

    const one = await call<EntityReadDto>('features.getTeam', { view: 'team_form', league: 'E0', team })
    expect(one.status).toBe('hit')
    if (one.status === 'hit') {
      expect(one.values.matches_in_window).toBe(6)
      expect(Number(one.values.points_per_game)).toBeGreaterThanOrEqual(0)
    }
    const missing = await call<EntityReadDto>('features.getTeam', {
      view: 'team_ratings',
      league: 'E0',
      team: 'Atlantis FC',
    })
    expect(missing).toMatchObject({ status: 'missing', version: 1 })

    const match = await call<EntityReadDto>('features.getMatch', {
      league: 'E0',
      date: '2030-01-01',
      home: team,
      away: teams.entities[1].entity,
    })
    expect(match).toMatchObject({ status: 'no_active_version', view: 'match_probabilities' })

    const stats = await call<FeatureStoreStatsDto>('features.stats')
    expect(stats.backend).toBe('sqlite')
    expect(stats.location).toBe(path.join(home, 'features.sqlite'))
    const statsRatings = stats.views.find((v) => v.view === 'team_ratings')!
    expect(statsRatings.versions[0]).toMatchObject({ version: 1, state: 'active', keys: 8 })
    expect(statsRatings.versions[0].approxBytes).toBeGreaterThan(0)
    expect(stats.reads.hits).toBeGreaterThanOrEqual(9) // this process: the league and the team
    expect(stats.reads.misses).toBeGreaterThanOrEqual(1)
    expect(stats.reads.latency.samples).toBeGreaterThan(0)

    const reports = await call<ValidationReportDto[]>('features.validationReports', { view: 'team_ratings' })
    expect(reports[0]).toMatchObject({ view: 'team_ratings', version: 1, total: 8, accepted: 8, rejected: 0 })
  })

  it('rebuilds on demand from the champion: a new version, the old one kept in the history', async () => {
    const result = await call<FeatureRebuildResultDto>('features.rebuild', {})
    expect(result.views).toEqual(['team_ratings@2', 'team_form@2'])
    expect(result.champions).toEqual([expect.objectContaining({ league: 'E0', modelVersion: '1' })])
    expect(result.skipped).toEqual([])
    const views = await call<ViewInfoDto[]>('features.views')
    const ratings = views.find((v) => v.definition.name === 'team_ratings')!
    expect(ratings.activeVersion).toBe(2)
    expect(ratings.versions.map((v) => [v.version, v.state])).toEqual([
      [2, 'active'],
      [1, 'retired'],
    ])
    expect(ratings.versions[0].createdBy).toBe('scoreline:features-rebuild')
    // same champion, same data: the same fingerprint and the same numbers
    expect(ratings.versions[0].lineage.dataFingerprint).toBe(ratings.versions[1].lineage.dataFingerprint)

    const teams = await call<LeagueReadDto>('features.getTeams', { view: 'team_ratings', league: 'E0' })
    const history = await call<HistoryEntryDto[]>('features.history', {
      view: 'team_ratings',
      league: 'E0',
      entity: teams.entities[0].entity,
    })
    expect(history.map((h) => [h.version, h.state, h.read.status])).toEqual([
      [2, 'active', 'hit'],
      [1, 'retired', 'hit'],
    ])
  })

  it('errors a user can act on: unknown view, unknown league, bad input, a pipeline holding the lock', async () => {
    const unknown = await failure('features.getTeams', { view: 'team_vibes', league: 'E0' })
    expect(unknown.code).toBe('UNKNOWN_VIEW')
    expect(unknown.message).toMatch(/no feature view "team_vibes" \(known: .*team_ratings/)
    const skipped = await failure('features.rebuild', { leagues: ['ZZ'] })
    expect(skipped.code).toBe('FEATURES_NO_CHAMPION')
    expect(
      (await failure('features.getMatch', { league: 'E0', date: '1/2/2024', home: 'a', away: 'b' })).code,
    ).toBe('INVALID_INPUT')
    const partial = await call<FeatureRebuildResultDto>('features.rebuild', { leagues: ['E0', 'ZZ'] })
    expect(partial.skipped).toEqual([
      { league: 'ZZ', reason: expect.stringMatching(/no champion model for ZZ/) },
    ])

    // another process's pipeline run holds the cross-process lock
    const other = createPipelineLock(scoreline.db)
    expect(other.acquire('run-elsewhere').ok).toBe(true)
    try {
      const busy = await failure('features.rebuild', {})
      expect(busy.code).toBe('FEATURES_BUSY')
      expect(busy.message).toMatch(/run-elsewhere/)
    } finally {
      other.release('run-elsewhere')
      other.dispose()
    }
  })
  it('an unreachable Redis set in Settings fails fast with its host, never its password; clearing it recovers', async () => {
    await call('settings.set', { key: 'redisUrl', value: 'redis://:hunter22@127.0.0.1:1/0' })
    try {
      const started = Date.now()
      const down = await failure('features.views')
      expect(down.code).toBe('SERVICE_UNREACHABLE')
      expect(down.message).toContain('127.0.0.1:1')
      expect(JSON.stringify(down)).not.toContain('hunter22')
      expect(Date.now() - started).toBeLessThan(5_000)
      expect((await failure('features.stats')).code).toBe('SERVICE_UNREACHABLE') // tried again, not cached
    } finally {
      await call('settings.set', { key: 'redisUrl', value: null })
    }
    expect((await call<FeatureStoreStatsDto>('features.stats')).backend).toBe('sqlite')
  })
})

describeWithService('redis', 'features.* on the real Redis', (url) => {
  const keyPrefix = `scoreline:test:fs-api:${randomUUID().slice(0, 8)}:`
  let home: string
  let local: Scoreline
  let viaRedis: Scoreline
  let raw: Redis

  beforeAll(async () => {
    home = simulatedHome('scoreline-features-redis-')
    raw = new Redis(url)
    // The pipeline runs without Redis and writes the local store; the champion it promotes is then read
    // back from tracking, and the rebuild below writes Redis under this run's prefix.
    local = createScoreline({ shell: 'cli', env: { SCORELINE_HOME: home }, featureKeyPrefix: keyPrefix })
    await trainE0(caller(() => local).call)
  }, 120_000)
  afterAll(async () => {
    await viaRedis?.close()
    await local?.close()
    const keys = await raw.keys(`${keyPrefix}*`)
    if (keys.length) await raw.del(...keys)
    expect(await raw.keys(`${keyPrefix}*`)).toEqual([])
    await raw.quit()
    rmSync(home, { recursive: true, force: true })
  })

  it('rebuilds into Redis and reads a league, a team and the stats back from it', async () => {
    viaRedis = createScoreline({
      shell: 'cli',
      env: { SCORELINE_HOME: home, REDIS_URL: url },
      featureKeyPrefix: keyPrefix,
    })
    const { call } = caller(() => viaRedis)
    const before = await call<ViewInfoDto[]>('features.views')
    expect(before.find((v) => v.definition.name === 'team_ratings')?.activeVersion).toBeNull()

    const result = await call<FeatureRebuildResultDto>('features.rebuild', { leagues: ['E0'] })
    expect(result.views).toEqual(['team_ratings@1', 'team_form@1'])
    const teams = await call<LeagueReadDto>('features.getTeams', { view: 'team_ratings', league: 'E0' })
    expect(teams.entities).toHaveLength(8)
    const team = teams.entities[0].entity
    expect(await raw.hget(`${keyPrefix}team_ratings@1:E0:${team}`, 'attack')).toBe(
      String(teams.entities[0].values.attack),
    )
    const read = await call<EntityReadDto>('features.getTeam', { view: 'team_form', league: 'E0', team })
    expect(read.status).toBe('hit')
    const history = await call<HistoryEntryDto[]>('features.history', {
      view: 'team_ratings',
      league: 'E0',
      entity: team,
    })
    expect(history.map((h) => h.version)).toEqual([1])
    const stats = await call<FeatureStoreStatsDto>('features.stats')
    expect(stats.backend).toBe('redis')
    expect(stats.location).toBe(describeRedisUrl(url))
    expect(stats.views.find((v) => v.view === 'team_ratings')?.versions[0]).toMatchObject({
      version: 1,
      keys: 8,
      lastWriteBy: 'scoreline:features-rebuild',
    })
    expect(stats.reads.hits).toBeGreaterThanOrEqual(9)
    const reports = await call<ValidationReportDto[]>('features.validationReports', { limit: 5 })
    expect(reports.map((r) => r.view).sort()).toEqual(['team_form', 'team_ratings'])
  })

  it('switches to Redis when Settings set its URL at runtime, and back to the local store when cleared', async () => {
    const { call } = caller(() => local)
    expect((await call<FeatureStoreStatsDto>('features.stats')).backend).toBe('sqlite')
    await call('settings.set', { key: 'redisUrl', value: url })
    const stats = await call<FeatureStoreStatsDto>('features.stats')
    expect(stats.backend).toBe('redis')
    await call('settings.set', { key: 'redisUrl', value: null })
    expect((await call<FeatureStoreStatsDto>('features.stats')).backend).toBe('sqlite')
  })
})
