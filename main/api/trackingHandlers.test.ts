import { mkdtempSync, rmSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScoreline, type Scoreline } from '../core/scoreline'
import { removeByPrefix } from '../../test/support/mlflowHygiene'
import { describeWithService } from '../../test/support/services'
import { createTrackingStore } from '../services/tracking/createTrackingStore'
import { promoteIfBetter } from '../services/tracking/promotion'
import { TAGS, type TrackingStore } from '../services/tracking/trackingStore'
import type {
  ModelDetailDto,
  PromotionResultDto,
  RegisteredModelDto,
  RunComparisonDto,
  RunDto,
} from '../../shared/api/domains/tracking'

/**
 * Three pipeline-like runs of one league (parent runs with params, final metrics, a ξ-search history at
 * ten steps and an artifact), each registered as a version and judged like the pipeline does.
 */
async function seed(store: TrackingStore, league: string, experimentName: string) {
  const exp = await store.ensureExperiment(experimentName)
  const model = `scoreline-${league}`
  await store.ensureRegisteredModel(model, { description: `Dixon-Coles for ${league}` })
  const runIds: string[] = []
  const specs = [
    { xi: 0.0019, blend: 'log', rps: 0.2, market: 0.198 },
    { xi: 0.0025, blend: 'log', rps: 0.1985, market: 0.198 },
    { xi: 0.0025, blend: 'linear', rps: 0.1999, market: 0.198 },
  ]
  for (const [i, s] of specs.entries()) {
    const run = await store.startRun({
      experimentId: exp.id,
      runName: `${league} pipeline ${i + 1}`,
      tags: { [TAGS.evalWindow]: `${league}:w1`, 'scoreline.league': league },
      startTime: 1_700_000_000_000 + i * 60_000,
    })
    await store.log(run.runId, {
      params: {
        league,
        xi: s.xi,
        blend: s.blend,
        margin_method: 'shin',
        eval_season: '2023-24',
        eval_from: '2023-08-11',
        eval_to: '2024-05-19',
      },
      metrics: { rps: s.rps, market_rps: s.market, calibrated_n: 380, calibrated_accuracy: 0.5 + i / 100 },
    })
    await store.log(run.runId, {
      metrics: Array.from({ length: 10 }, (_, step) => ({
        key: 'xi_search_rps',
        value: s.rps + (step - 4) ** 2 / 10_000,
        timestamp: 1_700_000_000_000 + step,
        step,
      })),
    })
    await store.logArtifact(run.runId, 'model/model.json', JSON.stringify({ league, xi: s.xi }))
    await store.endRun(run.runId, 'FINISHED')
    const version = await store.createModelVersion({ name: model, runId: run.runId, artifactPath: 'model' })
    await promoteIfBetter(store, { modelName: model, candidateVersion: version.version, now: 1000 + i })
    runIds.push(run.runId)
  }
  return { model, runIds, experimentId: exp.id }
}

