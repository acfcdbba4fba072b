// `pipeline run --model auto` (#23): E0 + SP1 + D1 as an analyst's store holds them today (2020-21 .. 2025-26, the
// evaluation window the latest season), local tracking and feature stores, a pool of 2 workers at nice 0. The
// first run chooses each league's variant among every candidate on the year before the window; then the same run
// again (forced, as after this week's results: the choice reads nothing inside the window) twice: in the same
// process (the choice from the injected memo), and as a new process would run it — the weekly trainer, each CLI
// `pipeline run` — with a fresh memo, a fresh worker pool and a new tracking store instance over the same
// tracking database (the choice read back from the first run, pipeline/storedSelection.ts). All measured in the
// same run, with the time of each step summed over the leagues, CPU/wall and the load average. Needs ../shared/data (no simulated stand-in: the figure is about
// real seasons). `npx tsx bench/modelAuto.bench.ts` prints a table; `run()` returns the rows for bench/run.ts.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { footballDataDir } from '../test/support/sharedData'
import { openMemoryDatabase } from '../main/services/data/db'
import { importFile } from '../main/services/data/import'
import { createWorkerPool } from '../main/services/training/workerPool'
import { DEFAULT_PIPELINE_SETTINGS, runPipeline } from '../main/services/training/pipeline'
import { createSelectionMemo } from '../main/services/training/pipeline/selectionMemo'
import { featureStoreRebuilder } from '../main/services/training/featureRebuild'
import { LocalTrackingStore } from '../main/services/tracking/localTrackingStore'
import { openTrackingDatabase } from '../main/services/tracking/localSchema'
import { SqliteFeatureStore } from '../main/services/features/sqliteFeatureStore'
import { type BenchResult, isMain, printResults } from './support'

const LEAGUES = ['E0', 'SP1', 'D1']
const SEASONS = ['2020-21', '2021-22', '2022-23', '2023-24', '2024-25', '2025-26']
const WORKER = new URL('../main/services/training/modelWorker.ts', import.meta.url)
const TARGET_MS = 15_000

export async function run(): Promise<BenchResult[]> {
  const dir = footballDataDir()
  const files = LEAGUES.flatMap((l) => SEASONS.map((s) => path.join(dir ?? '', l, `${l}_${s}.csv`)))
  if (!dir || !files.every((f) => fs.existsSync(f)))
    return [
      {
        name: 'pipeline --model auto: SKIPPED (needs ../shared/data E0, SP1, D1 2020-21..2025-26)',
        median_ms: NaN,
        runs: 0,
      },
    ]
  const db = openMemoryDatabase()
  for (const f of files) await importFile(db, f)
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scoreline-bench-auto-'))
  const trackingDb = path.join(tmp, 'tracking.sqlite')
  // what a process holds: its own tracking store instance, worker pool and memo
  const openProcess = () => ({
    tracking: new LocalTrackingStore({ db: openTrackingDatabase(trackingDb), ownsDb: true }),
    pool: createWorkerPool({ workerUrl: WORKER, size: 2, workerNice: 0 }),
    selectionMemo: createSelectionMemo(),
  })
  const closeProcess = async (p: ReturnType<typeof openProcess>) => {
    await p.pool.close()
    p.tracking.close()
  }
  const features = SqliteFeatureStore.open(path.join(tmp, 'features.sqlite'))
  const rows: BenchResult[] = []
  let proc = openProcess()
  try {
    let n = 0
    const once = async (label: string) => {
      const { tracking, pool, selectionMemo } = proc
      const c0 = process.cpuUsage()
      const t0 = performance.now()
      const r = await runPipeline(
        LEAGUES,
        { ...DEFAULT_PIPELINE_SETTINGS, model: 'auto' },
        {
          db,
          tracking,
          pool,
          selectionMemo,
          force: true,
          rebuildFeatures: featureStoreRebuilder(features, db),
        },
        { id: `bench-auto-${++n}`, trigger: 'manual' },
      )
      const wall = performance.now() - t0
      const c = process.cpuUsage(c0)
      if (r.state !== 'succeeded') throw new Error(`pipeline ${r.state}: ${r.summary}`)
      const steps = new Map<string, number>()
      for (const l of r.leagues) for (const s of l.steps) steps.set(s.step, (steps.get(s.step) ?? 0) + s.ms)
      const chosen = r.leagues
        .map((l) => `${l.league} ${l.modelVariant}${JSON.stringify(l.modelParams)}`)
        .join(', ')
      const reused = r.leagues.filter((l) => l.variantChoice?.note.startsWith('variant choice reused')).length
      const split = ['model', 'xi', 'backtest']
        .map((s) => `${s} ${((steps.get(s) ?? 0) / 1000).toFixed(1)} s`)
        .join(', ')
      rows.push({
        name: `pipeline --model auto, ${LEAGUES.join(' + ')}, 2 workers: ${label}`,
        median_ms: Math.round(wall),
        runs: 1,
        target_ms: TARGET_MS,
        note: `${split}; choice reused in ${reused}/${r.leagues.length} leagues; CPU ${((c.user + c.system) / 1e6).toFixed(1)} s (all threads), CPU/wall ${((c.user + c.system) / 1000 / wall).toFixed(2)}; load average ${os.loadavg()[0].toFixed(1)} (${os.availableParallelism()} cores); chose ${chosen}`,
      })
    }
    await once('first run (baseline)')
    await once('rerun, same process (choice from the memo)')
    await closeProcess(proc)
    proc = openProcess()
    await once('rerun, new process: fresh memo and pool, same tracking DB (choice from the store)')
  } finally {
    await closeProcess(proc)
    await features.close()
    fs.rmSync(tmp, { recursive: true, force: true })
    db.close()
  }
  return rows
}

if (isMain(import.meta.url)) printResults(await run())
