/**
 * Re-registers the versions of models named before the one-model-per-league rule (`scoreline-dc-E0`)
 * under the rule's name (`scoreline-E0`, modelName.ts), for the local store and an MLflow server alike:
 * each old version becomes a new version of the same run and source, in version order, with all its
 * tags (decision tags included), its variant as `scoreline.model_variant` (the run's `model` param, or
 * Dixon-Coles: the only model before variants) and `scoreline.migrated_from` = `scoreline-dc-E0/3`;
 * then the old model's aliases point at the new versions, unless the new model already has that alias
 * (a champion promoted under the new name wins). The old model is kept and tagged
 * `scoreline.migrated_to`. Idempotent: a version already carrying `migrated_from` is not registered again.
 */
import { collectPages } from './pagedSearch'
import { legacyLeaguesOf, registeredModelDescription, registeredModelName } from './modelName'
import { TAGS, type ModelVersion, type TrackingStore } from './trackingStore'

export const MIGRATION_TAGS = {
  from: 'scoreline.migrated_from',
  to: 'scoreline.migrated_to',
  variant: 'scoreline.model_variant',
} as const

export interface ModelMigration {
  from: string
  to: string
  /** Old version → new version, for the versions registered by this call. */
  registered: { from: string; to: string; variant: string }[]
  /** Old versions already re-registered by an earlier call. */
  already: number
  /** Aliases set on the new model (alias → new version), and those kept because the new model had them. */
  aliases: Record<string, string>
  keptAliases: string[]
}

const PAGE = 200
const LIMIT = 100_000
const byNumber = (a: ModelVersion, b: ModelVersion) => Number(a.version) - Number(b.version)

/** One line per model: what the migration did ("nothing to migrate" when there was no old name). */
export function describeMigrations(done: readonly ModelMigration[]): string[] {
  if (done.length === 0) return ['No model with an old name (scoreline-dc-…): nothing to migrate.']
  return done.map((m) => {
    const versions = m.registered.map((r) => `v${r.from}→v${r.to} (${r.variant})`).join(', ')
    const aliases = Object.entries(m.aliases).map(([a, v]) => `@${a}→v${v}`)
    const parts = [
      m.registered.length ? `re-registered ${versions}` : 'no new version',
      m.already ? `${m.already} already migrated` : '',
      aliases.length ? `aliases ${aliases.join(', ')}` : '',
      m.keptAliases.length ? `kept ${m.to}'s own ${m.keptAliases.map((a) => `@${a}`).join(', ')}` : '',
    ].filter(Boolean)
    return `${m.from} → ${m.to}: ${parts.join('; ')}.`
  })
}

/** Migrates every model with an old name; `only` limits it to the given old names. */
export async function migrateModelNames(
  store: TrackingStore,
  options: { only?: readonly string[] } = {},
): Promise<ModelMigration[]> {
  const models = await collectPages(
    (pageToken, maxResults) =>
      store.searchRegisteredModels({ nameLike: 'scoreline-dc-%', maxResults, pageToken }),
    PAGE,
    LIMIT,
  )
  const out: ModelMigration[] = []
  for (const model of models.sort((a, b) => a.name.localeCompare(b.name))) {
    const leagues = legacyLeaguesOf(model.name)
    if (!leagues || (options.only && !options.only.includes(model.name))) continue
    out.push(await migrateOne(store, model.name, leagues))
  }
  return out
}

async function migrateOne(store: TrackingStore, from: string, leagues: string[]): Promise<ModelMigration> {
  const to = registeredModelName(leagues)
  const versionsOf = (name: string) =>
    collectPages(
      (pageToken, maxResults) => store.searchModelVersions({ name, maxResults, pageToken }),
      PAGE,
      LIMIT,
    )
  const old = await store.getRegisteredModel(from)
  const ensured = await store.ensureRegisteredModel(to, { description: registeredModelDescription(leagues) })
  const target = (await store.getRegisteredModel(to)) ?? ensured
  const done = new Map<string, string>()
  for (const v of await versionsOf(to)) {
    const source = v.tags[MIGRATION_TAGS.from]
    if (source?.startsWith(`${from}/`)) done.set(source.slice(from.length + 1), v.version)
  }
  const result: ModelMigration = {
    from,
    to,
    registered: [],
    already: done.size,
    aliases: {},
    keptAliases: [],
  }
  for (const v of (await versionsOf(from)).sort(byNumber)) {
    if (done.has(v.version)) continue
    const variant = v.tags[MIGRATION_TAGS.variant] ?? (await variantOfRun(store, v.runId))
    // the old version's client key belongs to its old name; this one's makes a retried call find it
    const { [TAGS.clientKey]: _oldKey, ...tags } = v.tags
    const created = await store.createModelVersion({
      name: to,
      runId: v.runId,
      source: v.source,
      description: v.description,
      tags: { ...tags, [MIGRATION_TAGS.variant]: variant, [MIGRATION_TAGS.from]: `${from}/${v.version}` },
      clientKey: `migrate:${from}/${v.version}`,
    })
    done.set(v.version, created.version)
    result.registered.push({ from: v.version, to: created.version, variant })
  }
  for (const [alias, version] of Object.entries(old?.aliases ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const mapped = done.get(version)
    if (!mapped) continue
    const current = target.aliases[alias]
    if (current !== undefined && current !== mapped) {
      result.keptAliases.push(alias)
      continue
    }
    if (current === mapped) continue
    await store.setAlias(to, alias, mapped)
    result.aliases[alias] = mapped
  }
  if (old?.tags[MIGRATION_TAGS.to] !== to) await store.setRegisteredModelTag(from, MIGRATION_TAGS.to, to)
  return result
}

/** The run's goal-model variant (its `model` param); Dixon-Coles, the only model before variants. */
async function variantOfRun(store: TrackingStore, runId: string | undefined): Promise<string> {
  if (!runId) return 'dixon-coles'
  const run = await store.getRun(runId).catch(() => null)
  return run?.params.model_variant ?? run?.params.model ?? 'dixon-coles'
}
