/**
 * The run mirror against a real MLflow server (SCORELINE_TEST_MLFLOW_URI), through a loopback proxy that
 * can refuse connections (a real "server unreachable"). Each refresh after the first must be incremental
 * and leave the mirror equal to the server's own full search.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { TcpFaultProxy } from '../../../test/faults/support/faultProxy'
import { removeByPrefix, testNamePrefix } from '../../../test/support/mlflowHygiene'
import { describeWithService } from '../../../test/support/services'
import { isUnreachable } from './errors'
import { openMemoryTrackingDatabase, openTrackingDatabase } from './localSchema'
import { MlflowClient } from './mlflowClient'
import { MlflowTrackingStore } from './mlflowTrackingStore'
import { OutboxTrackingStore } from './outboxTrackingStore'
import { PromotionLog } from './promotionLog'
import { RunsMirror } from './runsMirror'
import { BACKGROUND_EVERY_MS, runsFromMirror } from './runsMirrorSearch'
import type { Run } from './trackingStore'

/** What a list shows of a run, comparable between the mirror and the server. */
const view = (runs: Run[]) =>
  runs
    .map((r) => ({
      id: r.info.runId,
      status: r.info.status,
      end: r.info.endTime ?? null,
      metrics: r.metrics,
      tags: r.tags,
    }))
    .sort((a, b) => a.id.localeCompare(b.id))

