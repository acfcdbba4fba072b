import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../test/support/cli'
import { openAppDatabase } from '../../services/data/db'
import { importSimulatedLeagues } from '../../services/training/testing/simulatedStore'
import { createSettingsStore } from '../../services/data/db/settingsStore'

const home = mkdtempSync(path.join(os.tmpdir(), 'scoreline-cli-runs-'))
afterAll(() => rmSync(home, { recursive: true, force: true }))

const run = (argv: string[]) => runCli(argv, { SCORELINE_HOME: home })

describe('scoreline runs and scoreline models', () => {
  beforeAll(async () => {
    const db = openAppDatabase(path.join(home, 'scoreline.sqlite'))
    importSimulatedLeagues(db, [
      { code: 'E0', teams: 8, seasons: 3, seed: 3 },
      { code: 'D1', teams: 8, seasons: 3, seed: 5 },
    ])
    // two executions on the same data: v1 champion, v2 challenger per league. A rerun with nothing changed
    // registers nothing ("nothing changed since v1"), so the second runs with another promotion margin.
    expect((await run(['pipeline', 'run', '--json'])).code).toBe(0)
    createSettingsStore(db).set('app.promotionMargin', '0.002')
    db.close()
    expect((await run(['pipeline', 'run', '--json'])).code).toBe(0)
  }, 240_000)

  it('runs list shows the pipeline runs; --json gives the contract shape; filters go to the store', async () => {
    const human = await run(['runs', 'list'])
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(
      /^started\s+run id\s+name\s+experiment\s+status\s+league\s+rps\s+market rps\n/,
    )
    expect(human.stdout).toMatch(/4 runs\n$/)
    const all = JSON.parse((await run(['runs', 'list', '--nested', '--json'])).stdout)
    expect(all.runs).toHaveLength(16)
    const e0 = JSON.parse(
      (
        await run([
          'runs',
          'list',
          '--experiment',
          'dixon_coles_poisson',
          '--filter',
          "params.league = 'E0'",
          '--json',
        ])
      ).stdout,
    )
    expect(e0.runs.map((r: { params: { league: string } }) => r.params.league)).toEqual(['E0', 'E0'])
    const unknown = await run(['runs', 'list', '--experiment', 'nope'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/No experiment named "nope". Experiments: dixon_coles_poisson/)
    const bad = await run(['runs', 'list', '--filter', 'metrics.rps <<< 1'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/Invalid search filter/)
  })

  it('runs compare marks differing params and the best run', async () => {
    const ids = JSON.parse((await run(['runs', 'list', '--json'])).stdout).runs.map(
      (r: { runId: string }) => r.runId,
    )
    const human = await run(['runs', 'compare', ids[0], ids[1], ids[2]])
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/params \(\d+ of \d+ differ, marked \*\)/)
    expect(human.stdout).toMatch(/\n\* league\s+\S+\s+\S+\s+\S+\n/)
    expect(human.stdout).toMatch(/\n {2}margin_method\s+shin\s+shin\s+shin\n/)
    expect(human.stdout).toMatch(/xi_grid_rps ↓ .*\[/)
    // a count states no direction and is never marked best (#20)
    const countLines = human.stdout.split('\n').filter((l) => /^\w+_n\s/.test(l))
    expect(countLines.length).toBeGreaterThan(0)
    for (const line of countLines) expect(line).not.toMatch(/[↑↓*]/)
    const diffOnly = await run(['runs', 'compare', ids[0], ids[1], '--diff-only'])
    expect(diffOnly.stdout).not.toMatch(/margin_method/)
    const json = JSON.parse((await run(['runs', 'compare', ids[0], ids[2], '--json'])).stdout)
    expect(json.runs.map((r: { runId: string }) => r.runId)).toEqual([ids[0], ids[2]])
    expect(json.histories.map((h: { key: string }) => h.key)).toContain('xi_grid_rps')
    expect((await run(['runs', 'compare', ids[0]])).code).toBe(1)
    const missing = await run(['runs', 'compare', ids[0], 'f'.repeat(32)])
    expect(missing.code).toBe(1)
  })

  it('models list, show, promote and rollback, each printing what it acted on', async () => {
    const list = await run(['models', 'list'])
    expect(list.code).toBe(0)
    expect(list.stdout).toMatch(/scoreline-D1\s+D1\s+v1 .* v2 \(rps/)
    const models = JSON.parse((await run(['models', 'list', '--json'])).stdout)
    expect(models.map((m: { name: string }) => m.name)).toEqual(['scoreline-D1', 'scoreline-E0'])

    const show = await run(['models', 'show', 'scoreline-E0'])
    expect(show.stdout).toMatch(/v2\s+challenger/)
    expect(show.stdout).toMatch(/promotion history \(this desktop\):/)

    const promote = await run(['models', 'promote', 'scoreline-E0', '2', '--reason', 'cli test'])
    expect(promote.code).toBe(0)
    expect(promote.stdout).toMatch(/metric\s+champion v1\s+v2\s+difference/)
    expect(promote.stdout).toMatch(/evaluated on the same 56 matches \(by match id\)/)
    expect(promote.stdout).toMatch(
      /scoreline-E0: champion is now v2 \(was v1\) — cli test \[.+ via the CLI\]/,
    )

    const back = JSON.parse((await run(['models', 'rollback', 'scoreline-E0', '--json'])).stdout)
    expect(back).toMatchObject({ action: 'rollback', version: '1', previousChampion: '2' })
    expect(back.comparison.champion.version).toBe('2')

    const none = await run(['models', 'promote', 'scoreline-E0', '9'])
    expect(none.code).toBe(1)
    expect(none.stderr).toMatch(/has no version 9 \(versions: 2, 1\)/)
    const unknownModel = await run(['models', 'show', 'scoreline-XX'])
    expect(unknownModel.code).toBe(1)
    expect(unknownModel.stderr).toMatch(/No registered model named scoreline-XX/)

    // the pipeline registered under the one-model-per-league names: nothing left to migrate (#21)
    const migrate = await run(['models', 'migrate-names'])
    expect([migrate.code, migrate.stdout]).toEqual([
      0,
      'No model with an old name (scoreline-dc-…): nothing to migrate.\n',
    ])
  })
})
