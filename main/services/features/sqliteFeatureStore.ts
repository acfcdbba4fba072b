/**
 * The embedded feature store: the same semantics as the Redis store (versions, atomic pointer switch,
 * event-time guarded writes, TTLs, validation, stats) in a SQLite file, so features written by one
 * process (a CLI pipeline run) are there for the next (the app). Reads of a league are one statement,
 * which SQLite runs against one snapshot: a concurrent activation is seen entirely or not at all.
 */
import type Database from 'better-sqlite3'
import { openDatabase } from '../data/db/openDatabase'
import { FeatureStoreError } from './errors'
import { FeatureRegistry } from './featureRegistry'
import { featureStoreMigrations } from './featureMigrations'
import type {
  EntityRead,
  FeatureLogger,
  HistoryEntry,
  LeagueRead,
  PreparedRow,
  ValidationReport,
  VersionInfo,
  ViewInfo,
  ViewSwitch,
} from './featureStore'
import { NO_EXPIRY } from './featureStore'
import { FeatureStoreCore, builtinToKeep, missOf } from './featureStoreCore'
import type { FeatureValue, Lineage, ViewDefinition } from './views'
import { BUILTIN_VIEWS, lineageSchema, viewDefinitionSchema } from './views'

export { reportId } from './featureStoreCore'

export interface SqliteFeatureStoreOptions {
  clock?: () => number
  logger?: FeatureLogger
  /** How long a retired version stays readable (history, rollback). Default one hour. */
  retiredGraceMs?: number
  /** A `writing` version idle this long is retired by the next createVersion. Default six hours. */
  abandonedWriteMs?: number
  /** Rows per transaction in bulk writes (progress is reported per chunk). Default 2000. */
  chunkSize?: number
}

interface EntityRow {
  version: number
  entity: string
  event_time: number
  expires_at: number
  values_json: string
}

export class SqliteFeatureStore extends FeatureStoreCore {
  readonly backend = 'sqlite' as const
  readonly location: string
  private readonly registry: FeatureRegistry
  private readonly chunkSize: number
  private readonly definitions = new Map<string, ViewDefinition>()
  private readonly ownsDb: boolean

  /** Opens (creating and migrating) the feature store file. */
  static open(file: string, options: SqliteFeatureStoreOptions = {}): SqliteFeatureStore {
    const db = openDatabase(file, { migrations: featureStoreMigrations })
    return new SqliteFeatureStore(db, options, true)
  }

  /** Wraps an already migrated database (tests pass an in-memory one). */
  constructor(
    private readonly db: Database.Database,
    options: SqliteFeatureStoreOptions = {},
    ownsDb = false,
  ) {
    super(options)
    this.location = db.name
    this.ownsDb = ownsDb
    this.registry = new FeatureRegistry(db)
    this.chunkSize = options.chunkSize ?? 2000
    this.registerBuiltins()
  }

  private registerBuiltins(): void {
    const now = this.clock()
    const existing = new Map(this.registry.definitions().map((d) => [d.definition.name, d]))
    this.db.transaction(() => {
      for (const view of BUILTIN_VIEWS) {
        const stored = existing.get(view.name)
        this.registry.putView(builtinToKeep(stored?.definition, view), stored?.activeVersion ?? null, now)
        // Entities an older release wrote into the active version of a `whileActive` view with a 7-day
        // TTL: the champion still stands, so they no longer expire.
        if (view.ttl.kind === 'whileActive' && stored?.activeVersion != null) {
          this.db
            .prepare(
              'UPDATE fs_entities SET expires_at = ? WHERE view = ? AND version = ? AND expires_at < ?',
            )
            .run(NO_EXPIRY, view.name, stored.activeVersion, NO_EXPIRY)
        }
      }
    })()
  }

  /** The registry (used by the Redis store's mirror and by the app's settings page). */
  get featureRegistry(): FeatureRegistry {
    return this.registry
  }

