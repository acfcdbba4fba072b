/**
 * Tracking speed (issue 5): logging a pipeline run (3 nested runs, 60 metrics, 30 params, 4 artifacts)
 * and searching 1,000 runs with their metrics for the comparison screen — against the local MLflow server
 * (SCORELINE_TEST_MLFLOW_URI, e.g. from scripts/mlflow-server.sh) and against the local SQLite store.
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createTrackingStore } from '../main/services/tracking/createTrackingStore'
import { recordPipelineRun } from '../main/services/tracking/pipelineRecorder'
import type { PipelineRunInput } from '../main/services/tracking/pipelineRecorder'
import type { TrackingStore } from '../main/services/tracking/trackingStore'
import type { BenchResult } from './support'
import { median, timedRuns } from './support'

function pipelineRun(experiment: string, i: number): PipelineRunInput {
  const params: Record<string, string> = {}
  for (let k = 0; k < 30; k++) params[`param_${k}`] = `value-${k}`
  const metrics = (prefix: string) => {
    const m: Record<string, number> = {}
    for (let k = 0; k < 20; k++) m[`${prefix}_${k}`] = Math.random()
    return m
  }
  const rows = Array.from(
    { length: 380 },
    (_, r) => `2024-01-${String((r % 28) + 1).padStart(2, '0')},Home${r},Away${r},0.45,0.27,0.28`,
  )
  return {
    experiment,
    runName: `bench-${i}`,
    dataFingerprint: 'sha256:bench',
    params,
    metrics: metrics('parent'),
    artifacts: {
      'model/model.json': JSON.stringify({
        attack: Object.fromEntries(Array.from({ length: 20 }, (_, t) => [`Team${t}`, Math.random()])),
      }),
      'predictions.csv': `date,home,away,p_home,p_draw,p_away\n${rows.join('\n')}\n`,
      'team_ratings.csv': `team,attack,defence\n${Array.from({ length: 20 }, (_, t) => `Team${t},0.1,-0.1`).join('\n')}\n`,
      'reliability.svg': `<svg xmlns="http://www.w3.org/2000/svg">${'<rect width="1" height="1"/>'.repeat(10)}</svg>`,
    },
    children: [
      { runName: 'fit', metrics: metrics('fit') },
      { runName: 'evaluate', metrics: metrics('eval') },
    ],
  }
}

async function seed(store: TrackingStore, experimentId: string, count: number): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < count) {
      const i = next++
      const run = await store.startRun({
        experimentId,
        runName: `seed-${i}`,
        startTime: 1_700_000_000_000 + i,
      })
      const metrics: Record<string, number> = {}
      for (let k = 0; k < 20; k++) metrics[`m_${k}`] = Math.random()
      await store.log(run.runId, {
        metrics,
        params: { league: i % 2 ? 'E0' : 'SP1', window: String(i % 10) },
      })
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
}

async function suite(
  label: string,
  store: TrackingStore,
  targets: { log?: number; search: number },
): Promise<BenchResult[]> {
  const tag = `${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`
  let i = 0
  await recordPipelineRun(store, pipelineRun(`bench-pipeline-${tag}`, i++)) // warm-up
  const logTimes = await timedRuns(7, () =>
    recordPipelineRun(store, pipelineRun(`bench-pipeline-${tag}`, i++)),
  )
  const exp = await store.ensureExperiment(`bench-search-${tag}`)
  await seed(store, exp.id, 1000)
  let found = 0
  const searchTimes = await timedRuns(5, async () => {
    found = (await store.searchAllRuns({ experimentIds: [exp.id], orderBy: ['metrics.m_1 ASC'] }, 1000))
      .length
  })
  if (found !== 1000) throw new Error(`${label}: search found ${found} runs, expected 1000`)
  return [
    {
      name: `${label}: log a pipeline run (3 runs, 60 metrics, 30 params, 4 artifacts)`,
      median_ms: median(logTimes),
      runs: logTimes.length,
      target_ms: targets.log,
    },
    {
      name: `${label}: search 1,000 runs with their metrics`,
      median_ms: median(searchTimes),
      runs: searchTimes.length,
      target_ms: targets.search,
    },
  ]
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = []
  const dir = mkdtempSync(path.join(tmpdir(), 'scoreline-bench-tracking-'))
  try {
    const local = createTrackingStore({ localDbPath: path.join(dir, 'local.db') })
    results.push(...(await suite('local store', local, { search: 100 })))
    local.close()
    const uri = process.env.SCORELINE_TEST_MLFLOW_URI ?? process.env.SCORELINE_BENCH_MLFLOW_URI
    if (uri) {
      const mlflow = createTrackingStore(
        { trackingUri: uri, localDbPath: path.join(dir, 'outbox.db') },
        { autoFlushMs: false },
      )
      results.push(...(await suite('MLflow server', mlflow, { log: 500, search: 1000 })))
      mlflow.close()
    } else {
      results.push({
        name: 'MLflow server: skipped — set SCORELINE_TEST_MLFLOW_URI (scripts/mlflow-server.sh)',
        median_ms: Number.NaN,
        runs: 0,
      })
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return results
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  for (const r of await run())
    console.log(
      `${r.name}: median ${r.median_ms.toFixed(1)} ms over ${r.runs}${r.target_ms ? ` (target ≤ ${r.target_ms})` : ''}`,
    )
}
