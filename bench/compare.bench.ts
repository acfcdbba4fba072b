// compare-models (#23): every registered variant, tuned on the year before and walked forward over two
// seasons of one league (E0 2023-24 and 2024-25, trained on the three years before each date), with its
// walk-forwards on a worker pool of 1 and of 2 threads, measured alternately in the same run (1, 2, then
// 2, 1, … so a change of load hits both; medians; the speed-up is their ratio), and the comparison
// checked identical. Without ../shared/data a simulated league of the same shape. The 2-worker row's
// note is the profile that bounds the speed-up (Linux, from /proc): CPU of the worker threads, of V8's
// background threads (TurboFan compiles, GC: free on the idle core with 1 worker, competing with 2) and
// of the main thread, each worker's idle time, and the serial assembly after the last job.
// COMPARE_ROUNDS (default 2) sets the rounds. `npx tsx bench/compare.bench.ts` prints a table; `run()`
// returns the rows for bench/run.ts.
import { readdirSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { footballDataDir } from '../test/support/sharedData'
import { readFootballDataFile, type ParsedMatch } from '../main/services/data/csv'
import { availableVariants, type VariantId } from '../main/model/variants'
import type { BacktestMatch } from '../main/model/backtest'
import { simulateLeagueForVariants } from '../main/model/backtest/simulatedMarket'
import { compareVariantsWith, type CompareMatch, type Comparison } from '../main/model/compare'
import { compareMatchesFrom } from '../main/cli/commands/compareModels'
import { backtestInPool } from '../main/services/training/modelJobClient'
import { packMatches, type PackedMatches } from '../main/services/training/packedMatches'
import { createWorkerPool, type WorkerPool } from '../main/services/training/workerPool'
import { type BenchResult, isMain, median, printResults } from './support'

const SEASONS = ['2019-20', '2020-21', '2021-22', '2022-23', '2023-24', '2024-25']
const FROM = '2023-07-01'
const WORKER = new URL('../main/services/training/modelWorker.ts', import.meta.url)
const TARGET_MS = 30_000

async function loadMatches(): Promise<{ matches: CompareMatch[]; source: string }> {
  const dir = footballDataDir()
  if (dir) {
    const rows: ParsedMatch[] = []
    for (const s of SEASONS)
      rows.push(...(await readFootballDataFile(path.join(dir, 'E0', `E0_${s}.csv`))).rows)
    return { matches: compareMatchesFrom(rows), source: `E0 ${SEASONS[0]}..${SEASONS[SEASONS.length - 1]}` }
  }
  const { matches } = simulateLeagueForVariants({ teams: 20, seasons: 6, seed: 23, startDate: '2019-08-09' })
  return {
    matches: matches.map((m) => ({ ...m, closingOdds: m.odds ?? null, preMatchOdds: m.odds ?? null })),
    source: 'simulated 20-team league, 6 seasons',
  }
}

/**
 * Both pools at nice 0: the app's workers run at nice 10 (they yield to the UI), which on a machine other
 * processes load decides the figure more than the number of threads. The note's CPU/wall says how much CPU
 * the run actually got (at load 16 on 2 cores: 0.32 with 1 worker and with 2, so no speed-up can show).
 */
async function warmPool(size: number): Promise<WorkerPool> {
  const pool = createWorkerPool({ workerUrl: WORKER, size, workerNice: 0 })
  const probe = packMatches([
    { date: '2020-01-01', home: 'a', away: 'b', homeGoals: 1, awayGoals: 0 },
    { date: '2020-01-02', home: 'b', away: 'a', homeGoals: 2, awayGoals: 1 },
  ])
  await Promise.all(
    Array.from({ length: size }, () =>
      pool.submit('fit', { data: probe, options: { model: 'poisson' } }).result.catch(() => null),
    ),
  )
  return pool
}

/** The comparison without its timings (what must not depend on the number of workers). */
const withoutSeconds = (c: Comparison) =>
  JSON.stringify({ ...c, variants: c.variants.map((v) => ({ ...v, seconds: 0 })) })

/** CPU ms of each thread of this process (Linux; empty elsewhere). */
function threadCpu(): Map<number, number> {
  const out = new Map<number, number>()
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      out.set(Number(tid), (Number(f[11]) + Number(f[12])) * 10) // utime + stime, in 1/100 s
    }
  } catch {
    // not Linux: no per-thread figures
  }
  return out
}

interface Measured {
  wall: number
  cpu: number
  output: string
  /** CPU ms: the pool's worker threads, V8's background threads, the main thread (0 when unknown). */
  threads: { workers: number; background: number; main: number }
  /** Per worker: ms of the run it had no job. */
  idle: number[]
  /** ms from the last job's end to the comparison (the serial assembly). */
  serial: number
}

