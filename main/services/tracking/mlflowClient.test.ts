import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { removeByPrefix } from '../../../test/support/mlflowHygiene'
import { describeWithService } from '../../../test/support/services'
import { TrackingError } from './errors'
import { CLIENT_KEY_TAG, LOG_BATCH_LIMITS, MlflowClient, chunkLogBatch } from './mlflowClient'
import { FaultProxy } from './testing/faultProxy'

const unique = () => `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`
const noSleep = { sleep: async () => {}, maxRetries: 3 }

it('chunks log-batch by count, entity total and body size', () => {
  const metrics = Array.from({ length: 2500 }, (_, i) => ({
    key: `m${i % 7}`,
    value: i,
    timestamp: 1,
    step: i,
  }))
  const params = Array.from({ length: 250 }, (_, i) => ({ key: `p${i}`, value: 'x' }))
  const tags = Array.from({ length: 120 }, (_, i) => ({ key: `t${i}`, value: 'y' }))
  const chunks = chunkLogBatch('r', { metrics, params, tags })
  for (const c of chunks) {
    expect(c.metrics.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.metrics)
    expect(c.params.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.params)
    expect(c.tags.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.tags)
    expect(c.metrics.length + c.params.length + c.tags.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.entities)
    expect(Buffer.byteLength(JSON.stringify(c))).toBeLessThan(1_000_000)
  }
  expect(chunks.flatMap((c) => c.metrics)).toHaveLength(2500)
  expect(chunks.flatMap((c) => c.params).map((p) => p.key)).toEqual(params.map((p) => p.key))
  expect(chunks.flatMap((c) => c.tags)).toHaveLength(120)
  const big = Array.from({ length: 100 }, (_, i) => ({ key: `big${i}`, value: 'z'.repeat(7900) }))
  const byBytes = chunkLogBatch('r', {
    params: big.slice(0, 90).map((p) => ({ ...p, value: 'p'.repeat(5900) })),
    tags: big,
  })
  expect(byBytes.length).toBeGreaterThan(1)
  for (const c of byBytes) expect(Buffer.byteLength(JSON.stringify(c))).toBeLessThan(1_000_000)
})

