/**
 * Runs once before the test run (vitest `globalSetup` of the node and e2e projects):
 * - compiles the `scoreline` CLI if a source changed since it was built, so the suites that spawn it
 *   (end-to-end, faults) do not each rebuild it at once;
 * - on a fresh clone, builds the app (electron-vite) before any suite looks for it, so the first
 *   `npm test` runs the same tests as the second (test/stack/electronBuilder.test.ts reads `out/`, the
 *   end-to-end suites serve it); the end-to-end suites then use this build instead of rebuilding.
 * - with SCORELINE_TEST_MLFLOW_URI, guards the shared MLflow server (#21): after the suites it fails the
 *   run, naming them, on a production-named model created or changed, a run started since setup and left
 *   RUNNING, or a team experiment (`dixon_coles_poisson`, …) created or written into since setup.
 * - with SCORELINE_TEST_REDIS_URL, guards the shared Redis the same way: a key created by the suites and left
 *   behind (above all under the production feature prefix `scoreline:fs:`) fails the run, naming its prefix.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { guardProductionModels } from './mlflowHygiene'
import { guardLeftovers } from './mlflowLeftovers'
import { guardRedisKeys } from './redisHygiene'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const APP_ENTRY_POINTS = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']

// the node and e2e projects each load this setup (possibly as two module instances) in vitest's main
// process: one build per run, shared through the process
const shared = globalThis as {
  scorelineSetup?: Promise<void>
  scorelineMlflowGuard?: Promise<() => Promise<void>>
  scorelineLeftoversGuard?: Promise<() => Promise<void>>
  scorelineRedisGuard?: Promise<() => Promise<void>>
  scorelineMlflowChecked?: Promise<void>
}

/**
 * After every suite: nothing production-named written, no run left RUNNING (#21), no Redis key left behind;
 * every check always runs.
 */
export async function teardown(): Promise<void> {
  const checks = await Promise.all([
    shared.scorelineMlflowGuard,
    shared.scorelineLeftoversGuard,
    shared.scorelineRedisGuard,
  ])
  shared.scorelineMlflowChecked ??= (async () => {
    const failed: string[] = []
    for (const check of checks) await check?.().catch((error: Error) => failed.push(error.message))
    if (failed.length === 0) return
    process.exitCode = 1 // vitest only logs a teardown's error: the run must fail
    throw new Error(failed.join('\n'))
  })()
  await shared.scorelineMlflowChecked
}

// vitest runs only the teardown a default export returns (a named `teardown` beside it is ignored)
export default async function setup(): Promise<() => Promise<void>> {
  const mlflowUri = process.env.SCORELINE_TEST_MLFLOW_URI?.trim()
  shared.scorelineMlflowGuard ??= guardProductionModels(mlflowUri)
  shared.scorelineLeftoversGuard ??= guardLeftovers(mlflowUri)
  shared.scorelineRedisGuard ??= guardRedisKeys(process.env.SCORELINE_TEST_REDIS_URL?.trim())
  await Promise.all([shared.scorelineMlflowGuard, shared.scorelineLeftoversGuard, shared.scorelineRedisGuard])
  shared.scorelineSetup ??= (async () => {
    // @ts-expect-error: a plain ES module without types (the build script)
    const { ensureCliBuild } = (await import('../../scripts/build-cli.mjs')) as {
      ensureCliBuild(o?: { log?: (line: string) => void }): Promise<unknown>
    }
    try {
      await ensureCliBuild({ log: (line) => console.log(line) })
    } catch (error) {
      // a source that does not compile fails the suites that spawn the CLI, with esbuild's message; the
      // other suites still run
      console.warn(`[setup] the CLI could not be compiled: ${(error as Error).message.split('\n')[0]}`)
    }
    if (APP_ENTRY_POINTS.every((f) => existsSync(path.join(repoRoot, f)))) return
    console.log('building the app once for this run (electron-vite build): out/ is missing')
    execFileSync(
      process.execPath,
      [path.join(repoRoot, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
      {
        cwd: repoRoot,
        stdio: 'pipe',
      },
    )
    process.env.SCORELINE_E2E_SKIP_BUILD = '1'
  })()
  await shared.scorelineSetup
  return teardown
}
