// Training pipeline benchmarks: the ξ search (grid of 10) on the worker pool with 1 and 2 workers (the
// speed-up is the ratio measured in the same run), and the full pipeline with local backends (SQLite
// tracking and feature stores) for one league and for four leagues: 3 seasons of training before a 1-season
// evaluation window. Real CSVs are read in place from ../shared/data (2020-21..2023-24 of E0, E1, SP1, D1);
// without them simulated leagues of the same shape are used (noted in each row). Workers are started
// (and tsx has compiled the model code in them) before timing, as in a running app.
// `npx tsx bench/training.bench.ts` prints a table; `run()` returns the rows for bench/run.ts.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type Database from 'better-sqlite3'
import { footballDataDir } from '../test/support/sharedData'
import { openMemoryDatabase } from '../main/services/data/db'
import { importFile } from '../main/services/data/import'
import { selectXi } from '../main/model/backtest'
import { createWorkerPool, type WorkerPool } from '../main/services/training/workerPool'
import { poolXiMap } from '../main/services/training/modelJobClient'
import { loadLeagueData } from '../main/services/training/leagueData'
import { DEFAULT_PIPELINE_SETTINGS, runPipeline } from '../main/services/training/pipeline'
import { featureStoreRebuilder } from '../main/services/training/featureRebuild'
import { importSimulatedLeagues } from '../main/services/training/testing/simulatedStore'
import { LocalTrackingStore } from '../main/services/tracking/localTrackingStore'
import { openTrackingDatabase } from '../main/services/tracking/localSchema'
import { SqliteFeatureStore } from '../main/services/features/sqliteFeatureStore'
import { type BenchResult } from './support'

const LEAGUES = ['E0', 'E1', 'SP1', 'D1']
const SEASONS = ['2020-21', '2021-22', '2022-23', '2023-24']
const WORKER = new URL('../main/services/training/modelWorker.ts', import.meta.url)

function seedDatabase(): { db: Database.Database; source: string } {
  const db = openMemoryDatabase()
  const dir = footballDataDir()
  if (dir && LEAGUES.every((l) => SEASONS.every((s) => fs.existsSync(path.join(dir, l, `${l}_${s}.csv`))))) {
    return { db, source: `football-data ${SEASONS[0]}..${SEASONS[3]}` }
  }
  importSimulatedLeagues(
    db,
    LEAGUES.map((code, i) => ({ code, teams: 20, seasons: 4, seed: 11 + i })),
  )
  return { db, source: 'simulated 20-team leagues, 4 seasons' }
}

async function importReal(db: Database.Database): Promise<void> {
  const dir = footballDataDir() as string
  for (const l of LEAGUES) for (const s of SEASONS) await importFile(db, path.join(dir, l, `${l}_${s}.csv`))
}

/** Median wall time; `cpu` accumulates the process CPU time (all threads) over the same runs. */
async function timed(
  fn: () => Promise<unknown>,
  runs: number,
  cpu?: { ms: number; wallMs: number },
): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    await fn()
    const wall = performance.now() - t0
    times.push(wall)
    if (cpu) {
      const c = process.cpuUsage(c0)
      cpu.ms += (c.user + c.system) / 1000
      cpu.wallMs += wall
    }
  }
  times.sort((a, b) => a - b)
  const m = times.length >> 1
  return times.length % 2 ? times[m] : (times[m - 1] + times[m]) / 2
}

/** CPU time over wall time: ~1 when one core did the work, ~2 when two did (what a second worker can add). */
const parallelism = (c: { ms: number; wallMs: number }) => (c.ms / c.wallMs).toFixed(2)

async function warmPool(size: number): Promise<WorkerPool> {
  const pool = createWorkerPool({ workerUrl: WORKER, size })
  const probe = {
    data: {
      teams: ['a', 'b'],
      home: new Int32Array([0, 1]),
      away: new Int32Array([1, 0]),
      homeGoals: new Int32Array([1, 2]),
      awayGoals: new Int32Array([0, 1]),
      dayNumber: new Int32Array([1, 2]),
      neutral: new Uint8Array(2),
    },
    options: { model: 'poisson' },
  }
  await Promise.all(Array.from({ length: size }, () => pool.submit('fit', probe).result.catch(() => null)))
  return pool
}