  /** A view's definition; `fresh` re-reads it (writes: another process may have redefined the view). */
  private view(name: string, fresh = false): ViewDefinition {
    let def = fresh ? undefined : this.definitions.get(name)
    if (!def) {
      def = this.registry.definition(name)?.definition
      if (!def) {
        const known = this.registry.definitions().map((d) => d.definition.name)
        throw new FeatureStoreError(
          'UNKNOWN_VIEW',
          `no feature view "${name}" (known: ${known.join(', ')})`,
          {
            view: name,
            known,
          },
        )
      }
      this.definitions.set(name, def)
    }
    return def
  }

  protected async viewDefinition(name: string, fresh = false): Promise<ViewDefinition> {
    return this.view(name, fresh)
  }

  private versionSync(view: string, version: number): VersionInfo {
    const info = this.registry.version(view, version, this.clock())
    if (!info) {
      throw new FeatureStoreError('UNKNOWN_VERSION', `${view}@${version} does not exist`, { view, version })
    }
    if (info.state === 'expired') {
      throw new FeatureStoreError('VERSION_EXPIRED', `${view}@${version} was retired and has expired`, {
        view,
        version,
      })
    }
    return info
  }

  protected async versionOrThrow(view: string, version: number): Promise<VersionInfo> {
    return this.versionSync(view, version)
  }

  protected async keepReport(report: ValidationReport): Promise<void> {
    this.registry.putReport(report)
  }

  async defineView(definition: ViewDefinition): Promise<void> {
    const def = viewDefinitionSchema.parse(definition)
    const current = this.registry.definition(def.name)
    this.registry.putView(def, current?.activeVersion ?? null, this.clock())
    this.definitions.set(def.name, def)
  }

  async views(): Promise<ViewInfo[]> {
    const now = this.clock()
    this.purgeExpired(now)
    return this.registry.definitions().map((d) => ({
      definition: d.definition,
      activeVersion: d.activeVersion,
      versions: this.registry.versions(d.definition.name, now),
    }))
  }

  async activeVersion(view: string): Promise<number | null> {
    this.view(view)
    return this.registry.definition(view)?.activeVersion ?? null
  }

  async createVersion(
    view: string,
    options: { lineage: Lineage; createdBy: string; version?: number },
  ): Promise<number> {
    const def = this.view(view, true)
    const lineage = lineageSchema.parse({ ...options.lineage, params: options.lineage.params ?? def.params })
    const now = this.clock()
    this.retireAbandonedWrites(view, now)
    return this.db.transaction(() => {
      const max = (
        this.db.prepare('SELECT MAX(version) AS v FROM fs_versions WHERE view = ?').get(view) as {
          v: number | null
        }
      ).v
      const version = options.version ?? (max ?? 0) + 1
      if (!Number.isInteger(version) || version < 1) {
        throw new FeatureStoreError(
          'UNKNOWN_VERSION',
          `version must be a positive whole number, got ${version}`,
        )
      }
      if (this.registry.version(view, version, now)) {
        throw new FeatureStoreError(
          'VERSION_EXISTS',
          `${view}@${version} already exists; publish a new version`,
          {
            view,
            version,
          },
        )
      }
      this.registry.putVersion({
        view,
        version,
        state: 'writing',
        lineage,
        createdAt: now,
        createdBy: options.createdBy,
        sealedAt: null,
        activatedAt: null,
        retiredAt: null,
        expiresAt: null,
        entityCount: 0,
        lastWriteAt: null,
        lastWriteBy: null,
      })
      return version
    })()
  }

  protected async writeRows(
    view: string,
    version: number,
    accepted: PreparedRow[],
    writtenBy: string,
    now: number,
    onProgress?: (done: number, total: number) => void,
  ): Promise<number> {
    const upsert = this.db.prepare(
      `INSERT INTO fs_entities (view, version, league, entity, event_time, expires_at, values_json)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (view, version, league, entity) DO UPDATE SET event_time = excluded.event_time,
         expires_at = excluded.expires_at, values_json = excluded.values_json
       WHERE excluded.event_time >= fs_entities.event_time`,
    )
    let written = 0
    for (let start = 0; start < accepted.length; start += this.chunkSize) {
      const chunk = accepted.slice(start, start + this.chunkSize)
      written += this.db.transaction(() => {
        let n = 0
        for (const r of chunk) {
          n += upsert.run(
            view,
            version,
            r.league,
            r.entity,
            r.eventTime,
            r.expiresAt,
            JSON.stringify(r.values),
          ).changes
        }
        this.touchVersion(view, version, now, writtenBy)
        return n
      })()
      onProgress?.(start + chunk.length, accepted.length)
      // Let other work (the UI's reads, a concurrent reader) run between chunks of a big write.
      if (start + chunk.length < accepted.length) await new Promise((resolve) => setImmediate(resolve))
    }
    return written
  }

