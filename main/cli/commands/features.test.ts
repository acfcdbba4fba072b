import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../test/support/cli'
import { openAppDatabase } from '../../services/data/db'
import { importSimulatedLeagues } from '../../services/training/testing/simulatedStore'

const home = mkdtempSync(path.join(os.tmpdir(), 'scoreline-cli-features-'))
afterAll(() => rmSync(home, { recursive: true, force: true }))

const run = (argv: string[]) => runCli(argv, { SCORELINE_HOME: home })

describe('scoreline features', () => {
  beforeAll(() => {
    const db = openAppDatabase(path.join(home, 'scoreline.sqlite'))
    importSimulatedLeagues(db, [{ code: 'E0', teams: 8, seasons: 3, seed: 5 }])
    db.close()
  })

  it('before any model: stats show empty views, get says how to fill them, rebuild says why not (exit 1)', async () => {
    const stats = await run(['features', 'stats'])
    expect(stats.code).toBe(0)
    expect(stats.stdout).toMatch(/^Feature store: sqlite at .*features\.sqlite/)
    expect(stats.stdout).toMatch(/team_ratings\s+—\s+no versions/)
    const get = await run(['features', 'get', 'E0'])
    expect(get.code).toBe(1)
    expect(get.stdout).toMatch(/team_ratings has no active version yet: run `scoreline features rebuild`/)
    const rebuild = await run(['features', 'rebuild'])
    expect(rebuild.code).toBe(1)
    expect(rebuild.stderr).toMatch(/No champion model for E0: run the pipeline first/)
    const json = await run(['features', 'rebuild', '--json'])
    expect(JSON.parse(json.stdout).error.code).toBe('FEATURES_NO_CHAMPION')
  })

  it('after a pipeline run: stats, a league, a team, a history and a rebuild, in text and JSON', async () => {
    expect((await run(['pipeline', 'run', '--league', 'E0', '--json'])).code).toBe(0)

    const stats = JSON.parse((await run(['features', 'stats', '--json'])).stdout)
    expect(stats.backend).toBe('sqlite')
    expect(stats.views.find((v: { view: string }) => v.view === 'team_ratings').activeVersion).toBe(1)
    const text = (await run(['features', 'stats'])).stdout
    expect(text).toMatch(/team_ratings\s+@1 \*\s+active\s+8\s/)
    expect(text).toMatch(/scoreline:pipeline\s+E0@1/)

    const league = await run(['features', 'get', 'E0', '--view', 'team_form'])
    expect(league.code).toBe(0)
    expect(league.stdout).toMatch(/^E0 {2}team_form@1 {2}8 entities/)
    expect(league.stdout).toMatch(/points_per_game/)
    const teams = JSON.parse((await run(['features', 'get', 'E0', '--json'])).stdout)
    const team: string = teams.entities[0].entity

    const one = await run(['features', 'get', 'E0', team])
    expect(one.code).toBe(0)
    expect(one.stdout).toContain(`E0 ${team}  team_ratings@1`)
    expect(one.stdout).toMatch(/attack\s+-?\d/)
    const missing = await run(['features', 'get', 'E0', 'Atlantis FC', '--json'])
    expect(missing.code).toBe(1)
    expect(JSON.parse(missing.stdout)).toMatchObject({ status: 'missing', entity: 'Atlantis FC' })

    const rebuilt = await run(['features', 'rebuild'])
    expect(rebuilt.code).toBe(0)
    expect(rebuilt.stdout).toMatch(/^rebuilt team_ratings@2, team_form@2 in \d+\.\d\d s/)
    expect(rebuilt.stdout).toMatch(/E0: champion v1 \(run \S+\)/)

    const history = await run(['features', 'get', 'E0', team, '--history'])
    expect(history.code).toBe(0)
    expect(history.stdout).toContain(`E0 ${team}  team_ratings: 2 version(s), newest first`)
    expect(history.stdout).toMatch(/@2\s+active\s+E0@1/)
    expect(history.stdout).toMatch(/@1\s+retired\s+E0@1/)

    const fixture = await run(['features', 'get', 'E0', '--date', '2030-01-01', '--fixture', `${team} v X`])
    expect(fixture.code).toBe(1)
    expect(fixture.stdout).toMatch(/no_active_version: match_probabilities has no active version yet/)
  })

  it('usage mistakes and unknown views exit 1 with the reason', async () => {
    expect((await run(['features', 'get'])).stderr).toMatch(/Name a league/)
    const view = await run(['features', 'get', 'E0', '--view', 'team_vibes'])
    expect(view.code).toBe(1)
    expect(view.stderr).toMatch(/no feature view "team_vibes"/)
    const half = await run(['features', 'get', 'E0', '--date', '2030-01-01'])
    expect(half.code).toBe(1)
    expect(half.stderr).toMatch(/--fixture "Home v Away" and --date YYYY-MM-DD together/)
    const bad = await run([
      'features',
      'get',
      'E0',
      '--date',
      '2030-01-01',
      '--fixture',
      'Arsenal at Chelsea',
    ])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/--fixture must look like "Home v Away"/)
    const help = await run(['features', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/scoreline features stats \[--json\]\n\s+Views and versions/)
  })
})
