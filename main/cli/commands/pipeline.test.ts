import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../test/support/cli'
import { openAppDatabase } from '../../services/data/db'
import { importSimulatedLeagues } from '../../services/training/testing/simulatedStore'

const home = mkdtempSync(path.join(os.tmpdir(), 'scoreline-cli-pipeline-'))
afterAll(() => rmSync(home, { recursive: true, force: true }))

const run = (argv: string[]) => runCli(argv, { SCORELINE_HOME: home })

describe('scoreline pipeline', () => {
  beforeAll(() => {
    const db = openAppDatabase(path.join(home, 'scoreline.sqlite'))
    importSimulatedLeagues(db, [{ code: 'E0', teams: 8, seasons: 3, seed: 3 }])
    db.close()
  })

  it('run --json trains, tracks and promotes; run again keeps the new version as challenger', async () => {
    const first = await run(['pipeline', 'run', '--league', 'E0', '--json'])
    expect(first.code).toBe(0)
    const run1 = JSON.parse(first.stdout)
    expect(run1).toMatchObject({ state: 'succeeded', trigger: 'cli' })
    expect(run1.leagues[0]).toMatchObject({ league: 'E0', version: '1', decision: { promoted: true } })
    expect(run1.features.rebuilt).toBe(true)

    const second = await run(['pipeline', 'run', '--league', 'E0'])
    expect(second.code).toBe(0)
    expect(second.stderr).toMatch(/\[ *\d+%\] E0: ξ search over 10 values/)
    expect(second.stdout).toMatch(/scoreline-dc-E0 v2: kept as challenger — .*below the margin/)
    expect(second.stdout).toMatch(/features: no champion changed/)
  })

  it('status, history and schedule', async () => {
    const status = await run(['pipeline', 'status'])
    expect(status.code).toBe(0)
    expect(status.stdout).toMatch(/^idle\n/)
    expect(status.stdout).toMatch(/schedule: Monday at 06:00 local time/)
    const history = JSON.parse((await run(['pipeline', 'history', '--json'])).stdout)
    expect(history.map((r: { state: string }) => r.state)).toEqual(['succeeded', 'succeeded'])
    const set = await run(['pipeline', 'schedule', '--cron', '15 5 * * 2'])
    expect(set.stdout).toMatch(/Tuesday at 05:15 local time/)
    expect((await run(['pipeline', 'schedule', '--off'])).stdout).toMatch(/schedule: off/)
    const bad = await run(['pipeline', 'schedule', '--cron', 'weekly'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/Cannot read the schedule "weekly"/)
  })

  it('a league without data fails with the reason and exit code 1', async () => {
    const r = await run(['pipeline', 'run', '--league', 'ZZ'])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/ZZ: FAILED — load: No played matches for league ZZ/)
  })

  it('run --model poisson trains that variant for this run only and records it; an unknown variant is refused', async () => {
    const r = await run(['pipeline', 'run', '--league', 'E0', '--model', 'poisson', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out).toMatchObject({ state: 'succeeded', trigger: 'cli', settings: { model: 'poisson' } })
    expect(out.leagues[0]).toMatchObject({ league: 'E0', modelVariant: 'poisson' })
    const human = await run(['pipeline', 'run', '--league', 'E0', '--model', 'dixon-coles'])
    expect(human.stdout).toMatch(/E0 \S+ \(\d+ matches\): dixon-coles, ξ=/)
    const bad = await run(['pipeline', 'run', '--league', 'E0', '--model', 'crystal-ball'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/--model must be "auto" or one of dixon-coles, poisson/)
  })
})