  private touchVersion(view: string, version: number, now: number, by: string): void {
    this.db
      .prepare(
        `UPDATE fs_versions SET last_write_at = ?, last_write_by = ?,
           entity_count = (SELECT COUNT(*) FROM fs_entities WHERE view = ? AND version = ?)
         WHERE view = ? AND version = ?`,
      )
      .run(now, by, view, version, view, version)
  }

  async seal(view: string, version: number): Promise<void> {
    this.view(view)
    const info = this.versionSync(view, version)
    if (info.state !== 'writing') return
    this.db
      .prepare(
        `UPDATE fs_versions SET state = 'ready', sealed_at = ?,
           entity_count = (SELECT COUNT(*) FROM fs_entities WHERE view = ? AND version = ?)
         WHERE view = ? AND version = ? AND state = 'writing'`,
      )
      .run(this.clock(), view, version, view, version)
  }

  /** One transaction: every version is checked first, then every pointer moves; a throw moves none. */
  protected async switchPointers(switches: readonly ViewSwitch[], now: number): Promise<(number | null)[]> {
    const previous = this.db.transaction(() => {
      for (const { view, version } of switches) {
        if (this.versionSync(view, version).state === 'writing') {
          throw new FeatureStoreError(
            'VERSION_NOT_READY',
            `${view}@${version} is still being written; seal it before activating it`,
            { view, version },
          )
        }
      }
      return switches.map(({ view, version }) => {
        const old = this.registry.definition(view)?.activeVersion ?? null
        if (old === version) return old
        if (old !== null) {
          this.db
            .prepare(
              `UPDATE fs_versions SET state = 'retired', retired_at = ?, expires_at = ? WHERE view = ? AND version = ?`,
            )
            .run(now, now + this.graceMs, view, old)
        }
        this.db
          .prepare(
            `UPDATE fs_versions SET state = 'active', activated_at = ?, retired_at = NULL, expires_at = NULL
             WHERE view = ? AND version = ?`,
          )
          .run(now, view, version)
        this.db
          .prepare('UPDATE fs_views SET active_version = ?, updated_at = ? WHERE name = ?')
          .run(version, now, view)
        return old
      })
    })()
    this.purgeExpired(now)
    return previous
  }

  protected async readEntity(view: string, league: string, entity: string): Promise<EntityRead> {
    const start = performance.now()
    this.view(view)
    const row = this.db
      .prepare(
        `SELECT v.active_version AS active, e.version, e.entity, e.event_time, e.expires_at, e.values_json
         FROM fs_views v LEFT JOIN fs_entities e
           ON e.view = v.name AND e.version = v.active_version AND e.league = ? AND e.entity = ?
         WHERE v.name = ?`,
      )
      .get(league, entity, view) as (Partial<EntityRow> & { active: number | null }) | undefined
    const active = row?.active ?? null
    if (active === null) return this.counted(start, missOf('no_active_version', view, null, league, entity))
    if (!row || row.version === null || row.version === undefined)
      return this.counted(start, missOf('missing', view, active, league, entity))
    return this.counted(start, this.toRead(view, league, row as EntityRow))
  }

  private toRead(view: string, league: string, row: EntityRow): EntityRead {
    if (row.expires_at <= this.clock())
      return missOf('expired', view, row.version, league, row.entity, row.expires_at)
    const values = JSON.parse(row.values_json) as Record<string, FeatureValue>
    return this.hit(view, row.version, league, row.entity, values, row.event_time, row.expires_at)
  }

