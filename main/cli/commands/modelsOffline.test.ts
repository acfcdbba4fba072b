/**
 * `models list` and `models show` after a pipeline run, once the MLflow server (SCORELINE_TEST_MLFLOW_URI,
 * reached through a loopback proxy) refuses connections: the run itself refreshed this desktop's copy of the
 * registry, so both answer from it, marked "offline, as of …", with the champion the run promoted (#21). A
 * league code names its model (`models show <league>` → scoreline-<league>).
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { TcpFaultProxy } from '../../../test/faults/support/faultProxy'
import { runCli } from '../../../test/support/cli'
import { removeByPrefix, testNamePrefix } from '../../../test/support/mlflowHygiene'
import { describeWithService } from '../../../test/support/services'
import { openAppDatabase } from '../../services/data/db'
import { MlflowClient } from '../../services/tracking/mlflowClient'
import { registeredModelName } from '../../services/tracking/modelName'
import { importSimulatedLeagues } from '../../services/training/testing/simulatedStore'

describeWithService(
  'mlflow',
  'scoreline models list / show after a pipeline run, MLflow unreachable',
  (uri) => {
    const league = `Off${randomBytes(3).toString('hex')}` // never a production name (test/support/mlflowHygiene.ts)
    const modelName = registeredModelName(league)
    const prefix = testNamePrefix()
    const home = mkdtempSync(path.join(os.tmpdir(), 'scoreline-models-offline-'))
    const client = new MlflowClient({ trackingUri: uri })
    let proxy: TcpFaultProxy
    let env: NodeJS.ProcessEnv

    beforeAll(async () => {
      const target = new URL(uri)
      proxy = await TcpFaultProxy.start({ host: target.hostname, port: Number(target.port) })
      env = {
        SCORELINE_HOME: home,
        MLFLOW_TRACKING_URI: proxy.urlFor(uri),
        SCORELINE_EXPERIMENT_PREFIX: prefix,
      }
      const db = openAppDatabase(path.join(home, 'scoreline.sqlite'))
      importSimulatedLeagues(db, [{ code: league, teams: 10, seasons: 3, seed: 5 }])
      db.close()
    })

    afterAll(async () => {
      await proxy?.close()
      await client.deleteRegisteredModel(modelName).catch(() => undefined)
      await removeByPrefix(uri, prefix)
      rmSync(home, { recursive: true, force: true })
    })

    it('answers from the copy the run refreshed, with its champion, and reads a league code as its model', async () => {
      const run = await runCli(['pipeline', 'run', '--league', league, '--json'], env)
      expect(run.code, run.stderr).toBe(0)
      expect(JSON.parse(run.stdout).leagues[0]).toMatchObject({ league, decision: { promoted: true } })
      const champion = (await client.getModelVersionByAlias(modelName, 'champion'))!.version

      // no `models list` or `models show` was asked online: the copy is the pipeline run's
      await proxy.setMode({ kind: 'refuse' })
      const list = await runCli(['models', 'list'], env)
      expect(list.code, list.stderr).toBe(0)
      expect(list.stdout).toMatch(/^offline, as of .*these models are this desktop's copy/)
      expect(list.stdout).toMatch(new RegExp(`${modelName}\\s+${league}\\s+v${champion}\\b`))

      const show = await runCli(['models', 'show', league], env)
      expect(show.code, show.stderr).toBe(0)
      expect(show.stdout).toMatch(/^offline, as of .*these versions are this desktop's copy/)
      expect(show.stdout).toContain(`${modelName} (${league})`)
      expect(show.stdout).toMatch(new RegExp(`v${champion}\\s+champion\\b`))
      const json = JSON.parse((await runCli(['models', 'show', modelName, '--json'], env)).stdout)
      expect(json.model).toMatchObject({ name: modelName, aliases: { champion } })
      expect(typeof json.model.offlineAsOf).toBe('number')
      expect(json.history[0]).toMatchObject({ version: champion, action: 'promote' })

      // a model this desktop never saw: the server's error, not an empty answer
      const unknown = await runCli(['models', 'show', `${league}x`], env)
      expect(unknown.code).toBe(1)
      expect(unknown.stderr).toMatch(/Cannot reach the MLflow server/)

      await proxy.setMode({ kind: 'pass' })
      const back = JSON.parse((await runCli(['models', 'show', league, '--json'], env)).stdout)
      expect(back.model.offlineAsOf ?? null).toBeNull()
      expect(back.model.aliases.champion).toBe(champion)
    }, 180_000)
  },
)
