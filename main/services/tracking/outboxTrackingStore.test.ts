import http from 'node:http'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { removeByPrefix } from '../../../test/support/mlflowHygiene'
import { describeWithService } from '../../../test/support/services'
import { createTrackingStore } from './createTrackingStore'
import { openTrackingDatabase } from './localSchema'
import { MlflowClient } from './mlflowClient'
import { MlflowTrackingStore } from './mlflowTrackingStore'
import { OutboxTrackingStore } from './outboxTrackingStore'
import type { OutboxItem } from './outboxTrackingStore'
import { PromotionLog } from './promotionLog'
import { FaultProxy } from './testing/faultProxy'
import { fileOutboxStore } from './testing/fileOutboxStore'
import { trackingStoreContract } from './testing/trackingStoreContract'
import { TAGS } from './trackingStore'

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})
function tempDb(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'scoreline-outbox-'))
  dirs.push(dir)
  return path.join(dir, 'tracking.db')
}
const fastHttp = { maxRetries: 1, backoffBaseMs: 5, backoffMaxMs: 10, timeoutMs: 5000 }

describeWithService('mlflow', 'OutboxTrackingStore', (uri) => {
  describe('behavioural suite (server up)', () => {
    trackingStoreContract(
      async () => createTrackingStore({ trackingUri: uri, localDbPath: tempDb() }, { autoFlushMs: false }),
      { removeCreated: (tag) => removeByPrefix(uri, tag, { anywhere: true }) },
    )
  })

  describe('server stopped mid-run', () => {
    let proxy: FaultProxy
    let direct: MlflowClient // built lazily: a skipped suite still runs this body with uri = ''
    const suffix = `${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`

    beforeAll(async () => {
      direct = new MlflowClient({ trackingUri: uri })
      proxy = await FaultProxy.start(uri)
    })
    afterEach(async () => {
      // a failed test must not leave the server "down" for the next one
      if (!proxy.listening) await proxy.up()
    })
    afterAll(async () => {
      await proxy.close()
      // what these tests created on the shared server goes with them, runs ended first (#21)
      await removeByPrefix(uri, suffix, { anywhere: true })
    })

    const makeStore = (dbPath: string, afterApply?: (item: OutboxItem) => void) =>
      fileOutboxStore(dbPath, proxy.uri, fastHttp, afterApply)

    it('queues what it cannot send, survives a restart of the app, and replays it exactly once', async () => {
      const dbPath = tempDb()
      let store = makeStore(dbPath)
      const exp = await store.ensureExperiment(`scoreline-outbox-${suffix}`)
      const parent = await store.startRun({ experimentId: exp.id, runName: 'pipeline' })
      expect(parent.runId).not.toMatch(/^pending-/)
      await store.log(parent.runId, {
        metrics: [{ key: 'rps', value: 0.22, timestamp: 1000, step: 0 }],
        params: { league: 'E0' },
      })

      await proxy.down()
      await store.log(parent.runId, { metrics: [{ key: 'rps', value: 0.21, timestamp: 2000, step: 1 }] })
      const child = await store.startRun({ experimentId: exp.id, runName: 'fit', parentRunId: parent.runId })
      expect(child.runId).toMatch(/^pending-run-/)
      await store.log(child.runId, { params: { xi: 0.0019 }, metrics: { log_likelihood: -1000.5 } })
      await store.logArtifact(child.runId, 'model/model.json', '{"gamma":0.3}')
      await store.endRun(child.runId, 'FINISHED', 5000)
      await store.endRun(parent.runId, 'FINISHED', 6000)
      const model = `scoreline-dc-outbox-${suffix}`
      await store.ensureRegisteredModel(model)
      const version = await store.createModelVersion({
        name: model,
        runId: child.runId,
        artifactPath: 'model',
      })
      expect(version.version).toMatch(/^pending-version-/)
      await store.setAlias(model, 'champion', version.version)
      // a run still queued reads back from the queue (#21: the champion promoted offline is served from it)
      const pendingRead = await store.getRun(child.runId)
      expect(pendingRead.info).toMatchObject({ status: 'FINISHED', endTime: 5000, runName: 'fit' })
      expect(pendingRead.params).toEqual({ xi: '0.0019' })
      expect(pendingRead.metrics).toEqual({ log_likelihood: -1000.5 })
      expect(Buffer.from(await store.downloadArtifact(child.runId, 'model/model.json')).toString()).toBe(
        '{"gamma":0.3}',
      )

      const offline = await store.status()
      expect(offline).toMatchObject({ kind: 'outbox', online: false, pending: 9, failed: 0 })
      expect(offline.lastError).toMatch(/connection refused/)

      // the app quits and starts again while the server is still down: nothing is lost
      store.close()
      store = makeStore(dbPath)
      expect((await store.status()).pending).toBe(9)
      await proxy.up()
      const pushed = await store.push()
      expect(pushed).toEqual({ replayed: 9, pending: 0, failed: 0, errors: [] })
      expect((await store.status()).online).toBe(true)
      expect((await store.push()).replayed).toBe(0)

      // read back directly from the server (not through the store)
      const parentRun = await direct.getRun(parent.runId)
      expect(parentRun.info.status).toBe('FINISHED')
      expect((await direct.getMetricHistory(parent.runId, 'rps')).map((m) => m.step)).toEqual([0, 1])
      const children = await direct.searchAllRuns({
        experimentIds: [exp.id],
        filter: `tags.\`${TAGS.parentRunId}\` = '${parent.runId}'`,
      })
      expect(children).toHaveLength(1)
      const childId = children[0].info.run_id
      expect(store.resolve(child.runId)).toBe(childId)
      expect(children[0].info.status).toBe('FINISHED')
      expect(children[0].data.params).toEqual([{ key: 'xi', value: '0.0019' }])
      expect(
        new TextDecoder().decode(
          await direct.downloadArtifact(children[0].info.artifact_uri!, 'model/model.json'),
        ),
      ).toBe('{"gamma":0.3}')
      const champion = await direct.getModelVersionByAlias(model, 'champion')
      expect(champion?.run_id).toBe(childId)
      expect((await direct.searchModelVersions({ filter: `name = '${model}'` })).items).toHaveLength(1)
      // placeholders keep working after the replay
      expect((await store.getRun(child.runId)).info.runId).toBe(childId)
      store.close()
    })

    it('a tracking URI answering an HTML page (captive portal, proxy error) keeps the run locally; it replays once', async () => {
      // one address that first answers a captive portal's page, then passes through to the real server
      let portalMode = true
      const upstream = new URL(uri)
      const portal = http.createServer((req, res) => {
        if (portalMode) {
          res.writeHead(200, { 'content-type': 'text/html' })
          res.end('<html><body>Sign in to the hotel Wi-Fi</body></html>')
          return
        }
        const forward = http.request(
          {
            host: upstream.hostname,
            port: upstream.port,
            path: req.url,
            method: req.method,
            headers: req.headers,
          },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers)
            up.pipe(res)
          },
        )
        req.pipe(forward)
      })
      await new Promise<void>((resolve) => portal.listen(0, '127.0.0.1', resolve))
      const portalUri = `http://127.0.0.1:${(portal.address() as { port: number }).port}`
      const dbPath = tempDb()
      try {
        const db = openTrackingDatabase(dbPath)
        const client = new MlflowClient({ trackingUri: portalUri }, fastHttp)
        const store = new OutboxTrackingStore({
          remote: new MlflowTrackingStore({ client, promotions: new PromotionLog(db, client.http.baseUrl) }),
          db,
          offlineCooldownMs: 0,
          onClose: () => db.close(),
        })
        const exp = await store.ensureExperiment(`scoreline-portal-${suffix}`)
        const run = await store.startRun({ experimentId: exp.id, runName: 'behind a portal' })
        expect(run.runId).toMatch(/^pending-run-/)
        await store.log(run.runId, { metrics: { rps: 0.2 } })
        await store.endRun(run.runId, 'FINISHED', 7000)
        const status = await store.status()
        expect(status).toMatchObject({ online: false, pending: 4, failed: 0 })
        expect(status.lastError).toMatch(/is the tracking URI pointing at an MLflow server/)
        // the portal answers again at push time: still queued, nothing parked as failed
        expect(await store.push()).toMatchObject({ replayed: 0, pending: 4, failed: 0 })
        // the Wi-Fi is signed in: the same address reaches MLflow, the queue replays exactly once
        portalMode = false
        const pushed = await store.push()
        expect(pushed).toEqual({ replayed: 4, pending: 0, failed: 0, errors: [] })
        expect((await store.push()).replayed).toBe(0)
        const runs = await direct.searchAllRuns({
          experimentIds: [store.resolve(exp.id)],
          filter: "attributes.run_name = 'behind a portal'",
        })
        expect(runs).toHaveLength(1)
        expect(runs[0].info.status).toBe('FINISHED')
        store.close()
      } finally {
        portal.close()
      }
    })

    it('a replay interrupted after the server applied an item never duplicates it', async () => {
      let crashes = 0
      const store = makeStore(tempDb(), (item) => {
        if ((item.op.op === 'startRun' || item.op.op === 'createModelVersion') && crashes < 2) {
          crashes++
          throw new Error('simulated crash between the server answer and the queue update')
        }
      })
      const exp = await store.ensureExperiment(`scoreline-outbox-crash-${suffix}`)
      const model = `scoreline-dc-crash-${suffix}`
      await store.ensureRegisteredModel(model)
      await proxy.down()
      const run = await store.startRun({ experimentId: exp.id, runName: 'crashy' })
      await store.log(run.runId, { metrics: [{ key: 'rps', value: 0.2, timestamp: 10, step: 0 }] })
      const version = await store.createModelVersion({ name: model, runId: run.runId })
      await proxy.up()
      await expect(store.push()).rejects.toThrow(/simulated crash/) // startRun applied, not dequeued
      expect((await store.status()).pending).toBe(3)
      await expect(store.push()).rejects.toThrow(/simulated crash/) // startRun again (found by key), log, version applied
      const result = await store.push()
      expect(result.pending).toBe(0)
      const runs = await direct.searchAllRuns({ experimentIds: [exp.id] })
      expect(runs).toHaveLength(1)
      expect((await direct.getMetricHistory(runs[0].info.run_id, 'rps')).length).toBe(1)
      const versions = await direct.searchModelVersions({ filter: `name = '${model}'` })
      expect(versions.items).toHaveLength(1)
      expect(store.resolve(version.version)).toBe('1')
      store.close()
    })

    it('parks an item the server refuses and replays the rest', async () => {
      const store = makeStore(tempDb())
      const exp = await store.ensureExperiment(`scoreline-outbox-park-${suffix}`)
      const run = await store.startRun({ experimentId: exp.id })
      await store.log(run.runId, { params: { league: 'E0' } })
      await proxy.down()
      await store.log(run.runId, { params: { league: 'SP1' } }) // MLflow refuses changing a param
      await store.endRun(run.runId)
      await proxy.up()
      const result = await store.push()
      expect(result.replayed).toBe(1)
      expect(result.failed).toBe(1)
      expect(result.errors[0]).toMatch(/log: .*INVALID_PARAMETER_VALUE/)
      expect((await direct.getRun(run.runId)).info.status).toBe('FINISHED')
      expect(store.items('failed')).toHaveLength(1)
      store.close()
    })
  })
})

