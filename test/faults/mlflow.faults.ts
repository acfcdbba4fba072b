/**
 * The MLflow server (private: SQLite backend, served artifacts, own port) killed with SIGKILL in the
 * middle of a tracked run, in the middle of an artifact upload and during a promotion. What the client
 * could not send waits in the outbox (tr_outbox in the tracking database); after the server is started
 * again `push()` (what `scoreline runs push` calls) replays it, and searching by the client key tag finds
 * exactly one run and one model version, with every metric point once and every artifact byte for byte.
 *
 * Promotion offline (#21): the server killed before, during and after a promotion, the replay killed mid-way
 * (and the app crashing between applying the promotion and dequeuing it), and two desktops promoting the
 * same league while one is offline. The pipeline-shaped promotion (per-match scores on the same matches)
 * always completes; the replay registers, aliases and tags each decision exactly once, runs stay FINISHED,
 * and a champion changed meanwhile makes the replay re-decide, saying so.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { createTrackingStore } from '../../main/services/tracking/createTrackingStore'
import { CLIENT_KEY_TAG } from '../../main/services/tracking/mlflowClient'
import type { OutboxItem, OutboxTrackingStore } from '../../main/services/tracking/outboxTrackingStore'
import { CHALLENGER, CHAMPION, PROMOTION_TAGS, promoteIfBetter } from '../../main/services/tracking/promotion'
import { FaultProxy } from '../../main/services/tracking/testing/faultProxy'
import { fileOutboxStore } from '../../main/services/tracking/testing/fileOutboxStore'
import { candidate, promoteOnSameMatches } from '../../main/services/tracking/testing/promotionFixtures'
import { removeByPrefix, testNamePrefix } from '../support/mlflowHygiene'
import { DEFAULT_PIPELINE_SETTINGS, readChampion, runPipeline } from '../../main/services/training/pipeline'
import { modelNameOf } from '../../main/services/training/pipeline/types'
import { simulatedAppDatabase } from '../../main/services/training/testing/simulatedStore'
import { createWorkerPool } from '../../main/services/training/workerPool'
import { scenario, skippedScenario } from './support/report'
import { privateMlflowUnavailable, startPrivateMlflow, type PrivateMlflow } from './support/privateServers'

const STEPS = 8
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const unavailable = privateMlflowUnavailable()

interface KillPlan {
  /** Index of the operation the kill races with. */
  at: 'log' | 'artifact' | 'promotion'
  delayMs: number
}

const CASES: [string, KillPlan[]][] = [
  ['mlflow: killed mid-run', [{ at: 'log', delayMs: 0 }]],
  ['mlflow: killed mid-artifact-upload', [{ at: 'artifact', delayMs: 15 }]],
  ['mlflow: killed during promotion', [{ at: 'promotion', delayMs: 10 }]],
]
const PROMOTION_CASES = [
  'mlflow: killed before promotion (decided offline, replayed once)',
  'mlflow: killed after promotion (champion served from the mirror)',
  'mlflow: replay killed mid-way, then the app crashes mid-promotion',
  'mlflow: two desktops promote one league, one offline (re-decided)',
  'mlflow: down for a whole pipeline run (completes, replayed FINISHED)',
]