  async getTeams(view: string, league: string): Promise<LeagueRead> {
    const start = performance.now()
    this.view(view)
    // One statement: SQLite evaluates it against a single snapshot, so the pointer and the rows agree.
    const rows = this.db
      .prepare(
        `SELECT v.active_version AS active, e.version, e.entity, e.event_time, e.expires_at, e.values_json
         FROM fs_views v LEFT JOIN fs_entities e
           ON e.view = v.name AND e.version = v.active_version AND e.league = ?
         WHERE v.name = ? ORDER BY e.entity`,
      )
      .all(league, view) as (Partial<EntityRow> & { active: number | null })[]
    const version = rows[0]?.active ?? null
    const result: LeagueRead = { view, version, league, entities: [], expired: [] }
    for (const row of rows) {
      if (row.version === null || row.version === undefined) continue
      const read = this.toRead(view, league, row as EntityRow)
      this.readStats.countRead(read)
      if (read.status === 'hit') result.entities.push(read)
      else if (read.status === 'expired')
        result.expired.push({ entity: read.entity, expiredAt: read.expiredAt ?? 0 })
    }
    this.readStats.record(performance.now() - start)
    return result
  }

  async history(view: string, league: string, entity: string): Promise<HistoryEntry[]> {
    this.view(view)
    const now = this.clock()
    this.purgeExpired(now)
    const get = this.db.prepare(
      `SELECT version, entity, event_time, expires_at, values_json FROM fs_entities
       WHERE view = ? AND version = ? AND league = ? AND entity = ?`,
    )
    return this.registry
      .versions(view, now)
      .filter((v) => v.state !== 'expired')
      .map((v) => {
        const row = get.get(view, v.version, league, entity) as EntityRow | undefined
        const read = row ? this.toRead(view, league, row) : missOf('missing', view, v.version, league, entity)
        return { version: v.version, state: v.state, lineage: v.lineage, read }
      })
  }

  async validationReports(options: { view?: string; limit?: number } = {}): Promise<ValidationReport[]> {
    return this.registry.reports(options.view, options.limit ?? 20)
  }

  override async stats() {
    this.purgeExpired(this.clock())
    return super.stats()
  }

  protected async versionSize(
    view: string,
    version: VersionInfo,
  ): Promise<{ keys: number; approxBytes: number }> {
    const size = this.db
      .prepare(
        `SELECT COUNT(*) AS keys, COALESCE(SUM(LENGTH(values_json) + LENGTH(league) + LENGTH(entity) + 24), 0) AS bytes
         FROM fs_entities WHERE view = ? AND version = ?`,
      )
      .get(view, version.version) as { keys: number; bytes: number }
    return { keys: size.keys, approxBytes: size.bytes }
  }

  /**
   * Retires, at once, the versions of `view` left `writing` (or sealed but never activated) with no
   * activity for `abandonedWriteMs` (their writer died, or a rebuild failed before its switch); the purge
   * then deletes their rows. Returns the versions retired.
   */
  retireAbandonedWrites(view: string, now = this.clock()): number[] {
    const cutoff = now - this.abandonedMs
    const abandoned = `view = ? AND (state = 'writing' OR (state = 'ready' AND activated_at IS NULL))
            AND max(created_at, coalesce(last_write_at, 0), coalesce(sealed_at, 0)) < ?`
    const stale = this.db
      .prepare(`SELECT version FROM fs_versions WHERE ${abandoned}`)
      .pluck()
      .all(view, cutoff) as number[]
    if (stale.length === 0) return []
    this.db
      .prepare(`UPDATE fs_versions SET state = 'retired', retired_at = ?, expires_at = ? WHERE ${abandoned}`)
      .run(now, now, view, cutoff)
    this.logger.warn('abandoned feature versions retired', { view, versions: stale })
    this.purgeExpired(now)
    return stale
  }

  /** Deletes the data of retired versions whose grace period is over. Returns rows deleted. */
  purgeExpired(now = this.clock()): number {
    return this.db
      .prepare(
        `DELETE FROM fs_entities WHERE (view, version) IN
           (SELECT view, version FROM fs_versions WHERE state = 'retired' AND expires_at <= ?)`,
      )
      .run(now).changes
  }

  async close(): Promise<void> {
    if (this.ownsDb && this.db.open) this.db.close()
  }
}
