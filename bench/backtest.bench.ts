// Walk-forward backtest benchmarks: a full EPL season (2023-24, three prior seasons as history) refitted
// before every match date, warm-started, with market, blend and calibration — against the same run with
// every refit from scratch (baseline measured in the same run) — and the CLI's `fit --repeat 50 --json`
// on one season through the in-process command. `npx tsx bench/backtest.bench.ts` prints a table;
// `run()` returns the rows for bench/run.ts. Without ../shared/data the same shapes are simulated.
import path from 'node:path'
import { PassThrough } from 'node:stream'

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { footballDataDir } from '../test/support/sharedData'
import { walkForward, type BacktestMatch, type WalkForwardOptions } from '../main/model/backtest'
import { simulateLeagueWithOdds } from '../main/model/backtest/simulatedMarket'
import { readFootballDataFile, selectMarketOdds } from '../main/services/data/csv'
import { runCommand } from '../main/cli/framework'
import { rootCommand } from '../main/cli'
import { footballDataCsv } from '../main/cli/commands/modelCommands.testSupport'
import { type BenchResult, isMain, median, printResults } from './support'

const SEASONS = ['2020-21', '2021-22', '2022-23', '2023-24']

function time(fn: () => unknown, runs: number, warmup: number): number {
  for (let i = 0; i < warmup; i++) fn()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    fn()
    times.push(performance.now() - t0)
  }
  return median(times)
}

/** Median wall time of each function, the functions run in turn `runs` times after `warmup` rounds. */
function timeInterleaved(fns: (() => unknown)[], runs: number, warmup: number): number[] {
  for (let i = 0; i < warmup; i++) fns.forEach((f) => f())
  const times = fns.map(() => [] as number[])
  for (let i = 0; i < runs; i++) {
    fns.forEach((f, k) => {
      const t0 = performance.now()
      f()
      times[k].push(performance.now() - t0)
    })
  }
  return times.map(median)
}

const round = (x: number) => Math.round(x * 1000) / 1000

async function loadData(): Promise<{
  matches: BacktestMatch[]
  files: string[]
  from: string
  source: string
  cleanup?: () => void
}> {
  const dir = footballDataDir()
  if (dir) {
    const files = SEASONS.map((s) => path.join(dir, 'E0', `E0_${s}.csv`))
    const matches: BacktestMatch[] = []
    for (const f of files) {
      for (const r of (await readFootballDataFile(f)).rows) {
        if (r.homeGoals === null || r.awayGoals === null) continue
        const o = selectMarketOdds(r)
        matches.push({
          date: r.date,
          home: r.home,
          away: r.away,
          homeGoals: r.homeGoals,
          awayGoals: r.awayGoals,
          odds: o ? [o.home, o.draw, o.away] : null,
        })
      }
    }
    return { matches, files, from: '2023-08-01', source: 'E0 2020-21..2023-24 CSVs' }
  }
  const { matches } = simulateLeagueWithOdds({ teams: 20, seasons: 4, seed: 2024, startDate: '2020-08-12' })
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'scoreline-bench-'))
  const file = path.join(tmp, 'SIM_2023-24.csv')
  writeFileSync(file, footballDataCsv(matches.filter((m) => m.date >= '2023-08-01')))
  return {
    matches,
    files: [file],
    from: '2023-08-01',
    source: 'simulated 20-team league (CSVs absent)',
    cleanup: () => rmSync(tmp, { recursive: true, force: true }),
  }
}

/** `scoreline fit <one season> --repeat N --json` in-process; returns its `seconds` (median of N fits). */
async function cliFitSeconds(
  file: string,
  repeat: number,
): Promise<{ seconds: number; iterations: number; n: number }> {
  const stdout = new PassThrough()
  const chunks: string[] = []
  stdout.on('data', (c) => chunks.push(String(c)))
  const code = await runCommand(rootCommand, ['fit', file, '--repeat', String(repeat), '--json'], {
    stdout,
    stderr: new PassThrough(),
    env: {},
  })
  if (code !== 0) throw new Error(`scoreline fit exited ${code}: ${chunks.join('')}`)
  const o = JSON.parse(chunks.join('')) as { seconds: number; iterations: number; n_matches: number }
  return { seconds: o.seconds, iterations: o.iterations, n: o.n_matches }
}

export async function run(): Promise<BenchResult[]> {
  const { matches, files, from, source, cleanup } = await loadData()
  const rows: BenchResult[] = []
  try {
    const to = '2024-06-30'
    const options: WalkForwardOptions = { from, to }
    const sample = walkForward(matches, options)
    const runs = 9
    // Warm and cold runs interleaved, so machine load and JIT state affect both alike.
    const [warm, cold] = timeInterleaved(
      [() => walkForward(matches, options), () => walkForward(matches, { ...options, warmStart: false })],
      runs,
      2,
    )
    const coldSample = walkForward(matches, { ...options, warmStart: false })
    const modelOnly = time(() => walkForward(matches, { ...options, modelOnly: true }), runs, 1)
    const m = sample.metrics
    rows.push({
      name: 'walk-forward EPL 2023-24: refit before every date, warm-started, + market/blend/calibration',
      median_ms: round(warm),
      runs,
      target_ms: 1000,
      note:
        `${source}; ${sample.rows.length} matches, ${sample.refits.length} refits, ${sample.iterations} Newton steps ` +
        `(${(sample.iterations / sample.refits.length).toFixed(1)}/refit); cold-start baseline ${round(cold)} ms ` +
        `(${coldSample.iterations} steps) = ${(cold / warm).toFixed(2)}x; RPS model ${m.model?.rps.toFixed(4)} market ${m.market?.rps.toFixed(4)}`,
    })
    rows.push({
      name: 'walk-forward EPL 2023-24, model refits + predictions only',
      median_ms: round(modelOnly),
      runs,
      note: `the Dixon-Coles part of the row above (${(modelOnly / sample.refits.length).toFixed(2)} ms per refit)`,
    })
    const seasonFile = files[files.length - 1]
    const fit = await cliFitSeconds(seasonFile, 50)
    rows.push({
      name: 'CLI `scoreline fit <E0 2023-24> --repeat 50 --json`: reported seconds',
      median_ms: round(fit.seconds * 1000),
      runs: 50,
      target_ms: 1,
      note: `in-process command, median of 50 fits from scratch (excludes reading the file); ${fit.n} matches, ${fit.iterations} Newton steps`,
    })
  } finally {
    cleanup?.()
  }
  return rows
}

if (isMain(import.meta.url)) printResults(await run())
