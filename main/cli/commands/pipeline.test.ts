import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../test/support/cli'
import { createSettingsStore, openAppDatabase } from '../../services/data/db'
import { LAST_SLOT_KEY } from '../../services/training/scheduler'
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

  it('run --json trains, tracks and promotes; run again on the same data and settings registers nothing', async () => {
    const first = await run(['pipeline', 'run', '--league', 'E0', '--json'])
    expect(first.code).toBe(0)
    const run1 = JSON.parse(first.stdout)
    expect(run1).toMatchObject({ state: 'succeeded', trigger: 'cli' })
    expect(run1.leagues[0]).toMatchObject({ league: 'E0', version: '1', decision: { promoted: true } })
    expect(run1.features.rebuilt).toBe(true)

    const second = await run(['pipeline', 'run', '--league', 'E0'])
    expect(second.code).toBe(0)
    // the same data fingerprint and settings as v1: nothing is refitted or registered (#20)
    expect(second.stderr).toMatch(/\[ *\d+%\] E0: nothing changed since v1 \(same data and settings\)/)
    expect(second.stdout).not.toMatch(/v2/)
    expect(second.stdout).toMatch(/features: no champion changed/)

    // --force trains and registers anyway
    const forced = await run(['pipeline', 'run', '--league', 'E0', '--force', '--json'])
    expect(forced.code).toBe(0)
    expect(JSON.parse(forced.stdout).leagues[0]).toMatchObject({ league: 'E0', version: '2' })
  })

  it('status, history and schedule', async () => {
    const status = await run(['pipeline', 'status'])
    expect(status.code).toBe(0)
    expect(status.stdout).toMatch(/^idle\n/)
    expect(status.stdout).toMatch(/schedule: Monday at 06:00 local time/)
    const history = JSON.parse((await run(['pipeline', 'history', '--json'])).stdout)
    expect(history.map((r: { state: string }) => r.state)).toEqual(['succeeded', 'succeeded', 'succeeded'])
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
    // one failure, printed once
    expect((r.stdout + r.stderr).match(/No played matches for league ZZ/g)).toHaveLength(1)
    expect(r.stderr).toMatch(/\[100%\] ZZ failed \(the reason is in the report below\)/)
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

describe('scoreline pipeline run --due (a timer without the desktop app)', () => {
  const dueHome = mkdtempSync(path.join(os.tmpdir(), 'scoreline-cli-due-'))
  afterAll(() => rmSync(dueHome, { recursive: true, force: true }))
  const due = (argv: string[] = []) =>
    runCli(['pipeline', 'run', '--due', ...argv], { SCORELINE_HOME: dueHome })
  /** As if the last scheduled run was eight days ago: this week's slot is missed. */
  const missAWeek = () => {
    const db = openAppDatabase(path.join(dueHome, 'scoreline.sqlite'))
    createSettingsStore(db).set(LAST_SLOT_KEY, String(Date.now() - 8 * 86_400_000))
    db.close()
  }
  const scheduledRuns = async () =>
    (
      JSON.parse((await runCli(['pipeline', 'history', '--json'], { SCORELINE_HOME: dueHome })).stdout) as {
        trigger: string
      }[]
    ).filter((r) => r.trigger === 'schedule').length

  beforeAll(() => {
    const db = openAppDatabase(path.join(dueHome, 'scoreline.sqlite'))
    importSimulatedLeagues(db, [{ code: 'E0', teams: 8, seasons: 3, seed: 5 }])
    db.close()
  })

  it('runs a missed slot once: the second --due does nothing and says why', async () => {
    const first = await due()
    expect(first.stdout).toMatch(/counted from now on: no run was missed; the next run is due/)
    missAWeek()
    const ran = await due(['--json'])
    expect(ran.code, ran.stderr).toBe(0)
    expect(JSON.parse(ran.stdout)).toMatchObject({ state: 'succeeded', trigger: 'schedule' })
    const again = await due()
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(
      /^nothing to run: the run due \d{4}-\d\d-\d\d \d\d:\d\dZ has already run or been started; the next run is due \d{4}-\d\d-\d\d \d\d:\d\dZ\n$/,
    )
    expect(await scheduledRuns()).toBe(1)
  }, 120_000)

  it('two --due processes started together train once', async () => {
    missAWeek()
    const before = await scheduledRuns()
    const bin = path.resolve(import.meta.dirname, '../../../bin/scoreline.mjs')
    const start = () =>
      new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, [bin, 'pipeline', 'run', '--due', '--json'], {
          env: { PATH: process.env.PATH, SCORELINE_HOME: dueHome },
        })
        let stdout = ''
        child.stdout.on('data', (c) => (stdout += String(c)))
        child.on('close', (code) => resolve({ code, stdout }))
      })
    const results = await Promise.all([start(), start()])
    expect(results.map((r) => r.code)).toEqual([0, 0])
    const outputs = results.map(
      (r) => JSON.parse(r.stdout) as { state?: string; ran?: boolean; reason?: string },
    )
    expect(outputs.filter((o) => o.state === 'succeeded')).toHaveLength(1)
    expect(outputs.find((o) => o.ran === false)?.reason).toMatch(/has already run or been started/)
    expect(await scheduledRuns()).toBe(before + 1)
  }, 180_000)

  it('says so when the schedule is off, and refuses --league (the schedule decides what runs)', async () => {
    await runCli(['pipeline', 'schedule', '--off'], { SCORELINE_HOME: dueHome })
    expect((await due()).stdout).toMatch(/nothing to run: the schedule is off/)
    const league = await due(['--league', 'E0'])
    expect(league.code).toBe(1)
    expect(league.stderr).toMatch(/--due runs what the schedule runs/)
  })
})
