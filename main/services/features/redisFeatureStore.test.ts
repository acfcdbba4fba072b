/**
 * Redis-only behaviour: the key layout another machine can read, one round trip per league read,
 * failures while Redis is down or restarted (on a private throw-away redis-server, never the shared one)
 * and credentials kept out of messages. The semantics shared with the SQLite store are in
 * featureStore.behaviour.test.ts.
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { describeWithService } from '../../../test/support/services'
import { createFeatureStore } from './createFeatureStore'
import { FeatureStoreError, describeRedisUrl } from './errors'
import { FeatureRegistry } from './featureRegistry'
import type { TeamRow } from './featureStore'
import { RedisFeatureStore } from './redisFeatureStore'
import { LEAGUE, TEAMS, formRow, lineage, ratingRows, sleep } from './testing/fixtures'
import { freePort, startThrowawayRedis, type ThrowawayRedis } from './testing/throwawayRedis'

const prefix = () => `scoreline:test:fs:${randomUUID().slice(0, 8)}:`

async function failure(promise: Promise<unknown>): Promise<FeatureStoreError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(FeatureStoreError)
    return error as FeatureStoreError
  }
  throw new Error('expected the call to fail')
}

async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      if (await condition()) return
    } catch {
      // not yet
    }
    await sleep(50)
  }
  throw new Error(`condition not met within ${timeoutMs} ms`)
}

function bigFormBatch(leagues: number, teamsPerLeague: number, ppg: number): TeamRow[] {
  const rows: TeamRow[] = []
  for (let l = 0; l < leagues; l++) {
    for (let t = 0; t < teamsPerLeague; t++) {
      rows.push({ ...formRow(`Team ${t}`, { points_per_game: ppg }), league: `L${l}` })
    }
  }
  return rows
}

describe('describeRedisUrl', () => {
  it('keeps host, port and database and drops credentials', () => {
    expect(describeRedisUrl('redis://default:s3cret@cache.local:6380/2')).toBe('cache.local:6380/2')
    expect(describeRedisUrl('rediss://:pw@10.0.0.5')).toBe('10.0.0.5:6379')
    expect(describeRedisUrl('not a url user:pw@host')).not.toContain('pw@')
  })
})

describe('RedisFeatureStore when Redis is not there', () => {
  it('fails fast at connect with SERVICE_UNREACHABLE naming the host, never the password', async () => {
    const port = await freePort()
    const started = performance.now()
    const error = await failure(
      RedisFeatureStore.connect({
        url: `redis://scoreline:s3cret-pw@127.0.0.1:${port}/0`,
        connectTimeoutMs: 500,
      }),
    )
    expect(performance.now() - started).toBeLessThan(2000)
    expect(error.code).toBe('SERVICE_UNREACHABLE')
    expect(error.message).toContain(`127.0.0.1:${port}`)
    expect(JSON.stringify({ m: error.message, d: error.details })).not.toContain('s3cret')
  })

  it('the factory falls back to the local store only when asked to', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-fs-'))
    try {
      const port = await freePort()
      const options = {
        redisUrl: `redis://127.0.0.1:${port}`,
        localDbPath: path.join(dir, 'features.sqlite'),
        connectTimeoutMs: 300,
      }
      expect((await failure(createFeatureStore(options))).code).toBe('SERVICE_UNREACHABLE')
      const local = await createFeatureStore({ ...options, whenRedisUnreachable: 'local' })
      expect(local.backend).toBe('sqlite')
      await local.close()
      const plain = await createFeatureStore({ localDbPath: path.join(dir, 'features.sqlite') })
      expect(plain.backend).toBe('sqlite')
      await plain.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describeWithService('redis', 'RedisFeatureStore on the shared Redis', (url) => {
  let keyPrefix: string
  let store: RedisFeatureStore
  let raw: Redis

  beforeAll(async () => {
    keyPrefix = prefix()
    store = await RedisFeatureStore.connect({ url, keyPrefix })
    raw = new Redis(url)
  })
  afterAll(async () => {
    await store.deleteAll()
    await store.close()
    expect(await raw.keys(`${keyPrefix}*`)).toEqual([])
    await raw.quit()
  })

  it('uses readable keys another machine can discover: hashes with _ts, a pointer, the registry', async () => {
    await store.publish('team_ratings', ratingRows(0.4), { lineage: lineage('7'), writtenBy: 'layout-test' })
    const key = `${keyPrefix}team_ratings@1:E0:Arsenal`
    expect(store.entityKey('team_ratings', 1, 'E0', 'Arsenal')).toBe(key)
    const hash = await raw.hgetall(key)
    expect(hash).toMatchObject({ attack: '0.4', home_advantage: '0.25' })
    expect(Number(hash._ts)).toBeGreaterThan(0)
    // team views have no TTL while their version is active (a standing champion never expires)
    expect(await raw.pttl(key)).toBe(-1)
    expect(await raw.get(`${keyPrefix}team_ratings:active`)).toBe('1')
    const definition = JSON.parse((await raw.hget(`${keyPrefix}_registry:views`, 'team_form'))!)
    expect(definition.params).toEqual({ n: 6 })
    const version = await raw.hgetall(`${keyPrefix}_registry:team_ratings@1`)
    expect(version.state).toBe('active')
    expect(JSON.parse(version.lineage)).toMatchObject({ modelVersion: '7', dataFingerprint: 'sha256:abc' })
  })

  it("retiring caps the old version's TTLs at the grace period; a rollback gives them back", async () => {
    const s = await RedisFeatureStore.connect({ url, keyPrefix: prefix(), retiredGraceMs: 60_000 })
    try {
      await s.publish('team_ratings', ratingRows(1), { lineage: lineage('1') })
      await s.publish('team_ratings', ratingRows(2), { lineage: lineage('2') })
      const key = (v: number) => s.entityKey('team_ratings', v, LEAGUE, 'Arsenal')
      expect(await raw.pttl(key(1))).toBeLessThanOrEqual(60_000)
      expect(await raw.pttl(key(1))).toBeGreaterThan(0)
      expect(await raw.pttl(key(2))).toBe(-1) // active: no TTL
      expect(await s.activate('team_ratings', 1)).toBe(2)
      expect(await raw.pttl(key(1))).toBe(-1) // rolled back: no TTL again
      expect(await raw.pttl(key(2))).toBeLessThanOrEqual(60_000)
      expect(await raw.pttl(key(2))).toBeGreaterThan(0)
      expect(await s.getTeam('team_ratings', LEAGUE, 'Arsenal')).toMatchObject({
        version: 1,
        values: { attack: 1 },
      })
    } finally {
      await s.deleteAll()
      await s.close()
    }
  })

  it('the factory mirrors views, versions and lineage into the local SQLite registry', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-fs-'))
    const file = path.join(dir, 'features.sqlite')
    const mirrored = await createFeatureStore({ redisUrl: url, localDbPath: file, keyPrefix: prefix() })
    try {
      expect(mirrored.backend).toBe('redis')
      await mirrored.publish('team_form', [formRow('Arsenal')], {
        lineage: lineage('9', 'fp-9'),
        writtenBy: 'mirror-test',
      })
      const db = new Database(file, { readonly: true })
      const registry = new FeatureRegistry(db, 'redisMirror')
      expect(registry.definition('team_form')?.activeVersion).toBe(1)
      expect(registry.versions('team_form', Date.now())[0]).toMatchObject({
        version: 1,
        state: 'active',
        lineage: { modelVersion: '9', dataFingerprint: 'fp-9' },
        lastWriteBy: 'mirror-test',
      })
      // the local store's own registry is untouched: turning REDIS_URL off does not fake versions
      expect(new FeatureRegistry(db).versions('team_form', Date.now())).toEqual([])
      db.close()
    } finally {
      await (mirrored as RedisFeatureStore).deleteAll()
      await mirrored.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

const throwawayRedis =
  !!process.env.SCORELINE_TEST_REDIS_URL || process.env.SCORELINE_REQUIRE_SERVICES === '1'
const throwawayRedisSkip =
  'SCORELINE_TEST_REDIS_URL not set (the suite starts its own redis-server only then)'
if (!throwawayRedis)
  console.warn(`[skipped] RedisFeatureStore on a throw-away redis-server: ${throwawayRedisSkip}`)

describe.runIf(throwawayRedis)(
  `RedisFeatureStore on a throw-away redis-server${throwawayRedis ? '' : ` — skipped: ${throwawayRedisSkip}`}`,
  () => {
    let server: ThrowawayRedis
    let store: RedisFeatureStore | undefined

    beforeAll(async () => {
      server = await startThrowawayRedis()
    })
    afterEach(async () => {
      await store?.close()
      store = undefined
      if (server) await server.start().catch(() => undefined) // a test may have left it down
    })
    afterAll(async () => {
      await server?.dispose()
    })

    it('reads every team of a league in one round trip', async () => {
      store = await RedisFeatureStore.connect({ url: server.url, keyPrefix: prefix() })
      await store.publish('team_ratings', ratingRows(1), { lineage: lineage() })
      await store.getTeams('team_ratings', LEAGUE) // view definition cached
      const client = new Redis(server.url)
      const monitor = await client.monitor()
      const seen: string[] = []
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (source !== 'lua') seen.push(args[0].toLowerCase())
      })
      await sleep(50)
      const league = await store.getTeams('team_ratings', LEAGUE)
      await store.getTeam('team_ratings', LEAGUE, 'Arsenal')
      await sleep(50)
      monitor.disconnect()
      await client.quit()
      expect(league.entities).toHaveLength(TEAMS.length)
      // one command each (EVAL the first time a script is used on a connection, EVALSHA after)
      expect(seen.filter((c) => c !== 'quit').map((c) => c.replace('evalsha', 'eval'))).toEqual([
        'eval',
        'eval',
      ])
    })

    it('connection lost and regained: reads fail fast while Redis is down, then work again', async () => {
      store = await RedisFeatureStore.connect({ url: server.url, keyPrefix: prefix(), commandTimeoutMs: 500 })
      await store.publish('team_form', [formRow('Arsenal')], { lineage: lineage() })
      await server.kill()
      for (const read of [
        () => store!.getTeam('team_form', LEAGUE, 'Arsenal'),
        () => store!.getTeams('team_form', LEAGUE),
        () => store!.stats(),
      ]) {
        const started = performance.now()
        const error = await failure(read())
        expect(performance.now() - started).toBeLessThan(600)
        expect(error.code).toBe('SERVICE_UNREACHABLE')
        expect(error.message).toContain(`127.0.0.1:${server.port}`)
      }
      await server.start()
      await waitFor(async () => (await store!.getTeam('team_form', LEAGUE, 'Arsenal')).status === 'hit')
      expect(store.connectionStatus).toBe('ready')
    })

    it('a hung Redis makes reads time out with SERVICE_UNREACHABLE instead of hanging', async () => {
      store = await RedisFeatureStore.connect({ url: server.url, keyPrefix: prefix(), commandTimeoutMs: 300 })
      await store.publish('team_form', [formRow('Arsenal')], { lineage: lineage() })
      server.signal('SIGSTOP')
      try {
        const started = performance.now()
        const error = await failure(store.getTeam('team_form', LEAGUE, 'Arsenal'))
        expect(performance.now() - started).toBeLessThan(1500)
        expect(error.code).toBe('SERVICE_UNREACHABLE')
      } finally {
        server.signal('SIGCONT')
      }
      await waitFor(async () => (await store!.getTeam('team_form', LEAGUE, 'Arsenal')).status === 'hit')
    })

    it('Redis restarted mid-bulk-write: the write fails clearly, the active version is unchanged, a retry succeeds', async () => {
      store = await RedisFeatureStore.connect({ url: server.url, keyPrefix: prefix(), chunkSize: 200 })
      await store.publish('team_form', bigFormBatch(2, 20, 1), { lineage: lineage('1'), writtenBy: 'v1' })
      const big = bigFormBatch(40, 500, 2)
      let killing: Promise<void> | null = null
      const error = await failure(
        store.publish('team_form', big, {
          lineage: lineage('2'),
          writtenBy: 'v2',
          onProgress: (done) => {
            if (done >= 1000 && !killing) killing = server.kill()
          },
        }),
      )
      expect(error.code).toBe('SERVICE_UNREACHABLE')
      expect(error.message).toMatch(
        /of 20000 rows of team_form@2 were written; the version was not activated/,
      )
      await killing
      await server.start()
      await waitFor(async () => (await store!.activeVersion('team_form')) !== undefined)

      expect(await store.activeVersion('team_form')).toBe(1)
      expect(await store.getTeam('team_form', 'L0', 'Team 3')).toMatchObject({
        version: 1,
        values: { points_per_game: 1 },
      })
      const v2 = (await store.views())
        .find((v) => v.definition.name === 'team_form')!
        .versions.find((v) => v.version === 2)
      expect(v2?.state).toBe('writing')

      const retry = await store.publish('team_form', big, { lineage: lineage('2'), writtenBy: 'v2-retry' })
      expect(retry).toMatchObject({ version: 3, written: 20_000, previousVersion: 1 })
      const league = await store.getTeams('team_form', 'L39')
      expect(league.version).toBe(3)
      expect(league.entities).toHaveLength(500)
      expect(league.entities.every((e) => e.values.points_per_game === 2)).toBe(true)
    })
  },
)
