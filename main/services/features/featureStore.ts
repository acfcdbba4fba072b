/**
 * The FeatureStore contract shared by the Redis store and the local SQLite store, plus the pieces
 * both implementations use (entity ids, expiry, batch validation, read statistics). One behavioural
 * test suite (featureStore.behaviour.test.ts) holds both implementations to these semantics:
 *
 * - a view has numbered versions; each version holds one record per entity with an event time;
 * - a write whose event time is older than the stored one is ignored (per entity, atomically);
 * - a version is written completely (`writing`), sealed (`ready`), then made `active` by switching the
 *   view's pointer atomically; the previous active version becomes `retired` and expires after a grace
 *   period; readers of the active version never see a mix of versions or a partial one;
 * - team views never expire while their version is active (a champion kept for months stays readable);
 *   a superseded version stays readable for the retired grace period, then expires; match views expire
 *   24 hours after kickoff; a read of an expired or missing entity says so;
 * - the views of one rebuild become active together (`activateAll`: one atomic switch) or none does;
 * - rows are validated on write; strict views reject the whole batch, lenient views write the valid rows;
 *   either way a validation report is kept.
 */
import type {
  FeatureIssue,
  FeatureValue,
  FeatureValues,
  Lineage,
  ValidationPolicy,
  ViewDefinition,
} from './views'
import { validateValues } from './views'
import { FeatureStoreError } from './errors'

export type VersionState = 'writing' | 'ready' | 'active' | 'retired' | 'expired'

export interface TeamRow {
  league: string
  team: string
  values: FeatureValues
  /** Event time in epoch ms (when the values became true); defaults to the write's `eventTime`. */
  eventTime?: number
}
export interface MatchRow {
  league: string
  /** Match date YYYY-MM-DD. */
  date: string
  home: string
  away: string
  /** Kickoff in epoch ms if known; otherwise the end of the match date (UTC) is assumed. */
  kickoff?: number
  values: FeatureValues
  eventTime?: number
}
export type FeatureRow = TeamRow | MatchRow

export interface VersionInfo {
  view: string
  version: number
  state: VersionState
  lineage: Lineage
  createdAt: number
  createdBy: string
  sealedAt: number | null
  activatedAt: number | null
  retiredAt: number | null
  /** When a retired version's data disappears (retiredAt + grace). */
  expiresAt: number | null
  entityCount: number
  lastWriteAt: number | null
  lastWriteBy: string | null
}

export interface ViewInfo {
  definition: ViewDefinition
  activeVersion: number | null
  versions: VersionInfo[]
}

export interface EntityHit {
  status: 'hit'
  view: string
  version: number
  league: string
  /** Team name, or `date:home:away` for a match. */
  entity: string
  values: Record<string, FeatureValue>
  eventTime: number
  /** Null: no expiry of its own while its version is active (a `whileActive` view). */
  expiresAt: number | null
}
export interface EntityMiss {
  status: 'missing' | 'expired' | 'no_active_version'
  view: string
  version: number | null
  league: string
  entity: string
  /** For `expired`: when it expired. */
  expiredAt?: number
  message: string
}
export type EntityRead = EntityHit | EntityMiss

export interface LeagueRead {
  view: string
  /** Null when the view has no active version (then `entities` is empty). */
  version: number | null
  league: string
  entities: EntityHit[]
  /** Entities of the version that have expired: listed so a caller never mistakes them for absent teams. */
  expired: { entity: string; expiredAt: number }[]
}

export interface HistoryEntry {
  version: number
  state: VersionState
  lineage: Lineage
  read: EntityRead
}

export interface ValidationFailure {
  league: string
  entity: string
  issues: FeatureIssue[]
}

export interface ValidationReport {
  id: string
  view: string
  version: number
  policy: ValidationPolicy
  at: number
  writtenBy: string
  total: number
  accepted: number
  rejected: number
  /** Whether anything was written (false when a strict batch was refused). */
  written: boolean
  /** At most MAX_REPORTED_FAILURES rows, the first ones in batch order. */
  failures: ValidationFailure[]
}

