/**
 * `--model auto` across processes (#23): two pipeline runs through two store instances over one local tracking
 * database (as two `scoreline pipeline run` processes), each with its own memo. The second reuses the first's
 * choice from the store — no walk-forward submitted — and a change to one match of the selection period makes
 * the next run choose again. Stored choices that do not read back whole are passed over, saying which and why.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalTrackingStore } from '../../tracking/localTrackingStore'
import { openTrackingDatabase } from '../../tracking/localSchema'
import { createWorkerPool, type WorkerPool } from '../workerPool'
import { simulatedAppDatabase } from '../testing/simulatedStore'
import { DEFAULT_PIPELINE_SETTINGS, experimentNameOf, runPipeline, type PipelineEvent } from '.'
import { createSelectionMemo } from './selectionMemo'
import {
  findStoredSelection,
  SELECTION_ARTIFACT,
  SELECTION_TAGS,
  storedSelectionJson,
} from './storedSelection'
import type { VariantSelection } from '../../../model/backtest'

const settings = {
  ...DEFAULT_PIPELINE_SETTINGS,
  model: 'auto' as const,
  windowYears: 2,
  xiGrid: [0.003],
  minHistory: 20,
}

describe('the --model auto choice kept in the tracking store', () => {
  let dir: string
  let pool: WorkerPool
  let variantJobs = 0
  const db = simulatedAppDatabase([{ code: 'E0', seed: 11, withShots: true }])
  const openStore = () =>
    new LocalTrackingStore({ db: openTrackingDatabase(path.join(dir, 'tracking.sqlite')), ownsDb: true })
  // one "process": its own store instance and memo over the shared tracking database
  const runInNewProcess = async (id: string, codeVersion?: string) => {
    const tracking = openStore()
    const events: PipelineEvent[] = []
    const jobsBefore = variantJobs
    try {
      const r = await runPipeline(
        ['E0'],
        settings,
        {
          db,
          tracking,
          pool: {
            ...pool,
            submit: (kind, payload, options) => {
              if (kind === 'variant') variantJobs++
              return pool.submit(kind, payload, options)
            },
          },
          force: true,
          codeVersion,
          selectionMemo: createSelectionMemo(),
          onEvent: (e) => events.push(e),
        },
        { id, trigger: 'cli' },
      )
      const l = r.leagues[0]
      expect(l.state, l.error?.message).toBe('succeeded')
      const run = await tracking.getRun(l.runId!)
      return { l, run, events, walkForwards: variantJobs - jobsBefore }
    } finally {
      tracking.close()
    }
  }
  let first: Awaited<ReturnType<typeof runInNewProcess>>
  let second: Awaited<ReturnType<typeof runInNewProcess>>

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scoreline-stored-selection-'))
    pool = createWorkerPool({ workerUrl: new URL('../modelWorker.ts', import.meta.url), size: 2 })
  })
  afterAll(async () => {
    await pool.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('the first run chooses and stores the choice under its key on the league’s run', async () => {
    first = await runInNewProcess('p1')
    expect(first.walkForwards).toBe(first.l.variantSelection!.candidates.length)
    expect(first.run.tags[SELECTION_TAGS.key]).toMatch(/^[0-9a-f]{64}$/)
    expect(first.run.tags[SELECTION_TAGS.reusedFrom]).toBeUndefined()
    expect(first.l.variantChoice).toMatchObject({ reusedFrom: null, note: 'variant chosen in this run' })
  }, 120_000)

  it('a run in a new process reuses it from the store: no walk-forward, the same selection', async () => {
    second = await runInNewProcess('p2')
    expect(second.walkForwards).toBe(0)
    expect(second.l.variantSelection).toEqual(first.l.variantSelection)
    expect(JSON.stringify(second.l.variantSelection)).toBe(JSON.stringify(first.l.variantSelection))
    const note = `variant choice reused from run ${first.l.runId} (same matches, period, options)`
    expect(second.run.tags).toMatchObject({
      [SELECTION_TAGS.key]: first.run.tags[SELECTION_TAGS.key],
      [SELECTION_TAGS.reusedFrom]: first.l.runId,
      [SELECTION_TAGS.note]: note,
    })
    expect(second.events).toContainEqual(expect.objectContaining({ type: 'log', message: `E0: ${note}` }))
  }, 120_000)

  it('one match changed before the selection period’s end: the next run chooses again', async () => {
    const { from, to } = first.l.variantSelection!.period
    const changed = db
      .prepare(
        `UPDATE matches SET home_goals = home_goals + 1 WHERE id = (SELECT id FROM matches
         WHERE league_code = 'E0' AND date BETWEEN ? AND ? ORDER BY date LIMIT 1)`,
      )
      .run(from, to)
    expect(changed.changes).toBe(1)
    const third = await runInNewProcess('p3')
    expect(third.walkForwards).toBe(first.walkForwards)
    expect(third.run.tags[SELECTION_TAGS.key]).not.toBe(first.run.tags[SELECTION_TAGS.key])
    expect(third.run.tags[SELECTION_TAGS.reusedFrom]).toBeUndefined()
  }, 120_000)

  it('other code (another version of the app) chooses again on the same matches', async () => {
    const other = await runInNewProcess('p4', 'v-next')
    expect(other.walkForwards).toBe(first.walkForwards)
    expect(other.l.variantChoice?.reusedFrom).toBeNull()
  }, 120_000)

  it('a corrupt, older-format, unfinished or mismatched stored choice is passed over, one note each', async () => {
    const tracking = openStore()
    try {
      const experiment = (await tracking.getExperimentByName(experimentNameOf()))!
      const key = first.run.tags[SELECTION_TAGS.key]
      const selection = first.l.variantSelection!
      const asked = { period: selection.period, candidates: selection.candidates }
      const store = async (content: string, status: 'FINISHED' | null = 'FINISHED') => {
        const run = await tracking.startRun({
          experimentId: experiment.id,
          tags: { [SELECTION_TAGS.key]: key },
        })
        await tracking.logArtifact(run.runId, SELECTION_ARTIFACT, content)
        if (status) await tracking.endRun(run.runId, status)
        return run.runId
      }
      const shifted: VariantSelection = { ...selection, period: { ...selection.period, from: '1999-01-01' } }
      const bad = [
        await store('{"format":"scoreline-variant-selection/0"'),
        await store(
          storedSelectionJson(key, selection).replace(SELECTION_FORMAT_V1, 'scoreline-variant-selection/0'),
        ),
        await store(storedSelectionJson(key, { ...selection, n: -3 })),
        await store(storedSelectionJson(key, shifted)),
      ]
      await store(storedSelectionJson(key, { ...selection, rps: 0 }), null)
      const found = await findStoredSelection(tracking, experimentNameOf(), key, asked)
      // the newest run that reads back whole: the second pipeline run, which stored the choice it reused
      expect(found.found).toEqual({ runId: second.l.runId, selection })
      expect(found.notes).toHaveLength(bad.length)
      for (const id of bad) expect(found.notes.join('\n')).toContain(`run ${id} ignored`)
      const why = (id: string) => found.notes.find((n) => n.includes(id))!
      expect(why(bad[0])).toMatch(/JSON/)
      expect(why(bad[1])).toMatch(/format/)
      expect(why(bad[2])).toMatch(/selection\.n/)
      expect(why(bad[3])).toMatch(/period 1999-01-01/)
      const none = await findStoredSelection(tracking, experimentNameOf(), 'f'.repeat(64), asked)
      expect(none).toEqual({ found: null, notes: [] })
    } finally {
      tracking.close()
    }
  })
})

const SELECTION_FORMAT_V1 = 'scoreline-variant-selection/1'
