// compare-models (#23): every registered variant, tuned on the year before and walked forward over two
// seasons of one league (E0 2023-24 and 2024-25, trained on the three years before each date), with its
// walk-forwards on a worker pool of 1 and of 2 threads, measured in the same run (the speed-up is their
// ratio), and the comparison checked identical. Without ../shared/data a simulated league of the same shape.
// `npx tsx bench/compare.bench.ts` prints a table; `run()` returns the rows for bench/run.ts.
import os from 'node:os'
import path from 'node:path'
import { footballDataDir } from '../test/support/sharedData'
import { readFootballDataFile, type ParsedMatch } from '../main/services/data/csv'
import { availableVariants } from '../main/model/variants'
import type { BacktestMatch } from '../main/model/backtest'
import { simulateLeagueForVariants } from '../main/model/backtest/simulatedMarket'
import { compareVariantsWith, type CompareMatch, type Comparison } from '../main/model/compare'
import { compareMatchesFrom } from '../main/cli/commands/compareModels'
import { backtestInPool } from '../main/services/training/modelJobClient'
import { packMatches, type PackedMatches } from '../main/services/training/packedMatches'
import { createWorkerPool, type WorkerPool } from '../main/services/training/workerPool'
import { type BenchResult, isMain, printResults } from './support'

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

export async function run(): Promise<BenchResult[]> {
  const { matches, source } = await loadMatches()
  const variants = availableVariants()
  const times: Record<number, number> = {}
  const cpu: Record<number, number> = {}
  const outputs: Record<number, string> = {}
  for (const size of [1, 2]) {
    const pool = await warmPool(size)
    try {
      const packed = new Map<readonly BacktestMatch[], PackedMatches>()
      const c0 = process.cpuUsage()
      const t0 = performance.now()
      const comparison = await compareVariantsWith(matches, { from: FROM, variants }, (m, o) => {
        let p = packed.get(m)
        if (!p) packed.set(m, (p = packMatches(m)))
        return backtestInPool(pool, p, o)
      })
      times[size] = performance.now() - t0
      const c = process.cpuUsage(c0)
      cpu[size] = (c.user + c.system) / 1000
      outputs[size] = withoutSeconds(comparison)
    } finally {
      await pool.close()
    }
  }
  const same = outputs[1] === outputs[2]
  const load = `load average ${os.loadavg()[0].toFixed(1)}, ${os.availableParallelism()} cores`
  return [
    {
      name: `compare-models --models all, one league, two seasons (${variants.length} variants, ${source}), 1 worker`,
      median_ms: Math.round(times[1]),
      runs: 1,
      note: `baseline; CPU ${(cpu[1] / 1000).toFixed(1)} s (all threads), CPU/wall ${(cpu[1] / times[1]).toFixed(2)}; ${load}`,
    },
    {
      name: 'compare-models --models all, one league, two seasons, 2 workers',
      median_ms: Math.round(times[2]),
      runs: 1,
      target_ms: TARGET_MS,
      note: `×${(times[1] / times[2]).toFixed(2)} over 1 worker (target ×1.6); ${same ? 'same comparison' : 'COMPARISON DIFFERS'}; CPU ${(cpu[2] / 1000).toFixed(1)} s, CPU/wall ${(cpu[2] / times[2]).toFixed(2)}; ${load}`,
    },
  ]
}

if (isMain(import.meta.url)) printResults(await run())
