/**
 * `scoreline predict --league` end to end (issue 19): ≤ 500 ms from the command to the champion's served
 * probabilities, on a data folder holding a simulated league (8 teams, 3 seasons), its champion from a
 * pipeline run (local tracking store) and a fixtures file of prices.
 *
 * Rows:
 *  - the real command, a new Node process each run (`node bin/scoreline.mjs predict --league SIM …`):
 *    process start, the compiled CLI, opening the data folder, the champion's artifact, pricing;
 *  - the same through `runCommand` in this process (the CLI's own work without the process start);
 *  - baselines measured in the same run: `scoreline --help` in a new process (the start alone) and
 *    `predict --model model.json` in a new process (a saved model, no registry).
 * Run directly: `npx tsx bench/fixturesCli.bench.ts` prints the table.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runCli } from '../test/support/cli'
import { writeSimulatedSeasons } from '../main/cli/commands/modelCommands.testSupport'
import { isMain, median, printResults, type BenchResult } from './support'

const RUNS = 7
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = path.join(repo, 'bin', 'scoreline.mjs')

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10)
const ddmmyyyy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`

async function must(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const r = await runCli(argv, env)
  if (r.code !== 0) throw new Error(`scoreline ${argv.join(' ')} failed: ${r.stderr || r.stdout}`)
  return r.stdout
}

/**
 * Median wall time of a new `scoreline` process, and its median CPU time (user + system, reported by the
 * child at exit): on a loaded machine the wall time includes waiting for a core, the CPU time does not.
 */
function timeProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  cpuProbe: string,
): { wall: number; cpu: number } {
  const wall: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < RUNS + 1; i++) {
    const t0 = performance.now()
    const out = spawnSync(process.execPath, ['--require', cpuProbe, bin, ...args], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    })
    const elapsed = performance.now() - t0
    if (out.status !== 0) throw new Error(`scoreline ${args.join(' ')} failed: ${out.stderr}`)
    if (i === 0) continue // the first run may build the compiled CLI
    wall.push(elapsed)
    cpu.push(Number(/CPU_MS (\S+)/.exec(out.stderr)?.[1] ?? NaN))
  }
  return { wall: median(wall), cpu: median(cpu) }
}

export async function run(): Promise<BenchResult[]> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'scoreline-bench-fixtures-'))
  try {
    const home = path.join(root, 'home')
    const csv = path.join(root, 'csv')
    mkdirSync(csv, { recursive: true })
    const env = { SCORELINE_HOME: home, SCORELINE_LOG_LEVEL: 'error', SCORELINE_OFFLINE: '1' }
    const { files } = writeSimulatedSeasons(csv, { teams: 8, seasons: 3, seed: 4 })
    await must(['data', 'import', ...files, '--league', 'SIM'], env)
    await must(['pipeline', 'run', '--league', 'SIM'], env)
    const fixtures = path.join(root, 'fixtures.csv')
    writeFileSync(
      fixtures,
      `Div,Date,Time,HomeTeam,AwayTeam,PSH,PSD,PSA\nSIM,${ddmmyyyy(inDays(3))},15:00,Team 01,Team 02,2.05,3.45,3.70\n`,
    )
    await must(['fixtures', 'import', fixtures], env)
    const modelFile = path.join(root, 'model.json')
    await must(['fit', ...files, '--out', modelFile], env)

    const cpuProbe = path.join(root, 'cpu.cjs')
    writeFileSync(
      cpuProbe,
      "process.on('exit', () => { const u = process.cpuUsage(); require('fs').writeSync(2, '\\nCPU_MS ' + (u.user + u.system) / 1000 + '\\n') })\n",
    )
    const predict = ['predict', '--league', 'SIM', '--fixture', 'Team 01 v Team 02', '--json']
    const inProcess: number[] = []
    await must(predict, env) // warm: modules loaded once, as in a process that runs one command
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now()
      await must(predict, env)
      inProcess.push(performance.now() - t0)
    }
    const endToEnd = timeProcess(predict, env, cpuProbe)
    const start = timeProcess(['--help'], env, cpuProbe)
    const saved = timeProcess(
      ['predict', '--model', modelFile, '--fixture', 'Team 01 v Team 02', '--json'],
      env,
      cpuProbe,
    )
    const cpu = (t: { cpu: number }) => `CPU ${t.cpu.toFixed(0)} ms`
    return [
      {
        name: 'predict --league (new process, end to end)',
        median_ms: endToEnd.wall,
        runs: RUNS,
        target_ms: 500,
        note: `${cpu(endToEnd)}; champion from the local registry + latest snapshot`,
      },
      {
        name: 'predict --league (in process, modules loaded)',
        median_ms: median(inProcess),
        runs: RUNS,
        note: 'open data folder, read champion, price through dispatch',
      },
      {
        name: 'baseline: scoreline --help (new process)',
        median_ms: start.wall,
        runs: RUNS,
        note: cpu(start),
      },
      {
        name: 'baseline: predict --model model.json (new process)',
        median_ms: saved.wall,
        runs: RUNS,
        note: `${cpu(saved)}; a saved model, no registry`,
      },
    ]
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

if (isMain(import.meta.url)) printResults(await run())