const round = (x: number) => Math.round(x)

export async function run(): Promise<BenchResult[]> {
  const { db, source } = seedDatabase()
  if (source.startsWith('football')) await importReal(db)
  const rows: BenchResult[] = []
  const cores = os.availableParallelism()

  // ξ search, grid of 10, one league
  const data = loadLeagueData(db, 'E0', { windowYears: 3 })
  const options = { from: data.evaluation.from, to: data.evaluation.to, windowYears: 3 }
  const xiTimes: Record<number, number> = {}
  const xiCpu: Record<number, { ms: number; wallMs: number }> = {
    1: { ms: 0, wallMs: 0 },
    2: { ms: 0, wallMs: 0 },
  }
  for (const size of [1, 2]) {
    const pool = await warmPool(size)
    try {
      xiTimes[size] = await timed(
        () => selectXi(data.matches, options, DEFAULT_PIPELINE_SETTINGS.xiGrid, poolXiMap(pool)),
        3,
        xiCpu[size],
      )
    } finally {
      await pool.close()
    }
  }
  rows.push({
    name: `ξ search E0 (grid 10, ${data.evaluation.matches} eval matches), 1 worker`,
    median_ms: round(xiTimes[1]),
    runs: 3,
    note: `${source}; CPU ${round(xiCpu[1].ms / 3)} ms/run, CPU/wall ${parallelism(xiCpu[1])}`,
  })
  rows.push({
    name: 'ξ search E0 (grid 10), 2 workers',
    median_ms: round(xiTimes[2]),
    runs: 3,
    note:
      `speed-up ×${(xiTimes[1] / xiTimes[2]).toFixed(2)} over 1 worker; CPU ${round(xiCpu[2].ms / 3)} ms/run, CPU/wall ${parallelism(xiCpu[2])} ` +
      `(${cores} cores, load average ${os.loadavg()[0].toFixed(1)})`,
  })

  // full pipeline with local backends
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scoreline-bench-training-'))
  try {
    const tracking = new LocalTrackingStore({
      db: openTrackingDatabase(path.join(dir, 'tracking.sqlite')),
      ownsDb: true,
    })
    const features = SqliteFeatureStore.open(path.join(dir, 'features.sqlite'))
    let n = 0
    const pipeline = (pool: WorkerPool, leagues: string[]) => async () => {
      const r = await runPipeline(
        leagues,
        DEFAULT_PIPELINE_SETTINGS,
        { db, tracking, pool, rebuildFeatures: featureStoreRebuilder(features, db) },
        { id: `bench-${++n}`, trigger: 'manual' },
      )
      if (r.state !== 'succeeded') throw new Error(`pipeline ${r.state}: ${r.summary}`)
    }
    for (const size of [Math.max(1, cores - 1), 2].filter((v, i, a) => a.indexOf(v) === i)) {
      const pool = await warmPool(size)
      try {
        const label = `${size} worker${size > 1 ? 's' : ''}${size === Math.max(1, cores - 1) ? ' (default: cores − 1)' : ''}`
        const one = { ms: 0, wallMs: 0 }
        rows.push({
          name: `pipeline 1 league (E0), ${label}`,
          median_ms: round(await timed(pipeline(pool, ['E0']), 3, one)),
          runs: 3,
          target_ms: 5000,
          note: `${source}; local tracking + features; CPU ${round(one.ms / 3)} ms/run, CPU/wall ${parallelism(one)}`,
        })
        const four = { ms: 0, wallMs: 0 }
        rows.push({
          name: `pipeline 4 leagues, ${label}`,
          median_ms: round(await timed(pipeline(pool, LEAGUES), 1, four)),
          runs: 1,
          target_ms: 15000,
          note: `${LEAGUES.join(', ')}; CPU ${round(four.ms)} ms, CPU/wall ${parallelism(four)}, load average ${os.loadavg()[0].toFixed(1)}`,
        })
      } finally {
        await pool.close()
      }
    }
    tracking.close()
    await features.close()
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
    db.close()
  }
  return rows
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await run()
  console.table(rows)
}
