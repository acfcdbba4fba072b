import { describe, expect, it } from 'vitest'
import { openMemoryTrackingDatabase } from './localSchema'
import { LocalTrackingStore } from './localTrackingStore'
import { EXPERIMENTS, recordPipelineRun, STAGE_TAG } from './pipelineRecorder'
import { TAGS } from './trackingStore'

describe('recordPipelineRun nests children in the parent experiment (#21)', () => {
  it('tags the parent `pipeline` and each child with its stage, all in one experiment', async () => {
    const store = new LocalTrackingStore({ db: openMemoryTrackingDatabase(), ownsDb: true })
    try {
      const recorded = await recordPipelineRun(store, {
        experiment: 'stage-test',
        runName: 'E0 pipeline',
        children: [
          { runName: 'E0 fit' },
          { runName: 'E0 blend', stage: EXPERIMENTS.blending },
          { runName: 'E0 calibration', stage: EXPERIMENTS.calibration },
        ],
      })
      const parent = await store.getRun(recorded.parentRunId)
      expect(parent.tags[STAGE_TAG]).toBe('pipeline')
      const children = await Promise.all(recorded.childRunIds.map((id) => store.getRun(id)))
      expect(children.map((c) => [c.info.experimentId, c.tags[TAGS.parentRunId], c.tags[STAGE_TAG]])).toEqual(
        [
          [recorded.experimentId, recorded.parentRunId, EXPERIMENTS.poisson],
          [recorded.experimentId, recorded.parentRunId, EXPERIMENTS.blending],
          [recorded.experimentId, recorded.parentRunId, EXPERIMENTS.calibration],
        ],
      )
      const found = await store.searchRuns({
        experimentIds: [recorded.experimentId],
        filter: `tags.\`${STAGE_TAG}\` = '${EXPERIMENTS.calibration}'`,
      })
      expect(found.items.map((r) => r.info.runName)).toEqual(['E0 calibration'])
    } finally {
      store.close()
    }
  })
})
