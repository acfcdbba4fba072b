import { afterAll, describe, expect, it } from 'vitest'
import { removeByPrefix } from '../../../test/support/mlflowHygiene'
import { describeWithService } from '../../../test/support/services'
import { openMemoryTrackingDatabase } from './localSchema'
import { LocalTrackingStore } from './localTrackingStore'
import { MlflowClient } from './mlflowClient'
import { MlflowTrackingStore } from './mlflowTrackingStore'
import { PROMOTION_TAGS, promoteIfBetter, promoteManually, rollbackChampion } from './promotion'
import { PromotionLog } from './promotionLog'
import { TAGS } from './trackingStore'
import type { TrackingStore } from './trackingStore'
import { tmpdir } from 'node:os'
import { randomUUID } from 'node:crypto'

function promotionSuite(
  makeStore: () => TrackingStore,
  cleanup?: (suffix: string) => Promise<unknown>,
): void {
  const suffix = `${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`
  if (cleanup) afterAll(() => cleanup(suffix))

  async function version(
    store: TrackingStore,
    model: string,
    rps: number | undefined,
    window: string,
    more: Record<string, number> = {},
  ): Promise<string> {
    const exp = await store.ensureExperiment(`scoreline-promotion-${suffix}`)
    const run = await store.startRun({ experimentId: exp.id, tags: { [TAGS.evalWindow]: window } })
    if (rps !== undefined) await store.log(run.runId, { metrics: { rps, ...more } })
    await store.endRun(run.runId)
    return (await store.createModelVersion({ name: model, runId: run.runId })).version
  }

  it('promotes the first version, then only a candidate that beats the champion by the margin', async () => {
    const store = makeStore()
    const model = `scoreline-dc-E0-${suffix}-a`
    await store.ensureRegisteredModel(model)
    const v1 = await version(store, model, 0.21, 'w1')
    const first = await promoteIfBetter(store, { modelName: model, candidateVersion: v1, now: 1000 })
    expect(first).toMatchObject({
      action: 'promote',
      promoted: true,
      outcome: 'first-version',
      reason: 'RPS 0.2100, no earlier champion',
    })
    expect(first.reason).not.toMatch(/beat/)
    expect((await store.getVersionByAlias(model, 'champion'))?.version).toBe(v1)

    // better, but not by the margin → challenger
    const v2 = await version(store, model, 0.2095, 'w1')
    const close = await promoteIfBetter(store, {
      modelName: model,
      candidateVersion: v2,
      margin: 0.001,
      now: 2000,
    })
    expect(close).toMatchObject({
      action: 'challenger',
      promoted: false,
      championScore: 0.21,
      candidateScore: 0.2095,
    })
    expect((await store.getVersionByAlias(model, 'champion'))?.version).toBe(v1)
    expect((await store.getVersionByAlias(model, 'challenger'))?.version).toBe(v2)
    const v2tags = (await store.getModelVersion(model, v2)).tags
    expect(v2tags[PROMOTION_TAGS.decision]).toBe('challenger')
    // few short tags (#21): both scores, the margin, who and when; the full account is in the log
    expect(v2tags[PROMOTION_TAGS.scores]).toBe(`rps 0.209500 vs v${v1} 0.210000`)
    expect(v2tags[PROMOTION_TAGS.margin]).toBe('0.001')
    expect(v2tags[PROMOTION_TAGS.at]).toBe(new Date(2000).toISOString())
    expect(
      Object.keys(v2tags).filter((k) => k.startsWith('scoreline.promotion.')).length,
    ).toBeLessThanOrEqual(7)
    const v2record = store.promotions.byDecision(v2tags[PROMOTION_TAGS.id])
    expect(v2record).toMatchObject({
      reason: 'kept v1: RPS 0.2095 vs 0.2100 on the same matches, gain 0.0005 below the margin 0.0010',
      outcome: 'below-margin',
      previousVersion: v1,
      state: 'applied',
    })
    expect(v2record?.detail).toMatch(/a gain of 0\.000500 \(lower is better; the margin is 0\.001000\)/)

    // better by more than the margin → champion; the challenger alias leaves it
    const v3 = await version(store, model, 0.205, 'w1')
    await store.setAlias(model, 'challenger', v3)
    const win = await promoteIfBetter(store, {
      modelName: model,
      candidateVersion: v3,
      margin: 0.001,
      now: 3000,
    })
    expect(win).toMatchObject({ action: 'promote', promoted: true, previousChampion: v1 })
    expect((await store.getVersionByAlias(model, 'champion'))?.version).toBe(v3)
    expect(await store.getVersionByAlias(model, 'challenger')).toBeNull()
    const v3tags = (await store.getModelVersion(model, v3)).tags
    expect(v3tags[PROMOTION_TAGS.by]).toBe('scoreline:auto-promotion')
    expect(v3tags[PROMOTION_TAGS.scores]).toMatch(/^rps 0\.205000 vs v/)

    // a worse candidate
    const v4 = await version(store, model, 0.3, 'w1')
    expect((await promoteIfBetter(store, { modelName: model, candidateVersion: v4 })).promoted).toBe(false)

    const log = store.promotions.history(model)
    expect(log.map((r) => [r.action, r.version, r.previousVersion ?? null])).toEqual([
      ['challenger', v4, v3],
      ['promote', v3, v1],
      ['challenger', v2, v1],
      ['promote', v1, null],
    ])
    expect(log[1]).toMatchObject({
      metric: 'rps',
      candidateScore: 0.205,
      championScore: 0.21,
      margin: 0.001,
      evalWindow: 'w1',
    })
    store.close()
  })

  it('lets a second metric decide when the first is within the margin either way (served forecasts that tie)', async () => {
    const store = makeStore()
    const model = `scoreline-dc-E0-${suffix}-tie`
    await store.ensureRegisteredModel(model)
    const tieBreak = { metric: 'model_rps' }
    const promote = (candidateVersion: string, more: Partial<Parameters<typeof promoteIfBetter>[1]> = {}) =>
      promoteIfBetter(store, { modelName: model, candidateVersion, margin: 0.001, tieBreak, ...more })
    const v1 = await version(store, model, 0.1914, 'w1', { model_rps: 0.1994 })
    await promote(v1)
    // served RPS equal (both the market), goal model better by more than the margin → promoted, and says why
    const v2 = await version(store, model, 0.1914, 'w1', { model_rps: 0.1916 })
    const win = await promote(v2)
    expect(win).toMatchObject({ action: 'promote', promoted: true, previousChampion: v1 })
    expect(win.outcome).toBe('tie-break')
    expect(win.reason).toBe(
      'promoted: RPS ties v1 on the same matches (0.1914 vs 0.1914); better model RPS 0.1916 vs 0.1994',
    )
    expect(win.detail).toMatch(/within the margin either way, so model_rps decides: 0\.191600 vs 0\.199400/i)
    // a served forecast worse by the margin is never rescued by the second metric
    const v3 = await version(store, model, 0.193, 'w1', { model_rps: 0.15 })
    expect(await promote(v3)).toMatchObject({ promoted: false })
    // a tie on both → challenger; scores passed in (a re-scored champion) are used over the runs'
    const v4 = await version(store, model, 0.1914, 'w1', { model_rps: 0.1912 })
    const tie = await promote(v4)
    expect(tie).toMatchObject({ action: 'challenger', outcome: 'below-margin' })
    expect(tie.reason).toMatch(
      /^kept v2: RPS ties on the same matches .*; model RPS 0\.1912 vs 0\.1916 not better by the margin$/,
    )
    // "promoted" never sits beside "below the margin"
    expect(win.reason).not.toMatch(/below the margin/)
    const passed = await promote(v4, { tieBreak: { metric: 'model_rps', championScore: 0.25 } })
    expect(passed.promoted).toBe(true)
    store.close()
  })

  it('never promotes a version the app cannot serve, however well it scored, and records why', async () => {
    const store = makeStore()
    const model = `scoreline-dc-E0-${suffix}-ns`
    await store.ensureRegisteredModel(model)
    const v1 = await version(store, model, 0.19, 'w1')
    const decision = await promoteIfBetter(store, {
      modelName: model,
      candidateVersion: v1,
      notServable: 'market variant cannot be served yet',
      now: 1000,
    })
    expect(decision).toMatchObject({
      action: 'challenger',
      promoted: false,
      outcome: 'not-servable',
      reason: 'challenger: RPS 0.1900, but the app cannot serve this model yet',
      detail: 'Not promoted: market variant cannot be served yet.',
    })
    expect(await store.getVersionByAlias(model, 'champion')).toBeNull()
    expect((await store.getVersionByAlias(model, 'challenger'))?.version).toBe(v1)
  })

  it('never compares scores from different evaluation windows', async () => {
    const store = makeStore()
    const model = `scoreline-dc-E0-${suffix}-b`
    await store.ensureRegisteredModel(model)
    const v1 = await version(store, model, 0.25, 'season-2022-23')
    await promoteIfBetter(store, { modelName: model, candidateVersion: v1 })
    const v2 = await version(store, model, 0.19, 'season-2023-24')
    const decision = await promoteIfBetter(store, { modelName: model, candidateVersion: v2 })
    expect(decision).toMatchObject({
      action: 'challenger',
      outcome: 'not-comparable',
      reason: expect.stringMatching(/^challenger: not comparable, champion v1 has no RPS on these matches/),
      detail: expect.stringMatching(/Re-score both on the matches both scored/),
    })
    // with the champion re-scored on the candidate's window, the comparison is fair
    const fair = await promoteIfBetter(store, { modelName: model, candidateVersion: v2, championScore: 0.2 })
    expect(fair).toMatchObject({ action: 'promote', championScore: 0.2 })
    const none = await version(store, model, undefined, 'x')
    await expect(promoteIfBetter(store, { modelName: model, candidateVersion: none })).rejects.toThrow(
      /has no rps/,
    )
    store.close()
  })

  it('records manual promotion and rolls back to the champion it replaced', async () => {
    const store = makeStore()
    const model = `scoreline-dc-E0-${suffix}-c`
    await store.ensureRegisteredModel(model)
    const v1 = await version(store, model, 0.21, 'w')
    const v2 = await version(store, model, 0.25, 'w')
    await promoteIfBetter(store, { modelName: model, candidateVersion: v1 })
    const manual = await promoteManually(store, {
      modelName: model,
      version: v2,
      decidedBy: 'analyst:ana',
      reason: 'derby weekend test',
    })
    expect(manual).toMatchObject({ action: 'manual-promote', previousChampion: v1 })
    expect((await store.getVersionByAlias(model, 'champion'))?.version).toBe(v2)
    const back = await rollbackChampion(store, { modelName: model, decidedBy: 'analyst:ana' })
    expect(back).toMatchObject({ action: 'rollback', version: v1, previousChampion: v2 })
    expect((await store.getVersionByAlias(model, 'champion'))?.version).toBe(v1)
    expect((await store.getModelVersion(model, v1)).tags[PROMOTION_TAGS.by]).toBe('analyst:ana')
    expect(store.promotions.history(model).map((r) => r.action)).toEqual([
      'rollback',
      'manual-promote',
      'promote',
    ])
    store.close()
  })
}

