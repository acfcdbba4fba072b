import { randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import { describe, expect, it } from 'vitest'
import { describeWithService } from '../../../test/support/services'
import type { BacktestRow } from '../../model/backtest'
import { predictionsCsv } from '../training/artifacts'
import { compareVersions } from './compareVersions'
import { openMemoryTrackingDatabase } from './localSchema'
import { LocalTrackingStore } from './localTrackingStore'
import { MlflowClient } from './mlflowClient'
import { MlflowTrackingStore } from './mlflowTrackingStore'
import { PromotionLog } from './promotionLog'
import type { TrackingStore } from './trackingStore'

const row = (i: number, home: number): BacktestRow => ({
  date: `2031-01-${String(i).padStart(2, '0')}`,
  home: `Club ${i}`,
  away: `Club ${i + 20}`,
  homeGoals: 1,
  awayGoals: 0,
  result: 'H',
  model: [home, 0.3, 0.7 - home],
  market: [0.45, 0.3, 0.25],
  blend: [home, 0.3, 0.7 - home],
  calibrated: [home, 0.3, 0.7 - home],
  alpha: 0.5,
  skipReason: null,
})

function suite(makeStore: () => TrackingStore, cleanUp: (name: string) => Promise<void> = async () => {}) {
  const name = `scoreline-dc-T9-${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`

  async function version(store: TrackingStore, csv: string): Promise<string> {
    const exp = await store.ensureExperiment(`${name}-exp`)
    const run = await store.startRun({ experimentId: exp.id })
    await store.logArtifact(run.runId, 'predictions.csv', csv)
    await store.endRun(run.runId)
    return (await store.createModelVersion({ name, runId: run.runId })).version
  }

  it('scores two versions on the identical matches by id, with n, or says why it cannot', async () => {
    const store = makeStore()
    try {
      await store.ensureRegisteredModel(name)
      const ids = (r: BacktestRow) => Number(r.date.slice(-2))
      // v1 scored matches 1..4, v2 matches 2..5 (a match each side alone)
      const v1 = await version(
        store,
        predictionsCsv(
          [1, 2, 3, 4].map((i) => row(i, 0.5)),
          ids,
        ),
      )
      const v2 = await version(
        store,
        predictionsCsv(
          [2, 3, 4, 5].map((i) => row(i, 0.6)),
          ids,
        ),
      )
      const c = await compareVersions(store, { name, base: v1, other: v2 })
      expect(c).toMatchObject({
        comparable: true,
        note: '3 common matches (the candidate alone scored 1, the champion alone 1)',
      })
      expect(c.comparison).toMatchObject({ n: 3, identical: false, candidateOnly: 1, championOnly: 1 })
      // home wins: RPS = ((p_H − 1)² + (p_H + p_D − 1)²) / 2
      expect(c.comparison!.candidate.served).toBeCloseTo((0.4 ** 2 + 0.1 ** 2) / 2, 12)
      expect(c.comparison!.champion.served).toBeCloseTo((0.5 ** 2 + 0.2 ** 2) / 2, 12)
      const same = await compareVersions(store, { name, base: v1, other: v1 })
      expect(same).toMatchObject({ comparable: true, note: '4 same matches' })
      // a version trained before match ids were stored cannot be joined: said, not guessed
      const old = await version(store, predictionsCsv([1, 2].map((i) => row(i, 0.5))))
      const refused = await compareVersions(store, { name, base: old, other: v2 })
      expect(refused.comparable).toBe(false)
      expect(refused.reason).toMatch(new RegExp(`v${old}'s run stored no match ids`))
    } finally {
      await cleanUp(name).catch(() => {})
      store.close()
    }
  })
}

describe('compareVersions on the local store', () => {
  suite(
    () => new LocalTrackingStore({ db: openMemoryTrackingDatabase(), artifactsDir: tmpdir(), ownsDb: true }),
  )
})

describeWithService('mlflow', 'compareVersions on MLflow', (uri) => {
  const cleanUp = async (name: string) => {
    const client = new MlflowClient({ trackingUri: uri })
    await client.deleteRegisteredModel(name)
    const exp = await client.getExperimentByName(`${name}-exp`).catch(() => null)
    if (exp) await client.deleteExperiment(exp.experiment_id)
  }
  suite(() => {
    const db = openMemoryTrackingDatabase()
    const client = new MlflowClient({ trackingUri: uri })
    return new MlflowTrackingStore({
      client,
      promotions: new PromotionLog(db, client.http.baseUrl),
      onClose: () => db.close(),
    })
  }, cleanUp)
})
