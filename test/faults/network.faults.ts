/**
 * Slow and cut connections (a loopback TCP proxy in front of the shared Postgres, Redis and MLflow that
 * delays, cuts after N bytes, refuses or never answers), and garbage servers in place of each service
 * (another protocol, malformed JSON, an HTML 200 page, silence). Every failure is a clear error naming
 * the host the app was pointed at, within a bounded time (no hang), with nothing lost: the SQLite cache
 * stays consistent, a feature version is never half-activated, and tracking writes wait in the outbox.
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { openMemoryDatabase } from '../../main/services/data/db'
import { migratePostgres } from '../../main/services/data/postgres/migratePostgres'
import { connectPostgres } from '../../main/services/data/postgres/pgConnection'
import { syncFromPostgres } from '../../main/services/data/sync/syncFromPostgres'
import { createTestDatabase } from '../../main/services/data/testing/pgTestDatabase'
import { fillSyntheticPostgres } from '../../main/services/data/testing/syntheticPostgres'
import { RedisFeatureStore } from '../../main/services/features/redisFeatureStore'
import { lineage, ratingRows, TEAMS } from '../../main/services/features/testing/fixtures'
import { createTrackingStore } from '../../main/services/tracking/createTrackingStore'
import { CLIENT_KEY_TAG } from '../../main/services/tracking/mlflowClient'
import type { OutboxTrackingStore } from '../../main/services/tracking/outboxTrackingStore'
import { serviceUrl } from '../support/services'
import { removeByPrefix, testNamePrefix } from '../support/mlflowHygiene'
import { startGarbageServer, TcpFaultProxy, type GarbageKind } from './support/faultProxy'
import { needsService, scenario } from './support/report'
import { countDifference, duplicateRemoteIds, integrityOk, snapshot } from './support/snapshots'

const GARBAGE: GarbageKind[] = ['wrong-protocol', 'malformed-json', 'html-200', 'silent']
const hostOf = (url: string) => {
  const u = new URL(url)
  return {
    host: u.hostname,
    port: Number(u.port || (u.protocol.startsWith('postgres') ? 5432 : u.protocol === 'redis:' ? 6379 : 80)),
  }
}

/** Runs `work`, expecting it to fail; returns the error and how long it took. */
async function failure(
  work: () => Promise<unknown>,
): Promise<{ error: Error & { code?: string }; ms: number }> {
  const t0 = performance.now()
  try {
    await work()
  } catch (error) {
    return { error: error as Error & { code?: string }, ms: performance.now() - t0 }
  }
  throw new Error('expected a failure, the call succeeded')
}

