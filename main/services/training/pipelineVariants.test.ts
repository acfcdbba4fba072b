/**
 * The pipeline with `model`: a named variant, and `auto` (chosen per league on the year before the
 * evaluation window). The tracked run, the model version and the model artifact record the variant.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalTrackingStore } from '../tracking/localTrackingStore'
import { openTrackingDatabase } from '../tracking/localSchema'
import { availableVariants, requireVariant } from '../../model/variants'
import { simulateLeagueForVariants } from '../../model/backtest/simulatedMarket'
import { createWorkerPool, type WorkerPool } from './workerPool'
import {
  DEFAULT_PIPELINE_SETTINGS,
  modelNameOf,
  runPipeline,
  type PipelineEvent,
  type PipelineSettings,
} from './pipeline'
import { simulatedAppDatabase } from './testing/simulatedStore'
import { loadLeagueData } from './leagueData'
import { packMatches, unpackMatches } from './packedMatches'
import { runFitVariantJob } from './modelJobs'
import type { ModelArtifact } from './artifacts'

const base: PipelineSettings = {
  ...DEFAULT_PIPELINE_SETTINGS,
  windowYears: 2,
  xiGrid: [0.003],
  minHistory: 20,
}
const ctx = { jobId: 't', progress: () => {}, cancelled: () => false, checkCancelled: () => {} }

describe('packed matches carry the variant extras', () => {
  it('shots, market and over 2.5 survive packing (NaN ↔ null), and packing without extras adds nothing', () => {
    const { matches } = simulateLeagueForVariants({ seasons: 1 })
    const withGaps = matches.map((m, i) => (i % 5 === 0 ? { ...m, homeShots: null, market: null } : m))
    const back = unpackMatches(packMatches(withGaps))
    back.forEach((m, i) => {
      const w = withGaps[i]
      expect([
        m.homeShots,
        m.awayShots,
        m.homeShotsOnTarget,
        m.awayShotsOnTarget,
        m.market,
        m.marketOver25,
      ]).toEqual([
        w.homeShots,
        w.awayShots,
        w.homeShotsOnTarget,
        w.awayShotsOnTarget,
        w.market,
        w.marketOver25,
      ])
    })
    const plain = matches.map(({ date, home, away, homeGoals, awayGoals, odds }) => ({
      date,
      home,
      away,
      homeGoals,
      awayGoals,
      odds,
    }))
    expect(packMatches(plain).extras).toBeUndefined()
    expect(unpackMatches(packMatches(plain))[0]).not.toHaveProperty('homeShots')
  })
})

describe('pipeline with a model variant', () => {
  let dir: string
  let pool: WorkerPool
  let tracking: LocalTrackingStore
  const db = simulatedAppDatabase([
    { code: 'E0', seed: 3, withShots: true },
    { code: 'D1', seed: 5, withShots: true },
  ])
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scoreline-pipeline-variants-'))
    pool = createWorkerPool({ workerUrl: new URL('./modelWorker.ts', import.meta.url), size: 2 })
    tracking = new LocalTrackingStore({
      db: openTrackingDatabase(path.join(dir, 'tracking.sqlite')),
      ownsDb: true,
    })
  })
  afterAll(async () => {
    await pool.close()
    tracking.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })
  const run = (id: string, settings: PipelineSettings, leagues = ['E0'], events?: PipelineEvent[]) =>
    runPipeline(
      leagues,
      settings,
      { db, tracking, pool, onEvent: (e) => events?.push(e) },
      { id, trigger: 'manual' },
    )

  it('the league data carries shots and the margin-free training market', () => {
    const data = loadLeagueData(db, 'E0', { windowYears: 2, margin: 'multiplicative' })
    const m = data.matches[0]
    expect(m.homeShotsOnTarget).toBeGreaterThanOrEqual(m.homeGoals)
    expect(m.market![0] + m.market![1] + m.market![2]).toBeCloseTo(1, 12)
    const more = loadLeagueData(db, 'E0', { windowYears: 1, extraYears: 1 })
    expect(more.matches.length).toBe(data.matches.length)
    expect(more.evalWindow).toBe(data.evalWindow)
  })

  it('model poisson: the walk-forward is Poisson’s, and run params, version tags and the artifact say so', async () => {
    const r = await run('v1', { ...base, model: 'poisson' })
    expect(r.state).toBe('succeeded')
    const l = r.leagues[0]
    expect(l.modelVariant).toBe('poisson')
    const parent = await tracking.getRun(l.runId!)
    expect(parent.params).toMatchObject({
      model: 'poisson',
      model_variant: 'poisson',
      model_params: '{}',
      model_selection: 'named',
    })
    expect(parent.tags['scoreline.model_variant']).toBe('poisson')
    const version = await tracking.getModelVersion(modelNameOf('E0'), l.version!)
    expect(version.tags['scoreline.model_variant']).toBe('poisson')
    const artifact = JSON.parse(
      Buffer.from(await tracking.downloadArtifact(l.runId!, 'model/model.json')).toString('utf8'),
    ) as ModelArtifact
    expect(artifact.variant).toMatchObject({
      id: 'poisson',
      params: {},
      selection: null,
      summary: null,
      note: null,
    })
    expect(artifact.model.model).toBe('poisson')
    expect(artifact.model.rho).toBe(0)
  })

  it('model auto: chosen on the year before the evaluation window, recorded with its candidates', async () => {
    const events: PipelineEvent[] = []
    const r = await run('v2', { ...base, model: 'auto' }, ['E0', 'D1'], events)
    expect(r.state).toBe('succeeded')
    // progress never goes backwards, through the model choice, the ξ search and both leagues (#20)
    const progress = events.flatMap((e) => (e.type === 'progress' ? [e] : []))
    expect(progress.some((e) => e.stage === 'model')).toBe(true)
    progress.forEach((e, i) =>
      expect(e.fraction, `${e.stage}: ${e.message}`).toBeGreaterThanOrEqual(progress[i - 1]?.fraction ?? 0),
    )
    for (const l of r.leagues) {
      const sel = l.variantSelection!
      expect(sel.period.to < l.evaluation!.from).toBe(true)
      expect(sel.candidates.map((c) => c.model)).toEqual(expect.arrayContaining(availableVariants()))
      expect(l.modelVariant).toBe(sel.model)
      expect(l.steps.map((s) => s.step).slice(0, 2)).toEqual(['load', 'model'])
      const parent = await tracking.getRun(l.runId!)
      expect(parent.params).toMatchObject({ model_variant: sel.model, model_selection: 'auto' })
      const artifact = JSON.parse(
        Buffer.from(await tracking.downloadArtifact(l.runId!, 'model/model.json')).toString('utf8'),
      ) as ModelArtifact
      expect(artifact.variant!.id).toBe(sel.model)
      expect((artifact.variant!.selection as { period: unknown }).period).toEqual(sel.period)
    }
  }, 120_000)

  const isEngine = (id: string) => id === 'dixon-coles' || id === 'poisson'
  const other = availableVariants().find((id) => !isEngine(id) && !requireVariant(id).asEngineModel)
  it.skipIf(!other)(
    `a variant the app cannot serve (${other ?? 'none registered'}): its fit summary goes in the artifact, never champion`,
    async () => {
      const r = await run('v3', { ...base, model: other! })
      const l = r.leagues[0]
      expect(l.state, l.error?.message).toBe('succeeded')
      expect(l.steps.map((s) => s.step)).toContain('fit variant')
      const artifact = JSON.parse(
        Buffer.from(await tracking.downloadArtifact(l.runId!, 'model/model.json')).toString('utf8'),
      ) as ModelArtifact
      expect(artifact.variant!.id).toBe(other)
      expect(artifact.variant!.summary).not.toBeNull()
      expect(artifact.variant!.note).toMatch(/Dixon-Coles fit on the same window/)
      // scored on its own forecasts but not servable by the app's prediction paths: never promoted
      expect(l.decision).toMatchObject({
        action: 'challenger',
        promoted: false,
        outcome: 'not-servable',
        reason: expect.stringMatching(/^challenger: RPS 0\.\d{4}, but the app cannot serve this model yet$/),
        detail: expect.stringMatching(
          /need its own code, which the app's prediction paths .* cannot run yet/,
        ),
      })
    },
    120_000,
  )

  const servable = availableVariants().find((id) => !isEngine(id) && !!requireVariant(id).asEngineModel)
  it.skipIf(!servable)(
    `a variant served through the engine's formula (${servable ?? 'none registered'}): model.json holds its own ratings`,
    async () => {
      const r = await run('v4', { ...base, model: servable! }, ['D1'])
      const l = r.leagues[0]
      expect(l.state, l.error?.message).toBe('succeeded')
      const artifact = JSON.parse(
        Buffer.from(await tracking.downloadArtifact(l.runId!, 'model/model.json')).toString('utf8'),
      ) as ModelArtifact
      expect(artifact.variant!.note).toMatch(/own ratings in the engine's form/)
      // the served parameters are the variant's: its summary's ratings, not a Dixon-Coles refit
      const summary = artifact.variant!.summary as {
        teams: { name: string; attack: number; defence: number }[]
        rho: number
      }
      expect(summary.teams.length).toBeGreaterThan(0)
      for (const t of summary.teams) {
        const served = artifact.model.teams.find((m) => m.name === t.name)!
        // (up to rounding: the engine form re-centres Σα = 0)
        expect(served.attack).toBeCloseTo(t.attack, 12)
        expect(served.defence).toBeCloseTo(t.defence, 12)
      }
      expect(artifact.model.rho).toBe(summary.rho)
      expect(l.decision?.reason ?? '').not.toMatch(/cannot run yet/)
    },
    120_000,
  )

  it('the fitVariant job fits a variant on the window and returns a plain-JSON summary', () => {
    const data = loadLeagueData(db, 'E0', { windowYears: 2 })
    const res = runFitVariantJob(
      {
        matches: packMatches(data.matches),
        model: 'dixon-coles',
        params: {},
        asOf: data.evaluation.to,
        from: data.matches[0].date,
        xi: 0.0019,
      },
      ctx,
    )
    expect(res.summary).toMatchObject({ model: 'dixon-coles', asOf: data.evaluation.to })
    expect(res.info!.nTeams).toBe(8)
    expect(JSON.parse(JSON.stringify(res.summary))).toEqual(res.summary)
  })
})