async function measure(matches: CompareMatch[], variants: VariantId[], size: number): Promise<Measured> {
  const before = threadCpu()
  const pool = await warmPool(size)
  try {
    const workerTids = [...threadCpu().keys()].filter((t) => !before.has(t))
    const busy = new Map<number, number>()
    let lastEnd = 0
    pool.on((e) => {
      if (e.type !== 'job' || e.job.endedAt === null || e.job.startedAt === null) return
      busy.set(e.job.workerId ?? 0, (busy.get(e.job.workerId ?? 0) ?? 0) + e.job.endedAt - e.job.startedAt)
      lastEnd = Math.max(lastEnd, e.job.endedAt)
    })
    const packed = new Map<readonly BacktestMatch[], PackedMatches>()
    const t0cpu = threadCpu()
    const c0 = process.cpuUsage()
    const t0 = Date.now()
    const comparison = await compareVariantsWith(matches, { from: FROM, variants }, (m, o) => {
      let p = packed.get(m)
      if (!p) packed.set(m, (p = packMatches(m)))
      return backtestInPool(pool, p, o)
    })
    const wall = Date.now() - t0
    const c = process.cpuUsage(c0)
    const after = threadCpu()
    const delta = (tid: number) => (after.get(tid) ?? 0) - (t0cpu.get(tid) ?? 0)
    let background = 0
    for (const tid of after.keys())
      if (tid !== process.pid && !workerTids.includes(tid)) background += delta(tid)
    return {
      wall,
      cpu: (c.user + c.system) / 1000,
      output: withoutSeconds(comparison),
      threads: {
        workers: workerTids.reduce((a, t) => a + delta(t), 0),
        background,
        main: delta(process.pid),
      },
      idle: [...busy.values()].map((b) => wall - b),
      serial: lastEnd > 0 ? t0 + wall - lastEnd : 0,
    }
  } finally {
    await pool.close()
  }
}

export async function run(): Promise<BenchResult[]> {
  const { matches, source } = await loadMatches()
  const variants = availableVariants()
  const rounds = Math.max(1, Number(process.env.COMPARE_ROUNDS ?? 2))
  const runs: Record<number, Measured[]> = { 1: [], 2: [] }
  const order: [number, Measured][] = [] // (workers, run) in run order
  for (let r = 0; r < rounds; r++)
    for (const size of r % 2 === 0 ? [1, 2] : [2, 1]) {
      const m = await measure(matches, variants, size)
      runs[size].push(m)
      order.push([size, m])
    }
  // Each run's comparison, lettered by first appearance in run order (A, A, A, A when all agree).
  const letters = [...new Set(order.map(([, m]) => m.output))]
  const same =
    letters.length === 1
      ? 'same comparison'
      : `COMPARISON DIFFERS (workers:comparison in run order ${order.map(([n, m]) => `${n}:${String.fromCharCode(65 + letters.indexOf(m.output))}`).join(' ')})`
  const med = (size: number, f: (m: Measured) => number) => median(runs[size].map(f))
  const wall1 = med(1, (m) => m.wall)
  const wall2 = med(2, (m) => m.wall)
  const s = (ms: number) => (ms / 1000).toFixed(1)
  const load = `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}, ${os.availableParallelism()} cores`
  const cpuNote = (size: number) =>
    `CPU ${s(med(size, (m) => m.cpu))} s (all threads), CPU/wall ${(med(size, (m) => m.cpu) / med(size, (m) => m.wall)).toFixed(2)}`
  // What 2 cores could give at best with this CPU: 1 worker = its worker's CPU + the serial tail (V8's
  // background work and the main thread fit on the other core); 2 workers = all the run's CPU over 2 cores.
  const w1 = med(1, (m) => m.threads.workers + m.serial)
  const all2 = med(2, (m) => m.threads.workers + m.threads.background + m.threads.main)
  const profile =
    all2 > 0
      ? `; profile (medians): thread CPU workers ${s(med(2, (m) => m.threads.workers))} s (1 worker: ${s(med(1, (m) => m.threads.workers))} s), ` +
        `V8 background ${s(med(2, (m) => m.threads.background))} s (1 worker: ${s(med(1, (m) => m.threads.background))} s), ` +
        `main ${s(med(2, (m) => m.threads.main))} s; worker idle ${runs[2].map((m) => m.idle.map(s).join('/')).join(', ')} s; ` +
        `serial assembly ${Math.round(med(2, (m) => m.serial))} ms; CPU ceiling on 2 cores ×${(w1 / (all2 / 2 + med(2, (m) => m.serial) / 2)).toFixed(2)}`
      : ''
  const rounds1 = runs[1].map((m, i) => `×${(m.wall / runs[2][i].wall).toFixed(2)}`).join(' ')
  return [
    {
      name: `compare-models --models all, one league, two seasons (${variants.length} variants, ${source}), 1 worker`,
      median_ms: Math.round(wall1),
      runs: rounds,
      note: `baseline; ${cpuNote(1)}; ${load}`,
    },
    {
      name: 'compare-models --models all, one league, two seasons, 2 workers',
      median_ms: Math.round(wall2),
      runs: rounds,
      target_ms: TARGET_MS,
      note:
        `×${(wall1 / wall2).toFixed(2)} over 1 worker (target ×1.6; per round ${rounds1}); ` +
        `${same}; ${cpuNote(2)}; ${load}${profile}`,
    },
  ]
}

if (isMain(import.meta.url)) printResults(await run())
