/**
 * Experiments screen on a team MLflow server (#23): one open = `tracking.searchRuns` of an experiment with
 * 1,000 pipeline-like runs (35 metrics, 17 params, 3 tags each), on the test server
 * (SCORELINE_TEST_MLFLOW_URI), through the same handler the screen calls (without the contract's output
 * check, which costs both sides the same):
 *  - baseline: the server's search on every open (what the screen did before the mirror);
 *  - mirror: the answer from the local mirror, its incremental refresh running after the answer;
 *  - the refresh itself (experiments list + runs started, ended or running since the mark; with and
 *    without the deletion check of the 1,000 mirrored ids), and the CLI's open (refresh, then answer).
 * The runs are created once under a unique experiment name, ended, and deleted with it afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createTrackingHandlers } from '../main/api/trackingHandlers'
import type { TrackingAccess } from '../main/api/trackingHandlers'
import { resolveConfig } from '../main/core/config'
import { createEventBus } from '../main/core/eventBus'
import { createTrackingStore } from '../main/services/tracking/createTrackingStore'
import { openTrackingDatabase } from '../main/services/tracking/localSchema'
import type { OutboxTrackingStore } from '../main/services/tracking/outboxTrackingStore'
import { RunsMirror } from '../main/services/tracking/runsMirror'
import { removeByPrefix, testNamePrefix } from '../test/support/mlflowHygiene'
import type { BenchResult } from './support'
import { median, timedRuns } from './support'

const RUNS = 1000
const REPEAT = 7

async function seed(store: OutboxTrackingStore, experimentId: string): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < RUNS) {
      const i = next++
      const league = ['E0', 'E1', 'D1', 'SP1'][i % 4]
      const run = await store.startRun({
        experimentId,
        runName: `${league} pipeline bench-${i}`,
        tags: { 'scoreline.league': league, 'scoreline.eval_window': `${league}:w${i % 3}` },
        startTime: Date.now() - 30 * 86_400_000 + i * 60_000,
      })
      const params: Record<string, string | number> = { league, xi: [0.001, 0.0019, 0.003][i % 3] }
      for (let p = 0; p < 15; p++) params[`setting_${p}`] = (i + p) % 5
      const metrics: Record<string, number> = { rps: 0.18 + (i % 97) / 5000, market_rps: 0.185 }
      for (const prefix of ['model_', 'market_', 'blend_', 'calibrated_'])
        for (const m of ['rps', 'log_loss', 'brier', 'accuracy', 'ece', 'n', 'ece_top', 'rps_lo'])
          metrics[`${prefix}${m}`] = m === 'n' ? 380 : 0.2 + ((i * 7 + m.length) % 13) / 100
      metrics.log_likelihood = -1000 - i
      await store.log(run.runId, { params, metrics })
      await store.endRun(run.runId, 'FINISHED', Date.now() - 30 * 86_400_000 + i * 60_000 + 30_000)
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
}

export async function run(): Promise<BenchResult[]> {
  const uri = process.env.SCORELINE_TEST_MLFLOW_URI
  if (!uri)
    return [{ name: 'skipped — set SCORELINE_TEST_MLFLOW_URI (an MLflow server)', median_ms: NaN, runs: 0 }]
  const dir = mkdtempSync(path.join(tmpdir(), 'scoreline-bench-mirror-'))
  const prefix = `${testNamePrefix()}bench-mirror-`
  const store = createTrackingStore(
    { trackingUri: uri, localDbPath: path.join(dir, 'tracking.db') },
    { autoFlushMs: false },
  ) as OutboxTrackingStore
  const mirrors: RunsMirror[] = []
  const mirrorOf = (deleteCheckMs?: number) => {
    const mirror = new RunsMirror({
      db: openTrackingDatabase(path.join(dir, `mirror-${mirrors.length}.db`)),
      ownsDb: true,
      remote: store.remote,
      nameLike: `${prefix}%`,
      deleteCheckMs,
    })
    mirrors.push(mirror)
    return mirror
  }
  const handlersWith = (mirror: RunsMirror | null) => {
    const access: TrackingAccess = { store: () => store, mirror: () => mirror, close: () => undefined }
    return createTrackingHandlers({
      trackingAccess: access,
      events: createEventBus(),
      config: () => resolveConfig({}),
    })
  }
  try {
    const experimentId = (await store.ensureExperiment(`${prefix}runs`)).id
    await seed(store, experimentId)
    const input = { experimentIds: [experimentId], limit: 2000 }
    const count = async (answer: { runs: unknown[] } | Promise<{ runs: unknown[] }>) => {
      const n = (await answer).runs.length
      if (n !== RUNS) throw new Error(`expected ${RUNS} runs, the list had ${n}`)
    }

    const server = handlersWith(null)
    const baseline = await timedRuns(REPEAT, () =>
      count(server['tracking.searchRuns'](input, { transport: 'test' })),
    )

    const mirror = mirrorOf()
    const screen = handlersWith(mirror)
    const open = () => count(screen['tracking.searchRuns'](input, { transport: 'test' }))
    const settle = () => mirror.refresh({ experimentIds: [experimentId] })
    const first = await timedRuns(1, open)
    // each open after its predecessor's background refresh finished (an analyst coming back to the screen)
    const opens: number[] = []
    for (let i = 0; i < REPEAT; i++) {
      await settle()
      opens.push(...(await timedRuns(1, open)))
    }
    // opens back to back: each answers while the previous one's refresh is still under way
    const backToBack = await timedRuns(REPEAT, open)
    await settle()
    const incremental = await timedRuns(REPEAT, settle)
    const withDeletes = mirrorOf(0)
    await withDeletes.refresh({ experimentIds: [experimentId] })
    const incrementalDeletes = await timedRuns(REPEAT, () =>
      withDeletes.refresh({ experimentIds: [experimentId] }),
    )
    const cli = await timedRuns(REPEAT, () =>
      count(screen['tracking.searchRuns']({ ...input, refresh: 'wait' }, { transport: 'test' })),
    )
    const ratio = median(baseline) / median(opens)
    return [
      {
        name: `baseline: server search per open (${RUNS} runs, the screen before the mirror)`,
        median_ms: median(baseline),
        runs: baseline.length,
        note: 'MLflow runs/search, all pages',
      },
      {
        name: `mirror: first open (the server's full search into the mirror, once)`,
        median_ms: median(first),
        runs: first.length,
      },
      {
        name: `mirror: open (${RUNS} runs from SQLite; refresh after the answer)`,
        median_ms: median(opens),
        runs: opens.length,
        target_ms: 150,
        note: `×${ratio.toFixed(1)} faster than the baseline; back to back: ${median(backToBack).toFixed(0)} ms`,
      },
      {
        name: 'mirror: background incremental refresh (nothing changed)',
        median_ms: median(incremental),
        runs: incremental.length,
        note: 'experiments + 3 searches (started/ended since the mark, running)',
      },
      {
        name: `mirror: incremental refresh with the deletion check of ${RUNS} ids`,
        median_ms: median(incrementalDeletes),
        runs: incrementalDeletes.length,
        note: 'at most once a minute per experiment',
      },
      {
        name: `mirror: CLI open (runs list: incremental refresh, then the answer)`,
        median_ms: median(cli),
        runs: cli.length,
      },
    ]
  } finally {
    for (const m of mirrors) m.close()
    store.close()
    await removeByPrefix(uri, prefix)
    rmSync(dir, { recursive: true, force: true })
  }
}
