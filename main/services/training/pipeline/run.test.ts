// The leagues of one run overlap (#23): the next league starts once the one before has chosen its variant,
// its tracking still comes after the one before ended, and no figure differs from running each league alone.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalTrackingStore } from '../../tracking/localTrackingStore'
import { openTrackingDatabase } from '../../tracking/localSchema'
import { createWorkerPool, type WorkerPool } from '../workerPool'
import { simulatedAppDatabase } from '../testing/simulatedStore'
import { DEFAULT_PIPELINE_SETTINGS, runPipeline, type PipelineEvent, type PipelineSettings } from '.'

const settings: PipelineSettings = {
  ...DEFAULT_PIPELINE_SETTINGS,
  windowYears: 2,
  xiGrid: [0, 0.002, 0.004],
  minHistory: 20,
}

describe('pipeline run: leagues overlap', () => {
  let dir: string
  let pool: WorkerPool
  const stores: LocalTrackingStore[] = []
  const db = simulatedAppDatabase([
    { code: 'E0', seed: 11 },
    { code: 'D1', seed: 12 },
  ])
  const store = (name: string) => {
    const s = new LocalTrackingStore({ db: openTrackingDatabase(path.join(dir, name)), ownsDb: true })
    stores.push(s)
    return s
  }

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scoreline-pipeline-overlap-'))
    pool = createWorkerPool({ workerUrl: new URL('../modelWorker.ts', import.meta.url), size: 2 })
  })
  afterAll(async () => {
    await pool.close()
    for (const s of stores) s.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('starts D1 while E0 still walks forward, tracks E0 first, and changes no figure', async () => {
    const events: PipelineEvent[] = []
    const both = await runPipeline(
      ['E0', 'D1'],
      settings,
      { db, pool, tracking: store('both.sqlite'), onEvent: (e) => events.push(e) },
      { id: 'overlap', trigger: 'manual' },
    )
    expect(both.state).toBe('succeeded')
    const at = (league: string, stage: string) =>
      events.findIndex((e) => e.type === 'progress' && e.league === league && e.stage === stage)
    // D1 started before E0's walk-forward began (E0 had chosen its variant, then searched ξ)
    expect(at('D1', 'league')).toBeGreaterThan(at('E0', 'xi'))
    expect(at('D1', 'league')).toBeLessThan(at('E0', 'backtest'))
    // tracking in league order: D1 logs its run only after E0 promoted
    expect(at('D1', 'track')).toBeGreaterThan(at('E0', 'promote'))
    expect(both.leagues.map((l) => l.league)).toEqual(['E0', 'D1'])
    // progress never goes backwards
    const fractions = events.flatMap((e) => (e.type === 'progress' ? [e.fraction] : []))
    fractions.forEach((f, i) => expect(f).toBeGreaterThanOrEqual(fractions[i - 1] ?? 0))

    // each league alone (its own tracking store, nothing to overlap with) scores bit for bit the same
    for (const league of ['E0', 'D1']) {
      const alone = await runPipeline(
        [league],
        settings,
        { db, pool, tracking: store(`${league}.sqlite`) },
        { id: `alone-${league}`, trigger: 'manual' },
      )
      const a = alone.leagues[0]
      const b = both.leagues.find((l) => l.league === league)
      expect(a.state).toBe('succeeded')
      expect({ xi: b?.xi, alpha: b?.alpha, metrics: b?.metrics, decision: b?.decision?.promoted }).toEqual({
        xi: a.xi,
        alpha: a.alpha,
        metrics: a.metrics,
        decision: a.decision?.promoted,
      })
    }
  })
})
