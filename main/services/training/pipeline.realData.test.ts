/**
 * The pipeline end to end on real football-data.co.uk seasons (../shared/data, read in place) for two
 * leagues: first with the local tracking and feature stores, then against the real MLflow server and Redis
 * (SCORELINE_TEST_MLFLOW_URI, SCORELINE_TEST_REDIS_URL). Each time: versions created, the champion
 * promoted on the first run, a second run on identical data not promoted (and saying so), features rebuilt
 * only on promotion. Kept light: 3 seasons per league (2 years of training before the latest season), a
 * two-point ξ grid.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import type Database from 'better-sqlite3'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeWithService, serviceUrl } from '../../../test/support/services'
import { removeByPrefix, testNamePrefix } from '../../../test/support/mlflowHygiene'
import { MlflowClient } from '../tracking/mlflowClient'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../test/support/sharedData'
import { openMemoryDatabase } from '../data/db'
import { importFile } from '../data/import'
import { LocalTrackingStore } from '../tracking/localTrackingStore'
import { openTrackingDatabase } from '../tracking/localSchema'
import { createTrackingStore } from '../tracking/createTrackingStore'
import type { TrackingStore } from '../tracking/trackingStore'
import { SqliteFeatureStore } from '../features/sqliteFeatureStore'
import { createFeatureStore } from '../features/createFeatureStore'
import type { FeatureStore } from '../features/featureStore'
import { createWorkerPool, type WorkerPool } from './workerPool'
import {
  DEFAULT_PIPELINE_SETTINGS,
  experimentNameOf,
  modelNameOf,
  runPipeline,
  type PipelineSettings,
} from './pipeline'
import { featureStoreRebuilder } from './featureRebuild'

const dataDir = footballDataDir()
const SEASONS = ['2021-22', '2022-23', '2023-24']
const settings: PipelineSettings = { ...DEFAULT_PIPELINE_SETTINGS, windowYears: 2, xiGrid: [0.001, 0.003] }

async function realDatabase(leagues: Record<string, string>): Promise<Database.Database> {
  const db = openMemoryDatabase()
  for (const [source, code] of Object.entries(leagues)) {
    for (const s of SEASONS) {
      await importFile(db, path.join(dataDir as string, source, `${source}_${s}.csv`), { league: code })
    }
  }
  return db
}

function endToEnd(
  title: string,
  open: () => Promise<{
    tracking: TrackingStore
    features: FeatureStore
    leagues: string[]
    /** The experiments' name prefix the pipeline is given (none: the team's names). */
    experimentPrefix?: string
    cleanup(): Promise<void>
  }>,
) {
  describe(title, () => {
    let pool: WorkerPool
    let ctx: Awaited<ReturnType<typeof open>>
    let db: Database.Database
    beforeAll(async () => {
      ctx = await open()
      db = await realDatabase({ E0: ctx.leagues[0], D1: ctx.leagues[1] })
      pool = createWorkerPool({ workerUrl: new URL('./modelWorker.ts', import.meta.url), size: 2 })
    }, 120_000)
    afterAll(async () => {
      await pool?.close()
      await ctx?.cleanup()
      db?.close()
    })

    it('promotes on the first run, registers nothing on a rerun, keeps a forced second (identical data) as challenger, rebuilds features once', async () => {
      const deps = {
        db,
        tracking: ctx.tracking,
        pool,
        rebuildFeatures: featureStoreRebuilder(ctx.features, db),
        experimentPrefix: ctx.experimentPrefix,
      }
      const first = await runPipeline(ctx.leagues, settings, deps, { id: 'real-1', trigger: 'manual' })
      expect(first.state, first.summary).toBe('succeeded')
      for (const l of first.leagues) {
        expect(l).toMatchObject({ version: '1', decision: { promoted: true }, features: { rebuilt: true } })
        expect(l.evaluation?.season).toBe('2023-24')
        expect(l.metrics?.calibrated?.n).toBeGreaterThan(250)
        // the market (Pinnacle closing, Shin) is hard to beat; the model is in its neighbourhood
        expect(l.metrics!.model!.rps).toBeLessThan(l.metrics!.market!.rps + 0.02)
        const champion = await ctx.tracking.getVersionByAlias(modelNameOf(l.league), 'champion')
        expect(champion?.version).toBe('1')
        // the run's duration is its work's, in the local store and in MLflow alike (#20)
        const run = await ctx.tracking.getRun(l.runId!)
        // into the configured experiment: this run's own on a shared server, never the team's (#21)
        const experiment = await ctx.tracking.getExperimentByName(experimentNameOf(ctx.experimentPrefix))
        expect(run.info.experimentId).toBe(experiment?.id)
        const work = l.steps.reduce((sum, t) => sum + t.ms, 0)
        expect((run.info.endTime ?? 0) - run.info.startTime).toBeGreaterThanOrEqual(Math.floor(work * 0.5))
      }
      const ratings = await ctx.features.getTeams('team_ratings', ctx.leagues[0])
      expect(ratings.entities.length).toBeGreaterThanOrEqual(20)
      const active = await ctx.features.activeVersion('team_ratings')

      // the same data and settings again: nothing to train (#20)
      const again = await runPipeline(ctx.leagues, settings, deps, { id: 'real-1b', trigger: 'manual' })
      expect(again.state).toBe('succeeded')
      for (const l of again.leagues) expect(l.unchanged).toMatchObject({ version: '1' })
      expect(again.summary).toMatch(/nothing changed since v1/)

      const second = await runPipeline(
        ctx.leagues,
        settings,
        { ...deps, force: true },
        { id: 'real-2', trigger: 'manual' },
      )
      expect(second.state).toBe('succeeded')
      second.leagues.forEach((l, i) => {
        expect(l.xi).toBe(first.leagues[i].xi)
        expect(l.logLikelihood).toBe(first.leagues[i].logLikelihood)
        expect(l).toMatchObject({
          version: '2',
          decision: { action: 'challenger', promoted: false, matches: { identical: true } },
        })
      })
      expect(second.summary).toMatch(/v2 kept as challenger \(kept v1: RPS/)
      expect(second.features).toMatchObject({
        rebuilt: false,
        note: expect.stringMatching(/no champion changed/),
      })
      expect(await ctx.features.activeVersion('team_ratings')).toBe(active)
      for (const league of ctx.leagues) {
        expect((await ctx.tracking.getVersionByAlias(modelNameOf(league), 'challenger'))?.version).toBe('2')
      }
    }, 180_000)
  })
}

if (!dataDir) {
  describe.skip(`training pipeline on real seasons — skipped: ${SHARED_DATA_SKIP_REASON}`, () => {})
} else {
  endToEnd('training pipeline on real seasons, local tracking and feature stores', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scoreline-pipeline-real-'))
    const tracking = new LocalTrackingStore({
      db: openTrackingDatabase(path.join(dir, 'tracking.sqlite')),
      ownsDb: true,
    })
    const features = SqliteFeatureStore.open(path.join(dir, 'features.sqlite'))
    return {
      tracking,
      features,
      leagues: ['E0', 'D1'],
      async cleanup() {
        tracking.close()
        await features.close()
        fs.rmSync(dir, { recursive: true, force: true })
      },
    }
  })

  describeWithService('mlflow', 'training pipeline on real seasons, MLflow and Redis', (mlflowUri) => {
    const redisUrl = serviceUrl('redis')
    if (!redisUrl) {
      it.skip('needs SCORELINE_TEST_REDIS_URL too', () => {})
      return
    }
    // unique league codes: registered model names and Redis keys never collide with other runs; the
    // experiments get this run's prefix, so the team's experiments on a shared server hold no test run
    const tag = randomBytes(3).toString('hex')
    const prefix = testNamePrefix()
    endToEnd('with a unique model name', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scoreline-pipeline-svc-'))
      const keyPrefix = `scoreline:test:${tag}:`
      const tracking = createTrackingStore(
        { trackingUri: mlflowUri, localDbPath: path.join(dir, 'tracking.sqlite') },
        { autoFlushMs: false },
      )
      const features = await createFeatureStore({
        redisUrl,
        localDbPath: path.join(dir, 'features.sqlite'),
        keyPrefix,
      })
      return {
        tracking,
        features,
        leagues: [`E0t${tag}`, `D1t${tag}`],
        experimentPrefix: prefix,
        async cleanup() {
          tracking.close()
          await features.close()
          // the registered models (unique names) and this run's experiments with their runs
          const client = new MlflowClient({ trackingUri: mlflowUri })
          for (const league of [`E0t${tag}`, `D1t${tag}`])
            await client.deleteRegisteredModel(modelNameOf(league)).catch(() => {})
          await removeByPrefix(mlflowUri, prefix)
          const redis = new Redis(redisUrl)
          const keys = await redis.keys(`${keyPrefix}*`)
          if (keys.length) await redis.del(...keys)
          redis.disconnect()
          fs.rmSync(dir, { recursive: true, force: true })
        },
      }
    })
  })
}