function trackingSuite(options: { env: () => NodeJS.ProcessEnv; tag: string }) {
  let home: string
  let scoreline: Scoreline
  let seeded: Awaited<ReturnType<typeof seed>>
  const league = `E0${options.tag}`
  const call = async <T>(name: string, input: unknown): Promise<T> => {
    const result = await scoreline.dispatch(name, input, { transport: 'test' })
    if (!result.ok) throw Object.assign(new Error(result.error.message), result.error)
    return result.value as T
  }

  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'scoreline-tracking-api-'))
    scoreline = createScoreline({ shell: 'cli', env: { SCORELINE_HOME: home, ...options.env() } })
    const { mlflow } = scoreline.config
    const store = createTrackingStore(
      { trackingUri: mlflow.trackingUri, localDbPath: scoreline.paths.trackingDb },
      { autoFlushMs: false },
    )
    try {
      seeded = await seed(store, league, `dixon_coles_poisson${options.tag}`)
    } finally {
      store.close()
    }
  }, 60_000)
  afterAll(async () => {
    await scoreline?.close()
    rmSync(home, { recursive: true, force: true })
  })

  it('lists runs with params, latest metrics and their experiment', async () => {
    const out = await call<{
      runs: RunDto[]
      experiments: { id: string; name: string }[]
      truncated: boolean
    }>('tracking.searchRuns', { experimentIds: [seeded.experimentId] })
    expect(out.truncated).toBe(false)
    expect(out.runs.map((r) => r.runName)).toEqual([
      `${league} pipeline 3`,
      `${league} pipeline 2`,
      `${league} pipeline 1`,
    ])
    expect(out.runs[2]).toMatchObject({
      params: { xi: '0.0019', blend: 'log' },
      status: 'FINISHED',
      parentRunId: null,
    })
    expect(out.runs[2].metrics.rps).toBeCloseTo(0.2, 12)
    expect(out.runs[2].metrics.xi_search_rps).toBeCloseTo(0.2 + 25 / 10_000, 12) // the last step's value
    expect(out.experiments.map((e) => e.name)).toContain(`dixon_coles_poisson${options.tag}`)

    const filtered = await call<{ runs: RunDto[] }>('tracking.searchRuns', {
      experimentIds: [seeded.experimentId],
      filter: "params.blend = 'linear'",
    })
    expect(filtered.runs.map((r) => r.runName)).toEqual([`${league} pipeline 3`])
    const limited = await call<{ runs: RunDto[]; truncated: boolean }>('tracking.searchRuns', {
      experimentIds: [seeded.experimentId],
      limit: 2,
    })
    expect(limited).toMatchObject({ truncated: true })
    expect(limited.runs).toHaveLength(2)
  })

  it('compares runs: differing params, min / max / last with the best run, and histories', async () => {
    const cmp = await call<RunComparisonDto>('tracking.compareRuns', { runIds: seeded.runIds })
    const param = (key: string) => cmp.params.find((p) => p.key === key)
    expect(param('xi')).toEqual({ key: 'xi', values: ['0.0019', '0.0025', '0.0025'], differs: true })
    expect(param('blend')?.differs).toBe(true)
    expect(param('margin_method')).toMatchObject({ differs: false, values: ['shin', 'shin', 'shin'] })
    const rps = cmp.metrics.find((m) => m.key === 'rps')!
    expect(rps).toMatchObject({ higherIsBetter: false, best: seeded.runIds[1] })
    const accuracy = cmp.metrics.find((m) => m.key === 'calibrated_accuracy')!
    expect(accuracy).toMatchObject({ higherIsBetter: true, best: seeded.runIds[2] })
    // a count has no best (#20, shared/bestMetric.ts): the CLI's * and the screen's ★ follow `best`
    expect(cmp.metrics.find((m) => m.key === 'calibrated_n')!.best).toBeNull()
    const xi = cmp.metrics.find((m) => m.key === 'xi_search_rps')!
    expect(xi.stats[0]).toMatchObject({ points: 10 })
    expect(xi.stats[0]!.min).toBeCloseTo(0.2, 12)
    expect(xi.stats[0]!.max).toBeCloseTo(0.2 + 25 / 10_000, 12)
    expect(xi.stats[0]!.last).toBeCloseTo(0.2 + 25 / 10_000, 12)
    expect(cmp.histories.map((h) => h.key)).toEqual(['xi_search_rps'])
    expect(cmp.histories[0].series.map((s) => s.points.length)).toEqual([10, 10, 10])
    expect(cmp.runs[0].experimentName).toBe(`dixon_coles_poisson${options.tag}`)

    const refused = await scoreline.dispatch(
      'tracking.compareRuns',
      { runIds: [seeded.runIds[0]] },
      { transport: 'test' },
    )
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
  })

  it('reads a run with its artifacts, and an artifact as text', async () => {
    const out = await call<{ run: RunDto; artifacts: { path: string; isDir: boolean }[] }>(
      'tracking.getRun',
      {
        runId: seeded.runIds[0],
      },
    )
    expect(out.artifacts).toContainEqual(expect.objectContaining({ path: 'model', isDir: true }))
    const file = await call<{ text: string; contentType: string }>('tracking.readArtifact', {
      runId: seeded.runIds[0],
      path: 'model/model.json',
    })
    expect(file.contentType).toBe('application/json')
    expect(JSON.parse(file.text)).toEqual({ league, xi: 0.0019 })
  })

  it('shows each model with its champion and challenger, what they scored, and the promotion history', async () => {
    const models = await call<RegisteredModelDto[]>('tracking.models', {})
    const m = models.find((x) => x.name === seeded.model)!
    expect(m).toMatchObject({ league, aliases: { champion: '2', challenger: '3' } })
    expect(m.champion).toMatchObject({
      version: '2',
      runId: seeded.runIds[1],
      marketRps: 0.198,
      evalSeason: '2023-24',
      matches: 380,
    })
    expect(m.champion!.rps).toBeCloseTo(0.1985, 12)

    const detail = await call<ModelDetailDto>('tracking.model', { name: seeded.model })
    expect(detail.versions.map((v) => [v.version, v.aliases])).toEqual([
      ['3', ['challenger']],
      ['2', ['champion']],
      ['1', []],
    ])
    expect(detail.versions[1].decision).toMatchObject({
      action: 'promote',
      metric: 'rps',
      championVersion: '1',
      championScore: 0.2,
    })
    expect(detail.versions[1].evaluation).toMatchObject({
      evalWindow: `${league}:w1`,
      evalFrom: '2023-08-11',
      matches: 380,
    })
    expect(detail.history.map((h) => [h.action, h.version])).toEqual([
      ['challenger', '3'],
      ['promote', '2'],
      ['promote', '1'],
    ])

    const missing = await scoreline.dispatch(
      'tracking.model',
      { name: 'scoreline-XX-none' },
      { transport: 'test' },
    )
    expect(missing).toMatchObject({ ok: false, error: { code: 'TRACKING_NOT_FOUND' } })
  })

  it('promotes by hand and rolls back, recording who decided and announcing the change', async () => {
    const seen: unknown[] = []
    const unsubscribe = scoreline.events.subscribe((event, payload) => {
      if (event === 'tracking.changed') seen.push(payload)
    })
    try {
      const promoted = await call<PromotionResultDto>('tracking.promote', {
        name: seeded.model,
        version: '3',
        reason: 'linear blend is easier to explain',
      })
      expect(promoted).toMatchObject({
        action: 'manual-promote',
        promoted: true,
        previousChampion: '2',
        version: '3',
      })
      expect(promoted.decidedBy).toMatch(/ via a test$/)
      expect(promoted.record).toMatchObject({
        reason: 'linear blend is easier to explain',
        previousVersion: '2',
      })
      const again = await call<PromotionResultDto>('tracking.promote', { name: seeded.model, version: '3' })
      expect(again).toMatchObject({ action: 'unchanged', record: null })

      const back = await call<PromotionResultDto>('tracking.rollback', { name: seeded.model })
      expect(back).toMatchObject({ action: 'rollback', version: '2', previousChampion: '3' })
      const detail = await call<ModelDetailDto>('tracking.model', { name: seeded.model })
      expect(detail.model.aliases.champion).toBe('2')
      expect(detail.history[0]).toMatchObject({ action: 'rollback', version: '2', previousVersion: '3' })
      expect(seen).toEqual([
        { modelName: seeded.model, action: 'manual-promote', version: '3' },
        { modelName: seeded.model, action: 'rollback', version: '2' },
      ])

      const unknown = await scoreline.dispatch(
        'tracking.promote',
        { name: seeded.model, version: '99' },
        { transport: 'test' },
      )
      expect(unknown.ok).toBe(false)
    } finally {
      unsubscribe()
    }
  })
}

