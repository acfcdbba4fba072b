import { afterAll, describe, expect, it } from 'vitest'
import { removeByPrefix, testNamePrefix } from '../../../test/support/mlflowHygiene'
import { describeWithService } from '../../../test/support/services'
import type { XiSelection } from '../../model/backtest'
import { LocalTrackingStore } from '../tracking/localTrackingStore'
import { openMemoryTrackingDatabase } from '../tracking/localSchema'
import { memoryMlflowStore } from '../tracking/testing/memoryMlflowStore'
import { EXPERIMENT_KIND, TAGS } from '../tracking/trackingStore'
import { reliabilitySvg } from './artifacts'
import { ece } from '../../model/metrics/scores'
import type { BacktestRow } from '../../model/backtest'
import { osUserName, runSourceTags, xiSearchMetrics } from './pipeline/mlflowView'
import { DEFAULT_PIPELINE_SETTINGS, EXPERIMENTS, runPipeline } from './pipeline'
import { simulatedAppDatabase } from './testing/simulatedStore'
import { createWorkerPool } from './workerPool'

const point = (xi: number, rps: number | null) => ({ xi, rps, log_loss: rps, n: rps === null ? 0 : 100 })
const choice = {
  xi: 0.0019,
  rps: 0.201,
  grid: [point(0, 0.205), point(0.0019, 0.201), point(0.003, 0.2032), point(0.006, null)],
} as unknown as XiSelection

describe('what MLflow users see of a pipeline run (#21)', () => {
  it('names the source and the OS user', () => {
    expect(runSourceTags('cli', 'ana')).toEqual({
      'mlflow.source.name': 'scoreline pipeline run',
      'mlflow.user': 'ana',
    })
    expect(runSourceTags('schedule', 'ana')[TAGS.source]).toBe('scoreline pipeline')
    expect(osUserName()).toMatch(/\S/)
  })

  it('logs the chosen ξ score and the grid at step ξ×10⁴, skipping points that predicted nothing', () => {
    expect(xiSearchMetrics(choice, 5)).toEqual([
      { key: 'xi_best_rps', value: 0.201, timestamp: 5, step: 0 },
      { key: 'xi_grid_rps', value: 0.205, timestamp: 5, step: 0 },
      { key: 'xi_grid_rps', value: 0.201, timestamp: 5, step: 19 },
      { key: 'xi_grid_rps', value: 0.2032, timestamp: 5, step: 30 },
    ])
  })

  it('the reliability SVG names its forecast, prints the ECE and has axis ticks', () => {
    const row = (
      result: 'H' | 'D' | 'A',
      calibrated: [number, number, number],
      model: [number, number, number],
    ) => ({ result, calibrated, model, market: null, blend: null }) as unknown as BacktestRow
    const rows = [
      row('H', [0.62, 0.23, 0.15], [0.5, 0.3, 0.2]),
      row('A', [0.3, 0.25, 0.45], [0.34, 0.33, 0.33]),
      row('D', [0.55, 0.3, 0.15], [0.4, 0.35, 0.25]),
    ]
    const svg = reliabilitySvg(rows, 'E0 2024-2025', 'calibrated')
    const expected = ece(
      rows.map((r) => r.calibrated!),
      ['H', 'A', 'D'],
    ).toFixed(4)
    expect(svg).toContain(`calibrated forecast (H/D/A), 3 matches · ECE (top-label) ${expected}`)
    for (const t of ['0.0', '0.2', '0.4', '0.6', '0.8', '1.0'])
      expect(svg.split(`>${t}</text>`).length - 1).toBe(2)
    expect(reliabilitySvg(rows, 'E0', 'model')).toContain('model forecast (H/D/A), 3 matches')
    expect(reliabilitySvg(rows, 'E0', 'market')).toContain(
      'market forecast (H/D/A), 0 matches · ECE (top-label) —',
    )
  })

  it('the local store tags new and older experiments as model development', async () => {
    const db = openMemoryTrackingDatabase()
    db.prepare(
      "INSERT INTO tr_experiments (name, artifact_location, creation_time, last_update_time) VALUES ('old', '', 1, 1)",
    ).run()
    const store = new LocalTrackingStore({ db, ownsDb: true })
    try {
      const made = await store.ensureExperiment('fresh', { team: 'analysts' })
      expect(made.tags).toMatchObject({ [TAGS.experimentKind]: EXPERIMENT_KIND, team: 'analysts' })
      await store.ensureExperiment('old')
      expect((await store.getExperimentByName('old'))?.tags[TAGS.experimentKind]).toBe(EXPERIMENT_KIND)
    } finally {
      store.close()
    }
  })
})

