/**
 * The behaviour both feature stores share, written once: the write path (validation, report, counters),
 * publish, the one-step switch of several views with an error that says what is active, the stats
 * report, read bookkeeping and the miss messages, and how a built-in view definition replaces a stored
 * one. A store supplies the storage: its registry, the rows, the atomic pointer switch and the sizes.
 */
import { randomUUID } from 'node:crypto'
import { FeatureStoreError } from './errors'
import type {
  EntityHit,
  EntityMiss,
  EntityRead,
  FeatureLogger,
  FeatureRow,
  FeatureStore,
  FeatureStoreStats,
  HistoryEntry,
  LeagueRead,
  PreparedRow,
  PublishOptions,
  PublishResult,
  ValidationReport,
  VersionInfo,
  ViewInfo,
  ViewSwitch,
  WriteOptions,
  WriteResult,
} from './featureStore'
import {
  DEFAULT_ABANDONED_WRITE_MS,
  DEFAULT_RETIRED_GRACE_MS,
  ReadStats,
  WriteStats,
  matchEntityId,
  missMessage,
  prepareBatch,
  publicExpiry,
  silentLogger,
  strictRefusal,
} from './featureStore'
import type { Lineage, ViewDefinition } from './views'

export interface CoreOptions {
  clock?: () => number
  logger?: FeatureLogger
  retiredGraceMs?: number
  abandonedWriteMs?: number
}

export function reportId(view: string, version: number, now: number): string {
  return `${view}@${version}:${new Date(now).toISOString()}:${randomUUID().slice(0, 8)}`
}

/**
 * The definition to keep for a built-in view given the stored one: the built-in, except that a view the
 * user redefined with other parameters (team_form with N = 10) keeps its parameters and features — but
 * always takes the built-in's TTL policy, so a store written by an older version stops expiring a
 * standing champion's team features.
 */
export function builtinToKeep(stored: ViewDefinition | undefined, builtin: ViewDefinition): ViewDefinition {
  if (stored && JSON.stringify(stored.params) !== JSON.stringify(builtin.params))
    return { ...stored, ttl: builtin.ttl }
  return builtin
}

export function missOf(
  status: EntityMiss['status'],
  view: string,
  version: number | null,
  league: string,
  entity: string,
  expiredAt?: number,
): EntityMiss {
  return {
    status,
    view,
    version,
    league,
    entity,
    ...(expiredAt === undefined ? {} : { expiredAt }),
    message: missMessage(status, view, version, league, entity, expiredAt),
  }
}

export abstract class FeatureStoreCore implements FeatureStore {
  abstract readonly backend: 'redis' | 'sqlite'
  abstract readonly location: string
  protected readonly clock: () => number
  protected readonly logger: FeatureLogger
  protected readonly graceMs: number
  protected readonly abandonedMs: number
  protected readonly readStats = new ReadStats()
  protected readonly writeStats = new WriteStats()

  protected constructor(options: CoreOptions) {
    this.clock = options.clock ?? Date.now
    this.logger = options.logger ?? silentLogger
    this.graceMs = options.retiredGraceMs ?? DEFAULT_RETIRED_GRACE_MS
    this.abandonedMs = options.abandonedWriteMs ?? DEFAULT_ABANDONED_WRITE_MS
  }

  // ---- what a store provides ----------------------------------------------------------------------
  /** A view's definition; `fresh` re-reads it (another process may have redefined the view). */
  protected abstract viewDefinition(name: string, fresh?: boolean): Promise<ViewDefinition>
  /** The version's record; UNKNOWN_VERSION / VERSION_EXPIRED when it cannot be written or activated. */
  protected abstract versionOrThrow(view: string, version: number): Promise<VersionInfo>
  protected abstract keepReport(report: ValidationReport): Promise<void>
  /** Writes the validated rows (event-time guarded); returns how many were newer than the stored ones. */
  protected abstract writeRows(
    view: string,
    version: number,
    rows: PreparedRow[],
    writtenBy: string,
    now: number,
    onProgress?: (done: number, total: number) => void,
  ): Promise<number>
  /** Moves every pointer in one atomic step (or none); returns each view's previous active version. */
  protected abstract switchPointers(switches: readonly ViewSwitch[], now: number): Promise<(number | null)[]>
  /** Keys and approximate bytes of a version's live entities. */
  protected abstract versionSize(
    view: string,
    version: VersionInfo,
    now: number,
  ): Promise<{ keys: number; approxBytes: number }>

  abstract defineView(definition: ViewDefinition): Promise<void>
  abstract views(): Promise<ViewInfo[]>
  abstract activeVersion(view: string): Promise<number | null>
  abstract createVersion(
    view: string,
    options: { lineage: Lineage; createdBy: string; version?: number },
  ): Promise<number>
  abstract seal(view: string, version: number): Promise<void>
  /** One entity of the view's active version, pointer and entity read in one step. */
  protected abstract readEntity(view: string, league: string, entity: string): Promise<EntityRead>
  abstract getTeams(view: string, league: string): Promise<LeagueRead>
  abstract history(view: string, league: string, entity: string): Promise<HistoryEntry[]>
  abstract validationReports(options?: { view?: string; limit?: number }): Promise<ValidationReport[]>
  abstract close(): Promise<void>

  // ---- shared behaviour ---------------------------------------------------------------------------
  async getTeam(view: string, league: string, team: string): Promise<EntityRead> {
    return this.readEntity(view, league, team)
  }

