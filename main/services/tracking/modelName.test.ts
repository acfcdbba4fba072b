import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { removeByPrefix } from '../../../test/support/mlflowHygiene'
import { describeWithService } from '../../../test/support/services'
import { openMemoryTrackingDatabase } from './localSchema'
import { LocalTrackingStore } from './localTrackingStore'
import { leagueOfModelName, leaguesOfModelName, legacyLeaguesOf, registeredModelName } from './modelName'
import { describeMigrations, migrateModelNames } from './modelNameMigration'
import type { TrackingStore } from './trackingStore'
import { memoryMlflowStore } from './testing/memoryMlflowStore'

describe('one registered model per league (#21)', () => {
  it('formats a league or a sorted league group, and parses it back', () => {
    expect(registeredModelName('E0')).toBe('scoreline-E0')
    expect(registeredModelName(['E1', 'E0'])).toBe('scoreline-E0+E1')
    expect(leaguesOfModelName('scoreline-E0+E1')).toEqual(['E0', 'E1'])
    expect(leagueOfModelName('scoreline-SP1')).toBe('SP1')
    expect(leagueOfModelName('scoreline-E0+E1')).toBeNull()
    for (const name of ['scoreline-dc-E0', 'other-E0', 'scoreline-', 'scoreline-E0+'])
      expect(leaguesOfModelName(name), name).toBeNull()
    expect(legacyLeaguesOf('scoreline-dc-E0+E1')).toEqual(['E0', 'E1'])
    expect(legacyLeaguesOf('scoreline-E0')).toBeNull()
    expect(registeredModelName('my league')).toBe('scoreline-my league')
    expect(() => registeredModelName('E0+E1')).toThrow(/"E0\+E1" is not a league code/)
    expect(() => registeredModelName([])).toThrow(/not a league code/)
  })
})

/** Two versions of an old-named model: v1 (a Dixon-Coles run, no variant tag, decision tags) and v2 (poisson). */
async function seedLegacy(store: TrackingStore, experiment: string, league: string) {
  const exp = await store.ensureExperiment(experiment)
  const legacy = `scoreline-dc-${league}`
  await store.ensureRegisteredModel(legacy)
  const versions = []
  for (const [model, tags] of [
    ['dixon-coles', { 'scoreline.decision': 'promote', 'scoreline.league': league }],
    ['poisson', { 'scoreline.model_variant': 'poisson', 'scoreline.decision': 'challenger' }],
  ] as const) {
    const run = await store.startRun({ experimentId: exp.id, runName: `${league} ${model}` })
    await store.log(run.runId, { params: { model } })
    await store.endRun(run.runId, 'FINISHED')
    versions.push(
      await store.createModelVersion({
        name: legacy,
        runId: run.runId,
        artifactPath: 'model',
        tags,
        clientKey: `old-${model}`,
      }),
    )
  }
  await store.setAlias(legacy, 'champion', versions[0].version)
  await store.setAlias(legacy, 'challenger', versions[1].version)
  return { legacy, target: registeredModelName(league), versions }
}

async function expectMigrated(store: TrackingStore, seeded: Awaited<ReturnType<typeof seedLegacy>>) {
  const { legacy, target, versions } = seeded
  const [first] = await migrateModelNames(store, { only: [legacy] })
  expect(first).toMatchObject({ from: legacy, to: target, already: 0, keptAliases: [] })
  expect(first.registered.map((r) => [r.from, r.variant])).toEqual([
    ['1', 'dixon-coles'],
    ['2', 'poisson'],
  ])
  const model = await store.getRegisteredModel(target)
  const champion = await store.getVersionByAlias(target, 'champion')
  const challenger = await store.getVersionByAlias(target, 'challenger')
  expect(champion?.runId).toBe(versions[0].runId)
  expect(champion?.tags).toMatchObject({
    'scoreline.decision': 'promote',
    'scoreline.model_variant': 'dixon-coles',
    'scoreline.migrated_from': `${legacy}/1`,
    // its own client key: a retried migration finds the version it made instead of making another
    'scoreline.client_key': `migrate:${legacy}/1`,
  })
  expect(challenger?.source).toBe(versions[1].source)
  expect(challenger?.tags).toMatchObject({
    'scoreline.model_variant': 'poisson',
    'scoreline.decision': 'challenger',
  })
  expect(model?.aliases).toEqual({ champion: champion!.version, challenger: challenger!.version })
  expect((await store.getRegisteredModel(legacy))?.tags['scoreline.migrated_to']).toBe(target)
  expect(describeMigrations([first])[0]).toBe(
    `${legacy} → ${target}: re-registered v1→v1 (dixon-coles), v2→v2 (poisson); aliases @challenger→v2, @champion→v1.`,
  )
  // again: nothing new, and a champion promoted under the new name since is never moved back
  await store.setAlias(target, 'champion', challenger!.version)
  const [again] = await migrateModelNames(store, { only: [legacy] })
  expect(again).toMatchObject({ registered: [], already: 2, aliases: {}, keptAliases: ['champion'] })
  expect((await store.searchModelVersions({ name: target })).items).toHaveLength(2)
  expect((await store.getVersionByAlias(target, 'champion'))?.version).toBe(challenger!.version)
  expect(describeMigrations([again])[0]).toBe(
    `${legacy} → ${target}: no new version; 2 already migrated; kept ${target}'s own @champion.`,
  )
}

describe('migrate-names on the local store', () => {
  it('re-registers versions in order with tags, variant and aliases, once', async () => {
    const store = new LocalTrackingStore({ db: openMemoryTrackingDatabase(), ownsDb: true })
    try {
      await expectMigrated(store, await seedLegacy(store, 'dixon_coles_poisson', 'E0'))
      expect(describeMigrations(await migrateModelNames(store, { only: [] }))).toEqual([
        'No model with an old name (scoreline-dc-…): nothing to migrate.',
      ])
    } finally {
      store.close()
    }
  })
})

describeWithService('mlflow', 'migrate-names on a real MLflow server', (uri) => {
  // a lower-case league code: never a production name (test/support/mlflowHygiene.ts)
  const tag = `t${randomBytes(4).toString('hex')}`
  // opened when the suite runs: a skipped suite (no server configured) is still collected, with uri ''
  let store: ReturnType<typeof memoryMlflowStore>
  beforeAll(() => {
    store = memoryMlflowStore(uri)
  })
  afterAll(async () => {
    store?.close()
    await removeByPrefix(uri, tag, { anywhere: true })
  })

  it('re-registers versions in order with tags, variant and aliases, once', async () => {
    await expectMigrated(store, await seedLegacy(store, `${tag}-experiment`, tag))
  })
})