describe('tracking procedures on the local store', () => {
  trackingSuite({ env: () => ({}), tag: '' })

  it('reports an empty store without failing', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'scoreline-tracking-empty-'))
    const scoreline = createScoreline({ shell: 'cli', env: { SCORELINE_HOME: home } })
    try {
      const runs = await scoreline.dispatch('tracking.searchRuns', {}, { transport: 'test' })
      expect(runs).toEqual({ ok: true, value: { runs: [], experiments: [], truncated: false } })
      expect(await scoreline.dispatch('tracking.models', {}, { transport: 'test' })).toEqual({
        ok: true,
        value: [],
      })
      const status = await scoreline.dispatch('tracking.status', {}, { transport: 'test' })
      expect(status).toMatchObject({ ok: true, value: { kind: 'local', online: true, pending: 0 } })
    } finally {
      await scoreline.close()
      rmSync(home, { recursive: true, force: true })
    }
  })
})

describeWithService('mlflow', 'tracking procedures against a real MLflow server', (url) => {
  // one MLflow server is shared by every test file: names carry a unique suffix
  const tag = `_${randomUUID().slice(0, 8)}`
  trackingSuite({ env: () => ({ MLFLOW_TRACKING_URI: url }), tag })
  // and removes what it created: its experiments and models, its runs ended (#21)
  afterAll(async () => {
    await removeByPrefix(url, tag, { anywhere: true })
  })
})