describeWithService('mlflow', 'MlflowClient against a real MLflow server', (uri) => {
  // Built lazily: when the suite is skipped the body still runs with uri = ''.
  let client: MlflowClient
  const run = unique()
  let experimentId = ''

  beforeAll(async () => {
    client = new MlflowClient({ trackingUri: uri })
    experimentId = await client.createExperiment(`scoreline-test-client-${run}`, [
      { key: 'suite', value: 'client' },
    ])
  })
  afterAll(async () => {
    // every run this suite started ends (KILLED if a test left it RUNNING), and its experiment goes (#21)
    await removeByPrefix(uri, `scoreline-test-client-${run}`)
    await removeByPrefix(uri, `scoreline-test-page-${run}-`)
    expect((await client.searchExperiments({ filter: `name LIKE '%${run}%'` })).items).toEqual([])
    const left = await client.searchAllRuns({ experimentIds: [experimentId], runViewType: 'ALL' })
    expect(left.filter((r) => r.info.status === 'RUNNING').map((r) => r.info.run_name)).toEqual([])
  })

  it('creates, reads and searches experiments; a duplicate name is MLFLOW_ALREADY_EXISTS (HTTP 400)', async () => {
    const byName = await client.getExperimentByName(`scoreline-test-client-${run}`)
    expect(byName?.experiment_id).toBe(experimentId)
    expect(await client.getExperimentByName(`missing-${run}`)).toBeNull()
    const err = await client.createExperiment(`scoreline-test-client-${run}`).catch((e) => e)
    expect(err).toBeInstanceOf(TrackingError)
    expect(err.code).toBe('MLFLOW_ALREADY_EXISTS')
    expect(err.details).toMatchObject({ httpStatus: 400, mlflowErrorCode: 'RESOURCE_ALREADY_EXISTS' })
    const ensured = await client.ensureExperiment(`scoreline-test-client-${run}`)
    expect(ensured.experiment_id).toBe(experimentId)
    // pagination over experiments
    for (let i = 0; i < 3; i++) await client.createExperiment(`scoreline-test-page-${run}-${i}`)
    const names: string[] = []
    let pageToken: string | undefined
    do {
      const page = await client.searchExperiments({
        filter: `name LIKE 'scoreline-test-page-${run}-%'`,
        maxResults: 2,
        pageToken,
      })
      names.push(...page.items.map((e) => e.name))
      pageToken = page.nextPageToken
    } while (pageToken)
    expect(names.sort()).toEqual([0, 1, 2].map((i) => `scoreline-test-page-${run}-${i}`))
  })

  it('creates, updates, searches (filter, order-by, page tokens), deletes and restores runs', async () => {
    const ids: string[] = []
    for (let i = 0; i < 7; i++) {
      const r = await client.createRun({
        experimentId,
        runName: `run-${i}`,
        startTime: 1_700_000_000_000 + i,
        tags: [{ key: 'batch', value: run }],
      })
      ids.push(r.info.run_id)
      await client.logBatch(r.info.run_id, {
        metrics: [{ key: 'rps', value: 0.2 + i / 100, timestamp: 1, step: 0 }],
        params: [{ key: 'league', value: i % 2 ? 'E0' : 'SP1' }],
      })
    }
    const finished = await client.updateRun({ runId: ids[0], status: 'FINISHED', endTime: 1_700_000_001_000 })
    expect(finished.status).toBe('FINISHED')
    expect((await client.getRun(ids[0])).info.end_time).toBe(1_700_000_001_000)

    const seen: string[] = []
    let pageToken: string | undefined
    let pages = 0
    do {
      const page = await client.searchRuns({
        experimentIds: [experimentId],
        filter: `tags.batch = '${run}'`,
        orderBy: ['metrics.rps DESC'],
        maxResults: 3,
        pageToken,
      })
      seen.push(...page.items.map((r) => r.info.run_id))
      pageToken = page.nextPageToken
      pages++
    } while (pageToken)
    expect(pages).toBe(3)
    expect(seen).toEqual([...ids].reverse())
    // Pages read two at a time on predicted offset tokens: the same runs in the same order, and the real
    // server confirmed every prediction (pages at 2, 4 and 6), so none was asked for twice.
    const stats = { requests: 0, confirmed: 0, dropped: 0 }
    const together = await client.searchAllRuns(
      { experimentIds: [experimentId], filter: `tags.batch = '${run}'`, orderBy: ['metrics.rps DESC'] },
      7,
      { pageSize: 2, parallel: 2, stats },
    )
    expect(together.map((r) => r.info.run_id)).toEqual(seen)
    expect(stats).toEqual({ requests: 4, confirmed: 3, dropped: 0 })
    const e0 = await client.searchAllRuns({
      experimentIds: [experimentId],
      filter: "params.league = 'E0' and metrics.rps < 0.24",
    })
    expect(e0.map((r) => r.info.run_name).sort()).toEqual(['run-1', 'run-3'])

    await client.deleteRun(ids[6])
    expect((await client.getRun(ids[6])).info.lifecycle_stage).toBe('deleted')
    expect(
      (await client.searchAllRuns({ experimentIds: [experimentId], filter: `tags.batch = '${run}'` })).length,
    ).toBe(6)
    await client.restoreRun(ids[6])
    expect((await client.getRun(ids[6])).info.lifecycle_stage).toBe('active')

    await client.setTag(ids[1], 'note', 'hello')
    expect((await client.getRun(ids[1])).data.tags).toContainEqual({ key: 'note', value: 'hello' })
    await client.deleteTag(ids[1], 'note')
    expect((await client.getRun(ids[1])).data.tags?.some((t) => t.key === 'note')).toBe(false)
  })

  it('chunks log-batch past the server limits and reads everything back', async () => {
    const r = await client.createRun({ experimentId, runName: 'big-batch' })
    const runId = r.info.run_id
    const metrics = Array.from({ length: 2300 }, (_, i) => ({
      key: `m${i % 3}`,
      value: i / 7,
      timestamp: 1_700_000_000_000 + i,
      step: i,
    }))
    const params = Array.from({ length: 230 }, (_, i) => ({
      key: `p${i}`,
      value: `value-${i}-${'v'.repeat(5000)}`,
    }))
    const tags = Array.from({ length: 130 }, (_, i) => ({ key: `t${i}`, value: 'w'.repeat(7000) }))
    const requests = await client.logBatch(runId, { metrics, params, tags })
    expect(requests).toBeGreaterThanOrEqual(4)
    const got = await client.getRun(runId)
    expect(got.data.params).toHaveLength(230)
    expect(got.data.tags?.filter((t) => t.key.startsWith('t'))).toHaveLength(130)
    const history = await client.getMetricHistory(runId, 'm1')
    expect(history).toHaveLength(767)
    expect(history.map((m) => m.step)).toEqual(metrics.filter((m) => m.key === 'm1').map((m) => m.step))
    // re-sending the same batch is harmless (what makes outbox replays safe)
    await client.logBatch(runId, { metrics: metrics.slice(0, 10), params: params.slice(0, 3) })
    expect(await client.getMetricHistory(runId, 'm1')).toHaveLength(767)
    // the chart endpoint samples a bounded number of points per run
    const bulk = await client.getMetricHistoryBulkInterval({
      runIds: [runId],
      metricKey: 'm0',
      maxResults: 50,
    })
    expect(bulk.length).toBeLessThanOrEqual(60)
    expect(bulk.length).toBeGreaterThan(10)
    expect(bulk.every((m) => m.run_id === runId)).toBe(true)
  })

  it('keeps non-finite metric values', async () => {
    const r = await client.createRun({ experimentId, runName: 'nan' })
    await client.logBatch(r.info.run_id, {
      metrics: [
        { key: 'll', value: Number.NaN, timestamp: 1 },
        { key: 'inf', value: Number.POSITIVE_INFINITY, timestamp: 1 },
      ],
    })
    const got = await client.getRun(r.info.run_id)
    const byKey = Object.fromEntries((got.data.metrics ?? []).map((m) => [m.key, m.value]))
    expect(byKey.ll).toBeNaN()
    // MLflow's SQL store clamps ±Infinity to ±Number.MAX_VALUE
    expect(byKey.inf).toBeGreaterThanOrEqual(Number.MAX_VALUE)
  })

  it('uploads, lists and downloads artifacts through the proxied artifact API', async () => {
    const r = await client.createRun({ experimentId, runName: 'artifacts' })
    const uri = r.info.artifact_uri!
    const binary = new Uint8Array(256).map((_, i) => i)
    await client.uploadArtifact(uri, 'model/model.json', '{"rho":-0.1}')
    await client.uploadArtifact(uri, 'model/weights.bin', binary)
    await client.uploadArtifact(uri, 'predictions.csv', 'date,home,away\n2024-01-01,A,B\n')
    const root = await client.listArtifacts(uri)
    expect(root.map((f) => [f.path, f.isDir]).sort()).toEqual([
      ['model', true],
      ['predictions.csv', false],
    ])
    const model = await client.listArtifacts(uri, 'model')
    expect(model.map((f) => f.path).sort()).toEqual(['model/model.json', 'model/weights.bin'])
    expect(model.find((f) => f.path === 'model/weights.bin')?.fileSize).toBe(256)
    expect(new TextDecoder().decode(await client.downloadArtifact(uri, 'model/model.json'))).toBe(
      '{"rho":-0.1}',
    )
    expect(await client.downloadArtifact(uri, 'model/weights.bin')).toEqual(binary)
    const missing = await client.downloadArtifact(uri, 'nope.txt').catch((e) => e)
    expect(missing.code).toBe('MLFLOW_NOT_FOUND')
  })

  it('manages registered models, versions, tags, aliases and (explicit) stages', async () => {
    const name = `scoreline-dc-test-${run}`
    const r = await client.createRun({ experimentId, runName: 'for-registry' })
    const model = await client.createRegisteredModel(name, {
      description: 'test',
      tags: [{ key: 'league', value: 'E0' }],
    })
    expect(model.name).toBe(name)
    const dup = await client.createRegisteredModel(name).catch((e) => e)
    expect(dup.code).toBe('MLFLOW_ALREADY_EXISTS')
    expect((await client.ensureRegisteredModel(name)).name).toBe(name)
    await client.setRegisteredModelTag(name, 'owner', 'analysts')
    expect((await client.getRegisteredModel(name))?.tags).toContainEqual({ key: 'owner', value: 'analysts' })
    await client.deleteRegisteredModelTag(name, 'owner')
    expect(await client.getRegisteredModel(`missing-${run}`)).toBeNull()

    const v1 = await client.createModelVersion({
      name,
      source: `${r.info.artifact_uri}/model`,
      runId: r.info.run_id,
      clientKey: `k1-${run}`,
    })
    const v2 = await client.createModelVersion({
      name,
      source: `${r.info.artifact_uri}/model`,
      runId: r.info.run_id,
      tags: [{ key: 'rps', value: '0.2' }],
    })
    expect([v1.version, v2.version]).toEqual(['1', '2'])
    expect((await client.findModelVersionByClientKey(name, `k1-${run}`))?.version).toBe('1')
    expect((await client.getModelVersion(name, '2')).tags).toContainEqual({ key: 'rps', value: '0.2' })
    await client.setModelVersionTag(name, '1', 'why', 'first')
    expect((await client.getModelVersion(name, '1')).tags).toContainEqual({ key: 'why', value: 'first' })
    await client.deleteModelVersionTag(name, '1', 'why')
    const versions = await client.searchModelVersions({ filter: `name = '${name}'` })
    expect(versions.items.map((v) => v.version).sort()).toEqual(['1', '2'])
    const models = await client.searchRegisteredModels({ filter: `name LIKE 'scoreline-dc-test-${run}%'` })
    expect(models.items.map((m) => m.name)).toEqual([name])

    expect(await client.getModelVersionByAlias(name, 'champion')).toBeNull()
    await client.setAlias(name, 'champion', '1')
    await client.setAlias(name, 'challenger', '2')
    expect((await client.getModelVersionByAlias(name, 'champion'))?.version).toBe('1')
    await client.setAlias(name, 'champion', '2')
    const champion = await client.getModelVersionByAlias(name, 'champion')
    expect(champion?.version).toBe('2')
    expect(champion?.aliases?.sort()).toEqual(['challenger', 'champion'])
    await client.deleteAlias(name, 'challenger')
    expect(await client.getModelVersionByAlias(name, 'challenger')).toBeNull()

    const staged = await client.transitionModelVersionStage(name, '1', 'Staging')
    expect(staged.current_stage).toBe('Staging')
    const badVersion = await client.getModelVersion(name, '99').catch((e) => e)
    expect(badVersion.code).toBe('MLFLOW_NOT_FOUND')
    await client.deleteRegisteredModel(name)
    expect(await client.getRegisteredModel(name)).toBeNull()
  })

  it('maps unknown ids to MLFLOW_NOT_FOUND and bad input to MLFLOW_INVALID with the server message', async () => {
    const missing = await client.getRun('0123456789abcdef0123456789abcdef').catch((e) => e)
    expect(missing).toBeInstanceOf(TrackingError)
    expect(missing.code).toBe('MLFLOW_NOT_FOUND')
    expect(missing.message).toContain('127.0.0.1')
    const badExp = await client.getExperiment('987654321').catch((e) => e)
    expect(badExp.code).toBe('MLFLOW_NOT_FOUND')
    const badFilter = await client
      .searchRuns({ experimentIds: [experimentId], filter: 'metrics.rps <<< 1' })
      .catch((e) => e)
    expect(badFilter.code).toBe('MLFLOW_INVALID')
    expect(badFilter.details.mlflowErrorCode).toBe('INVALID_PARAMETER_VALUE')
  })

  faultInjectionTests(uri, () => experimentId)
})

