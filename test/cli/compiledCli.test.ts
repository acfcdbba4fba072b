// The `scoreline` command runs compiled JavaScript (scripts/build-cli.mjs → out/cli/<hash>/), never
// TypeScript through tsx: the build is made by `npm install` (prepare) and remade when a source changes.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fitDixonColes, toMatchArrays } from '../../main/model/dixonColes'
import { simulateLeagueWithOdds } from '../../main/model/backtest/simulatedMarket'
import { createWorkerPool } from '../../main/services/training/workerPool'
import { fitInPool } from '../../main/services/training/modelJobClient'
import { describeWithService } from '../support/services'
// @ts-expect-error: a plain ES module without types (the build script)
import * as builder from '../../scripts/build-cli.mjs'

interface Manifest {
  hash: string
  dir: string
  builtAt: string
  sources: [string, number, number][]
}
const { buildCli, ensureCliBuild, cliOutDir } = builder as {
  buildCli(o?: { root?: string }): Promise<Manifest>
  ensureCliBuild(o?: { root?: string }): Promise<Manifest>
  cliOutDir(root?: string): string
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const BIN = path.join(repoRoot, 'bin', 'scoreline.mjs')

describe('the compiled CLI', () => {
  let manifest: Manifest
  beforeAll(async () => {
    manifest = await ensureCliBuild()
  }, 120_000)

  it('is what bin/scoreline.mjs runs: no tsx at run time, tsx only a dev dependency, built on install', () => {
    const result = spawnSync(process.execPath, [BIN, '--help'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    })
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/^ {2}data {2,}The local data cache/m)
    expect(result.stdout).toMatch(/^ {2}pipeline {2,}/m)
    expect(readFileSync(BIN, 'utf8')).not.toMatch(/tsx/)
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'))
    expect(pkg.dependencies.tsx).toBeUndefined()
    expect(pkg.devDependencies.tsx).toBeDefined()
    expect(pkg.scripts.prepare).toContain('scripts/build-cli.mjs')
    expect(pkg.scripts.build).toContain('scripts/build-cli.mjs')
    const dir = path.join(cliOutDir(), manifest.dir)
    for (const file of ['cli.js', 'modelWorker.js'])
      expect(readFileSync(path.join(dir, file), 'utf8')).not.toMatch(/from ["']tsx/)
  })

  it('starts its training workers from the compiled worker, which fits exactly as this thread', async () => {
    const cli = readFileSync(path.join(cliOutDir(), manifest.dir, 'cli.js'), 'utf8')
    expect(cli).toContain('./modelWorker.js')
    const pool = createWorkerPool({
      workerUrl: path.join(cliOutDir(), manifest.dir, 'modelWorker.js'),
      size: 1,
    })
    try {
      const data = toMatchArrays(simulateLeagueWithOdds({ teams: 8, seasons: 1, seed: 5 }).matches)
      expect(await fitInPool(pool, data, { xi: 0.0019 })).toEqual(fitDixonColes(data, { xi: 0.0019 }))
    } finally {
      await pool.close()
    }
  })
})

describe('rebuilding the compiled CLI', () => {
  // a tiny project of the same shape: the two entries, the build script, package files
  const root = mkdtempSync(path.join(os.tmpdir(), 'scoreline-cli-build-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
    writeFileSync(path.join(root, file), text)
  }
  beforeAll(() => {
    write('package.json', '{"type":"module"}')
    write('package-lock.json', '{}')
    write('scripts/build-cli.mjs', readFileSync(path.join(repoRoot, 'scripts/build-cli.mjs'), 'utf8'))
    write('main/cli/compiled.ts', "export { main } from './where'\n")
    write('main/cli/where.ts', 'export const main = () => import.meta.url\n')
    write('main/services/training/modelWorker.ts', 'export {}\n')
  })

  it('keeps a build whose sources were touched but not changed, rebuilds when one changed', async () => {
    const first = await buildCli({ root })
    const entry = await import(path.join(cliOutDir(root), first.dir, 'cli.js'))
    // import.meta.url still names the source file, so paths computed from it point into the checkout
    expect(entry.main()).toBe(`file://${path.join(root, 'main/cli/where.ts')}`)
    const later = new Date(Date.now() + 5000)
    utimesSync(path.join(root, 'main/cli/where.ts'), later, later)
    const touched = await ensureCliBuild({ root })
    expect(touched.hash).toBe(first.hash)
    expect(touched.builtAt).toBe(first.builtAt)
    write('main/cli/where.ts', 'export const main = () => "changed"\n')
    const changed = await ensureCliBuild({ root })
    expect(changed.hash).not.toBe(first.hash)
    expect((await import(path.join(cliOutDir(root), changed.dir, 'cli.js'))).main()).toBe('changed')
  })
})

// pg and ioredis load on first use in the compiled CLI (a stand-in per import, see build-cli.mjs): the
// real clients must work through it
describeWithService('postgres', 'the compiled CLI against Postgres and Redis', (postgres) => {
  it('reaches both through the lazily loaded clients', () => {
    const redis = process.env.SCORELINE_TEST_REDIS_URL
    const home = mkdtempSync(path.join(os.tmpdir(), 'scoreline-compiled-'))
    try {
      const result = spawnSync(
        process.execPath,
        [BIN, 'info', '--json', '--postgres', postgres, ...(redis ? ['--redis', redis] : [])],
        { encoding: 'utf8', env: { PATH: process.env.PATH, SCORELINE_HOME: home } },
      )
      expect(result.status, result.stderr).toBe(0)
      const backends = (
        JSON.parse(result.stdout) as { backends: { name: string; state: string; detail: string }[] }
      ).backends
      expect(backends.find((b) => b.name === 'postgres')).toMatchObject({
        state: 'reachable',
        detail: expect.stringMatching(/PostgreSQL/),
      })
      if (redis) expect(backends.find((b) => b.name === 'redis')).toMatchObject({ state: 'reachable' })
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })
})