describe('a pipeline run as MLflow shows it (local tracking store)', () => {
  it('tags experiments and runs and logs the ξ search by ξ', async () => {
    const pool = createWorkerPool({ workerUrl: new URL('./modelWorker.ts', import.meta.url), size: 2 })
    const tracking = new LocalTrackingStore({ db: openMemoryTrackingDatabase(), ownsDb: true })
    try {
      const db = simulatedAppDatabase([{ code: 'E0', seed: 3 }])
      const settings = { ...DEFAULT_PIPELINE_SETTINGS, windowYears: 2, xiGrid: [0, 0.003], minHistory: 20 }
      const out = await runPipeline(['E0'], settings, { db, tracking, pool }, { id: 'mv1', trigger: 'cli' })
      const runId = out.leagues[0].runId as string
      const run = await tracking.getRun(runId)
      expect(run.tags[TAGS.source]).toBe('scoreline pipeline run')
      expect(run.tags[TAGS.user]).toBe(osUserName())
      expect(run.params.xi).toBe(String(out.leagues[0].xi))
      const grid = out.leagues[0].xiGrid.filter((g) => g.rps !== null)
      const best = grid.find((g) => g.xi === out.leagues[0].xi)!
      expect(run.metrics.xi_best_rps).toBeCloseTo(best.rps!, 12)
      expect(run.metrics.xi_search_rps).toBeUndefined()
      const curve = await tracking.getMetricHistory(runId, 'xi_grid_rps')
      expect(curve.map((p) => p.step).sort((a, b) => a - b)).toEqual(
        grid.map((g) => Math.round(g.xi * 10_000)),
      )
      const svg = Buffer.from(await tracking.downloadArtifact(runId, 'reliability.svg')).toString('utf8')
      expect(svg).toContain('calibrated forecast (H/D/A)')
      expect(svg).toMatch(/ECE \(top-label\) 0\.\d{4}/)
      const exp = await tracking.getExperimentByName(EXPERIMENTS.poisson)
      expect(exp?.tags[TAGS.experimentKind]).toBe(EXPERIMENT_KIND)
      // the children nest under the parent in its experiment, their stage a tag MLflow users filter on
      expect(run.info.experimentId).toBe(exp?.id)
      expect(run.tags['scoreline.stage']).toBe('pipeline')
      const blend = await tracking.searchRuns({
        experimentIds: [exp!.id],
        filter: `tags.\`scoreline.stage\` = '${EXPERIMENTS.blending}'`,
      })
      expect(blend.items.map((r) => [r.info.runName, r.tags[TAGS.parentRunId]])).toEqual([
        ['E0 blend', runId],
      ])
      for (const other of [EXPERIMENTS.blending, EXPERIMENTS.calibration])
        expect(await tracking.getExperimentByName(other)).toBeNull()
      const version = await tracking.getModelVersion('scoreline-E0', out.leagues[0].version!)
      expect(version.tags['scoreline.model_variant']).toBe('dixon-coles')
    } finally {
      await pool.close()
      tracking.close()
    }
  }, 60_000)
})

