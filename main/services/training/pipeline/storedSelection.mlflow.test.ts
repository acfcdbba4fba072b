/**
 * The stored `--model auto` choice on a real MLflow server (#23): one desktop records it on a FINISHED run, a
 * second (its own store instance) finds it by the selection-key tag and reads it back bit for bit; a run still
 * RUNNING or a corrupt artifact is passed over. Per-run experiments, removed after.
 */
import { afterAll, expect, it } from 'vitest'
import { removeByPrefix, testNamePrefix } from '../../../../test/support/mlflowHygiene'
import { describeWithService } from '../../../../test/support/services'
import { selectionPeriodBefore, selectVariant, variantCandidates } from '../../../model/backtest'
import { simulateLeagueForVariants } from '../../../model/backtest/simulatedMarket'
import { memoryMlflowStore } from '../../tracking/testing/memoryMlflowStore'
import { selectionKey } from './selectionMemo'
import {
  CHOSEN_NOTE,
  findStoredSelection,
  recordSelection,
  SELECTION_ARTIFACT,
  SELECTION_TAGS,
} from './storedSelection'
import { experimentNameOf } from './types'

describeWithService('mlflow', 'the --model auto choice on a real MLflow server', (uri) => {
  const prefix = testNamePrefix()
  const desktop = () => memoryMlflowStore(uri)
  const a = desktop()
  const b = desktop()
  afterAll(async () => {
    a.close()
    b.close()
    await removeByPrefix(uri, prefix)
  })

  it('one desktop stores it, another finds it by key; RUNNING runs and corrupt artifacts are passed over', async () => {
    const { matches } = simulateLeagueForVariants()
    const period = selectionPeriodBefore('2022-08-01')
    const candidates = variantCandidates(['dixon-coles', 'poisson'])
    const options = { windowYears: 3, xi: 0.0019 }
    const selection = await selectVariant(matches, options, period, candidates, undefined, '2022-08-01')
    const key = selectionKey(matches, period, options, candidates)
    const experiment = await a.ensureExperiment(experimentNameOf(prefix))
    const run = async (status: 'FINISHED' | null, content?: string) => {
      const r = await a.startRun({ experimentId: experiment.id, runName: 'selection' })
      if (content === undefined)
        await recordSelection(a, r.runId, { key, reusedFrom: null, note: CHOSEN_NOTE }, selection)
      else {
        await a.logArtifact(r.runId, SELECTION_ARTIFACT, content)
        await a.log(r.runId, { tags: { [SELECTION_TAGS.key]: key } })
      }
      if (status) await a.endRun(r.runId, status)
      return r.runId
    }
    const asked = { period, candidates }
    expect(await findStoredSelection(b, experimentNameOf(prefix), key, asked)).toEqual({
      found: null,
      notes: [],
    })
    const stored = await run('FINISHED')
    await run(null)
    const corrupt = await run('FINISHED', '{"format": "scoreline-variant-selection/1", "key": 1}')
    const found = await findStoredSelection(b, experimentNameOf(prefix), key, asked)
    expect(found.found?.runId).toBe(stored)
    expect(JSON.stringify(found.found?.selection)).toBe(JSON.stringify(selection))
    expect(found.notes).toEqual([expect.stringContaining(`run ${corrupt} ignored`)])
    // another key (one match fewer before the period's end) finds nothing
    const other = selectionKey(matches.slice(1), period, options, candidates)
    expect((await findStoredSelection(b, experimentNameOf(prefix), other, asked)).found).toBeNull()
  }, 60_000)
})