export interface WriteOptions {
  writtenBy?: string
  /** Overrides the view's validation policy for this batch. */
  policy?: ValidationPolicy
  /** Event time for rows without their own; defaults to now. */
  eventTime?: number
  /** Called after each chunk reaches the store: (rows done, rows total). */
  onProgress?: (done: number, total: number) => void
}

export interface WriteResult {
  view: string
  version: number
  /** Rows written (new or newer than stored). */
  written: number
  /** Valid rows not written because the stored event time is newer. */
  ignoredOlder: number
  rejected: number
  report: ValidationReport
}

export interface PublishOptions extends WriteOptions {
  lineage: Lineage
  /** Explicit version number; the next free number by default. */
  version?: number
}

export interface PublishResult extends WriteResult {
  previousVersion: number | null
}

export interface LatencySummary {
  samples: number
  p50Ms: number | null
  p90Ms: number | null
  p99Ms: number | null
  maxMs: number | null
}

export interface VersionStats {
  version: number
  state: VersionState
  keys: number
  approxBytes: number
  lastWriteAt: number | null
  lastWriteBy: string | null
  lineage: Lineage
}

export interface FeatureStoreStats {
  backend: 'redis' | 'sqlite'
  /** host:port/db or the SQLite file, never credentials. */
  location: string
  views: { view: string; activeVersion: number | null; versions: VersionStats[] }[]
  reads: { hits: number; misses: number; expired: number; latency: LatencySummary }
  writes: {
    entities: number
    ignoredOlder: number
    rejected: number
    lastWriteAt: number | null
    lastWriteBy: string | null
  }
}

export interface ViewSwitch {
  view: string
  version: number
}

export interface FeatureStore {
  readonly backend: 'redis' | 'sqlite'
  readonly location: string

  /** Registers (or updates the definition of) a view. Built-in views are registered on open. */
  defineView(definition: ViewDefinition): Promise<void>
  views(): Promise<ViewInfo[]>
  activeVersion(view: string): Promise<number | null>

  /** Opens a new version in state `writing`; returns its number. */
  createVersion(
    view: string,
    options: { lineage: Lineage; createdBy: string; version?: number },
  ): Promise<number>
  write(view: string, version: number, rows: FeatureRow[], options?: WriteOptions): Promise<WriteResult>
  /** Marks a version completely written (`ready`) so it can be activated. */
  seal(view: string, version: number): Promise<void>
  /** Switches the view's pointer to `version` atomically; the previous one retires. Returns the previous. */
  activate(view: string, version: number): Promise<number | null>
  /**
   * Switches several views at once (the views of one rebuild): every pointer moves in one atomic step,
   * or none does. Returns each view's previous version. On failure the error says what is active.
   */
  activateAll(switches: readonly ViewSwitch[]): Promise<(number | null)[]>
  /** createVersion + write + seal + activate: how a promotion or a rebuild publishes a view. */
  publish(view: string, rows: FeatureRow[], options: PublishOptions): Promise<PublishResult>

  getTeam(view: string, league: string, team: string): Promise<EntityRead>
  /** Every team (or match) of a league in the active version, in one round trip. */
  getTeams(view: string, league: string): Promise<LeagueRead>
  getMatch(view: string, league: string, date: string, home: string, away: string): Promise<EntityRead>
  /** An entity's values in every version still stored, newest version first. */
  history(view: string, league: string, entity: string): Promise<HistoryEntry[]>
  validationReports(options?: { view?: string; limit?: number }): Promise<ValidationReport[]>
  stats(): Promise<FeatureStoreStats>
  close(): Promise<void>
}

// ---------------------------------------------------------------------------------------------------
// Shared helpers

export const DEFAULT_RETIRED_GRACE_MS = 60 * 60 * 1000
/**
 * A version still `writing` with no activity (creation or last write) for this long was left by a writer
 * that crashed or was killed: the next `createVersion` of its view retires it at once, so its data is
 * purged instead of lingering (it was never active, so no reader depends on it).
 */