const PG_NAMES = ['network: Postgres slow / cut / refused / hung', 'garbage: Postgres']
if (needsService(serviceUrl('postgres'), 'SCORELINE_TEST_DATABASE_URL', PG_NAMES)) {
  describe('Postgres through a fault proxy', () => {
    let t: Awaited<ReturnType<typeof createTestDatabase>>
    let clean: ReturnType<typeof snapshot>
    beforeAll(async () => {
      t = await createTestDatabase(serviceUrl('postgres')!)
      await migratePostgres(t.url)
      const c = new pg.Client({ connectionString: t.url })
      await c.connect()
      await fillSyntheticPostgres(c, { matches: 3000, oddsPerMatch: 1 })
      await c.end()
      const db = openMemoryDatabase()
      await syncFromPostgres(db, { postgres: t.url, batchSize: 500 })
      clean = snapshot(db)
      db.close()
    })
    afterAll(async () => {
      await t?.drop()
    })

    scenario(PG_NAMES[0], async (row) => {
      const proxy = await TcpFaultProxy.start(hostOf(t.url), { kind: 'delay', ms: 5 })
      const url = proxy.urlFor(t.url)
      const where = `127.0.0.1:${proxy.port}`
      try {
        // slow: completes, same rows
        const slow = openMemoryDatabase()
        await syncFromPostgres(slow, { postgres: url, batchSize: 500 })
        row.runs++
        expect(snapshot(slow)).toEqual(clean)
        slow.close()

        // cut after N bytes: a clear error at a batch boundary, then the rerun completes
        const db = openMemoryDatabase()
        for (const bytes of [20_000, 150_000, 400_000]) {
          await proxy.setMode({ kind: 'dropAfter', bytes })
          const { error } = await failure(() => syncFromPostgres(db, { postgres: url, batchSize: 500 }))
          row.runs++
          expect(['SYNC_FAILED', 'SERVICE_UNREACHABLE']).toContain(error.code)
          expect(error.message).toContain(where)
          expect(integrityOk(db)).toBe(true)
        }
        // refused: immediate, names the host
        await proxy.setMode({ kind: 'refuse' })
        const refused = await failure(() => syncFromPostgres(db, { postgres: url }))
        row.runs++
        expect(refused.error.code).toBe('SERVICE_UNREACHABLE')
        expect(refused.error.message).toContain(where)
        expect(refused.ms).toBeLessThan(3000)
        // hung at connect: the connect timeout (5 s) ends it
        await proxy.setMode({ kind: 'stall' })
        const hung = await failure(() => syncFromPostgres(db, { postgres: url }))
        row.runs++
        expect(hung.error.code).toBe('SERVICE_UNREACHABLE')
        expect(hung.error.message).toContain(where)
        expect(hung.ms).toBeLessThan(8000)

        // hung in the middle of the sync (connected, then silence): the query timeout ends it
        await proxy.setMode({ kind: 'pass' })
        const client = await connectPostgres(url, { queryTimeoutMs: 2000 })
        let stalled = false
        const midway = await failure(() =>
          syncFromPostgres(openMemoryDatabase(), {
            postgres: client,
            batchSize: 200,
            onProgress: () => {
              if (!stalled) {
                stalled = true
                void proxy.setMode({ kind: 'stall' }) // the open connection goes silent
              }
            },
          }),
        )
        await client.end().catch(() => undefined)
        row.runs++
        expect(stalled).toBe(true)
        expect(midway.error.code).toBe('SYNC_FAILED')
        expect(midway.error.message).toMatch(/timeout/i)
        expect(midway.ms).toBeLessThan(10_000)

        await proxy.setMode({ kind: 'pass' })
        const t0 = performance.now()
        await syncFromPostgres(db, { postgres: url, batchSize: 500 })
        row.recoveryMs = performance.now() - t0
        const after = snapshot(db)
        row.dataLost = countDifference(clean, after) + duplicateRemoteIds(db)
        expect(after).toEqual(clean)
        db.close()
      } finally {
        await proxy.close()
      }
    })

    scenario(PG_NAMES[1], async (row) => {
      const db = openMemoryDatabase()
      await syncFromPostgres(db, { postgres: t.url, batchSize: 500 })
      for (const kind of GARBAGE) {
        const garbage = await startGarbageServer(kind)
        try {
          const url = `postgres://postgres@127.0.0.1:${garbage.port}/postgres`
          const { error, ms } = await failure(() => syncFromPostgres(db, { postgres: url }))
          row.runs++
          expect(error.code, kind).toBe('SERVICE_UNREACHABLE')
          expect(error.message, kind).toContain(`127.0.0.1:${garbage.port}`)
          expect(ms, kind).toBeLessThan(8000)
        } finally {
          await garbage.close()
        }
      }
      const after = snapshot(db)
      row.dataLost = countDifference(clean, after)
      expect(after).toEqual(clean)
      expect(integrityOk(db)).toBe(true)
      db.close()
    })
  })
}

