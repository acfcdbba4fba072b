/**
 * Interoperability: what Scoreline writes to MLflow is read back with MLflow's own Python client
 * (`mlflow.MlflowClient`, scripts/mlflow_readback.py) and matches.
 */
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, expect, it } from 'vitest'
import { removeByPrefix, testNamePrefix } from '../../../test/support/mlflowHygiene'
import { describeWithService, servicesRequired } from '../../../test/support/services'
import { haveMlflowPython, mlflowPython } from '../../../test/support/mlflowPython'
import { openMemoryTrackingDatabase } from './localSchema'
import { MlflowClient } from './mlflowClient'
import { MlflowTrackingStore } from './mlflowTrackingStore'
import { EXPERIMENTS, recordPipelineRun, registeredModelName } from './pipelineRecorder'
import { promoteIfBetter } from './promotion'
import { PromotionLog } from './promotionLog'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const python = mlflowPython

describeWithService('mlflow', "interoperability with MLflow's Python client", (uri) => {
  const havePython = haveMlflowPython()
  // this run's own experiment and model on a shared server, removed after (#21 test hygiene)
  const prefix = testNamePrefix()
  const league = `T${randomUUID().slice(0, 6)}`
  afterAll(async () => {
    await new MlflowClient({ trackingUri: uri })
      .deleteRegisteredModel(registeredModelName(league))
      .catch(() => {})
    await removeByPrefix(uri, prefix)
  })
  it.skipIf(!havePython && !servicesRequired())(
    `runs, params, metrics, artifacts, versions and aliases read back with mlflow.MlflowClient${havePython ? '' : ` (skipped: no ${python})`}`,
    async () => {
      const db = openMemoryTrackingDatabase()
      const client = new MlflowClient({ trackingUri: uri })
      const store = new MlflowTrackingStore({ client, promotions: new PromotionLog(db, client.http.baseUrl) })
      const modelJson = {
        kind: 'dixon-coles',
        gamma: 0.27,
        rho: -0.11,
        attack: { Arsenal: 0.4 },
        defence: { Arsenal: -0.3 },
      }
      const recorded = await recordPipelineRun(store, {
        experiment: `${prefix}${EXPERIMENTS.poisson}`,
        runName: `pipeline-${league}`,
        dataFingerprint: 'sha256:abc',
        evalWindow: `${league}-2023-24`,
        params: { leagues: league, seasons: '2019-20..2023-24', xi: 0.0019, code_version: 'test' },
        metrics: [
          { key: 'rps', value: 0.205, timestamp: 1_700_000_000_000, step: 0 },
          { key: 'rps', value: 0.201, timestamp: 1_700_000_000_001, step: 1 },
        ],
        artifacts: {
          'model/model.json': JSON.stringify(modelJson),
          'predictions.csv': 'date,home,away,p_home,p_draw,p_away\n2024-05-19,Arsenal,Everton,0.7,0.2,0.1\n',
        },
        children: [
          { runName: 'fit', metrics: { log_likelihood: -1520.25, iterations: 37 } },
          { runName: 'evaluate', metrics: { model_rps: 0.201, market_rps: 0.198 } },
        ],
      })
      const model = registeredModelName(league)
      await store.ensureRegisteredModel(model)
      const version = await store.createModelVersion({
        name: model,
        runId: recorded.parentRunId,
        artifactPath: 'model',
      })
      await promoteIfBetter(store, { modelName: model, candidateVersion: version.version })

      const out = JSON.parse(
        execFileSync(
          python,
          [path.join(repo, 'scripts', 'mlflow_readback.py'), uri, recorded.parentRunId, model],
          {
            encoding: 'utf8',
            timeout: 120_000,
          },
        ),
      )
      expect(out.experiment_name).toBe(`${prefix}dixon_coles_poisson`)
      expect(out.run.run_name).toBe(`pipeline-${league}`)
      expect(out.run.status).toBe('FINISHED')
      expect(out.run.params).toEqual({
        leagues: league,
        seasons: '2019-20..2023-24',
        xi: '0.0019',
        code_version: 'test',
      })
      expect(out.run.metrics).toEqual({ rps: 0.201 })
      expect(out.run.tags['scoreline.data_fingerprint']).toBe('sha256:abc')
      expect(out.rps_history).toEqual([
        [0, 0.205],
        [1, 0.201],
      ])
      expect(out.children).toEqual([
        { run_name: 'evaluate', metrics: { model_rps: 0.201, market_rps: 0.198 }, status: 'FINISHED' },
        { run_name: 'fit', metrics: { log_likelihood: -1520.25, iterations: 37 }, status: 'FINISHED' },
      ])
      expect(out.artifacts).toEqual(['model', 'predictions.csv'])
      expect(out.model_json).toEqual(modelJson)
      expect(out.champion.version).toBe(version.version)
      expect(out.champion.run_id).toBe(recorded.parentRunId)
      expect(out.champion.tags['scoreline.promotion.decision']).toBe('promote')
      expect(out.versions).toEqual(['1'])
      db.close()
    },
  )
})