export const DEFAULT_ABANDONED_WRITE_MS = 6 * 60 * 60 * 1000
export const MAX_REPORTED_FAILURES = 100
export const MAX_KEPT_REPORTS = 200

/** `date:home:away` for a match row, the team name for a team row. */
export function entityIdOf(row: FeatureRow): string {
  return 'team' in row ? row.team : matchEntityId(row.date, row.home, row.away)
}

export function matchEntityId(date: string, home: string, away: string): string {
  return `${date}:${home}:${away}`
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/

/** Checks that a row's key matches the view's entity kind; throws INVALID_ENTITY otherwise. */
export function checkRowShape(view: ViewDefinition, row: FeatureRow, index: number): void {
  const where = `${view.name} row ${index + 1}`
  if (typeof row.league !== 'string' || row.league.trim() === '' || row.league.includes(':')) {
    throw new FeatureStoreError(
      'INVALID_ENTITY',
      `${where}: league must be a code like E0 (no colon), got "${row.league}"`,
    )
  }
  if (view.entity === 'team') {
    if (!('team' in row) || typeof row.team !== 'string' || row.team.trim() === '') {
      throw new FeatureStoreError(
        'INVALID_ENTITY',
        `${where}: ${view.name} is a team view, the row needs a team`,
      )
    }
  } else {
    const m = row as MatchRow
    if (!DATE_RE.test(m.date ?? '') || !m.home || !m.away) {
      throw new FeatureStoreError(
        'INVALID_ENTITY',
        `${where}: ${view.name} is a match view, the row needs date (YYYY-MM-DD), home and away`,
      )
    }
  }
}

/**
 * The expiry stored for an entity of a `whileActive` view: none (the largest time a Date holds, kept as a
 * number so both stores order and compare it like any expiry; Redis keys get no TTL). Retiring the version
 * caps it at the end of the grace period; readers see `expiresAt: null`.
 */
export const NO_EXPIRY = 8_640_000_000_000_000

/** What a reader is told of a stored expiry: null for "none while the version is active". */
export function publicExpiry(stored: number): number | null {
  return stored >= NO_EXPIRY ? null : stored
}

/** Absolute expiry (epoch ms) of a row written at `now`. */
export function expiryOf(view: ViewDefinition, row: FeatureRow, now: number): number {
  if (view.ttl.kind === 'whileActive') return NO_EXPIRY
  if (view.ttl.kind === 'fixed') return now + view.ttl.ms
  const m = row as MatchRow
  const kickoff = m.kickoff ?? Date.parse(`${m.date}T23:59:59Z`)
  return kickoff + view.ttl.ms
}

export interface PreparedRow {
  league: string
  entity: string
  eventTime: number
  expiresAt: number
  values: Record<string, FeatureValue>
}

/**
 * Validates a batch. Returns the rows to write (all valid ones; none for a strict batch with a failure)
 * and the report. Throws INVALID_ENTITY for rows whose key does not fit the view at all.
 */
export function prepareBatch(
  view: ViewDefinition,
  version: number,
  rows: FeatureRow[],
  options: WriteOptions,
  now: number,
  reportId: string,
): { accepted: PreparedRow[]; report: ValidationReport } {
  const policy = options.policy ?? view.validation
  const accepted: PreparedRow[] = []
  const failures: ValidationFailure[] = []
  let rejected = 0
  rows.forEach((row, i) => {
    checkRowShape(view, row, i)
    const entity = entityIdOf(row)
    const issues = validateValues(view, row.values ?? {})
    if (issues.length > 0) {
      rejected++
      if (failures.length < MAX_REPORTED_FAILURES) failures.push({ league: row.league, entity, issues })
      return
    }
    const values: Record<string, FeatureValue> = {}
    for (const spec of view.features) {
      const v = row.values[spec.name]
      if (v !== undefined && v !== null) values[spec.name] = v
    }
    accepted.push({
      league: row.league,
      entity,
      eventTime: row.eventTime ?? options.eventTime ?? now,
      expiresAt: expiryOf(view, row, now),
      values,
    })
  })
  const refused = policy === 'strict' && rejected > 0
  const report: ValidationReport = {
    id: reportId,
    view: view.name,
    version,
    policy,
    at: now,
    writtenBy: options.writtenBy ?? 'unknown',
    total: rows.length,
    accepted: refused ? 0 : accepted.length,
    rejected,
    written: !refused && accepted.length > 0,
    failures,
  }
  return { accepted: refused ? [] : accepted, report }
}

export function strictRefusal(report: ValidationReport): FeatureStoreError {
  const first = report.failures[0]
  const sample = first
    ? ` First: ${first.league} ${first.entity}: ${first.issues.map((i) => i.message).join('; ')}.`
    : ''
  return new FeatureStoreError(
    'FEATURE_VALIDATION',
    `${report.view}@${report.version}: ${report.rejected} of ${report.total} rows are invalid; the strict policy ` +
      `rejected the whole batch and nothing was written.${sample} See the validation report ${report.id}.`,
    { report },
  )
}

/** Bounded ring of recent read latencies plus hit / miss counters. */
export class ReadStats {
  hits = 0
  misses = 0
  expired = 0
  private readonly samples: Float64Array
  private count = 0
  private next = 0

  constructor(capacity = 10_000) {
    this.samples = new Float64Array(capacity)
  }

  record(ms: number): void {
    this.samples[this.next] = ms
    this.next = (this.next + 1) % this.samples.length
    if (this.count < this.samples.length) this.count++
  }

  countRead(read: EntityRead): void {
    if (read.status === 'hit') this.hits++
    else if (read.status === 'expired') this.expired++
    else this.misses++
  }

  latency(): LatencySummary {
    if (this.count === 0) return { samples: 0, p50Ms: null, p90Ms: null, p99Ms: null, maxMs: null }
    const sorted = Array.from(this.samples.subarray(0, this.count)).sort((a, b) => a - b)
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]
    return {
      samples: this.count,
      p50Ms: q(0.5),
      p90Ms: q(0.9),
      p99Ms: q(0.99),
      maxMs: sorted[sorted.length - 1],
    }
  }
}

