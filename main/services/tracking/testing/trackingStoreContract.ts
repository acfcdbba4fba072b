/**
 * One behavioural suite, every TrackingStore implementation: the local store, the MLflow store and the
 * outbox (online) must agree on what each operation means.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { isInvalidInput, isNotFound } from '../errors'
import { TAGS } from '../trackingStore'
import type { TrackingStore } from '../trackingStore'

/**
 * `removeCreated(tag)`: for a shared server, deletes what the suite created (every name carries `tag`)
 * after it, its runs ended (#21).
 */
export function trackingStoreContract(
  makeStore: () => Promise<TrackingStore>,
  options: { removeCreated?: (tag: string) => Promise<unknown> } = {},
): void {
  let store: TrackingStore
  const tag = `${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`
  const name = (base: string) => `scoreline-contract-${base}-${tag}`
  let experimentId = ''

  beforeAll(async () => {
    store = await makeStore()
    experimentId = (await store.ensureExperiment(name('exp'), { team: 'analysts' })).id
  })
  afterAll(async () => {
    store?.close()
    await options.removeCreated?.(tag)
  })

  it('ensures experiments idempotently and finds them by name and pattern', async () => {
    const again = await store.ensureExperiment(name('exp'))
    expect(again.id).toBe(experimentId)
    expect(again.tags.team).toBe('analysts')
    expect(again.lifecycleStage).toBe('active')
    expect(await store.getExperimentByName(name('nope'))).toBeNull()
    for (const i of [1, 2, 3]) await store.ensureExperiment(name(`page${i}`))
    const first = await store.searchExperiments({
      nameLike: `scoreline-contract-page%-${tag}`,
      maxResults: 2,
    })
    expect(first.items).toHaveLength(2)
    expect(first.nextPageToken).toBeTruthy()
    const second = await store.searchExperiments({
      nameLike: `scoreline-contract-page%-${tag}`,
      maxResults: 2,
      pageToken: first.nextPageToken,
    })
    expect([...first.items, ...second.items].map((e) => e.name)).toEqual(
      [1, 2, 3].map((i) => name(`page${i}`)),
    )
  })

  it('starts nested runs, logs params, metrics and tags, and ends them', async () => {
    const parent = await store.startRun({ experimentId, runName: 'pipeline', startTime: 1_700_000_000_000 })
    expect(parent.status).toBe('RUNNING')
    expect(parent.runName).toBe('pipeline')
    const child = await store.startRun({
      experimentId,
      runName: 'fit',
      parentRunId: parent.runId,
      tags: { league: 'E0' },
    })
    await store.log(child.runId, {
      params: { xi: 0.0019, league: 'E0', home_advantage: true },
      metrics: { log_likelihood: -1234.5, iterations: 41 },
      tags: { [TAGS.dataFingerprint]: 'abc123' },
    })
    await store.log(child.runId, {
      metrics: [
        { key: 'rps', value: 0.21, timestamp: 1_700_000_000_100, step: 0 },
        { key: 'rps', value: 0.2, timestamp: 1_700_000_000_200, step: 1 },
        { key: 'rps', value: 0.205, timestamp: 1_700_000_000_300, step: 2 },
        { key: 'll_nan', value: Number.NaN, timestamp: 1_700_000_000_300 },
      ],
    })
    // same value again: fine; a different value: refused
    await store.log(child.runId, { params: { league: 'E0' } })
    const changed = await store.log(child.runId, { params: { league: 'SP1' } }).catch((e) => e)
    expect(isInvalidInput(changed)).toBe(true)
    await store.endRun(child.runId, 'FINISHED', 1_700_000_001_000)
    await store.endRun(parent.runId, 'FAILED', 1_700_000_002_000)

    const got = await store.getRun(child.runId)
    expect(got.info.status).toBe('FINISHED')
    expect(got.info.endTime).toBe(1_700_000_001_000)
    expect(got.params).toEqual({ xi: '0.0019', league: 'E0', home_advantage: 'true' })
    expect(got.metrics.log_likelihood).toBe(-1234.5)
    expect(got.metrics.rps).toBe(0.205) // highest step wins
    expect(got.metrics.ll_nan).toBeNaN()
    expect(got.tags[TAGS.parentRunId]).toBe(parent.runId)
    expect(got.tags[TAGS.dataFingerprint]).toBe('abc123')
    expect(got.tags.league).toBe('E0')
    expect((await store.getRun(parent.runId)).info.status).toBe('FAILED')
    const history = await store.getMetricHistory(child.runId, 'rps')
    expect(history.map((m) => [m.step, m.value])).toEqual([
      [0, 0.21],
      [1, 0.2],
      [2, 0.205],
    ])
    // the same histories in one bulk read: the child's three points, the parent (no rps) empty
    const bulk = await store.getMetricHistories([child.runId, parent.runId], 'rps')
    expect(bulk[child.runId].map((m) => [m.step, m.value])).toEqual([
      [0, 0.21],
      [1, 0.2],
      [2, 0.205],
    ])
    expect(bulk[parent.runId]).toEqual([])
    // sampled to at most maxPoints, first and last kept
    const two = await store.getMetricHistories([child.runId], 'rps', { maxPoints: 2 })
    expect(two[child.runId].map((m) => m.step)).toEqual([0, 2])
    const missing = await store.getRun('ffffffffffffffffffffffffffffffff').catch((e) => e)
    expect(isNotFound(missing)).toBe(true)
  })

  it('returns the same run for the same client key (idempotent start)', async () => {
    const clientKey = randomUUID()
    const a = await store.startRun({ experimentId, runName: 'keyed', clientKey })
    const b = await store.startRun({ experimentId, runName: 'keyed', clientKey })
    expect(b.runId).toBe(a.runId)
    expect((await store.getRun(a.runId)).tags[TAGS.clientKey]).toBe(clientKey)
  })

  it('searches runs with filters, order-by (missing last), page tokens and view types', async () => {
    const exp = (await store.ensureExperiment(name('search'))).id
    const ids: string[] = []
    for (let i = 0; i < 6; i++) {
      const run = await store.startRun({
        experimentId: exp,
        runName: `r${i}`,
        startTime: 1_700_000_000_000 + i * 1000,
      })
      ids.push(run.runId)
      await store.log(run.runId, {
        params: { league: i % 2 ? 'E0' : 'SP1', window: String(i) },
        metrics: i === 5 ? { accuracy: 0.5 } : { rps: 0.25 - i / 100, accuracy: 0.5 },
        tags: { 'model.kind': i < 3 ? 'dixon-coles' : 'blend' },
      })
      if (i % 3 === 0) await store.endRun(run.runId, 'FINISHED', 1_700_000_100_000)
    }
    const filtered = await store.searchRuns({
      experimentIds: [exp],
      filter: "metrics.rps < 0.235 and params.league = 'E0'",
    })
    expect(filtered.items.map((r) => r.info.runName).sort()).toEqual(['r3'])
    const like = await store.searchRuns({ experimentIds: [exp], filter: "tags.`model.kind` LIKE 'dixon%'" })
    expect(like.items.map((r) => r.info.runName).sort()).toEqual(['r0', 'r1', 'r2'])
    const finished = await store.searchRuns({
      experimentIds: [exp],
      filter: "attributes.status = 'FINISHED'",
    })
    expect(finished.items.map((r) => r.info.runName).sort()).toEqual(['r0', 'r3'])
    const byName = await store.searchRuns({
      experimentIds: [exp],
      filter: `attributes.run_id IN ('${ids[1]}', '${ids[4]}')`,
    })
    expect(byName.items.map((r) => r.info.runName).sort()).toEqual(['r1', 'r4'])

    const ordered: string[] = []
    let pageToken: string | undefined
    let pages = 0
    do {
      const page = await store.searchRuns({
        experimentIds: [exp],
        orderBy: ['metrics.rps ASC'],
        maxResults: 4,
        pageToken,
      })
      ordered.push(...page.items.map((r) => r.info.runName))
      pageToken = page.nextPageToken
      pages++
    } while (pageToken)
    expect(pages).toBe(2)
    expect(ordered).toEqual(['r4', 'r3', 'r2', 'r1', 'r0', 'r5'])
    const newest = await store.searchRuns({ experimentIds: [exp], maxResults: 2 })
    expect(newest.items.map((r) => r.info.runName)).toEqual(['r5', 'r4'])

    await store.deleteRun(ids[0])
    const active = await store.searchRuns({ experimentIds: [exp] })
    expect(active.items).toHaveLength(5)
    const deleted = await store.searchRuns({ experimentIds: [exp], viewType: 'DELETED_ONLY' })
    expect(deleted.items.map((r) => r.info.runId)).toEqual([ids[0]])
    expect((await store.getRun(ids[0])).info.lifecycleStage).toBe('deleted')
    await store.restoreRun(ids[0])
    expect((await store.searchRuns({ experimentIds: [exp], viewType: 'ALL' })).items).toHaveLength(6)
    const bad = await store.searchRuns({ experimentIds: [exp], filter: 'metrics.rps <> 1' }).catch((e) => e)
    expect(isInvalidInput(bad)).toBe(true)
  })

  it('round-trips artifacts (text, binary, nested folders)', async () => {
    const run = await store.startRun({ experimentId, runName: 'artifacts' })
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>'
    const bytes = new Uint8Array(1000).map((_, i) => (i * 7) % 256)
    await store.logArtifact(run.runId, 'model/model.json', JSON.stringify({ rho: -0.13 }))
    await store.logArtifact(run.runId, 'model/blob.bin', bytes)
    await store.logArtifact(run.runId, 'reliability.svg', svg)
    const root = await store.listArtifacts(run.runId)
    expect(root.map((e) => [e.path, e.isDir])).toEqual([
      ['model', true],
      ['reliability.svg', false],
    ])
    const nested = await store.listArtifacts(run.runId, 'model')
    expect(nested.map((e) => [e.path, e.fileSize])).toEqual([
      ['model/blob.bin', 1000],
      ['model/model.json', 13],
    ])
    expect(await store.downloadArtifact(run.runId, 'model/blob.bin')).toEqual(bytes)
    expect(new TextDecoder().decode(await store.downloadArtifact(run.runId, 'reliability.svg'))).toBe(svg)
    expect(isNotFound(await store.downloadArtifact(run.runId, 'nope.csv').catch((e) => e))).toBe(true)
  })

  it('registers models and versions, moves aliases and reads the registry', async () => {
    const model = name('model')
    const run = await store.startRun({ experimentId, runName: 'to-register' })
    const created = await store.ensureRegisteredModel(model, {
      description: 'E0 Dixon-Coles',
      tags: { league: 'E0' },
    })
    expect(created.tags.league).toBe('E0')
    expect((await store.ensureRegisteredModel(model)).name).toBe(model)
    await store.setRegisteredModelTag(model, 'owner', 'analysts')
    expect(await store.getRegisteredModel(name('missing-model'))).toBeNull()

    const clientKey = randomUUID()
    const v1 = await store.createModelVersion({
      name: model,
      runId: run.runId,
      artifactPath: 'model',
      clientKey,
      tags: { rps: '0.2' },
    })
    expect(v1.version).toBe('1')
    expect(v1.source.endsWith('/model')).toBe(true)
    expect(v1.runId).toBe(run.runId)
    expect((await store.createModelVersion({ name: model, runId: run.runId, clientKey })).version).toBe('1')
    const v2 = await store.createModelVersion({ name: model, runId: run.runId })
    expect(v2.version).toBe('2')
    await store.setModelVersionTag(model, '2', 'note', 'retrained')
    expect((await store.getModelVersion(model, '2')).tags.note).toBe('retrained')
    expect((await store.getModelVersion(model, '1')).tags.rps).toBe('0.2')
    const versions = await store.searchModelVersions({ name: model })
    expect(versions.items.map((v) => v.version)).toEqual(['2', '1'])
    const byRun = await store.searchModelVersions({ runId: run.runId })
    expect(byRun.items.map((v) => v.version).sort()).toEqual(['1', '2'])

    expect(await store.getVersionByAlias(model, 'champion')).toBeNull()
    await store.setAlias(model, 'champion', '1')
    await store.setAlias(model, 'challenger', '2')
    expect((await store.getVersionByAlias(model, 'champion'))?.version).toBe('1')
    await store.setAlias(model, 'champion', '2')
    const champion = await store.getVersionByAlias(model, 'champion')
    expect(champion?.version).toBe('2')
    expect(champion?.aliases).toEqual(['challenger', 'champion'])
    const registered = await store.getRegisteredModel(model)
    expect(registered?.aliases).toEqual({ champion: '2', challenger: '2' })
    expect(registered?.tags).toEqual({ league: 'E0', owner: 'analysts' })
    await store.deleteAlias(model, 'challenger')
    await store.deleteAlias(model, 'challenger')
    expect(await store.getVersionByAlias(model, 'challenger')).toBeNull()
    expect(isInvalidInput(await store.setAlias(model, 'latest', '1').catch((e) => e))).toBe(true)
    expect(isNotFound(await store.getModelVersion(model, '42').catch((e) => e))).toBe(true)

    const staged = await store.transitionStage(model, '1', 'Production')
    expect(staged.stage).toBe('Production')
    const list = await store.searchRegisteredModels({ nameLike: model })
    expect(list.items.map((m) => m.name)).toEqual([model])
  })
}