const REDIS_NAMES = ['network: Redis slow / cut / refused / hung', 'garbage: Redis']
if (needsService(serviceUrl('redis'), 'SCORELINE_TEST_REDIS_URL', REDIS_NAMES)) {
  describe('Redis through a fault proxy', () => {
    const prefix = `scoreline:faults-net:${randomUUID().slice(0, 8)}:`
    afterAll(async () => {
      const store = await RedisFeatureStore.connect({ url: serviceUrl('redis')!, keyPrefix: prefix })
      await store.deleteAll()
      await store.close()
    })

    scenario(REDIS_NAMES[0], async (row) => {
      const proxy = await TcpFaultProxy.start(hostOf(serviceUrl('redis')!), { kind: 'delay', ms: 5 })
      const url = proxy.urlFor(serviceUrl('redis')!)
      const where = `127.0.0.1:${proxy.port}`
      const store = await RedisFeatureStore.connect({
        url,
        keyPrefix: prefix,
        commandTimeoutMs: 1000,
        chunkSize: 5,
      })
      try {
        const slow = await store.publish('team_ratings', ratingRows(1), { lineage: lineage('1') })
        row.runs++
        expect(slow.written).toBe(TEAMS.length)
        const errors: { code?: string; message: string; ms: number }[] = []
        for (const mode of [
          { kind: 'dropAfter', bytes: 1500 },
          { kind: 'refuse' },
          { kind: 'stall' },
        ] as const) {
          await proxy.setMode({ kind: 'pass' })
          await until(async () => (await store.activeVersion('team_ratings')) === 1)
          await proxy.setMode(mode)
          if (mode.kind === 'stall') proxy.cutAll() // the open connection hangs from now on
          const { error, ms } = await failure(() =>
            store.publish('team_ratings', ratingRows(2), { lineage: lineage('2') }),
          )
          row.runs++
          errors.push({ code: error.code, message: error.message, ms })
          expect(error.code, mode.kind).toBe('SERVICE_UNREACHABLE')
          expect(error.message, mode.kind).toContain(where)
          expect(ms, mode.kind).toBeLessThan(6000)
        }
        await proxy.setMode({ kind: 'pass' })
        const t0 = performance.now()
        // the store reconnects by itself; the previous version stayed active, whole
        await until(async () => (await store.activeVersion('team_ratings')) === 1)
        const league = await store.getTeams('team_ratings', 'E0')
        expect(league.entities.every((e) => e.values.attack === 1)).toBe(true)
        const retry = await store.publish('team_ratings', ratingRows(3), { lineage: lineage('3') })
        row.recoveryMs = performance.now() - t0
        const now = await store.getTeams('team_ratings', 'E0')
        row.dataLost = TEAMS.length - now.entities.filter((e) => e.values.attack === 3).length
        expect(retry.written).toBe(TEAMS.length)
        expect(row.dataLost).toBe(0)
      } finally {
        await store.close()
        await proxy.close()
      }
    })

    scenario(REDIS_NAMES[1], async (row) => {
      for (const kind of GARBAGE) {
        const garbage = await startGarbageServer(kind)
        try {
          const { error, ms } = await failure(() =>
            RedisFeatureStore.connect({
              url: `redis://127.0.0.1:${garbage.port}`,
              keyPrefix: prefix,
              commandTimeoutMs: 1000,
            }),
          )
          row.runs++
          expect(['SERVICE_UNREACHABLE', 'REDIS_ERROR'], `${kind}: ${error.message}`).toContain(error.code)
          expect(error.message, kind).toContain(`127.0.0.1:${garbage.port}`)
          expect(ms, kind).toBeLessThan(6000)
        } finally {
          await garbage.close()
        }
      }
    })
  })
}

