/**
 * The promotion history shared by the team (#21): two desktops (two tracking databases) on one real MLflow
 * server and one real Postgres. Desktop A promotes; desktop B sees A's decision in full (reason, both scores,
 * n) — in its models view and offline from its own copy — and rolls back from it; A then sees B's rollback.
 * The version carries only the few short tags.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { removeByPrefix, testNamePrefix } from '../../../test/support/mlflowHygiene'
import { describeWithService, serviceUrl } from '../../../test/support/services'
import { migratePostgres } from '../data/postgres/migratePostgres'
import { createTestDatabase } from '../data/testing/pgTestDatabase'
import { createTrackingStore } from './createTrackingStore'
import { CHAMPION, PROMOTION_TAGS, rollbackChampion } from './promotion'
import { candidate, promoteOnSameMatches } from './testing/promotionFixtures'
import type { TrackingStore } from './trackingStore'
import { versionDecision } from './versionDecision'

describeWithService('postgres', 'shared promotion history', (pgUrl) => {
  const mlflowUri = serviceUrl('mlflow')
  if (!mlflowUri) {
    it.skip('needs MLflow too: set SCORELINE_TEST_MLFLOW_URI', () => undefined)
    return
  }
  const prefix = testNamePrefix()
  let db: Awaited<ReturnType<typeof createTestDatabase>>
  let dir = ''
  beforeAll(async () => {
    db = await createTestDatabase(pgUrl)
    await migratePostgres(db.url)
    dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-shared-history-'))
  })
  afterAll(async () => {
    await removeByPrefix(mlflowUri, prefix)
    await db?.drop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const desktop = (name: string, databaseUrl: string | null = db.url): TrackingStore =>
    createTrackingStore(
      { trackingUri: mlflowUri, localDbPath: path.join(dir, `${name}.db`), databaseUrl },
      { autoFlushMs: false },
    )

  it("desktop B reads desktop A's decision and rolls back from it; A sees the rollback", async () => {
    const a = desktop('a')
    const b = desktop('b')
    try {
      const modelName = `${prefix}history`
      const exp = await a.ensureExperiment(`${prefix}history`)
      const make = (quality: number, n: number) =>
        candidate(a, { experimentId: exp.id, modelName, quality, key: `${prefix}${n}` })
      const v1 = await make(0.5, 1)
      await promoteOnSameMatches(a, modelName, v1, 'analyst:ana')
      const v2 = await make(0.6, 2)
      const d2 = await promoteOnSameMatches(a, modelName, v2, 'analyst:ana')
      expect(d2).toMatchObject({ action: 'promote', previousChampion: v1.version.version })

      // B has never seen these decisions locally; it reads them from the team's history
      expect(b.promotions.history(modelName)).toEqual([])
      const seen = await b.promotions.read(modelName)
      expect(seen.source).toMatch(/^shared history on postgres/)
      expect(seen.records.map((r) => [r.action, r.version, r.previousVersion ?? null])).toEqual([
        ['promote', v2.version.version, v1.version.version],
        ['promote', v1.version.version, null],
      ])
      const tags = (await b.getModelVersion(modelName, v2.version.version)).tags
      expect(
        Object.keys(tags)
          .filter((k) => k.startsWith('scoreline.promotion.'))
          .sort(),
      ).toEqual(
        ['at', 'by', 'decision', 'id', 'margin', 'n', 'scores'].map((k) => `scoreline.promotion.${k}`),
      )
      expect(tags[PROMOTION_TAGS.n]).toBe('24 same')
      const shown = versionDecision(tags, v2.version.version, seen.records)
      expect(shown).toMatchObject({ decidedBy: 'analyst:ana', outcome: 'beat-champion', matches: 24 })
      expect(shown?.reason).toBe(d2.reason)

      // B rolls back from that history, to the champion v2 replaced
      const back = await rollbackChampion(b, { modelName, decidedBy: 'analyst:bo' })
      expect(back).toMatchObject({ action: 'rollback', version: v1.version.version })
      expect((await a.getVersionByAlias(modelName, CHAMPION))?.version).toBe(v1.version.version)
      const aSees = await a.promotions.read(modelName)
      expect(aSees.records[0]).toMatchObject({ action: 'rollback', decidedBy: 'analyst:bo' })
      expect(aSees.records).toHaveLength(3)

      // a third desktop without Postgres configured still reads its own (empty) log, saying so
      const c = desktop('c', null)
      try {
        expect((await c.promotions.read(modelName)).source).toBe('this desktop')
      } finally {
        c.close()
      }
    } finally {
      a.close()
      b.close()
    }
  })
})
