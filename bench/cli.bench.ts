// Start-up of the `scoreline` command as a user runs it (a child process: `node bin/scoreline.mjs …`),
// each figure beside `node -e 0` measured in the same run, the commands interleaved so a busy machine
// weighs on all of them alike:
// - `scoreline --help` (target: ≤ 250 ms above `node -e 0`),
// - `scoreline info` with nothing configured (an empty data folder, no service URLs; ≤ 400 ms above),
// - a two-season I1 walk-forward backtest end to end (≤ 2 s), beside the seconds its work took.
// The I1 seasons come from ../shared/data/football-data/I1 when present, else from the seeded simulator
// (20 clubs, two seasons). `npx tsx bench/cli.bench.ts` prints a table; `run()` feeds bench/run.ts.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { footballDataDir } from '../test/support/sharedData'
import { simulateLeagueWithOdds } from '../main/model/backtest/simulatedMarket'
import { footballDataCsv } from '../main/cli/commands/modelCommands.testSupport'
import { type BenchResult, isMain, median, printResults } from './support'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const BIN = path.join(repoRoot, 'bin', 'scoreline.mjs')
const RUNS = 7

/** Two consecutive I1 seasons: the real files when they exist, else simulated ones written to `dir`. */
function i1Seasons(dir: string): { files: string[]; from: string; source: string } {
  const shared = footballDataDir()
  const real = ['2022-23', '2023-24'].map((s) => (shared ? path.join(shared, 'I1', `I1_${s}.csv`) : ''))
  if (real.every((f) => f && existsSync(f)))
    return { files: real, from: '2023-08-01', source: 'I1 2022-23..2023-24' }
  const { matches } = simulateLeagueWithOdds({ teams: 20, seasons: 2, seed: 11, startDate: '2022-08-13' })
  const files = ['2022-23', '2023-24'].map((season, i) => {
    const year = 2022 + i
    const rows = matches.filter((m) => m.date >= `${year}-07-01` && m.date < `${year + 1}-07-01`)
    const file = path.join(dir, `I1_${season}.csv`)
    writeFileSync(file, footballDataCsv(rows).replace(/^SIM,/gm, 'I1,'))
    return file
  })
  return { files, from: '2023-07-01', source: 'simulated I1 (20 clubs, 2 seasons)' }
}

/** GNU time, when installed: the child's CPU seconds (user + system), which a busy machine inflates less. */
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null

function timed(argv: string[], env: NodeJS.ProcessEnv): { ms: number; cpuMs: number | null; stdout: string } {
  const t0 = performance.now()
  const result = GNU_TIME
    ? spawnSync(GNU_TIME, ['-f', '%U %S', process.execPath, ...argv], { env, encoding: 'utf8' })
    : spawnSync(process.execPath, argv, { env, encoding: 'utf8' })
  const ms = performance.now() - t0
  if (result.status !== 0) throw new Error(`${argv.join(' ')} exited ${result.status}: ${result.stderr}`)
  const cpu = GNU_TIME ? /(\d+\.\d+) (\d+\.\d+)\s*$/.exec(result.stderr) : null
  return { ms, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : null, stdout: result.stdout }
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-cli-bench-'))
  try {
    const home = path.join(dir, 'home')
    // nothing configured: no service URLs, no settings, an empty data folder
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, SCORELINE_HOME: home }
    const i1 = i1Seasons(dir)
    const cases = {
      node: ['-e', '0'],
      help: [BIN, '--help'],
      info: [BIN, 'info'],
      backtest: [BIN, 'backtest', ...i1.files, '--from', i1.from, '--json'],
    }
    // a first start compiles the CLI if a source changed since `npm install`: not what is measured
    timed(cases.help, env)
    timed(cases.info, env)
    const times: Record<keyof typeof cases, number[]> = { node: [], help: [], info: [], backtest: [] }
    const cpu: Record<keyof typeof cases, number[]> = { node: [], help: [], info: [], backtest: [] }
    const work: number[] = []
    for (let i = 0; i < RUNS; i++) {
      for (const name of Object.keys(cases) as (keyof typeof cases)[]) {
        const { ms, cpuMs, stdout } = timed(cases[name], env)
        times[name].push(ms)
        if (cpuMs !== null) cpu[name].push(cpuMs)
        if (name === 'backtest') work.push((JSON.parse(stdout) as { seconds: number }).seconds * 1000)
      }
    }
    const node = median(times.node)
    const help = median(times.help)
    const info = median(times.info)
    const cpuNote = (name: keyof typeof cases) =>
      cpu[name].length
        ? `; CPU ${median(cpu[name]).toFixed(0)} ms (node -e 0: ${median(cpu.node).toFixed(0)} ms)`
        : ''
    return [
      { name: 'node -e 0 (baseline)', median_ms: node, runs: RUNS },
      {
        name: 'scoreline --help',
        median_ms: help,
        runs: RUNS,
        target_ms: Math.round(node + 250),
        note: `${(help - node).toFixed(0)} ms above node -e 0 (target ≤ 250)${cpuNote('help')}`,
      },
      {
        name: 'scoreline info (nothing configured)',
        median_ms: info,
        runs: RUNS,
        target_ms: Math.round(node + 400),
        note: `${(info - node).toFixed(0)} ms above node -e 0 (target ≤ 400)${cpuNote('info')}`,
      },
      {
        name: 'scoreline backtest I1, two seasons, end to end',
        median_ms: median(times.backtest),
        runs: RUNS,
        target_ms: 2000,
        note: `${i1.source}; the walk-forward itself ${median(work).toFixed(0)} ms`,
      },
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (isMain(import.meta.url)) printResults(await run())
