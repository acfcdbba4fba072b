/**
 * Against a server started with `--app-name basic-auth`. Uses SCORELINE_TEST_MLFLOW_AUTH_URI (+ _USERNAME /
 * _PASSWORD) when set; otherwise, whenever the MLflow suites run (SCORELINE_TEST_MLFLOW_URI is set, so the
 * pinned venv exists), starts its own with `scripts/mlflow-server.sh start --basic-auth` and stops it after.
 */
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serviceUrl } from '../../../test/support/services'
import { mlflowProbe } from '../status/backendProbes'
import { createTrackingStore } from './createTrackingStore'
import { MlflowClient } from './mlflowClient'

const run = promisify(execFile)
const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../scripts/mlflow-server.sh')
const envUri = process.env.SCORELINE_TEST_MLFLOW_AUTH_URI?.trim()
const enabled = Boolean(envUri || serviceUrl('mlflow'))
const reason =
  'set SCORELINE_TEST_MLFLOW_URI (the suite then starts its own basic-auth server) or SCORELINE_TEST_MLFLOW_AUTH_URI'
if (!enabled) console.warn(`[skipped] MLflow basic-auth suite: ${reason}`)

describe.skipIf(!enabled)(`MLflow with basic auth${enabled ? '' : ` — skipped: ${reason}`}`, () => {
  const dirs: string[] = []
  const fast = { maxRetries: 1, backoffBaseMs: 5 }
  let uri = envUri ?? ''
  let username = process.env.SCORELINE_TEST_MLFLOW_AUTH_USERNAME ?? 'admin'
  let password = process.env.SCORELINE_TEST_MLFLOW_AUTH_PASSWORD ?? ''
  let startedPid: string | undefined
  // Per-test timeouts are generous: the basic-auth app hashes the password on every request.

  beforeAll(async () => {
    if (envUri) return
    const { stdout } = await run('bash', [script, 'start', '--basic-auth'], { timeout: 280_000 })
    const vars = Object.fromEntries(
      stdout
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => l.split(/=(.*)/s, 2)),
    )
    uri = vars.MLFLOW_URI
    username = vars.MLFLOW_ADMIN_USERNAME
    password = vars.MLFLOW_ADMIN_PASSWORD
    startedPid = vars.MLFLOW_PID
  }, 300_000)

  afterAll(async () => {
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }))
    if (startedPid) await run('bash', [script, 'stop', startedPid], { timeout: 60_000 })
  }, 90_000)

  function collectingLogger(lines: string[]) {
    const push = (m: string, f?: unknown) => lines.push(`${m} ${JSON.stringify(f ?? {})}`)
    return { debug: push, info: push, warn: push, error: push }
  }

  it('scoreline info / the Health screen say MLflow rejected the credentials, not "reachable" (#21)', async () => {
    const basic = (p: string) => ({
      authorization: `Basic ${Buffer.from(`${username}:${p}`).toString('base64')}`,
    })
    const wrongPassword = `wrong-${randomUUID()}`
    const wrong = await mlflowProbe(uri, { headers: basic(wrongPassword), timeoutMs: 20_000 })()
    expect(wrong.state).toBe('unreachable')
    expect(wrong.detail).toMatch(
      /^MLflow at .+ rejected the credentials \(HTTP 401\): check MLFLOW_TRACKING_USERNAME/,
    )
    expect(JSON.stringify(wrong)).not.toContain(wrongPassword)
    const none = await mlflowProbe(uri, { timeoutMs: 20_000 })()
    expect(none).toMatchObject({ state: 'unreachable' })
    expect(none.detail).toMatch(/asks for credentials \(HTTP 401\)/)
    const right = await mlflowProbe(uri, { headers: basic(password), timeoutMs: 20_000 })()
    expect(right.state).toBe('reachable')
  }, 60_000)

  it('says what to do when credentials are missing or wrong, and never repeats the password', async () => {
    const lines: string[] = []
    const none = new MlflowClient({ trackingUri: uri }, fast)
    const missing = await none.getExperimentByName('x').catch((e) => e)
    expect(missing.code).toBe('MLFLOW_AUTH')
    expect(missing.message).toMatch(/Set MLFLOW_TRACKING_USERNAME/)

    const wrongPassword = `wrong-${randomUUID()}`
    const wrong = new MlflowClient(
      { trackingUri: uri, username, password: wrongPassword },
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
    const bearer = await new MlflowClient({ trackingUri: uri, token }, fast)
      .getExperimentByName('x')
      .catch((e) => e)
    expect(bearer.code).toBe('MLFLOW_AUTH')
    expect(JSON.stringify(bearer) + bearer.message).not.toContain(token)
  }, 180_000)

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

    const url = new URL(uri)
    url.username = encodeURIComponent(username)
    url.password = encodeURIComponent(password)
    const viaUrl = new MlflowClient({ trackingUri: url.toString() }, fast)
    expect((await viaUrl.getExperimentByName(exp.name))?.experiment_id).toBe(exp.id)
    expect(viaUrl.origin).not.toContain(password)
    for (const line of lines) expect(line).not.toContain(password)
  }, 180_000)
})