function faultInjectionTests(uri: string, experimentId: () => string): void {
  let proxy: FaultProxy
  beforeAll(async () => {
    proxy = await FaultProxy.start(uri)
  })
  afterAll(async () => {
    await proxy.close()
  })

  it('retries 503 and 429 answers with non-JSON bodies, then succeeds', async () => {
    const logs: unknown[] = []
    const sleeps: number[] = []
    const logger = {
      debug: () => {},
      info: () => {},
      warn: (_m: string, f?: unknown) => logs.push(f),
      error: () => {},
    }
    const client = new MlflowClient(
      { trackingUri: proxy.uri },
      { logger, maxRetries: 4, sleep: async (ms) => void sleeps.push(ms) },
    )
    proxy.inject({ times: 1, answer: { status: 503, body: '<html>Service Unavailable</html>' } })
    proxy.inject({ times: 1, answer: { status: 429, body: 'slow down', headers: { 'retry-after': '1' } } })
    const exp = await client.getExperiment(experimentId())
    expect(exp.experiment_id).toBe(experimentId())
    expect(logs).toHaveLength(2)
    expect(sleeps[1]).toBeGreaterThanOrEqual(1000) // Retry-After honoured
  })

  it('gives up with SERVICE_UNREACHABLE after the retry budget on persistent 503', async () => {
    const client = new MlflowClient({ trackingUri: proxy.uri }, noSleep)
    proxy.inject({ times: 10, answer: { status: 503, body: 'upstream down' } })
    const err = await client.getExperiment(experimentId()).catch((e) => e)
    proxy.clearRules()
    expect(err.code).toBe('SERVICE_UNREACHABLE')
    expect(err.details.attempts).toBe(4)
    expect(err.message).toMatch(/unavailable.*HTTP 503/)
  })

  it('maps 401 / 403 non-JSON answers to MLFLOW_AUTH with advice, and never leaks secrets', async () => {
    const token = `tok-${randomUUID()}`
    const logs: string[] = []
    const logger = {
      debug: () => {},
      info: () => {},
      warn: (m: string, f?: unknown) => logs.push(m + JSON.stringify(f)),
      error: () => {},
    }
    const client = new MlflowClient({ trackingUri: proxy.uri, token }, { ...noSleep, logger })
    proxy.inject({ times: 1, answer: { status: 401, body: `You are not authenticated. Bearer ${token}` } })
    const e401 = await client.getExperiment(experimentId()).catch((e) => e)
    expect(e401.code).toBe('MLFLOW_AUTH')
    expect(e401.message).toContain('MLFLOW_TRACKING_TOKEN')
    proxy.inject({ times: 1, answer: { status: 403, body: 'Invalid Host header' } })
    const e403 = await client.getExperiment(experimentId()).catch((e) => e)
    expect(e403.code).toBe('MLFLOW_AUTH')
    expect(e403.message).toContain('--allowed-hosts')
    proxy.inject({ times: 1, answer: { status: 503, body: `echo ${token}` } })
    await client.getExperiment(experimentId())
    expect(proxy.seen.at(-1)?.authorization).toBe(`Bearer ${token}`)
    for (const text of [e401.message, e403.message, JSON.stringify(e401), JSON.stringify(e403), ...logs]) {
      expect(text).not.toContain(token)
    }
  })

  it('a create whose answer was lost is recovered by its client key: exactly one run', async () => {
    const client = new MlflowClient({ trackingUri: proxy.uri }, noSleep)
    const clientKey = randomUUID()
    proxy.inject({
      times: 1,
      match: (m, p) => m === 'POST' && p.endsWith('/runs/create'),
      dropAfterForward: true,
    })
    const created = await client.createRun({
      experimentId: experimentId(),
      runName: 'lost-answer',
      clientKey,
    })
    const all = await client.searchAllRuns({
      experimentIds: [experimentId()],
      filter: `tags.\`${CLIENT_KEY_TAG}\` = '${clientKey}'`,
    })
    expect(all.map((r) => r.info.run_id)).toEqual([created.info.run_id])
  })

  it('reports a stopped server as SERVICE_UNREACHABLE naming the host', async () => {
    const client = new MlflowClient(
      { trackingUri: proxy.uri, username: 'u', password: 'hunter2-secret' },
      noSleep,
    )
    await proxy.down()
    try {
      const err = await client.getExperiment(experimentId()).catch((e) => e)
      expect(err.code).toBe('SERVICE_UNREACHABLE')
      expect(err.message).toContain(`127.0.0.1:${proxy.port}`)
      expect(err.message).toContain('connection refused')
      expect(JSON.stringify(err)).not.toContain('hunter2-secret')
    } finally {
      await proxy.up()
    }
  })
}
