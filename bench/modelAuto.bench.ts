// `pipeline run --model auto` (#23): E0 + SP1 + D1 as an analyst's store holds them today (2020-21 .. 2025-26, the
// evaluation window the latest season), local tracking and feature stores, a pool of 2 workers at nice 0. The
// first run chooses each league's variant among every candidate on the year before the window; its baseline in
// the same process is the same first run with the leagues one at a time (one runPipeline per league, each on a
// tracking store of its own): no overlap of a league's model choice with the one before's ξ search and
// walk-forward (pipeline/run.ts). The leagues overlap, so the step times summed over them exceed the wall.
// Then the same run
// again (forced, as after this week's results: the choice reads nothing inside the window) twice: in the same
// process (the choice from the injected memo), and in a process of its own (this file with --rerun), as the
// weekly trainer and each CLI `pipeline run` are: a fresh memo, worker pool and tracking store instance over the
// same tracking database (the choice read back from the first run, pipeline/storedSelection.ts); its figure is
// the pipeline's, after the child loaded the seasons. All measured in the same run, with the time of each step
// summed over the leagues, CPU/wall and the load average. Needs ../shared/data (no simulated stand-in: the figure
// is about real seasons). `npx tsx bench/modelAuto.bench.ts` prints a table; `run()` returns the rows for bench/run.ts.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type Database from 'better-sqlite3'
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

type Proc = {
  tracking: LocalTrackingStore
  pool: ReturnType<typeof createWorkerPool>
  selectionMemo: ReturnType<typeof createSelectionMemo>
}

/** What a process holds: its own tracking store instance over the shared database, worker pool and memo. */
const openProcess = (trackingDb: string): Proc => ({
  tracking: new LocalTrackingStore({ db: openTrackingDatabase(trackingDb), ownsDb: true }),
  pool: createWorkerPool({ workerUrl: WORKER, size: 2, workerNice: 0 }),
  selectionMemo: createSelectionMemo(),
})
const closeProcess = async (p: Proc) => {
  await p.pool.close()
  p.tracking.close()
}

async function loadStore(files: readonly string[]): Promise<Database.Database> {
  const db = openMemoryDatabase()
  for (const f of files) await importFile(db, f)
  return db
}

/** One forced pipeline run over `leagues` (each league on its own, in turn, when `oneAtATime`), as a bench row. */
async function once(
  db: Database.Database,
  proc: Proc,
  features: SqliteFeatureStore,
  id: string,
  label: string,
  oneAtATime?: (league: string) => Proc,
): Promise<BenchResult> {
  // each worker's busy time (its jobs' start to end): what the schedule left idle
  const busy = new Map<number, number>()
  const pool = oneAtATime ? oneAtATime(LEAGUES[0]).pool : proc.pool
  const stop = pool.on((e) => {
    if (e.type !== 'job' || e.job.state === 'queued' || e.job.state === 'running') return
    if (e.job.startedAt === null || e.job.endedAt === null) return
    const w = e.job.workerId ?? -1
    busy.set(w, (busy.get(w) ?? 0) + e.job.endedAt - e.job.startedAt)
  })
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  const runs = oneAtATime ? LEAGUES.map((l) => [l]) : [LEAGUES]
  const leagues = []
  let featuresMs = 0
  for (const ls of runs) {
    const { tracking, pool, selectionMemo } = oneAtATime ? oneAtATime(ls[0]) : proc
    const r = await runPipeline(
      ls,
      { ...DEFAULT_PIPELINE_SETTINGS, model: 'auto' },
      {
        db,
        tracking,
        pool,
        selectionMemo,
        force: true,
        rebuildFeatures: featureStoreRebuilder(features, db),
      },
      { id: `${id}-${ls.join('-')}`, trigger: 'manual' },
    )
    if (r.state !== 'succeeded') throw new Error(`pipeline ${r.state}: ${r.summary}`)
    leagues.push(...r.leagues)
    featuresMs += r.features.ms ?? 0
  }
  const wall = performance.now() - t0
  const c = process.cpuUsage(c0)
  stop()
  const busyMs = [...busy.values()]
  const workers = `workers busy ${busyMs.map((ms) => (ms / 1000).toFixed(1)).join(' + ')} s (${((100 * busyMs.reduce((a, b) => a + b, 0)) / (pool.size * wall)).toFixed(1)} % of ${pool.size} × wall)`
  const steps = new Map<string, number>()
  for (const l of leagues) for (const s of l.steps) steps.set(s.step, (steps.get(s.step) ?? 0) + s.ms)
  const chosen = leagues
    .map((l) => `${l.league} ${l.modelVariant}${JSON.stringify(l.modelParams)}`)
    .join(', ')
  const reused = leagues.filter((l) => l.variantChoice?.note.startsWith('variant choice reused')).length
  const split = ['model', 'xi', 'backtest']
    .map((s) => `${s} ${((steps.get(s) ?? 0) / 1000).toFixed(1)} s`)
    .join(', ')
    .concat(`, feature rebuild ${(featuresMs / 1000).toFixed(1)} s`)
  return {
    name: `pipeline --model auto, ${LEAGUES.join(' + ')}, 2 workers: ${label}`,
    median_ms: Math.round(wall),
    runs: 1,
    target_ms: TARGET_MS,
    note: `${split}; ${workers}; choice reused in ${reused}/${leagues.length} leagues; CPU ${((c.user + c.system) / 1e6).toFixed(1)} s (all threads), CPU/wall ${((c.user + c.system) / 1000 / wall).toFixed(2)}; load average ${os.loadavg()[0].toFixed(1)} (${os.availableParallelism()} cores); chose ${chosen}`,
  }
}