  async getMatch(
    view: string,
    league: string,
    date: string,
    home: string,
    away: string,
  ): Promise<EntityRead> {
    return this.readEntity(view, league, matchEntityId(date, home, away))
  }

  async write(
    view: string,
    version: number,
    rows: FeatureRow[],
    options: WriteOptions = {},
  ): Promise<WriteResult> {
    const def = await this.viewDefinition(view, true)
    await this.versionOrThrow(view, version)
    const now = this.clock()
    const { accepted, report } = prepareBatch(def, version, rows, options, now, reportId(view, version, now))
    await this.keepReport(report)
    this.writeStats.rejected += report.rejected
    if (report.rejected > 0 && (options.policy ?? def.validation) === 'strict') throw strictRefusal(report)
    if (report.rejected > 0) {
      this.logger.warn('feature rows rejected by validation', {
        view,
        version,
        rejected: report.rejected,
        report: report.id,
      })
    }
    const writtenBy = options.writtenBy ?? 'unknown'
    const written = await this.writeRows(view, version, accepted, writtenBy, now, options.onProgress)
    const ignoredOlder = accepted.length - written
    this.writeStats.entities += written
    this.writeStats.ignoredOlder += ignoredOlder
    this.writeStats.lastWriteAt = now
    this.writeStats.lastWriteBy = writtenBy
    return { view, version, written, ignoredOlder, rejected: report.rejected, report }
  }

  async publish(view: string, rows: FeatureRow[], options: PublishOptions): Promise<PublishResult> {
    const createdBy = options.writtenBy ?? 'unknown'
    const version = await this.createVersion(view, {
      lineage: options.lineage,
      createdBy,
      version: options.version,
    })
    const result = await this.write(view, version, rows, options)
    await this.seal(view, version)
    const previousVersion = await this.activate(view, version)
    return { ...result, previousVersion }
  }

  async activate(view: string, version: number): Promise<number | null> {
    const [previous] = await this.activateAll([{ view, version }])
    return previous
  }

  async activateAll(switches: readonly ViewSwitch[]): Promise<(number | null)[]> {
    if (switches.length === 0) return []
    for (const s of switches) await this.viewDefinition(s.view)
    const now = this.clock()
    let previous: (number | null)[]
    try {
      previous = await this.switchPointers(switches, now)
    } catch (error) {
      if (
        switches.length === 1 &&
        !(error instanceof FeatureStoreError && error.code === 'SERVICE_UNREACHABLE')
      )
        throw error
      throw await this.switchFailure(switches, error)
    }
    switches.forEach((s, i) => {
      if (previous[i] !== s.version)
        this.logger.info('feature view version activated', { ...s, previous: previous[i] })
    })
    return previous
  }

  /** The error of a failed switch of several views, saying what is active now (or what it can be). */
  private async switchFailure(switches: readonly ViewSwitch[], error: unknown): Promise<Error> {
    const target = switches.map((s) => `${s.view}@${s.version}`).join(', ')
    const cause = error instanceof Error ? error.message : String(error)
    const code = error instanceof FeatureStoreError ? error.code : 'REDIS_ERROR'
    const details = error instanceof FeatureStoreError ? error.details : undefined
    let active: string
    try {
      const now = await Promise.all(
        switches.map(async (s) => [s.view, await this.activeVersion(s.view)] as const),
      )
      const list = now.map(([v, n]) => `${v}@${n ?? 'none'}`).join(', ')
      const all = now.every(([, n], i) => n === switches[i].version)
      active = all
        ? `The switch did happen: active now ${list}.`
        : `Nothing switched: active now ${list} (as before).`
    } catch {
      active =
        `What is active cannot be read right now; it is either all of the previous versions or all of ${target}, ` +
        'never a mix: run `scoreline features status` once the store answers, and rebuild again if needed.'
    }
    return new FeatureStoreError(
      code,
      `${cause} Switching ${target} together failed. ${active}`,
      { ...details, switches, cause },
      error,
    )
  }

  protected hit(
    view: string,
    version: number,
    league: string,
    entity: string,
    values: EntityHit['values'],
    eventTime: number,
    storedExpiry: number,
  ): EntityHit {
    return {
      status: 'hit',
      view,
      version,
      league,
      entity,
      values,
      eventTime,
      expiresAt: publicExpiry(storedExpiry),
    }
  }

  /** Records one entity read's latency and outcome; returns it. */
  protected counted<T extends EntityRead>(startedAt: number, read: T): T {
    this.readStats.record(performance.now() - startedAt)
    this.readStats.countRead(read)
    return read
  }

  async stats(): Promise<FeatureStoreStats> {
    const now = this.clock()
    const views: FeatureStoreStats['views'] = []
    for (const info of await this.views()) {
      const versions = []
      for (const v of info.versions) {
        const size =
          v.state === 'expired'
            ? { keys: 0, approxBytes: 0 }
            : await this.versionSize(info.definition.name, v, now)
        versions.push({
          version: v.version,
          state: v.state,
          ...size,
          lastWriteAt: v.lastWriteAt,
          lastWriteBy: v.lastWriteBy,
          lineage: v.lineage,
        })
      }
      views.push({ view: info.definition.name, activeVersion: info.activeVersion, versions })
    }
    return {
      backend: this.backend,
      location: this.location,
      views,
      reads: {
        hits: this.readStats.hits,
        misses: this.readStats.misses,
        expired: this.readStats.expired,
        latency: this.readStats.latency(),
      },
      writes: { ...this.writeStats },
    }
  }
}
