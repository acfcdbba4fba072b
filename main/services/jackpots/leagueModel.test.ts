/**
 * Jackpot pricing takes the league's promoted champion from the model registry (its model, α, calibrator and
 * margin method, read from the `model/model.json` artifact the pipeline logs) and fits on the fly only when
 * there is no champion, using the stored defaults, and says which one priced the coupon.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { simulatedAppDatabase } from '../training/testing/simulatedStore'
import { LocalTrackingStore } from '../tracking/localTrackingStore'
import { openTrackingDatabase } from '../tracking/localSchema'
import type { TrackingStore } from '../tracking/trackingStore'
import { playedMatches, registerTestChampion } from '../pricing/testing'
import { fitDixonColes, predictFixture, toMatchArrays } from '../../model/dixonColes'
import { applyBlend } from '../../model/blend'
import { removeMargin } from '../../model/market'
import type { ModelArtifact } from '../training/artifacts'
import { createLeagueModels } from './leagueModel'
import { priceJackpot } from './analyseJackpot'
import { createJackpotStore } from './jackpotStore'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scoreline-league-model-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function setup(name: string) {
  const db = simulatedAppDatabase([{ code: 'E0', seed: 11, seasons: 3, teams: 8 }])
  const tracking = new LocalTrackingStore({
    db: openTrackingDatabase(path.join(dir, `${name}.sqlite`)),
    artifactsDir: path.join(dir, `${name}-artifacts`),
    ownsDb: true,
  })
  const teams = (db.prepare('SELECT name FROM teams ORDER BY name').pluck().all() as string[]).slice(0, 4)
  const jackpot = createJackpotStore(db).create({
    name: 'Test coupon',
    league: 'E0',
    fixtures: [
      { home: teams[0], away: teams[1], odds: { home: 2.2, draw: 3.4, away: 3.3 } },
      { home: teams[2], away: teams[3], odds: null },
    ],
  })
  return { db, tracking, jackpot, teams }
}

/** What a pipeline run leaves in the registry: a run with metrics and model/model.json, version 1 as champion. */
async function registerChampion(tracking: TrackingStore, db: ReturnType<typeof setup>['db']) {
  const matches = playedMatches(db, 'E0')
  // deliberately not what the on-the-fly fit does (no time decay, every season), so the prices differ
  const model = fitDixonColes(toMatchArrays(matches), { xi: 0 })
  const artifact: ModelArtifact = {
    format: 'scoreline-dixon-coles/1',
    league: 'E0',
    model,
    blend: { kind: 'linear', alpha: 0.4 },
    calibrator: {
      kind: 'temperature',
      temperature: 1.2,
      floor: 1e-6,
      n: 300,
      logLossBefore: 1,
      logLossAfter: 0.99,
    },
    settings: { margin_method: 'additive', blend: 'linear', calibration: 'temperature' },
    dataFingerprint: 'test',
    evalWindow: 'E0 2021-22',
    howToPredict: '…',
  }
  const metrics: Record<string, number> = {}
  for (const [prefix, rps] of [
    ['model_', 0.205],
    ['market_', 0.2],
    ['blend_', 0.199],
    ['calibrated_', 0.198],
  ] as const)
    Object.assign(metrics, {
      [`${prefix}rps`]: rps,
      [`${prefix}n`]: 100,
      [`${prefix}log_loss`]: 1,
      [`${prefix}brier`]: 0.6,
      [`${prefix}accuracy`]: 0.5,
      [`${prefix}ece`]: 0.02,
    })
  const { runId, version } = await registerTestChampion(tracking, artifact, metrics)
  return { artifact, runId, version }
}

describe('jackpot league models', () => {
  it('without a champion: fits on the fly with the stored defaults and says so', async () => {
    const { db, tracking, jackpot } = setup('none')
    const models = createLeagueModels(db, {
      tracking: () => tracking,
      defaults: () => ({ margin: 'power', blend: 'linear', calibration: 'isotonic' }),
    })
    const model = await models.get('E0')
    expect(model.source).toMatchObject({ kind: 'fitted-on-the-fly', reason: 'no champion yet' })
    expect(model.margin).toBe('power')
    expect(model.blend?.kind ?? 'linear').toBe('linear')
    const analysis = await priceJackpot(jackpot, models, { margin: 'power' })
    expect(analysis.models[0].source).toEqual({
      kind: 'fitted-on-the-fly',
      modelName: null,
      version: null,
      runId: null,
      reason: 'no champion yet',
    })
    expect(analysis.models[0].description).toMatch(/fitted now .* margin removed with power/)
    expect(analysis.fixtures[0].market?.method).toBe('power')
    tracking.close()
  })

  it('with a champion: prices with its model, α, calibrator and margin method', async () => {
    const { db, tracking, jackpot, teams } = setup('champion')
    const onTheFly = await priceJackpot(jackpot, createLeagueModels(db), {})
    const { artifact, runId, version } = await registerChampion(tracking, db)
    const models = createLeagueModels(db, {
      tracking: () => tracking,
      defaults: () => ({ margin: 'power', blend: 'log', calibration: 'none' }),
    })
    const model = await models.get('E0')
    expect(model.source).toMatchObject({ kind: 'champion', modelName: 'scoreline-E0', version, runId })
    expect(model.blend).toEqual({ kind: 'linear', alpha: 0.4 })
    expect(model.calibrator?.kind).toBe('temperature')
    expect(model.margin).toBe('additive') // the champion's own, not the default: α was fitted against it
    expect(model.evaluation?.calibrated?.rps).toBe(0.198)

    const analysis = await priceJackpot(jackpot, models, { margin: 'power' })
    expect(analysis.models[0].source).toEqual({
      kind: 'champion',
      modelName: 'scoreline-E0',
      version,
      runId,
      reason: null,
    })
    expect(analysis.models[0].marginMethod).toBe('additive')
    const [first, second] = analysis.fixtures
    const prediction = predictFixture(artifact.model, teams[0], teams[1])
    expect(first.model!.probabilities[0]).toBeCloseTo(prediction.pHome, 12)
    expect(first.model!.lambda).toBeCloseTo(prediction.lambda, 12)
    const market = removeMargin([2.2, 3.4, 3.3], 'additive').probabilities
    expect(first.market?.method).toBe('additive')
    expect(first.blend!.probabilities[0]).toBeCloseTo(
      applyBlend({ kind: 'linear', alpha: 0.4 }, first.model!.probabilities, market)[0],
      12,
    )
    expect(first.final?.stage).toBe('calibrated')
    expect(second.model!.probabilities[0]).not.toBeCloseTo(onTheFly.fixtures[1].model!.probabilities[0], 6)
    tracking.close()
  })

  it('falls back to a fit, saying why, when the registry cannot be read', async () => {
    const { db } = setup('broken')
    const broken = {
      getVersionByAlias: () => Promise.reject(new Error('MLflow at 127.0.0.1:1 refused the connection')),
    } as unknown as TrackingStore
    const model = await createLeagueModels(db, { tracking: () => broken }).get('E0')
    expect(model.source.kind).toBe('fitted-on-the-fly')
    expect(model.source.kind === 'fitted-on-the-fly' && model.source.reason).toMatch(
      /registry could not be read \(MLflow at 127.0.0.1:1 refused/,
    )
  })
})