const ROW_MARK = 'MODEL_AUTO_ROW '

/** The rerun in a process of its own (this file with --rerun <dir>): the row on stdout after ROW_MARK. */
function rerunInNewProcess(tmp: string): Promise<BenchResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--rerun', tmp],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
    child.on('error', reject)
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(ROW_MARK))
      if (code === 0 && line) resolve(JSON.parse(line.slice(ROW_MARK.length)) as BenchResult)
      else reject(new Error(`the rerun process exited with ${code}: ${out.trim().slice(-500)}`))
    })
  })
}

async function rerunChild(files: readonly string[], tmp: string): Promise<void> {
  const db = await loadStore(files)
  const proc = openProcess(path.join(tmp, 'tracking.sqlite'))
  const features = SqliteFeatureStore.open(path.join(tmp, 'features.sqlite'))
  try {
    const label = 'rerun in a new process: fresh memo and pool, same tracking DB (choice from the store)'
    process.stdout.write(
      `${ROW_MARK}${JSON.stringify(await once(db, proc, features, 'bench-auto-3', label))}\n`,
    )
  } finally {
    await closeProcess(proc)
    await features.close()
    db.close()
  }
}

function leagueFiles(): string[] | null {
  const dir = footballDataDir()
  const files = LEAGUES.flatMap((l) => SEASONS.map((s) => path.join(dir ?? '', l, `${l}_${s}.csv`)))
  return dir && files.every((f) => fs.existsSync(f)) ? files : null
}

export async function run(): Promise<BenchResult[]> {
  const files = leagueFiles()
  if (!files)
    return [
      {
        name: 'pipeline --model auto: SKIPPED (needs ../shared/data E0, SP1, D1 2020-21..2025-26)',
        median_ms: NaN,
        runs: 0,
      },
    ]
  const db = await loadStore(files)
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scoreline-bench-auto-'))
  const proc = openProcess(path.join(tmp, 'tracking.sqlite'))
  const features = SqliteFeatureStore.open(path.join(tmp, 'features.sqlite'))
  const rows: BenchResult[] = []
  // the baseline's leagues, each with a tracking store of its own (nothing stored to reuse), on a pool of
  // their own started cold like the first run's
  const alonePool = createWorkerPool({ workerUrl: WORKER, size: 2, workerNice: 0 })
  const alone = LEAGUES.map((l) => ({
    tracking: new LocalTrackingStore({
      db: openTrackingDatabase(path.join(tmp, `alone-${l}.sqlite`)),
      ownsDb: true,
    }),
    pool: alonePool,
    selectionMemo: createSelectionMemo(),
  }))
  try {
    rows.push(
      await once(
        db,
        proc,
        features,
        'bench-auto-0',
        'first run, leagues one at a time (baseline)',
        (l) => alone[LEAGUES.indexOf(l)],
      ),
    )
    rows.push(await once(db, proc, features, 'bench-auto-1', 'first run (leagues overlapping)'))
    rows.push(await once(db, proc, features, 'bench-auto-2', 'rerun, same process (choice from the memo)'))
  } finally {
    for (const a of alone) a.tracking.close()
    await alonePool.close()
    await closeProcess(proc)
    await features.close()
    db.close()
  }
  try {
    rows.push(await rerunInNewProcess(tmp))
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
  return rows
}

const rerunAt = process.argv.indexOf('--rerun')
if (isMain(import.meta.url)) {
  if (rerunAt > 0) await rerunChild(leagueFiles() ?? [], process.argv[rerunAt + 1])
  else printResults(await run())
}