if (unavailable) {
  for (const [name] of CASES) skippedScenario(name, unavailable)
  for (const name of PROMOTION_CASES) skippedScenario(name, unavailable)
} else {
  describe('MLflow faults (private server)', () => {
    let server: PrivateMlflow
    let dir: string
    beforeAll(async () => {
      server = await startPrivateMlflow()
      dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-faults-mlflow-client-'))
    })
    afterAll(async () => {
      await server?.dispose()
      if (dir) rmSync(dir, { recursive: true, force: true })
    })

    for (const [name, plans] of CASES) {
      scenario(name, async (row) => {
        for (const plan of plans) {
          const store = createTrackingStore(
            { trackingUri: server.uri, localDbPath: path.join(dir, `${randomUUID()}.db`) },
            {
              autoFlushMs: false,
              offlineCooldownMs: 0,
              http: { maxRetries: 1, backoffBaseMs: 10, backoffMaxMs: 20, timeoutMs: 10_000 },
            },
          ) as OutboxTrackingStore
          try {
            const lost = await trackedRunWithKill(store, plan, row)
            row.runs++
            row.dataLost += lost
            expect(lost).toBe(0)
          } finally {
            store.close()
          }
        }
      })
    }

    /** A pipeline-shaped run with the server killed at `plan`; returns what is missing or duplicated after recovery. */
    async function trackedRunWithKill(
      store: OutboxTrackingStore,
      plan: KillPlan,
      row: { recoveryMs: number | null },
    ): Promise<number> {
      const suffix = randomUUID().slice(0, 8)
      const runKey = `faults-run-${suffix}`
      const versionKey = `faults-version-${suffix}`
      const modelName = `scoreline-faults-${suffix}`
      const model = JSON.stringify({ kind: 'dixon-coles', teams: 20, suffix })
      const predictions = randomBytes(plan.at === 'artifact' ? 6 * 1024 * 1024 : 2048)
      let killing: Promise<void> | null = null
      const maybeKill = async (at: KillPlan['at']) => {
        if (plan.at !== at || killing) return
        killing = sleep(plan.delayMs).then(() => server.kill())
      }

      const exp = await store.ensureExperiment('scoreline-faults')
      const run = await store.startRun({ experimentId: exp.id, runName: 'pipeline', clientKey: runKey })
      await store.log(run.runId, { params: { league: 'E0', xi: '0.0019' } })
      for (let step = 0; step < STEPS; step++) {
        if (step === 3) await maybeKill('log')
        await store.log(run.runId, {
          metrics: [{ key: 'xi_search_rps', value: 0.2 + step / 1000, step, timestamp: 1_000 + step }],
        })
      }
      await store.logArtifact(run.runId, 'model/model.json', model)
      await maybeKill('artifact')
      await store.logArtifact(run.runId, 'predictions.csv', predictions)
      await store.log(run.runId, { metrics: [{ key: 'rps', value: 0.2, step: 0, timestamp: 2_000 }] })
      await store.endRun(run.runId, 'FINISHED')
      await store.ensureRegisteredModel(modelName)
      const version = await store.createModelVersion({
        name: modelName,
        runId: run.runId,
        artifactPath: 'model',
        clientKey: versionKey,
      })
      await maybeKill('promotion')
      // the promotion completes whenever the server dies (#21): decided against the champion this desktop
      // knows, queued if the server is gone, never an error
      await promoteIfBetter(store, { modelName, candidateVersion: version.version, candidateScore: 0.2 })
      expect(killing, 'the kill point was reached').not.toBeNull()
      await killing

      // While the server is down the work is in the outbox, not lost.
      const queued = store.items('pending').length
      await server.start()
      const t0 = performance.now()
      const pushed = await store.push()
      expect(pushed.failed).toBe(0)
      expect(pushed.pending).toBe(0)
      row.recoveryMs = Math.max(row.recoveryMs ?? 0, performance.now() - t0)
      // Killed before the promotion wrote anything, the outbox may have nothing to replay; otherwise it had.
      if (plan.at !== 'promotion') expect(queued + pushed.replayed).toBeGreaterThan(0)

      // Exactly once, looked up by the client keys on the server.
      const client = store.remote.client
      const runs = await client.searchRuns({
        experimentIds: [exp.id],
        filter: `tags.\`${CLIENT_KEY_TAG}\` = '${runKey}'`,
        maxResults: 10,
        runViewType: 'ALL',
      })
      const versions = await client.searchModelVersions({
        filter: `name = '${modelName}' and tags.\`${CLIENT_KEY_TAG}\` = '${versionKey}'`,
        maxResults: 10,
      })
      let lost = Math.abs(runs.items.length - 1) + Math.abs(versions.items.length - 1)
      expect(runs.items).toHaveLength(1)
      expect(versions.items).toHaveLength(1)
      const runId = runs.items[0].info.run_id
      const history = await store.getMetricHistory(runId, 'xi_search_rps')
      lost += Math.abs(history.length - STEPS)
      expect(history.map((p) => p.step).sort((a, b) => a - b)).toEqual([...Array(STEPS).keys()])
      const full = await store.getRun(runId)
      expect(full.info.status).toBe('FINISHED')
      expect(full.params).toMatchObject({ league: 'E0', xi: '0.0019' })
      expect(full.metrics.rps).toBe(0.2)
      const gotModel = Buffer.from(await store.downloadArtifact(runId, 'model/model.json')).toString()
      const gotPredictions = Buffer.from(await store.downloadArtifact(runId, 'predictions.csv'))
      if (gotModel !== model) lost++
      if (!gotPredictions.equals(predictions)) lost++
      expect(gotModel).toBe(model)
      expect(gotPredictions.equals(predictions)).toBe(true)
      const champion = await store.getVersionByAlias(modelName, CHAMPION)
      expect(champion?.version).toBe(versions.items[0].version)
      if (champion?.version !== versions.items[0].version) lost++
      expect(store.items()).toEqual([])
      return lost
    }

    // ------------------------------------------------------------------ promotion offline (#21)

    const prefix = testNamePrefix()
    afterAll(async () => {
      if (server) await removeByPrefix(server.uri, prefix)
    })

    /** One desktop's tracking store (its own database), optionally with the replay's test hook. */
    function desktop(dbPath: string, uri = server.uri, afterApply?: (item: OutboxItem) => void) {
      const http = { maxRetries: 1, backoffBaseMs: 10, backoffMaxMs: 20, timeoutMs: 10_000 }
      return fileOutboxStore(dbPath, uri, http, afterApply)
    }

    const newDb = () => path.join(dir, `${randomUUID()}.db`)
    const setup = async (store: OutboxTrackingStore) => {
      const suffix = randomUUID().slice(0, 8)
      const modelName = `${prefix}promo-${suffix}`
      const exp = await store.ensureExperiment(`${prefix}promo-${suffix}`)
      const make = (quality: number, n: number) =>
        candidate(store, { experimentId: exp.id, modelName, quality, key: `${suffix}-${n}` })
      return { suffix, modelName, exp, make }
    }

    /**
     * What the server and the desktop hold after the replay, for one queued decision: one version per client
     * key, its run FINISHED, the alias and short tags of the decision, one applied record; returns the count
     * of what is missing or duplicated.
     */
    async function expectApplied(
      store: OutboxTrackingStore,
      modelName: string,
      key: string,
      decisionId: string,
      alias: 'champion' | 'challenger',
    ): Promise<number> {
      const client = store.remote.client
      const versions = await client.searchModelVersions({
        filter: `name = '${modelName}' and tags.\`${CLIENT_KEY_TAG}\` = 'version-${key}'`,
        maxResults: 10,
      })
      expect(versions.items).toHaveLength(1)
      const v = versions.items[0]
      const run = await store.getRun(v.run_id as string)
      expect(run.info.status).toBe('FINISHED')
      expect((await store.getVersionByAlias(modelName, alias))?.version).toBe(v.version)
      const tags = (await store.getModelVersion(modelName, v.version)).tags
      expect(tags[PROMOTION_TAGS.id]).toBe(decisionId)
      expect(
        Object.keys(tags).filter((k) => k.startsWith('scoreline.promotion.')).length,
      ).toBeLessThanOrEqual(8)
      const record = store.promotions.byDecision(decisionId)
      expect(record).toMatchObject({ state: 'applied', version: v.version })
      expect(store.items()).toEqual([])
      const serverAlias = (await store.getVersionByAlias(modelName, alias))?.version
      return (
        Math.abs(versions.items.length - 1) +
        (run.info.status === 'FINISHED' ? 0 : 1) +
        (serverAlias === v.version ? 0 : 1) +
        (record?.state === 'applied' ? 0 : 1)
      )
    }

    scenario(PROMOTION_CASES[0], async (row) => {
      const store = desktop(newDb())
      try {
        const { modelName, suffix, make } = await setup(store)
        const v1 = await make(0.5, 1)
        expect((await promoteOnSameMatches(store, modelName, v1)).promoted).toBe(true)
        await server.kill()
        const v2 = await make(0.6, 2)
        expect(v2.version.version).toMatch(/^pending-version-/)
        const d2 = await promoteOnSameMatches(store, modelName, v2)
        expect(d2).toMatchObject({ action: 'promote', promoted: true, previousChampion: v1.version.version })
        expect(d2.record?.state).toBe('queued')
        expect(d2.matches?.n).toBe(24)
        // served here at once: the new champion and its model, read back from the queue
        const served = await store.getVersionByAlias(modelName, CHAMPION)
        expect(served?.version).toBe(v2.version.version)
        const bytes = await store.downloadArtifact(served?.runId as string, 'model/model.json')
        expect(Buffer.from(bytes).toString()).toBe(v2.model)
        row.runs++
        await server.start()
        const t0 = performance.now()
        const pushed = await store.push()
        row.recoveryMs = performance.now() - t0
        expect(pushed).toMatchObject({ pending: 0, failed: 0, errors: [] })
        expect(pushed.notes).toBeUndefined()
        row.dataLost += await expectApplied(
          store,
          modelName,
          `${suffix}-2`,
          d2.record?.decisionId as string,
          'champion',
        )
      } finally {
        store.close()
      }
    })

    scenario(PROMOTION_CASES[1], async (row) => {
      const store = desktop(newDb())
      try {
        const { modelName, suffix, make } = await setup(store)
        const v1 = await make(0.5, 1)
        const d1 = await promoteOnSameMatches(store, modelName, v1)
        await server.kill()
        // the champion, its history and a decision against it, all while the server is down
        expect((await store.getVersionByAlias(modelName, CHAMPION))?.version).toBe(v1.version.version)
        const { records } = await store.promotions.read(modelName)
        expect(records.map((r) => r.decisionId)).toEqual([d1.record?.decisionId])
        const v2 = await make(0.45, 2)
        const d2 = await promoteOnSameMatches(store, modelName, v2)
        expect(d2).toMatchObject({ action: 'challenger', outcome: 'below-margin', promoted: false })
        expect(d2.record?.state).toBe('queued')
        row.runs++
        await server.start()
        const t0 = performance.now()
        expect(await store.push()).toMatchObject({ pending: 0, failed: 0 })
        row.recoveryMs = performance.now() - t0
        row.dataLost += await expectApplied(
          store,
          modelName,
          `${suffix}-2`,
          d2.record?.decisionId as string,
          'challenger',
        )
        expect((await store.getVersionByAlias(modelName, CHAMPION))?.version).toBe(v1.version.version)
      } finally {
        store.close()
      }
    })

    scenario(PROMOTION_CASES[2], async (row) => {
      const dbPath = newDb()
      const first = desktop(dbPath)
      const { modelName, suffix, make } = await setup(first)
      const v1 = await make(0.5, 1)
      await promoteOnSameMatches(first, modelName, v1)
      await server.kill()
      const v2 = await make(0.6, 2)
      const d2 = await promoteOnSameMatches(first, modelName, v2)
      const queued = first.items('pending').length
      first.close()
      await server.start()

      // the replay: the server killed right after the version is registered (the promotion item races it)
      let killing: Promise<void> | null = null
      const second = desktop(dbPath, server.uri, (item) => {
        if (item.op.op === 'createModelVersion' && !killing) killing = server.kill()
      })
      await second.push().catch(() => undefined)
      expect(killing, 'the replay reached the version').not.toBeNull()
      await killing
      expect(second.items('pending').length).toBeGreaterThan(0)
      expect(second.items('pending').length).toBeLessThan(queued)
      second.close()
      await server.start()

      // the app crashes after the server applied the promotion, before it left the queue
      const third = desktop(dbPath, server.uri, (item) => {
        if (item.op.op === 'promotion') throw new Error('the app crashed')
      })
      await expect(third.push()).rejects.toThrow('the app crashed')
      expect(third.items('pending').map((i) => i.op.op)).toEqual(['promotion'])
      third.close()

      const last = desktop(dbPath)
      try {
        const t0 = performance.now()
        expect(await last.push()).toMatchObject({ pending: 0, failed: 0, replayed: 1 })
        row.recoveryMs = performance.now() - t0
        row.runs += 2
        row.dataLost += await expectApplied(
          last,
          modelName,
          `${suffix}-2`,
          d2.record?.decisionId as string,
          'champion',
        )
        const records = last.promotions
          .history(modelName)
          .filter((r) => r.decisionId === d2.record?.decisionId)
        expect(records).toHaveLength(1)
      } finally {
        last.close()
      }
    })

    scenario(PROMOTION_CASES[3], async (row) => {
      const proxy = await FaultProxy.start(server.uri)
      const a = desktop(newDb())
      const b = desktop(newDb(), proxy.uri)
      try {
        const { modelName, suffix, exp, make } = await setup(a)
        const v1 = await make(0.5, 1)
        await promoteOnSameMatches(a, modelName, v1)
        // desktop B's weekly run yesterday: a weaker candidate, judged against v1 (B now knows v1's scores)
        const bMake = (quality: number, n: number) =>
          candidate(b, { experimentId: exp.id, modelName, quality, key: `${suffix}-${n}` })
        const b1 = await bMake(0.45, 11)
        expect((await promoteOnSameMatches(b, modelName, b1)).promoted).toBe(false)
        // B loses the server; A promotes a strong v2 meanwhile; B promotes its v3 against the v1 it knows
        await proxy.down()
        const v2 = await make(0.7, 2)
        expect((await promoteOnSameMatches(a, modelName, v2)).promoted).toBe(true)
        const b2 = await bMake(0.6, 12)
        const d3 = await promoteOnSameMatches(b, modelName, b2)
        expect(d3).toMatchObject({ promoted: true, previousChampion: v1.version.version })
        expect(d3.record?.state).toBe('queued')
        row.runs++
        await proxy.up()
        const t0 = performance.now()
        const pushed = await b.push()
        row.recoveryMs = performance.now() - t0
        expect(pushed).toMatchObject({ pending: 0, failed: 0 })
        // the replay re-decided against v2 on the same 24 matches, and says so
        expect(pushed.notes).toHaveLength(1)
        expect(pushed.notes?.[0]).toMatch(
          new RegExp(
            `v${v1.version.version} when decided, v${v2.version.version} at replay\\); re-decided on 24 same matches: kept v${v2.version.version}`,
          ),
        )
        row.dataLost += await expectApplied(
          b,
          modelName,
          `${suffix}-12`,
          d3.record?.decisionId as string,
          'challenger',
        )
        expect((await a.getVersionByAlias(modelName, CHAMPION))?.version).toBe(v2.version.version)
        const tags = (await a.getVersionByAlias(modelName, CHALLENGER))?.tags ?? {}
        expect(tags[PROMOTION_TAGS.redecided]).toMatch(/champion changed on the server/)
        expect(tags[PROMOTION_TAGS.decision]).toBe('challenger')
        expect(b.promotions.byDecision(d3.record?.decisionId as string)).toMatchObject({
          action: 'challenger',
          previousVersion: v2.version.version,
        })
        // B now serves the server's champion
        expect((await b.getVersionByAlias(modelName, CHAMPION))?.version).toBe(v2.version.version)
      } finally {
        a.close()
        b.close()
        await proxy.close()
      }
    })

    // The case end to end: `pipeline run` with MLflow down. On this private server only, so the
    // pipeline's production names (its experiments, the league's registered model) never reach a shared one.
    scenario(
      PROMOTION_CASES[4],
      async (row) => {
        const pool = createWorkerPool({
          workerUrl: new URL('../../main/services/training/modelWorker.ts', import.meta.url),
          size: 1,
        })
        const store = desktop(newDb())
        try {
          const db = simulatedAppDatabase([{ code: 'E0', seed: 3 }])
          const settings = {
            ...DEFAULT_PIPELINE_SETTINGS,
            windowYears: 2,
            xiGrid: [0, 0.003],
            minHistory: 20,
          }
          await server.kill()
          const out = await runPipeline(
            ['E0'],
            settings,
            { db, tracking: store, pool },
            { id: 'off1', trigger: 'cli' },
          )
          const league = out.leagues[0]
          expect(out.state, out.summary).toBe('succeeded')
          expect(league.decision).toMatchObject({ promoted: true, outcome: 'first-version' })
          expect(league.decision?.detail).toMatch(
            /MLflow was unreachable: decided against the champion this desktop knows/,
          )
          // served here at once: the league's champion reads back while the server is still down
          const modelName = modelNameOf('E0')
          const served = await readChampion(store, 'E0')
          expect(served?.version).toBe(league.version)
          row.runs++
          await server.start()
          const t0 = performance.now()
          expect(await store.push()).toMatchObject({ pending: 0, failed: 0, errors: [] })
          row.recoveryMs = performance.now() - t0
          const champion = await store.getVersionByAlias(modelName, CHAMPION)
          expect(champion?.version).toMatch(/^\d+$/)
          expect(champion?.tags[PROMOTION_TAGS.decision]).toBe('promote')
          const run = await store.getRun(champion?.runId as string)
          expect(run.info.status).toBe('FINISHED')
          const all = await store.remote.client.searchModelVersions({
            filter: `name = '${modelName}'`,
            maxResults: 10,
          })
          expect(all.items).toHaveLength(1)
          row.dataLost += Math.abs(all.items.length - 1) + (run.info.status === 'FINISHED' ? 0 : 1)
        } finally {
          store.close()
          await pool.close()
        }
      },
      300_000,
    )
  })
}