const MLFLOW_NAMES = ['network: MLflow slow / cut / refused / hung', 'garbage: MLflow']
if (needsService(serviceUrl('mlflow'), 'SCORELINE_TEST_MLFLOW_URI', MLFLOW_NAMES)) {
  describe('MLflow through a fault proxy', () => {
    let dir: string
    beforeAll(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-faults-net-'))
    })
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true })
    })
    const open = (uri: string) =>
      createTrackingStore(
        { trackingUri: uri, localDbPath: path.join(dir, `${randomUUID()}.db`) },
        {
          autoFlushMs: false,
          offlineCooldownMs: 0,
          http: { maxRetries: 1, backoffBaseMs: 5, backoffMaxMs: 10, timeoutMs: 2000 },
        },
      ) as OutboxTrackingStore

    scenario(MLFLOW_NAMES[0], async (row) => {
      const target = serviceUrl('mlflow')!
      const proxy = await TcpFaultProxy.start(hostOf(target), { kind: 'delay', ms: 5 })
      const uri = proxy.urlFor(target)
      const store = open(uri)
      const keys: string[] = []
      const prefix = testNamePrefix() // this run's experiment on the shared server, removed after (#21)
      try {
        const exp = await store.ensureExperiment(`${prefix}faults-network`)
        const oneRun = async () => {
          const key = `faults-net-${randomUUID()}`
          keys.push(key)
          const run = await store.startRun({ experimentId: exp.id, runName: 'net', clientKey: key })
          await store.log(run.runId, { metrics: [{ key: 'rps', value: 0.21, step: 0, timestamp: 1 }] })
          await store.logArtifact(run.runId, 'note.txt', `run ${key}`)
          await store.endRun(run.runId, 'FINISHED')
        }
        await oneRun() // slow: straight through
        row.runs++
        expect(store.items()).toEqual([])
        for (const mode of [
          { kind: 'dropAfter', bytes: 600 },
          { kind: 'refuse' },
          { kind: 'stall' },
        ] as const) {
          await proxy.setMode(mode)
          const t0 = performance.now()
          await oneRun() // never throws: what cannot be sent is queued
          row.runs++
          expect(performance.now() - t0, mode.kind).toBeLessThan(30_000)
          expect(store.items('pending').length, mode.kind).toBeGreaterThan(0)
          const status = await store.status()
          expect(status.lastError ?? '', mode.kind).toContain(`127.0.0.1:${proxy.port}`)
        }
        await proxy.setMode({ kind: 'pass' })
        const t0 = performance.now()
        const pushed = await store.push()
        row.recoveryMs = performance.now() - t0
        expect(pushed).toMatchObject({ pending: 0, failed: 0 })
        for (const key of keys) {
          const found = await store.remote.client.searchRuns({
            experimentIds: [exp.id],
            filter: `tags.\`${CLIENT_KEY_TAG}\` = '${key}'`,
            maxResults: 5,
            runViewType: 'ALL',
          })
          row.dataLost += Math.abs(found.items.length - 1)
          expect(found.items, key).toHaveLength(1)
          const runId = found.items[0].info.run_id
          const note = Buffer.from(await store.downloadArtifact(runId, 'note.txt')).toString()
          expect(note).toBe(`run ${key}`)
          expect((await store.getMetricHistory(runId, 'rps')).length).toBe(1)
        }
      } finally {
        store.close()
        await proxy.close()
        await removeByPrefix(target, prefix)
      }
    })

    scenario(MLFLOW_NAMES[1], async (row) => {
      const seen: string[] = []
      for (const kind of GARBAGE) {
        const garbage = await startGarbageServer(kind)
        const uri = `http://127.0.0.1:${garbage.port}`
        const store = open(uri)
        try {
          const t0 = performance.now()
          const outcome = await store.ensureExperiment('scoreline-faults-garbage').then(
            () => null,
            (e: unknown) => e as Error & { code?: string },
          )
          row.runs++
          expect(performance.now() - t0, kind).toBeLessThan(10_000)
          seen.push(`${kind} ${outcome ? `error ${outcome.code}` : 'queued'}`)
          if (outcome) {
            // refused for good (not a connection problem): a clear error naming the server
            expect(outcome.message, kind).toContain(`127.0.0.1:${garbage.port}`)
          } else {
            // taken for an outage: queued, nothing lost
            expect(store.items('pending').length, kind).toBe(1)
            const status = await store.status()
            expect(status.lastError ?? '', kind).toContain(`127.0.0.1:${garbage.port}`)
          }
        } finally {
          store.close()
          await garbage.close()
        }
      }
      row.note = seen.join(', ')
    })
  })
}

async function until(ok: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      if (await ok()) return
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 50))
  }
}
