import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalTrackingStore } from '../tracking/localTrackingStore'
import { openTrackingDatabase } from '../tracking/localSchema'
import { SqliteFeatureStore } from '../features/sqliteFeatureStore'
import type { FeatureStore } from '../features/featureStore'
import { createWorkerPool, type WorkerPool } from './workerPool'
import {
  DEFAULT_PIPELINE_SETTINGS,
  EXPERIMENTS,
  runPipeline,
  type PipelineEvent,
  type PipelineSettings,
  storedScoreComparable,
} from './pipeline'
import { featureStoreRebuilder } from './featureRebuild'
import { importSimulatedLeagues, simulatedAppDatabase } from './testing/simulatedStore'

// Two small simulated leagues (8 teams, 3 seasons), a 2-point ξ grid: the whole flow in a few seconds.
const settings: PipelineSettings = {
  ...DEFAULT_PIPELINE_SETTINGS,
  windowYears: 2,
  xiGrid: [0, 0.003],
  minHistory: 20,
}

describe('training pipeline (local tracking and feature stores)', () => {
  let dir: string
  let pool: WorkerPool
  let tracking: LocalTrackingStore
  let features: FeatureStore
  const db = simulatedAppDatabase([
    { code: 'E0', seed: 3 },
    { code: 'D1', seed: 5 },
  ])

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scoreline-pipeline-'))
    pool = createWorkerPool({ workerUrl: new URL('./modelWorker.ts', import.meta.url), size: 2 })
    tracking = new LocalTrackingStore({
      db: openTrackingDatabase(path.join(dir, 'tracking.sqlite')),
      ownsDb: true,
    })
    features = SqliteFeatureStore.open(path.join(dir, 'features.sqlite'))
  })
  afterAll(async () => {
    await pool.close()
    tracking.close()
    await features.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  const run = (id: string, leagues: string[], events?: PipelineEvent[]) =>
    runPipeline(
      leagues,
      settings,
      {
        db,
        tracking,
        pool,
        rebuildFeatures: featureStoreRebuilder(features, db),
        onEvent: (e) => events?.push(e),
      },
      { id, trigger: 'manual' },
    )

  let first: Awaited<ReturnType<typeof run>>

  it('trains two leagues, tracks them, promotes the first versions and rebuilds the features', async () => {
    const events: PipelineEvent[] = []
    first = await run('p1', ['E0', 'D1'], events)
    expect(first.state).toBe('succeeded')
    for (const l of first.leagues) {
      expect(l).toMatchObject({
        state: 'succeeded',
        version: '1',
        decision: { action: 'promote', promoted: true },
      })
      expect(l.metrics?.calibrated?.n).toBe(56)
      expect(l.metrics?.market?.rps).toBeGreaterThan(0)
      expect(settings.xiGrid).toContain(l.xi)
      expect(l.steps.map((s) => s.step)).toEqual(['load', 'xi', 'backtest', 'fit', 'track', 'promote'])
      expect(l.features?.rebuilt).toBe(true)
    }
    expect(first.features.rebuilt).toBe(true)
    expect(first.features.views).toEqual([
      expect.stringMatching(/^team_ratings@\d+$/),
      expect.stringMatching(/^team_form@\d+$/),
    ])
    // every RPS says which forecast it is; a first version is "champion (first version)"
    expect(first.summary).toMatch(
      /E0 served: (market|blend|model)[^,]*(, calibrated)?, 0\.\d{4}; model 0\.\d{4}; market 0\.\d{4} \(56 matches\), promoted v1 to champion \(RPS 0\.\d{4}, no earlier champion\), features rebuilt/,
    )
    expect(first.leagues[0].decision).toMatchObject({ outcome: 'first-version', matches: null })
    expect(first.leagues[0].counts).toEqual({
      evaluation: 56,
      scored: 56,
      noOdds: 0,
      noRating: 0,
      note: 'all 56 matches scored',
    })
    // progress never goes backwards
    const fractions = events.flatMap((e) => (e.type === 'progress' ? [e.fraction] : []))
    fractions.forEach((f, i) => expect(f).toBeGreaterThanOrEqual(fractions[i - 1] ?? 0))
    const ratings = await features.getTeams('team_ratings', 'D1')
    expect(ratings.entities).toHaveLength(8)
    expect(events.some((e) => e.type === 'progress' && e.stage === 'xi' && e.league === 'E0')).toBe(true)
    expect(events.at(-1)).toMatchObject({ type: 'progress', stage: 'done', fraction: 1 })

    // the run as MLflow would show it: a parent with params, metrics, tags and artifacts, three children
    const runId = first.leagues[0].runId as string
    const parent = await tracking.getRun(runId)
    expect(parent.info.status).toBe('FINISHED')
    expect(parent.params).toMatchObject({
      league: 'E0',
      window_years: '2',
      margin_method: 'shin',
      blend: 'log',
    })
    expect(parent.metrics.rps).toBe(first.leagues[0].metrics?.calibrated?.rps)
    expect(parent.tags['scoreline.eval_window']).toMatch(/^E0:2021-08-\d\d\.\.2022-05-\d\d:[0-9a-f]{12}$/)
    // durations are real: the run starts when the league's work started, not when it was logged. The run
    // spans the work before tracking; its end time is stamped during the track step, so that step counts
    // only in part and is left out of the bound (with it the check failed by a few ms under load).
    const ms = (step: string) => first.leagues[0].steps.find((t) => t.step === step)?.ms ?? 0
    const duration = (parent.info.endTime ?? 0) - parent.info.startTime
    expect(duration).toBeGreaterThanOrEqual(Math.floor(ms('load') + ms('xi') + ms('backtest')) - 5)
    expect(duration).toBeLessThan(first.leagues.length * 60_000)
    const fitRun = (
      await tracking.searchRuns({
        experimentIds: [(await tracking.getExperimentByName(EXPERIMENTS.poisson))!.id],
        // the fit is the child of stage dixon_coles_poisson (blend and calibration nest beside it)
        filter: `tags.\`mlflow.parentRunId\` = '${runId}' and tags.\`scoreline.stage\` = '${EXPERIMENTS.poisson}'`,
      })
    ).items[0]
    expect(fitRun.info.runName).toBe('E0 fit')
    expect(fitRun.info.startTime).toBeGreaterThanOrEqual(parent.info.startTime)
    expect(Math.abs((fitRun.info.endTime ?? 0) - fitRun.info.startTime - ms('fit'))).toBeLessThan(50)
    // per-match forecasts carry the store's match id, so a later version compares on the identical matches
    const predictions = Buffer.from(await tracking.downloadArtifact(runId, 'predictions.csv')).toString(
      'utf8',
    )
    expect(predictions.split('\n')[0]).toMatch(/^match_id,date,home,away,/)
    expect(predictions.split('\n')[1]).toMatch(/^\d+,/)
    expect(parent.tags['scoreline.scored_matches']).toMatch(/^[0-9a-f]{12}$/)
    expect(parent.tags['scoreline.rps_summary']).toMatch(/^served: .*; model 0\.\d{4}/)
    expect(parent.metrics).toMatchObject({ eval_matches: 56, eval_no_odds: 0, eval_no_rating: 0 })
    // ratings say how many matches each team was rated on and whether it is in the current league
    const ratingsFile = Buffer.from(await tracking.downloadArtifact(runId, 'team_ratings.csv')).toString(
      'utf8',
    )
    expect(ratingsFile.split('\n')[0]).toBe('team,attack,defence,attack_se,defence_se,matches,current')
    const artifact = JSON.parse(
      Buffer.from(await tracking.downloadArtifact(runId, 'model/model.json')).toString('utf8'),
    ) as { currentTeams: string[] }
    expect(artifact.currentTeams).toHaveLength(8)
    const artifacts = (await tracking.listArtifacts(runId)).map((a) => a.path).sort()
    expect(artifacts).toEqual(['model', 'predictions.csv', 'reliability.svg', 'team_ratings.csv'])
    // the children are nested in the parent's experiment (#21), each tagged with its team stage
    expect(parent.tags['scoreline.stage']).toBe('pipeline')
    const nested = await tracking.searchRuns({
      experimentIds: [parent.info.experimentId],
      filter: `tags.\`mlflow.parentRunId\` = '${runId}'`,
    })
    expect(nested.items.map((r) => r.tags['scoreline.stage']).sort()).toEqual(
      Object.values(EXPERIMENTS).sort(),
    )
    expect(await tracking.getExperimentByName(EXPERIMENTS.blending)).toBeNull()
    for (const name of Object.values(EXPERIMENTS)) {
      const children = await tracking.searchRuns({
        experimentIds: [parent.info.experimentId],
        filter: `tags.\`mlflow.parentRunId\` = '${runId}' and tags.\`scoreline.stage\` = '${name}'`,
      })
      expect(children.items).toHaveLength(1)
      // the blend and calibration runs say whether their stage was served, and on what out-of-sample evidence
      if (name === EXPERIMENTS.blending || name === EXPERIMENTS.calibration) {
        const m = children.items[0].metrics
        expect([0, 1]).toContain(m.served)
        expect(m.gate_rows).toBeGreaterThan(0)
        // #22: served while the sequential test's e-value is ≥ 1/0.05 (and minHistory 20 rows are scored)
        expect(m.served === 1).toBe(m.gate_e_value >= 20 && m.gate_rows >= 20)
        expect(m.served_matches).toBeGreaterThanOrEqual(0)
      }
    }
  })

  it('a rerun on unchanged data and settings registers nothing: "nothing changed since v1"', async () => {
    const before = await features.activeVersion('team_ratings')
    const again = await run('p2a', ['E0', 'D1'])
    expect(again.state).toBe('succeeded')
    for (const l of again.leagues) {
      expect(l).toMatchObject({
        state: 'succeeded',
        version: '1',
        unchanged: { version: '1' },
        decision: null,
      })
      // the figures of the version that already holds this result
      const was = first.leagues.find((x) => x.league === l.league)!
      expect(l.metrics).toEqual(was.metrics)
      expect(l.rpsSummary).toBe(was.rpsSummary)
      expect(l.xi).toBe(was.xi)
    }
    expect(again.summary).toBe(
      'E0: nothing changed since v1 (same data and settings), no new version; D1: nothing changed since v1 (same data and settings), no new version',
    )
    expect((await tracking.searchModelVersions({ name: 'scoreline-E0' })).items).toHaveLength(1)
    expect(await features.activeVersion('team_ratings')).toBe(before)
  })

  it('back-to-back no-op runs still serve a concurrent loopback call (they yield between leagues)', async () => {
    const server = http.createServer((_, res) => res.end('served'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      let answer: string | null = null
      const call = fetch(`http://127.0.0.1:${port}/`)
        .then((r) => r.text())
        .then((text) => (answer = text))
      // a driver that reruns at once, like the load scenario's: without the yield this loop never lets the
      // request through and spins until the cap
      let runs = 0
      while (answer === null && runs < 200) {
        const r = await run(`p2-noop-${runs++}`, ['E0', 'D1'])
        expect(r.leagues.every((l) => l.unchanged)).toBe(true)
      }
      expect(answer).toBe('served')
      expect(runs).toBeLessThan(200)
      await call
    } finally {
      server.close()
    }
  })

  it('a forced second run on the same data gives the same parameters, compares on the same matches, is not promoted, says so and leaves features alone', async () => {
    const before = await features.activeVersion('team_ratings')
    const second = await runPipeline(
      ['E0', 'D1'],
      settings,
      { db, tracking, pool, rebuildFeatures: featureStoreRebuilder(features, db), force: true },
      { id: 'p2', trigger: 'manual' },
    )
    expect(second.state).toBe('succeeded')
    second.leagues.forEach((l, i) => {
      const was = first.leagues[i]
      expect(l.xi).toBe(was.xi)
      expect(l.logLikelihood).toBe(was.logLikelihood)
      expect(l.metrics).toEqual(was.metrics)
      expect(l).toMatchObject({
        version: '2',
        decision: {
          action: 'challenger',
          outcome: 'below-margin',
          promoted: false,
          // the champion's per-match scores come from its run's predictions.csv, joined by match id
          matches: { n: 56, identical: true, candidateOnly: 0, championOnly: 0 },
        },
      })
      expect(l.decision?.reason).toMatch(
        /^kept v1: RPS ties on 56 same matches \((0\.\d{4}) vs \1\); model RPS (0\.\d{4}) vs \2 not better by the margin$/,
      )
      expect(l.decision?.detail).toMatch(/per-match scores read from its run/)
      expect(l.features).toMatchObject({ rebuilt: false })
    })
    expect(second.summary).toMatch(/v2 kept as challenger/)
    expect(second.features.rebuilt).toBe(false)
    expect(await features.activeVersion('team_ratings')).toBe(before)
  })

  it('isolates a failing league: the others run and the summary says which failed and why', async () => {
    const third = await run('p3', ['XX', 'E0'])
    expect(third.state).toBe('partial')
    expect(third.leagues[0]).toMatchObject({
      league: 'XX',
      state: 'failed',
      error: { code: 'PIPELINE_NO_DATA' },
    })
    expect(third.leagues[1].state).toBe('succeeded')
    expect(third.summary).toMatch(/XX failed: load: No played matches for league XX/)
  })

  it('stops within a second when cancelled, marking the league cancelled and its runs killed', async () => {
    const controller = new AbortController()
    // Abort once E0's ξ search is under way (a fixed delay raced a quick machine, where E0 was done
    // within 150 ms): E0 is then mid-run and D1 not started.
    let inXiSearch: () => void = () => {}
    const searching = new Promise<void>((resolve) => (inXiSearch = resolve))
    const pending = runPipeline(
      ['E0', 'D1'],
      { ...settings, xiGrid: [0, 0.001, 0.002, 0.003, 0.004, 0.005] },
      {
        db,
        tracking,
        pool,
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'progress' && e.league === 'E0' && e.stage === 'xi') inXiSearch()
        },
      },
      { id: 'p4', trigger: 'manual' },
    )
    await searching
    const t0 = performance.now()
    controller.abort()
    const result = await pending
    expect(performance.now() - t0).toBeLessThan(1000)
    expect(result.state).toBe('cancelled')
    expect(result.leagues.map((l) => l.state)).toEqual(['cancelled', 'cancelled'])
  })
})

