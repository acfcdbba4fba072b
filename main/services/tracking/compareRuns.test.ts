import { tmpdir } from 'node:os'
import { expect, it } from 'vitest'
import { compareRuns } from './compareRuns'
import { openMemoryTrackingDatabase } from './localSchema'
import { LocalTrackingStore } from './localTrackingStore'

it('lines runs up: differing params and the best run per metric', async () => {
  const store = new LocalTrackingStore({
    db: openMemoryTrackingDatabase(),
    artifactsDir: tmpdir(),
    ownsDb: true,
  })
  const exp = await store.ensureExperiment('dixon_coles_blending')
  const a = await store.startRun({ experimentId: exp.id, runName: 'a' })
  const b = await store.startRun({ experimentId: exp.id, runName: 'b' })
  await store.log(a.runId, { params: { league: 'E0', xi: 0.0019 }, metrics: { rps: 0.2, accuracy: 0.5 } })
  await store.log(b.runId, { params: { league: 'E0', xi: 0.003 }, metrics: { rps: 0.21, accuracy: 0.53 } })
  const cmp = await compareRuns(store, [a.runId, b.runId])
  expect(cmp.params).toEqual([
    { key: 'league', values: ['E0', 'E0'], differs: false },
    { key: 'xi', values: ['0.0019', '0.003'], differs: true },
  ])
  expect(cmp.metrics.find((m) => m.key === 'rps')?.best).toBe(a.runId)
  expect(cmp.metrics.find((m) => m.key === 'accuracy')?.best).toBe(b.runId)
  expect(await store.searchAllRuns({ experimentIds: [exp.id], maxResults: 1 })).toHaveLength(2)
  store.close()
})