describe('createTrackingStore', () => {
  it('builds the local store when no tracking URI is configured, and refuses non-HTTP URIs clearly', async () => {
    const dbPath = tempDb()
    const local = createTrackingStore({ localDbPath: dbPath, trackingUri: '  ' })
    expect(local.kind).toBe('local')
    expect(await local.status()).toMatchObject({ kind: 'local', online: true, pending: 0 })
    local.close()
    expect(() => createTrackingStore({ localDbPath: tempDb(), trackingUri: 'databricks' })).toThrow(
      /not a valid URL|http/,
    )
    expect(() => createTrackingStore({ localDbPath: tempDb(), trackingUri: 'sqlite:///x.db' })).toThrow(
      /local tracking store/,
    )
  })

  it('reports an unreachable server in status without leaking credentials', async () => {
    const store = createTrackingStore(
      {
        localDbPath: tempDb(),
        trackingUri: 'http://127.0.0.1:9',
        username: 'analyst',
        password: 'pa55-word-xyz',
      },
      { autoFlushMs: false, http: fastHttp },
    )
    const exp = await store.ensureExperiment('dixon_coles_poisson')
    expect(exp.id).toBe('pending-exp-dixon_coles_poisson')
    const run = await store.startRun({ experimentId: exp.id })
    await store.log(run.runId, { metrics: { rps: 0.2 } })
    const status = await store.status()
    expect(status).toMatchObject({ kind: 'outbox', online: false, pending: 3, target: 'http://127.0.0.1:9' })
    expect(JSON.stringify(status)).not.toContain('pa55-word-xyz')
    store.close()
  })
})