describe('evaluation counts', () => {
  it('says why fewer matches were scored than played, in the run and in what models list reads', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scoreline-pipeline-counts-'))
    const pool = createWorkerPool({ workerUrl: new URL('./modelWorker.ts', import.meta.url), size: 2 })
    const tracking = new LocalTrackingStore({
      db: openTrackingDatabase(path.join(dir, 'tracking.sqlite')),
      ownsDb: true,
    })
    const db = simulatedAppDatabase([{ code: 'E0', seed: 3 }])
    try {
      // two matches of the evaluation season lose their odds
      const last = db
        .prepare('SELECT id FROM matches ORDER BY date DESC, id DESC LIMIT 2')
        .pluck()
        .all() as number[]
      db.prepare(`DELETE FROM odds WHERE match_id IN (${last.join(',')})`).run()
      const r = await runPipeline(['E0'], settings, { db, tracking, pool }, { id: 'c1', trigger: 'manual' })
      const l = r.leagues[0]
      expect(l.counts).toEqual({
        evaluation: 56,
        scored: 54,
        noOdds: 2,
        noRating: 0,
        note: '54 of 56 matches scored: 2 without odds',
      })
      expect(r.summary).toMatch(/\(54 matches\) \[54 of 56 matches scored: 2 without odds\]/)
      const run = await tracking.getRun(l.runId!)
      expect(run.metrics).toMatchObject({ eval_matches: 56, eval_no_odds: 2, calibrated_n: 54 })
      expect(run.tags['scoreline.counts_note']).toBe('54 of 56 matches scored: 2 without odds')
    } finally {
      await pool.close()
      tracking.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('champion comparison after new results', () => {
  it('reuses a champion’s stored score only for the same matches scored by the same protocol', () => {
    const data = {
      evalWindow: 'E0:2023-08-11..2024-05-19:0123456789ab',
      evaluation: { season: '2023-24', from: '2023-08-11', to: '2024-05-19', matches: 380 },
    }
    const run = {
      tags: { 'scoreline.eval_window': data.evalWindow },
      params: { gated: 'true', warm_up_from: '2022-08-11' },
      metrics: { rps: 0.19 },
    }
    expect(storedScoreComparable(run, data)).toBe(true)
    // other matches, an ungated or unwarmed protocol (a champion from before the gates), or no score: re-score
    expect(storedScoreComparable({ ...run, tags: { 'scoreline.eval_window': 'E0:other' } }, data)).toBe(false)
    expect(storedScoreComparable({ ...run, params: { warm_up_from: '2022-08-11' } }, data)).toBe(false)
    expect(storedScoreComparable({ ...run, params: { gated: 'true' } }, data)).toBe(false)
    expect(storedScoreComparable({ ...run, metrics: {} }, data)).toBe(false)
  })

  it('re-scores the champion on the new evaluation window so the two compare on the same matches', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scoreline-pipeline-rescore-'))
    const pool = createWorkerPool({ workerUrl: new URL('./modelWorker.ts', import.meta.url), size: 2 })
    const tracking = new LocalTrackingStore({
      db: openTrackingDatabase(path.join(dir, 'tracking.sqlite')),
      ownsDb: true,
    })
    const db = simulatedAppDatabase([{ code: 'E0', seed: 3, dropLast: 8 }])
    try {
      const deps = { db, tracking, pool }
      const before = await runPipeline(['E0'], settings, deps, { id: 'r1', trigger: 'manual' })
      expect(before.leagues[0]).toMatchObject({ version: '1', decision: { promoted: true } })
      expect(before.leagues[0].evaluation?.matches).toBe(48)
      importSimulatedLeagues(db, [{ code: 'E0', seed: 3 }]) // the last matchweek's results arrive
      const after = await runPipeline(['E0'], settings, deps, { id: 'r2', trigger: 'manual' })
      const l = after.leagues[0]
      expect(l.evaluation?.matches).toBe(56)
      expect(l.decision?.championScore).toEqual(expect.any(Number))
      expect(l.decision?.reason).toMatch(/v1/)
      expect(l.decision?.outcome).not.toBe('not-comparable')
      // both on the same 56 matches by match id: the champion re-scored on this window
      expect(l.decision?.matches).toEqual({ n: 56, identical: true, candidateOnly: 0, championOnly: 0 })
      expect(l.decision?.detail).toMatch(/v1 re-scored on this window with its own settings/)
    } finally {
      await pool.close()
      tracking.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