describe('a pipeline run on the local store moves models with old names first (#21)', () => {
  it('re-registers scoreline-dc-E0 as scoreline-E0 with its champion, and says so', async () => {
    const tracking = new LocalTrackingStore({ db: openMemoryTrackingDatabase(), ownsDb: true })
    try {
      const exp = await tracking.ensureExperiment(EXPERIMENTS.poisson)
      const run = await tracking.startRun({ experimentId: exp.id })
      await tracking.endRun(run.runId, 'FINISHED')
      await tracking.ensureRegisteredModel('scoreline-dc-E0')
      const v = await tracking.createModelVersion({
        name: 'scoreline-dc-E0',
        runId: run.runId,
        artifactPath: 'model',
      })
      await tracking.setAlias('scoreline-dc-E0', 'champion', v.version)
      const logs: string[] = []
      const db = simulatedAppDatabase([{ code: 'E0', seed: 3 }])
      const onEvent = (e: { type: string; message?: string }) => e.type === 'log' && logs.push(e.message!)
      await runPipeline(
        [],
        DEFAULT_PIPELINE_SETTINGS,
        { db, tracking, pool: null as never, onEvent },
        { id: 'm1', trigger: 'cli' },
      )
      expect((await tracking.getVersionByAlias('scoreline-E0', 'champion'))?.runId).toBe(run.runId)
      expect(logs).toEqual([
        'scoreline-dc-E0 → scoreline-E0: re-registered v1→v1 (dixon-coles); aliases @champion→v1.',
      ])
      await runPipeline(
        [],
        DEFAULT_PIPELINE_SETTINGS,
        { db, tracking, pool: null as never, onEvent },
        { id: 'm2', trigger: 'cli' },
      )
      expect(logs).toHaveLength(1)
    } finally {
      tracking.close()
    }
  })
})

describeWithService('mlflow', 'what MLflow users see on a real server (#21)', (uri) => {
  const prefix = testNamePrefix()
  const store = memoryMlflowStore(uri)
  const client = store.client
  afterAll(async () => {
    store.close()
    await removeByPrefix(uri, prefix)
  })

  it('experiments are custom_model_development, new ones and ones made before the tag', async () => {
    const made = await store.ensureExperiment(`${prefix}kind-new`)
    expect((await client.getExperimentByName(`${prefix}kind-new`))?.tags).toContainEqual({
      key: 'mlflow.experimentKind',
      value: 'custom_model_development',
    })
    expect(made.tags[TAGS.experimentKind]).toBe(EXPERIMENT_KIND)
    await client.createExperiment(`${prefix}kind-old`)
    await store.ensureExperiment(`${prefix}kind-old`)
    expect((await client.getExperimentByName(`${prefix}kind-old`))?.tags).toContainEqual({
      key: 'mlflow.experimentKind',
      value: 'custom_model_development',
    })
  })

  it('a run carries Source and Created by, xi_best_rps, and xi_grid_rps as a curve over ξ', async () => {
    const exp = await store.ensureExperiment(`${prefix}runs`)
    const run = await store.startRun({ experimentId: exp.id, tags: runSourceTags('cli', 'ana') })
    await store.log(run.runId, { params: { xi: choice.xi }, metrics: xiSearchMetrics(choice, Date.now()) })
    const rows = [
      { result: 'H', calibrated: [0.6, 0.25, 0.15] },
      { result: 'A', calibrated: [0.3, 0.25, 0.45] },
    ] as unknown as BacktestRow[]
    await store.logArtifact(run.runId, 'reliability.svg', reliabilitySvg(rows, 'T0 2024-2025'))
    await store.endRun(run.runId, 'FINISHED')
    const svg = Buffer.from(await store.downloadArtifact(run.runId, 'reliability.svg')).toString('utf8')
    expect(svg).toContain('calibrated forecast (H/D/A), 2 matches · ECE (top-label) 0.')
    expect(svg).toContain('>0.4</text>')
    const got = await store.getRun(run.runId)
    expect(got.tags).toMatchObject({ 'mlflow.source.name': 'scoreline pipeline run', 'mlflow.user': 'ana' })
    expect(got.metrics.xi_best_rps).toBeCloseTo(0.201, 12)
    const curve = await store.getMetricHistory(run.runId, 'xi_grid_rps')
    expect(curve.map((p) => [p.step, p.value]).sort((a, b) => a[0] - b[0])).toEqual([
      [0, 0.205],
      [19, 0.201],
      [30, 0.2032],
    ])
  })
})
