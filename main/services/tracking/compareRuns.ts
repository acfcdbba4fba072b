/**
 * The comparison screen's data: runs side by side, which params differ, and for each metric the best run
 * (lower is better for the error metrics Scoreline logs, higher for accuracy / log-likelihood).
 */
import type { Run, TrackingStore } from './trackingStore'

export interface RunComparison {
  runs: { runId: string; runName: string; status: string; startTime: number }[]
  params: { key: string; values: (string | undefined)[]; differs: boolean }[]
  metrics: { key: string; values: (number | undefined)[]; best?: string; higherIsBetter: boolean }[]
}

const HIGHER_IS_BETTER = /(^|[._])(accuracy|log_likelihood|loglik|iterations_ok|roi|auc)$/i

export function metricHigherIsBetter(key: string): boolean {
  return HIGHER_IS_BETTER.test(key)
}

export function compare(runs: Run[]): RunComparison {
  const paramKeys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort()
  const metricKeys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort()
  return {
    runs: runs.map((r) => ({
      runId: r.info.runId,
      runName: r.info.runName,
      status: r.info.status,
      startTime: r.info.startTime,
    })),
    params: paramKeys.map((key) => {
      const values = runs.map((r) => r.params[key])
      return { key, values, differs: new Set(values).size > 1 }
    }),
    metrics: metricKeys.map((key) => {
      const values = runs.map((r) => r.metrics[key])
      const higherIsBetter = metricHigherIsBetter(key)
      let best: string | undefined
      let bestValue = higherIsBetter ? -Infinity : Infinity
      values.forEach((v, i) => {
        if (v === undefined || !Number.isFinite(v)) return
        if (higherIsBetter ? v > bestValue : v < bestValue) {
          bestValue = v
          best = runs[i].info.runId
        }
      })
      return { key, values, best, higherIsBetter }
    }),
  }
}

/** Compare specific runs. */
export async function compareRuns(store: TrackingStore, runIds: string[]): Promise<RunComparison> {
  return compare(await Promise.all(runIds.map((id) => store.getRun(id))))
}
