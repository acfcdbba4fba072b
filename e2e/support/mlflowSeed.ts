/**
 * A small pipeline on simulated data logged into a real MLflow server under one test run's names (#21):
 * the team's experiment names get the run's prefix and the league is a lower-case code, so nothing is
 * production-named (test/support/mlflowHygiene.ts). Two runs: Dixon-Coles, then Poisson, so the league's
 * one registered model holds two versions of different variants, with aliases.
 */
import { randomBytes } from 'node:crypto'
import { memoryMlflowStore } from '../../main/services/tracking/testing/memoryMlflowStore'
import type { TrackingStore } from '../../main/services/tracking/trackingStore'
import {
  DEFAULT_PIPELINE_SETTINGS,
  runPipeline,
  type PipelineRunRecord,
} from '../../main/services/training/pipeline'
import { simulatedAppDatabase } from '../../main/services/training/testing/simulatedStore'
import { createWorkerPool } from '../../main/services/training/workerPool'

/** The store with every experiment name under `prefix` (what the pipeline ensures and reads). */
export function prefixedExperiments(store: TrackingStore, prefix: string): TrackingStore {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'ensureExperiment' || key === 'getExperimentByName')
        return (name: string, ...rest: unknown[]) =>
          (target[key] as (...a: unknown[]) => unknown).call(target, `${prefix}${name}`, ...rest)
      const value = Reflect.get(target, key, target) as unknown
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    },
  })
}

export interface Seeded {
  prefix: string
  league: string
  runs: PipelineRunRecord[]
}

export async function seedPipelineRuns(uri: string): Promise<Seeded> {
  const tag = randomBytes(3).toString('hex')
  const prefix = `t${tag}-`
  const league = `t${tag}`
  const store = memoryMlflowStore(uri)
  const tracking = prefixedExperiments(store, prefix)
  const pool = createWorkerPool({
    workerUrl: new URL('../../main/services/training/modelWorker.ts', import.meta.url),
    size: 2,
  })
  const runs: PipelineRunRecord[] = []
  try {
    const data = simulatedAppDatabase([{ code: league, seed: 5 }])
    const base = { ...DEFAULT_PIPELINE_SETTINGS, windowYears: 2, xiGrid: [0, 0.002, 0.004], minHistory: 20 }
    for (const [i, model] of (['dixon-coles', 'poisson'] as const).entries()) {
      runs.push(
        await runPipeline(
          [league],
          { ...base, model },
          { db: data, tracking, pool },
          { id: `ui${i + 1}`, trigger: 'cli' },
        ),
      )
    }
  } finally {
    await pool.close()
    store.close()
  }
  return { prefix, league, runs }
}
