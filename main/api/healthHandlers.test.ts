/**
 * The health.* procedures through dispatch (input and output validated against the contract) on a real app
 * folder: a simulated league, the pipeline run through `training.runPipeline`, then the champion's health.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScoreline, type Scoreline } from '../core/scoreline'
import { openAppDatabase } from '../services/data/db'
import { importSimulatedLeagues } from '../services/training/testing/simulatedStore'
import type { HealthAlertsDto, HealthLeagueDto, HealthReportDto } from '../../shared/api/domains/health'
import type { PipelineRunDto } from '../../shared/api/domains/training'

describe('health.* through dispatch', () => {
  let home: string
  let scoreline: Scoreline
  const call = async <T>(name: string, input: unknown = {}): Promise<T> => {
    const result = await scoreline.dispatch(name, input, { transport: 'test' })
    if (!result.ok) throw Object.assign(new Error(result.error.message), result.error)
    return result.value as T
  }

  beforeAll(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'scoreline-health-api-'))
    const db = openAppDatabase(path.join(home, 'scoreline.sqlite'))
    importSimulatedLeagues(db, [{ code: 'E0', teams: 8, seasons: 3, seed: 11 }])
    db.close()
    scoreline = createScoreline({ shell: 'cli', env: { SCORELINE_HOME: home } })
  })
  afterAll(async () => {
    await scoreline?.close()
    rmSync(home, { recursive: true, force: true })
  })

  it('says there is no champion, then reports the one the pipeline promoted', async () => {
    expect(await call<HealthLeagueDto[]>('health.leagues')).toEqual([
      { league: 'E0', champion: null, matchesAfter: 0 },
    ])
    const empty = await call<HealthReportDto>('health.report', { league: 'E0' })
    expect(empty).toMatchObject({ state: 'no-champion', champion: null, verdict: null })

    const { run } = await call<{ run: PipelineRunDto }>('training.runPipeline', {
      leagues: ['E0'],
      wait: true,
    })
    expect(run.state).toBe('succeeded')
    const report = await call<HealthReportDto>('health.report', { league: 'E0' })
    expect(report.state).toBe('ready')
    expect(report.champion?.version).toBe(run.leagues[0].version)
    expect(report.evaluation?.metrics.calibrated?.rps).toBeCloseTo(
      run.leagues[0].metrics!.calibrated!.rps,
      12,
    )
    expect(report.verdict?.state).toBe('insufficient')
    expect(report.rolling!.points.length).toBeGreaterThan(0)

    const alerts = await call<HealthAlertsDto>('health.alerts')
    expect(alerts.alerts).toEqual([])
    expect(alerts.leagues).toEqual([
      {
        league: 'E0',
        modelVersion: run.leagues[0].version,
        state: 'insufficient',
        message: expect.stringContaining('not enough recent matches (0/30)'),
      },
    ])
  }, 240_000)

  it('refuses a bad league code with INVALID_INPUT', async () => {
    const result = await scoreline.dispatch('health.report', { league: '' }, { transport: 'test' })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.code).toBe('INVALID_INPUT')
  })
})