export class WriteStats {
  entities = 0
  ignoredOlder = 0
  rejected = 0
  lastWriteAt: number | null = null
  lastWriteBy: string | null = null
}

export function nowMs(clock?: () => number): number {
  return clock ? clock() : Date.now()
}

/** Minimal structured logger the services accept (the app's logger satisfies it). */
export interface FeatureLogger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

export const silentLogger: FeatureLogger = { debug() {}, info() {}, warn() {}, error() {} }

export function missMessage(
  status: EntityMiss['status'],
  view: string,
  version: number | null,
  league: string,
  entity: string,
  expiredAt?: number,
): string {
  // match_probabilities holds the fixtures to come: a rebuild helps only once a fixture is in the store
  const fixtures = view === 'match_probabilities'
  switch (status) {
    case 'no_active_version':
      return fixtures
        ? `${view} has no active version yet: it prices the fixtures to come with the champions; import them (scoreline fixtures download or fixtures import <csv>, which rebuilds it) once the league has a champion (scoreline pipeline run)`
        : `${view} has no active version yet: publish or rebuild it (npx scoreline features rebuild)`
    case 'expired':
      return fixtures
        ? `${league} ${entity} in ${view}@${version} expired at ${new Date(expiredAt ?? 0).toISOString()}: the match has kicked off, its result comes with the season file`
        : `${league} ${entity} in ${view}@${version} expired at ${new Date(expiredAt ?? 0).toISOString()}; rebuild the view for fresh values`
    default:
      return fixtures
        ? `${league} ${entity} is not in ${view}@${version}: it is not a fixture to come in the local store; import it (scoreline fixtures download or fixtures import <csv>)`
        : `${league} ${entity} is not in ${view}@${version}`
  }
}
