/**
 * `runs list` and `models list` against a real MLflow server (SCORELINE_TEST_MLFLOW_URI) reached through a
 * loopback proxy: while it refuses connections, both answer from this desktop's copy, marked
 * "offline, as of …" in the text and in the JSON (#21).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { TcpFaultProxy } from '../../../test/faults/support/faultProxy'
import { runCli } from '../../../test/support/cli'
import { removeByPrefix, testNamePrefix } from '../../../test/support/mlflowHygiene'
import { describeWithService } from '../../../test/support/services'
import { createTrackingStore } from '../../services/tracking/createTrackingStore'

describeWithService('mlflow', 'scoreline runs list / models list while MLflow is unreachable', (uri) => {
  const prefix = `${testNamePrefix()}cli-mirror-`
  const experiment = `${prefix}runs`
  const model = `${prefix}model`
  const home = mkdtempSync(path.join(os.tmpdir(), 'scoreline-cli-mirror-'))
  const runIds: string[] = []
  let proxy: TcpFaultProxy
  let env: NodeJS.ProcessEnv

  beforeAll(async () => {
    const target = new URL(uri)
    proxy = await TcpFaultProxy.start({ host: target.hostname, port: Number(target.port) })
    env = { SCORELINE_HOME: home, MLFLOW_TRACKING_URI: proxy.urlFor(uri) }
    const store = createTrackingStore(
      { trackingUri: uri, localDbPath: path.join(home, 'seed.db') },
      { autoFlushMs: false },
    )
    try {
      const exp = await store.ensureExperiment(experiment)
      for (const league of ['E0', 'SP1']) {
        const run = await store.startRun({ experimentId: exp.id, runName: `${league} pipeline` })
        await store.log(run.runId, { params: { league }, metrics: { rps: 0.2, market_rps: 0.21 } })
        await store.endRun(run.runId)
        runIds.push(run.runId)
      }
      await store.ensureRegisteredModel(model)
      const version = await store.createModelVersion({ name: model, runId: runIds[0], artifactPath: 'model' })
      await store.setAlias(model, 'champion', version.version)
    } finally {
      store.close()
    }
  }, 60_000)

  afterAll(async () => {
    await proxy?.close()
    await removeByPrefix(uri, prefix)
    rmSync(home, { recursive: true, force: true })
  })

  it('answers online from the server, then offline from the copy with the mark', async () => {
    const online = await runCli(['runs', 'list', '--experiment', experiment, '--json'], env)
    expect(online.code).toBe(0)
    const listed = JSON.parse(online.stdout)
    expect(listed.runs.map((r: { runId: string }) => r.runId).sort()).toEqual([...runIds].sort())
    expect(listed.mirror).toMatchObject({ offline: false })
    const models = await runCli(['models', 'list', '--json'], env)
    expect(models.code).toBe(0)
    expect(JSON.parse(models.stdout).find((m: { name: string }) => m.name === model)).toMatchObject({
      champion: { version: '1' },
    })

    await proxy.setMode({ kind: 'refuse' })
    const text = await runCli(['runs', 'list', '--experiment', experiment], env)
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(
      /^offline, as of \d{4}-\d\d-\d\d \d\d:\d\dZ: Cannot reach the MLflow server at .*\(connection refused\); these runs are this desktop's copy/,
    )
    expect(text.stdout).toContain(`127.0.0.1:${proxy.port}`)
    for (const id of runIds) expect(text.stdout).toContain(id)
    const json = JSON.parse(
      (await runCli(['runs', 'list', '--experiment', experiment, '--json'], env)).stdout,
    )
    expect(json.mirror).toMatchObject({ offline: true, asOf: listed.mirror.asOf })
    expect(json.runs).toHaveLength(2)

    const offlineModels = await runCli(['models', 'list'], env)
    expect(offlineModels.code).toBe(0)
    expect(offlineModels.stdout).toMatch(/^offline, as of .*these models are this desktop's copy/)
    expect(offlineModels.stdout).toContain(model)
    await proxy.setMode({ kind: 'pass' })
  }, 120_000)
})