describeWithService('mlflow', 'run mirror on a real MLflow server', (uri) => {
  const prefix = `${testNamePrefix()}mirror-`
  const dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-runs-mirror-'))
  const file = path.join(dir, 'tracking.db')
  const db = openTrackingDatabase(file)
  let proxy: TcpFaultProxy
  let store: MlflowTrackingStore
  let mirror: RunsMirror
  let experimentId = ''
  const started: string[] = []

  const serverRuns = () => store.searchAllRuns({ experimentIds: [experimentId] })
  const start = async (name: string, startTime = Date.now()) => {
    const run = await store.startRun({ experimentId, runName: name, startTime })
    started.push(run.runId)
    return run.runId
  }

  beforeAll(async () => {
    const target = new URL(uri)
    proxy = await TcpFaultProxy.start({ host: target.hostname, port: Number(target.port) })
    const client = new MlflowClient({ trackingUri: proxy.urlFor(uri) }, { maxRetries: 0, timeoutMs: 5000 })
    store = new MlflowTrackingStore({ client, promotions: new PromotionLog(db, client.http.baseUrl) })
    mirror = new RunsMirror({ db, remote: store, nameLike: `${prefix}%`, deleteCheckMs: 0 })
    experimentId = (await store.ensureExperiment(`${prefix}runs`)).id
  })

  afterAll(async () => {
    await proxy?.setMode({ kind: 'pass' })
    for (const id of started) await store.endRun(id, 'KILLED').catch(() => undefined)
    await removeByPrefix(uri, prefix)
    await proxy?.close()
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('reads everything once, then only what changed: a new run, a finished run, a changed metric, a deleted run', async () => {
    const finished = await start('finished')
    await store.log(finished, { metrics: { rps: 0.2 }, params: { league: 'E0' } })
    await store.endRun(finished)
    const running = await start('running')
    await store.log(running, { metrics: { rps: 0.3 } })
    // started two days ago, still running at the first refresh: only its end can bring it back
    const longRunning = await start('long-running', Date.now() - 2 * 86_400_000)
    // running at the first refresh, then killed with the time of its last sign of life (before the mark)
    const killedLate = await start('killed-late', Date.now() - 86_400_000)

    const first = await mirror.refresh()
    expect(first.full).toBe(1)
    expect(view(mirror.runs([experimentId]))).toEqual(view(await serverRuns()))
    expect(mirror.runs([experimentId])).toHaveLength(4)

    const added = await start('added')
    await store.log(running, { metrics: { rps: 0.25 }, step: 1 })
    await store.endRun(longRunning, 'FAILED')
    await store.deleteRun(finished)
    await store.endRun(killedLate, 'KILLED', Date.now() - 86_400_000 + 60_000)

    const second = await mirror.refresh()
    expect(second.full).toBe(0)
    expect(second.changed).toBe(5)
    const mirrored = mirror.runs([experimentId])
    expect(view(mirrored)).toEqual(view(await serverRuns()))
    const byId = new Map(mirrored.map((r) => [r.info.runId, r]))
    expect(byId.has(added)).toBe(true)
    expect(byId.has(finished)).toBe(false)
    expect(byId.get(running)?.metrics.rps).toBe(0.25)
    expect(byId.get(longRunning)?.info.status).toBe('FAILED')
    expect(byId.get(killedLate)?.info.status).toBe('KILLED')

    // nothing changed: the next refresh changes nothing (a still-running run is re-read, not counted)
    expect((await mirror.refresh()).changed).toBe(0)
  })

  it('keeps the newest runs when a full search is capped, and then leaves filtered lists to the server', async () => {
    let now = Date.now()
    const small = new RunsMirror({
      clock: () => now,
      db: openMemoryTrackingDatabase(),
      ownsDb: true,
      remote: store,
      nameLike: `${prefix}%`,
      fullLimit: 2,
    })
    try {
      await small.refresh()
      expect(small.partial()).toBe(true)
      const newest = (await serverRuns()).sort((a, b) => b.info.startTime - a.info.startTime).slice(0, 2)
      expect(small.runs([experimentId]).map((r) => r.info.runId)).toEqual(newest.map((r) => r.info.runId))
      const notify = () => undefined
      const input = { experimentIds: [experimentId], limit: 100 }
      expect(await runsFromMirror(small, { ...input, filter: "params.league = 'E0'" }, notify)).toBeNull()
      const answer = await runsFromMirror(small, input, notify)
      expect(answer?.runs).toHaveLength(2)
      // a background refresh starts at most every BACKGROUND_EVERY_MS: the one above just ended
      expect(answer?.mark.refreshing).toBe(false)
      now += BACKGROUND_EVERY_MS
      expect((await runsFromMirror(small, input, notify))?.mark.refreshing).toBe(true)
      await small.refresh()
    } finally {
      small.close()
    }
  })

  it('catches a metric logged to a run that ended long ago only on the full reconcile', async () => {
    const old = await start('old', Date.now() - 3 * 86_400_000)
    await store.endRun(old, 'FINISHED', Date.now() - 3 * 86_400_000 + 60_000)
    await mirror.refresh({ full: true })
    await store.log(old, { metrics: { late_metric: 1 } })
    await mirror.refresh()
    const late = () => mirror.runs([experimentId]).find((r) => r.info.runId === old)?.metrics.late_metric
    expect(late()).toBeUndefined()
    // the reconcile by another process on the same database (the CLI beside the app): this mirror's
    // parsed copy must not hide it
    const other = new RunsMirror({
      db: openTrackingDatabase(file),
      ownsDb: true,
      remote: store,
      nameLike: `${prefix}%`,
    })
    try {
      expect((await other.refresh({ full: true })).full).toBe(1)
    } finally {
      other.close()
    }
    expect(late()).toBe(1)
  })

  it('sees at once the runs its outbox replayed, though their start and end times are before the mark', async () => {
    const outbox = new OutboxTrackingStore({ remote: store, db, offlineCooldownMs: 0 })
    await mirror.refresh()
    await proxy.setMode({ kind: 'refuse' })
    const workStart = Date.now() - 5 * 86_400_000
    const queued = await outbox.startRun({ experimentId, runName: 'offline pipeline', startTime: workStart })
    await outbox.log(queued.runId, { metrics: { rps: 0.19 } })
    await outbox.endRun(queued.runId, 'FINISHED', workStart + 60_000)
    expect((await outbox.status()).pending).toBe(3)
    await proxy.setMode({ kind: 'pass' })
    expect(await outbox.push()).toMatchObject({ replayed: 3, pending: 0 })
    const runId = outbox.resolve(queued.runId)
    started.push(runId)

    const refreshed = await mirror.refresh()
    expect(refreshed.full).toBe(0)
    const replayed = mirror.runs([experimentId]).find((r) => r.info.runId === runId)
    expect(replayed).toMatchObject({
      info: { status: 'FINISHED', startTime: workStart },
      metrics: { rps: 0.19 },
    })
    expect(view(mirror.runs([experimentId]))).toEqual(view(await serverRuns()))
  })

  it('keeps answering from the mirror while the server is unreachable, marked offline as of the last refresh', async () => {
    const before = mirror.mark()
    expect(before.offline).toBe(false)
    const list = view(mirror.runs([experimentId]))
    await proxy.setMode({ kind: 'refuse' })
    const error = await mirror.refresh().catch((e: unknown) => e)
    expect(isUnreachable(error)).toBe(true)
    const mark = mirror.mark()
    expect(mark.offline).toBe(true)
    expect(mark.asOf).toBe(before.asOf)
    expect(mark.lastError).toMatch(/127\.0\.0\.1/)
    expect(view(mirror.runs([experimentId]))).toEqual(list)
    await proxy.setMode({ kind: 'pass' })
    await mirror.refresh()
    expect(mirror.mark().offline).toBe(false)
  })
})