describe('promotion on the local store', () => {
  promotionSuite(
    () => new LocalTrackingStore({ db: openMemoryTrackingDatabase(), artifactsDir: tmpdir(), ownsDb: true }),
  )
})

describeWithService('mlflow', 'promotion on MLflow', (uri) => {
  promotionSuite(
    () => {
      const db = openMemoryTrackingDatabase()
      const client = new MlflowClient({ trackingUri: uri })
      return new MlflowTrackingStore({
        client,
        promotions: new PromotionLog(db, client.http.baseUrl),
        onClose: () => db.close(),
      })
    },
    // this run's experiment and models (their names hold the suffix), removed from the shared server
    (suffix) => removeByPrefix(uri, suffix, { anywhere: true }),
  )
})

describe('promotion decisions in plain words', () => {
  const store = () =>
    new LocalTrackingStore({ db: openMemoryTrackingDatabase(), artifactsDir: tmpdir(), ownsDb: true })
  async function version(s: TrackingStore, model: string, metrics: Record<string, number>, tags = {}) {
    const exp = await s.ensureExperiment('scoreline-promotion-words')
    const run = await s.startRun({ experimentId: exp.id, tags: { [TAGS.evalWindow]: 'w1', ...tags } })
    await s.log(run.runId, { metrics })
    await s.endRun(run.runId)
    return (await s.createModelVersion({ name: model, runId: run.runId })).version
  }

  it('says every decision in under 120 characters with 4 decimals, the detail apart', async () => {
    const s = store()
    const model = 'scoreline-dc-T0-words'
    await s.ensureRegisteredModel(model)
    const long = 0.197123456789
    const decisions = []
    const v1 = await version(s, model, { rps: long, model_rps: 0.2 })
    decisions.push(await promoteIfBetter(s, { modelName: model, candidateVersion: v1 }))
    for (const [rps, modelRps] of [
      [0.1969123456, 0.2],
      [0.195123456, 0.2],
      [0.195123456, 0.19123456],
      [0.195, 0.25],
    ]) {
      const v = await version(s, model, { rps, model_rps: modelRps })
      decisions.push(
        await promoteIfBetter(s, {
          modelName: model,
          candidateVersion: v,
          tieBreak: { metric: 'model_rps' },
          matches: { n: 378, identical: false, candidateOnly: 1, championOnly: 2 },
        }),
      )
    }
    const v9 = await version(s, model, { rps: 0.1 })
    decisions.push(
      await promoteIfBetter(s, {
        modelName: model,
        candidateVersion: v9,
        notServable:
          'negative-binomial scored RPS 0.1000 on the evaluation window, but its forecasts need its own code, which the app cannot run yet',
      }),
    )
    decisions.push(await promoteManually(s, { modelName: model, version: v9, decidedBy: 'ana' }))
    decisions.push(await rollbackChampion(s, { modelName: model, decidedBy: 'ana' }))
    for (const d of decisions) {
      expect(d.reason.length).toBeLessThan(120)
      expect(d.reason).not.toMatch(/\d\.\d{5,}/)
      expect(d.detail.length).toBeGreaterThan(0)
      if (d.promoted) expect(d.reason).not.toMatch(/below the margin/)
    }
    expect(decisions.map((d) => d.outcome)).toEqual([
      'first-version',
      'below-margin',
      'beat-champion',
      'tie-break',
      'below-margin',
      'not-servable',
      'manual',
      'rollback',
    ])
    expect(decisions[2].reason).toBe(
      'promoted: beat v1, RPS 0.1951 vs 0.1971 on 378 common matches (margin 0.0010)',
    )
    expect(decisions[2].detail).toMatch(
      /re-scored on the 378 matches both scored \(the candidate alone scored 1/,
    )
    const log = s.promotions.history(model)
    expect(log.find((r) => r.version === '3')).toMatchObject({
      outcome: 'beat-champion',
      matches: 378,
      matchesIdentical: false,
    })
    expect((await s.getModelVersion(model, '3')).tags[PROMOTION_TAGS.n]).toBe('378 common')
    s.close()
  })

  it('refuses to compare two runs of one window that scored different matches, saying why', async () => {
    const s = store()
    const model = 'scoreline-dc-T0-sets'
    await s.ensureRegisteredModel(model)
    const v1 = await version(s, model, { rps: 0.2, calibrated_n: 302 }, { [TAGS.scoredMatches]: 'aaa' })
    await promoteIfBetter(s, { modelName: model, candidateVersion: v1 })
    const v2 = await version(s, model, { rps: 0.19, calibrated_n: 305 }, { [TAGS.scoredMatches]: 'bbb' })
    const d = await promoteIfBetter(s, { modelName: model, candidateVersion: v2 })
    expect(d).toMatchObject({ promoted: false, outcome: 'not-comparable' })
    expect(d.reason).toBe(
      'challenger: not comparable, v2 and champion v1 were scored on different matches (305 vs 302)',
    )
    const v3 = await version(s, model, { rps: 0.19, calibrated_n: 302 }, { [TAGS.scoredMatches]: 'aaa' })
    expect((await promoteIfBetter(s, { modelName: model, candidateVersion: v3 })).outcome).toBe(
      'beat-champion',
    )
    s.close()
  })
})
