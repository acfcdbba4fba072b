import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createSettingsStore } from '../data/db'
import { LocalTrackingStore } from '../tracking/localTrackingStore'
import { openTrackingDatabase } from '../tracking/localSchema'
import { createTrainingService, HISTORY_KEY, type TrainingEvent } from './trainingService'
import { MODEL_VARIANTS } from '../../../shared/api/domains/training'
import { availableVariants } from '../../model/variants'
import { LOCK_KEY } from './pipelineLock'
import { simulatedAppDatabase } from './testing/simulatedStore'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scoreline-training-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function setup() {
  const db = simulatedAppDatabase([
    { code: 'E0', seed: 3 },
    { code: 'D1', seed: 5 },
  ])
  const settings = createSettingsStore(db)
  const events: TrainingEvent[] = []
  const service = createTrainingService({
    db,
    settings,
    poolSize: 2,
    pipelineSettings: { windowYears: 2, xiGrid: [0, 0.003], minHistory: 20 },
    openTracking: () =>
      new LocalTrackingStore({ db: openTrackingDatabase(path.join(dir, 'tracking.sqlite')), ownsDb: true }),
    onEvent: (e) => events.push(e),
  })
  return { db, settings, service, events }
}

describe('training service', () => {
  it('runs one pipeline at a time, reports status and progress, and records the run', async () => {
    const { service, events } = setup()
    try {
      expect(service.defaultLeagues()).toEqual(['D1', 'E0'])
      const started = service.start({ leagues: ['E0'] })
      expect(service.status()).toMatchObject({
        state: 'running',
        current: { id: started.id, leagues: ['E0'] },
      })
      expect(() => service.start()).toThrow(expect.objectContaining({ code: 'PIPELINE_BUSY' }))
      expect(service.history()[0]).toMatchObject({ id: started.id, state: 'running' })
      const record = await started.done
      expect(record.state).toBe('succeeded')
      const status = service.status()
      expect(status).toMatchObject({
        state: 'idle',
        current: null,
        lastRun: { id: started.id, state: 'succeeded' },
      })
      expect(status.jobs.some((j) => j.kind === 'xi')).toBe(true)
      expect(service.history()).toHaveLength(1)
      expect(events.filter((e) => e.type === 'progress').length).toBeGreaterThan(3)
      expect(events.at(-1)).toMatchObject({ type: 'finished', run: { id: started.id } })
      // the next run can start: the lock was released
      const again = service.start({ leagues: ['D1'], trigger: 'cli' })
      expect((await again.done).trigger).toBe('cli')
      expect(service.history().map((r) => r.id)).toEqual([again.id, started.id])
    } finally {
      await service.close()
    }
  })

  it('runs a named model variant for one run only, recorded on the run; the next run uses the setting', async () => {
    const { service } = setup()
    try {
      const started = service.start({ leagues: ['E0'], model: 'poisson' })
      const record = await started.done
      expect(record.state).toBe('succeeded')
      expect(record.settings.model).toBe('poisson')
      expect(record.leagues[0]).toMatchObject({ modelVariant: 'poisson' })
      const next = await service.start({ leagues: ['E0'] }).done
      expect(next.settings.model).toBe('dixon-coles')
    } finally {
      await service.close()
    }
  })

  it('the registry implements every variant of the one shared list the contract offers', () => {
    expect(availableVariants().sort()).toEqual([...MODEL_VARIANTS].sort())
  })

  it('cancels the running pipeline within a second', async () => {
    const { service, events } = setup()
    try {
      // force: the earlier tests trained these leagues on the same data and settings ("nothing changed")
      const started = service.start({ leagues: ['E0', 'D1'], force: true })
      // cancel while E0 is being trained (a fixed delay could miss the run on a quick machine)
      const t = performance.now()
      while (
        !events.some((e) => e.type === 'progress' && e.league === 'E0') &&
        performance.now() - t < 10_000
      ) {
        await new Promise((r) => setTimeout(r, 2))
      }
      const t0 = performance.now()
      expect(service.cancel('not-this-one')).toBe(false)
      expect(service.cancel(started.id)).toBe(true)
      const record = await started.done
      expect(performance.now() - t0).toBeLessThan(1000)
      expect(record.state).toBe('cancelled')
      expect(service.history()[0].state).toBe('cancelled')
    } finally {
      await service.close()
    }
  })

  it('marks a run interrupted by a crash as failed when the next run clears its stale lock', async () => {
    const { settings, service } = setup()
    try {
      const crashed = {
        id: 'run-crashed',
        trigger: 'schedule',
        state: 'running',
        startedAt: 1,
        endedAt: null,
        leagues: [],
        features: { rebuilt: false, views: [], note: null, ms: null, error: null },
        settings: {},
        summary: 'training E0',
      }
      settings.set(HISTORY_KEY, JSON.stringify([crashed]))
      settings.set(
        LOCK_KEY,
        JSON.stringify({
          runId: 'run-crashed',
          pid: 2 ** 22 + 4321,
          hostname: os.hostname(),
          instance: 'x',
          acquiredAt: 1,
        }),
      )
      const started = service.start({ leagues: ['E0'] })
      await started.done
      const old = service.history().find((r) => r.id === 'run-crashed')
      expect(old).toMatchObject({ state: 'failed', summary: expect.stringMatching(/^interrupted/) })
    } finally {
      await service.close()
    }
  })

  it('says what to do when there is nothing to train', async () => {
    const db = simulatedAppDatabase([])
    const service = createTrainingService({
      db,
      settings: createSettingsStore(db),
      openTracking: () => {
        throw new Error('unused')
      },
    })
    expect(() => service.start()).toThrow(/No league to train.*scoreline data import/)
    await service.close()
  })
})
