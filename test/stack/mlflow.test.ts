/**
 * The compose file's MLflow (docker-compose.yml's exact `mlflow server` command, see mlflowServer.ts)
 * on a Postgres backend made by the stack's init script: runs and metrics land in Postgres, artifacts go
 * through the server into --artifacts-destination, desktop clients' Host headers are accepted and
 * unknown hosts refused with the message the README quotes.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeWithService } from '../support/services'
import { dbUrl, dropTarget } from './initdb'
import { noCompose, request, startServer, STARTUP_MS, tables, type Server } from './mlflowServer'
import { COMPOSE_FILE, root } from './support'

/** Requests can take seconds each on a busy machine. */
const slowIt = (name: string, fn: () => Promise<void>): void => it.skipIf(noCompose)(name, fn, 120_000)

describeWithService(
  'postgres',
  "the compose file's `mlflow server` command with a Postgres backend",
  (baseUrl) => {
    let server: Server | undefined
    beforeAll(async () => {
      if (noCompose) return
      server = await startServer(baseUrl, [COMPOSE_FILE])
    }, STARTUP_MS)
    afterAll(async () => {
      await server?.stop()
      if (server) await dropTarget(baseUrl, server.target)
    })

    slowIt('keeps experiments and runs in its Postgres database', async () => {
      const s = server as Server
      expect(await tables(dbUrl(s.target.url, s.target.mlflowDb))).toEqual(
        expect.arrayContaining(['experiments', 'runs', 'metrics', 'registered_models', 'alembic_version']),
      )
      const created = await request(s.port, 'POST', '/api/2.0/mlflow/experiments/create', {
        body: { name: 'stack-test' },
      })
      expect(created.status).toBe(200)
      const experimentId = String(created.json().experiment_id)
      const runCreated = await request(s.port, 'POST', '/api/2.0/mlflow/runs/create', {
        body: { experiment_id: experimentId, start_time: Date.now() },
      })
      expect(runCreated.status).toBe(200)
      const run = (runCreated.json().run as { info: { run_id: string; artifact_uri: string } }).info
      const logged = await request(s.port, 'POST', '/api/2.0/mlflow/runs/log-metric', {
        body: { run_id: run.run_id, key: 'rps', value: 0.1912, timestamp: Date.now(), step: 0 },
      })
      expect(logged.status).toBe(200)
      const fetched = await request(s.port, 'GET', `/api/2.0/mlflow/runs/get?run_id=${run.run_id}`)
      expect(JSON.stringify(fetched.json())).toContain('"key":"rps"')
      // Artifacts are served through the server (clients only need the tracking URI).
      expect(run.artifact_uri).toBe(`mlflow-artifacts:/${experimentId}/${run.run_id}/artifacts`)
    })

    slowIt('serves artifacts through the server into --artifacts-destination', async () => {
      const s = server as Server
      const upload = await request(
        s.port,
        'PUT',
        '/api/2.0/mlflow-artifacts/artifacts/0/stack/artifacts/model.json',
        {
          body: Buffer.from('{"rho":-0.08}'),
        },
      )
      expect(upload.status).toBe(200)
      expect(readFileSync(path.join(s.artifacts, '0/stack/artifacts/model.json'), 'utf8')).toBe(
        '{"rho":-0.08}',
      )
      const download = await request(
        s.port,
        'GET',
        '/api/2.0/mlflow-artifacts/artifacts/0/stack/artifacts/model.json',
      )
      expect(download.text).toBe('{"rho":-0.08}')
    })

    slowIt('accepts the desktop clients (localhost Host headers) and refuses unknown hosts', async () => {
      const s = server as Server
      for (const host of [`localhost:${s.port}`, `127.0.0.1:${s.port}`]) {
        const ok = await request(s.port, 'GET', '/api/2.0/mlflow/experiments/search?max_results=1', {
          host,
        })
        expect(ok.status, host).toBe(200)
      }
      const refused = await request(s.port, 'GET', '/api/2.0/mlflow/experiments/search?max_results=1', {
        host: 'mlflow.team.example:5000',
      })
      expect(refused.status).toBe(403)
      // The exact text quoted in README "Troubleshooting".
      expect(refused.text).toBe('Invalid Host header - possible DNS rebinding attack detected')
      expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toContain(refused.text)
      // The health check is exempt, so the container stays healthy whatever the allowed hosts.
      expect((await request(s.port, 'GET', '/health', { host: 'mlflow.team.example:5000' })).status).toBe(200)
    })
  },
)
