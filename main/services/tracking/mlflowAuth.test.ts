/**
 * Against a server started with `--app-name basic-auth` (scripts/mlflow-server.sh start --basic-auth).
 * Env: SCORELINE_TEST_MLFLOW_AUTH_URI, SCORELINE_TEST_MLFLOW_AUTH_USERNAME, SCORELINE_TEST_MLFLOW_AUTH_PASSWORD.
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createTrackingStore } from './createTrackingStore'
import { MlflowClient } from './mlflowClient'

const uri = process.env.SCORELINE_TEST_MLFLOW_AUTH_URI?.trim()
const username = process.env.SCORELINE_TEST_MLFLOW_AUTH_USERNAME ?? 'admin'
const password = process.env.SCORELINE_TEST_MLFLOW_AUTH_PASSWORD ?? ''
const reason =
  'set SCORELINE_TEST_MLFLOW_AUTH_URI (+ _USERNAME/_PASSWORD) from `scripts/mlflow-server.sh start --basic-auth`'
if (!uri) console.warn(`[skipped] MLflow basic-auth suite: ${reason}`)

describe.skipIf(!uri)(`MLflow with basic auth${uri ? '' : ` — skipped: ${reason}`}`, () => {
  const dirs: string[] = []
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))
  const fast = { maxRetries: 1, backoffBaseMs: 5 }

  function collectingLogger(lines: string[]) {
    const push = (m: string, f?: unknown) => lines.push(`${m} ${JSON.stringify(f ?? {})}`)
    return { debug: push, info: push, warn: push, error: push }
  }

  it('says what to do when credentials are missing or wrong, and never repeats the password', async () => {
    const lines: string[] = []
    const none = new MlflowClient({ trackingUri: uri! }, fast)
    const missing = await none.getExperimentByName('x').catch((e) => e)
    expect(missing.code).toBe('MLFLOW_AUTH')
    expect(missing.message).toMatch(/Set MLFLOW_TRACKING_USERNAME/)

    const wrongPassword = `wrong-${randomUUID()}`
    const wrong = new MlflowClient(
      { trackingUri: uri!, username, password: wrongPassword },
      { ...fast, logger: collectingLogger(lines) },
    )
    const refused = await wrong.getExperimentByName('x').catch((e) => e)
    expect(refused.code).toBe('MLFLOW_AUTH')
    expect(refused.details.httpStatus).toBe(401)
    expect(refused.message).toMatch(/rejected the credentials.*Check MLFLOW_TRACKING_USERNAME/)
    const basic = Buffer.from(`${username}:${wrongPassword}`).toString('base64')
    for (const text of [refused.message, JSON.stringify(refused), refused.stack ?? '', ...lines]) {
      expect(text).not.toContain(wrongPassword)
      expect(text).not.toContain(basic)
    }
    // a bearer token the server does not know
    const token = `tok-${randomUUID()}`
    const bearer = await new MlflowClient({ trackingUri: uri!, token }, fast)
      .getExperimentByName('x')
      .catch((e) => e)
    expect(bearer.code).toBe('MLFLOW_AUTH')
    expect(JSON.stringify(bearer) + bearer.message).not.toContain(token)
  })

  it('works with the right credentials, from config or from the URL, through the whole store', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scoreline-auth-'))
    dirs.push(dir)
    const lines: string[] = []
    const store = createTrackingStore(
      { trackingUri: uri, username, password, localDbPath: path.join(dir, 'tracking.db') },
      { autoFlushMs: false, logger: collectingLogger(lines) },
    )
    const exp = await store.ensureExperiment(`scoreline-auth-${randomUUID().slice(0, 8)}`)
    const run = await store.startRun({ experimentId: exp.id })
    await store.log(run.runId, { metrics: { rps: 0.2 }, params: { league: 'E0' } })
    await store.logArtifact(run.runId, 'model.json', '{}')
    await store.endRun(run.runId)
    expect((await store.getRun(run.runId)).metrics.rps).toBe(0.2)
    expect((await store.status()).pending).toBe(0)
    store.close()

    const url = new URL(uri!)
    url.username = encodeURIComponent(username)
    url.password = encodeURIComponent(password)
    const viaUrl = new MlflowClient({ trackingUri: url.toString() }, fast)
    expect((await viaUrl.getExperimentByName(exp.name))?.experiment_id).toBe(exp.id)
    expect(viaUrl.origin).not.toContain(password)
    for (const line of lines) expect(line).not.toContain(password)
  })
})
