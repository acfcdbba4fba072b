/**
 * The suite-wide guard against runs left RUNNING and team experiments written by tests (#21), on the real
 * MLflow server: a run under this test's unique prefix is reported while RUNNING and not once ended; a
 * "team" experiment (this test's own name standing in for `dixon_coles_poisson`) is reported when created
 * and written into. It never looks before its own start, and removes what it created.
 */
import { afterAll, expect, it } from 'vitest'
import { MlflowClient } from '../../main/services/tracking/mlflowClient'
import {
  guardLeftovers,
  runsLeftRunning,
  teamExperimentWrites,
  TEAM_EXPERIMENT_NAMES,
} from './mlflowLeftovers'
import { removeByPrefix, testNamePrefix } from './mlflowHygiene'
import { describeWithService } from './services'

const failure = (check: () => Promise<void>) =>
  check().then(
    () => '',
    (error: Error) => error.message,
  )

describeWithService('mlflow', 'MLflow leftovers guard (#21)', (uri) => {
  const prefix = testNamePrefix()
  const client = new MlflowClient({ trackingUri: uri })
  afterAll(() => removeByPrefix(uri, prefix))

  it('the team experiments are the pipeline’s, and no test name is one', () => {
    expect([...TEAM_EXPERIMENT_NAMES].sort()).toEqual([
      'dixon_coles_blending',
      'dixon_coles_calibration',
      'dixon_coles_poisson',
    ])
    expect(TEAM_EXPERIMENT_NAMES).not.toContain(`${prefix}dixon_coles_poisson`)
  })

  it('names a run started after setup and left RUNNING, and passes once it ended', async () => {
    const logs: string[] = []
    const teardown = await guardLeftovers(uri, (l) => logs.push(l), { graceMs: 200 })
    const experimentId = await client.createExperiment(`${prefix}left`)
    const run = await client.createRun({ experimentId, runName: `${prefix}forgotten` })
    const runId = run.info.run_id

    expect((await runsLeftRunning(uri, Date.now() - 60_000, 0)).map((r) => r.runId)).toContain(runId)
    const message = await failure(teardown)
    expect(message).toContain(`experiment "${prefix}left" run "${prefix}forgotten"`)
    expect(message).toContain('was left RUNNING')

    await client.updateRun({ runId, status: 'FINISHED', endTime: Date.now() })
    // other engineers' suites may share the server: this run, at least, is no longer reported
    expect(await failure(teardown)).not.toContain(runId)
    expect((await runsLeftRunning(uri, Date.now() - 60_000, 0)).map((r) => r.runId)).not.toContain(runId)
  })

  it('a run RUNNING before setup is not this test run’s', async () => {
    const experimentId = await client.createExperiment(`${prefix}before`)
    const run = await client.createRun({ experimentId, runName: `${prefix}earlier` })
    const since = Date.now() + 1
    try {
      const ids = (await runsLeftRunning(uri, since, 0)).map((r) => r.runId)
      expect(ids).not.toContain(run.info.run_id)
    } finally {
      await client.updateRun({ runId: run.info.run_id, status: 'FINISHED', endTime: Date.now() })
    }
  })

  it('names a team experiment created during the run and each run written into it', async () => {
    const team = `${prefix}dixon_coles_poisson`
    const since = Date.now()
    expect(await teamExperimentWrites(uri, since, [team])).toEqual([])
    const experimentId = await client.createExperiment(team)
    const run = await client.createRun({ experimentId, runName: 'E0 pipeline t1' })
    await client.updateRun({ runId: run.info.run_id, status: 'FINISHED', endTime: Date.now() })
    const found = await teamExperimentWrites(uri, since, [team])
    expect(found[0]).toBe(`experiment "${team}" was created during the tests (id ${experimentId})`)
    expect(found[1]).toMatch(
      new RegExp(`^experiment "${team}" run "E0 pipeline t1" .* written into a team experiment$`),
    )
    expect(found).toHaveLength(2)
    // an experiment older than the run is not reported, nor are runs started before the setup
    expect(await teamExperimentWrites(uri, Date.now() + 1, [team])).toEqual([])
    const teardown = await guardLeftovers(uri, () => {}, { since, graceMs: 0, teamNames: [team] })
    expect(await failure(teardown)).toContain(`experiment "${team}" was created during the tests`)
  })

  it('without a URI it checks nothing', async () => {
    const teardown = await guardLeftovers(undefined)
    await expect(teardown()).resolves.toBeUndefined()
  })
})
