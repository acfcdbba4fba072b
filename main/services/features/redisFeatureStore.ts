/**
 * The Redis feature store (ioredis). Layout and atomicity are described in redisScripts.ts.
 *
 * Failure behaviour: the client is created with `enableOfflineQueue: false`, a small
 * `maxRetriesPerRequest`, `connectTimeout` and `commandTimeout`, so while Redis is down every call fails
 * at once with SERVICE_UNREACHABLE naming host:port (never credentials) instead of queueing or hanging,
 * and ioredis keeps reconnecting in the background; calls succeed again as soon as it is back.
 */
import { Redis, ReplyError } from 'ioredis'
import type { RedisOptions } from 'ioredis'
import { FeatureStoreError, describeRedisUrl, redisAuthProblem } from './errors'
import type { FeatureRegistry } from './featureRegistry'
import type {
  EntityHit,
  EntityRead,
  FeatureLogger,
  HistoryEntry,
  LeagueRead,
  PreparedRow,
  ValidationReport,
  VersionInfo,
  VersionState,
  ViewInfo,
  ViewSwitch,
} from './featureStore'
import { MAX_KEPT_REPORTS, NO_EXPIRY } from './featureStore'
import { FeatureStoreCore, builtinToKeep, missOf } from './featureStoreCore'
import {
  ACTIVATE_SCRIPT,
  COUNT_SCRIPT,
  CREATE_SCRIPT,
  GET_SCRIPT,
  LEAGUE_SCRIPT,
  RETIRE_SCRIPT,
  WRITE_SCRIPT,
} from './redisScripts'
import type { Lineage, ViewDefinition } from './views'
import { BUILTIN_VIEWS, decodeValues, lineageSchema, viewDefinitionSchema } from './views'

export const DEFAULT_KEY_PREFIX = 'scoreline:fs:'
const MAX_CHUNKS_IN_FLIGHT = 16

export interface RedisFeatureStoreOptions {
  url: string
  /** Default `scoreline:fs:`; tests use a random prefix per run. */
  keyPrefix?: string
  /** Must agree with the Redis server's clock: entity expiries are written as absolute times (PEXPIREAT). */
  clock?: () => number
  logger?: FeatureLogger
  retiredGraceMs?: number
  /** A `writing` version idle this long is retired by the next createVersion. Default six hours. */
  abandonedWriteMs?: number
  /** Entities per Lua call in bulk writes (the calls themselves are pipelined). Default 500. */
  chunkSize?: number
  /** Local SQLite registry that mirrors views, versions, lineage and validation reports. */
  mirror?: FeatureRegistry
  connectTimeoutMs?: number
  commandTimeoutMs?: number
  maxRetriesPerRequest?: number
  /** Extra ioredis options (tests); the fail-fast options above always win. */
  redisOptions?: RedisOptions
}

type Reply = unknown
interface ScriptedRedis {
  fsWrite(...args: (string | number)[]): Promise<number[]>
  fsCreate(...args: (string | number)[]): Promise<number>
  fsActivate(...args: (string | number)[]): Promise<string[]>
  fsRetire(...args: (string | number)[]): Promise<number>
  fsGet(...args: (string | number)[]): Promise<Reply[]>
  fsLeague(...args: (string | number)[]): Promise<Reply[]>
  fsCount(...args: (string | number)[]): Promise<number>
}

const SCRIPT_ERRORS = ['VERSION_EXISTS', 'VERSION_NOT_READY', 'VERSION_EXPIRED', 'UNKNOWN_VERSION'] as const

function pairsToRecord(flat: Reply): Record<string, string> {
  const out: Record<string, string> = {}
  const list = Array.isArray(flat) ? (flat as string[]) : []
  for (let i = 0; i + 1 < list.length; i += 2) out[list[i]] = list[i + 1]
  return out
}

const numOrNull = (s: string | undefined): number | null => (s === undefined || s === '' ? null : Number(s))

export class RedisFeatureStore extends FeatureStoreCore {
  readonly backend = 'redis' as const
  readonly location: string
  readonly keyPrefix: string
  private readonly redis: Redis
  private readonly scripted: ScriptedRedis
  private readonly chunkSize: number
  private readonly mirror: FeatureRegistry | undefined
  private readonly definitions = new Map<string, ViewDefinition>()
  private lastConnectionError: string | null = null

  /** Connects (failing fast with SERVICE_UNREACHABLE) and registers the built-in views. */
  static async connect(options: RedisFeatureStoreOptions): Promise<RedisFeatureStore> {
    const store = new RedisFeatureStore(options)
    try {
      await store.redis.connect()
    } catch (error) {
      store.redis.disconnect()
      throw store.unreachable(error, 'connect')
    }
    try {
      await store.registerBuiltins()
    } catch (error) {
      store.redis.disconnect()
      throw error
    }
    return store
  }

  private constructor(options: RedisFeatureStoreOptions) {
    super(options)
    this.location = describeRedisUrl(options.url)
    this.keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX
    this.chunkSize = options.chunkSize ?? 500
    this.mirror = options.mirror
    this.redis = new Redis(options.url, {
      ...options.redisOptions,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: options.maxRetriesPerRequest ?? 1,
      connectTimeout: options.connectTimeoutMs ?? 2000,
      commandTimeout: options.commandTimeoutMs ?? 5000,
      autoResendUnfulfilledCommands: false,
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
    })
    this.redis.on('error', (error: Error) => {
      // ioredis emits one error per failed reconnect attempt; log each distinct message once.
      if (error.message !== this.lastConnectionError) {
        this.lastConnectionError = error.message
        this.logger.warn('Redis connection problem', { host: this.location, error: error.message })
      }
    })
    this.redis.on('ready', () => {
      if (this.lastConnectionError !== null)
        this.logger.info('Redis connection restored', { host: this.location })
      this.lastConnectionError = null
    })
    const scripts = {
      fsWrite: WRITE_SCRIPT,
      fsCreate: CREATE_SCRIPT,
      fsActivate: ACTIVATE_SCRIPT,
      fsRetire: RETIRE_SCRIPT,
      fsGet: GET_SCRIPT,
      fsLeague: LEAGUE_SCRIPT,
      fsCount: COUNT_SCRIPT,
    }
    // ioredis sends each script as EVAL the first time on a connection (which loads it), EVALSHA after:
    // one round trip either way, also after a restarted Redis lost its script cache.
    for (const [name, lua] of Object.entries(scripts))
      this.redis.defineCommand(name, { numberOfKeys: 0, lua })
    this.scripted = this.redis as unknown as ScriptedRedis
  }

  /** `ready`, `connecting`, `reconnecting`, `end`, ... (ioredis status), for the status bar. */
  get connectionStatus(): string {
    return this.redis.status
  }

  private unreachable(cause: unknown, what: string): FeatureStoreError {
    const auth = redisAuthProblem(this.location, cause, this.lastConnectionError)
    if (auth) return new FeatureStoreError('REDIS_AUTH', auth, { service: 'redis', host: this.location })
    const raw = cause instanceof Error ? cause.message : String(cause)
    const reason = raw.replace(/\/\/[^@/\s]*@/g, '//')
    return new FeatureStoreError(
      'SERVICE_UNREACHABLE',
      `Redis at ${this.location} is unreachable (${what}: ${reason}). Check that redis-server is running and ` +
        'REDIS_URL is right, or unset REDIS_URL to use the local feature store.',
      { service: 'redis', host: this.location, status: this.redis.status },
    )
  }

  /** Runs one Redis interaction, turning transport failures into SERVICE_UNREACHABLE. */
  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    if (this.redis.status !== 'ready')
      throw this.unreachable(new Error(`connection is ${this.redis.status}`), what)
    try {
      return await fn()
    } catch (error) {
      throw this.translate(error, what)
    }
  }

  private translate(error: unknown, what: string): Error {
    if (error instanceof FeatureStoreError) return error
    if (error instanceof ReplyError) {
      const message = (error as Error).message
      const code = SCRIPT_ERRORS.find((c) => message.includes(c))
      if (code)
        return new FeatureStoreError(
          code,
          `${what}: ${code.toLowerCase().replace(/_/g, ' ')}`,
          undefined,
          error,
        )
      return new FeatureStoreError('REDIS_ERROR', `Redis at ${this.location} refused ${what}: ${message}`, {
        service: 'redis',
        host: this.location,
      })
    }
    return this.unreachable(error, what)
  }

  private k = {
    views: () => `${this.keyPrefix}_registry:views`,
    pointer: (view: string) => `${this.keyPrefix}${view}:active`,
    version: (view: string, v: number | string) => `${this.keyPrefix}_registry:${view}@${v}`,
    versions: (view: string) => `${this.keyPrefix}_registry:${view}:versions`,
    reports: () => `${this.keyPrefix}_reports`,
    leagues: (view: string, v: number | string) => `${this.keyPrefix}_leagues:${view}@${v}`,
    index: (view: string, v: number | string, league: string) =>
      `${this.keyPrefix}_idx:${view}@${v}:${league}`,
    entity: (view: string, v: number | string, league: string, entity: string) =>
      `${this.keyPrefix}${view}@${v}:${league}:${entity}`,
  }

  /** The readable key of one entity (documented layout; used by tests and the inspector). */
  entityKey(view: string, version: number, league: string, entity: string): string {
    return this.k.entity(view, version, league, entity)
  }

  private async registerBuiltins(): Promise<void> {
    const stored = await this.call('register views', () => this.redis.hgetall(this.k.views()))
    const now = this.clock()
    for (const builtin of BUILTIN_VIEWS) {
      const current = stored[builtin.name] ? (JSON.parse(stored[builtin.name]) as ViewDefinition) : undefined
      const view = builtinToKeep(current, builtin)
      if (stored[view.name] !== JSON.stringify(view)) {
        await this.call('register views', () =>
          this.redis.hset(this.k.views(), view.name, JSON.stringify(view)),
        )
        // a view that now lives while active: the standing version's entities lose the TTL an older
        // release gave them (7 days from the write), so the champion does not expire under the reader
        if (view.ttl.kind === 'whileActive' && current?.ttl.kind !== 'whileActive')
          await this.keepActiveForever(view.name)
      }
      this.definitions.set(view.name, view)
    }
    await this.mirrorViews(now)
  }

  /** Removes the expiry of every entity of the view's active version (one script call per league). */
  private async keepActiveForever(view: string): Promise<void> {
    const active = await this.call('read active version', () => this.redis.get(this.k.pointer(view)))
    if (active === null) return
    const leagues = await this.call('list leagues', () => this.redis.smembers(this.k.leagues(view, active)))
    for (const league of leagues) {
      await this.call('keep the active version', () =>
        this.redis.eval(
          `local members = redis.call('ZRANGE', KEYS[1], 0, -1)
           for _, m in ipairs(members) do
             local key = ARGV[1] .. m
             if redis.call('EXISTS', key) == 1 then
               redis.call('HSET', key, '_exp', ARGV[2])
               redis.call('PERSIST', key)
               redis.call('ZADD', KEYS[1], ARGV[2], m)
             end
           end
           redis.call('PERSIST', KEYS[1])
           redis.call('PERSIST', KEYS[2])
           return #members`,
          2,
          this.k.index(view, active, league),
          this.k.leagues(view, active),
          this.k.entity(view, active, league, ''),
          NO_EXPIRY,
        ),
      )
    }
  }

  /**
   * A view's definition. Reads use the cached one; writes pass `fresh` so a view redefined by another
   * process (team_form with another N) is validated against the definition in Redis.
   */
  private async view(name: string, fresh = false): Promise<ViewDefinition> {
    const cached = fresh ? undefined : this.definitions.get(name)
    if (cached) return cached
    const json = await this.call('read view definition', () => this.redis.hget(this.k.views(), name))
    if (!json) {
      const known = await this.call('list views', () => this.redis.hkeys(this.k.views()))
      throw new FeatureStoreError(
        'UNKNOWN_VIEW',
        `no feature view "${name}" (known: ${known.sort().join(', ')})`,
        {
          view: name,
          known,
        },
      )
    }
    const def = JSON.parse(json) as ViewDefinition
    this.definitions.set(name, def)
    return def
  }

  protected async viewDefinition(name: string, fresh = false): Promise<ViewDefinition> {
    return this.view(name, fresh)
  }

  async defineView(definition: ViewDefinition): Promise<void> {
    const def = viewDefinitionSchema.parse(definition)
    await this.call('define view', () => this.redis.hset(this.k.views(), def.name, JSON.stringify(def)))
    this.definitions.set(def.name, def)
    await this.mirrorViews(this.clock())
  }

  private parseVersion(view: string, version: number, raw: Record<string, string>, now: number): VersionInfo {
    let state = (raw.state ?? 'writing') as VersionState
    const expiresAt = numOrNull(raw.expiresAt)
    if (state === 'retired' && expiresAt !== null && expiresAt <= now) state = 'expired'
    return {
      view,
      version,
      state,
      lineage: raw.lineage
        ? (JSON.parse(raw.lineage) as Lineage)
        : { modelVersion: null, runId: null, dataFingerprint: '?' },
      createdAt: Number(raw.createdAt ?? 0),
      createdBy: raw.createdBy ?? 'unknown',
      sealedAt: numOrNull(raw.sealedAt),
      activatedAt: numOrNull(raw.activatedAt),
      retiredAt: numOrNull(raw.retiredAt),
      expiresAt,
      entityCount: Number(raw.entityCount ?? 0),
      lastWriteAt: numOrNull(raw.lastWriteAt),
      lastWriteBy: raw.lastWriteBy ?? null,
    }
  }

  private async versionInfos(view: string): Promise<VersionInfo[]> {
    const numbers = (await this.call('list versions', () => this.redis.smembers(this.k.versions(view))))
      .map(Number)
      .sort((a, b) => b - a)
    if (numbers.length === 0) return []
    const pipe = this.redis.pipeline()
    for (const v of numbers) pipe.hgetall(this.k.version(view, v))
    const replies = await this.call('read versions', () => pipe.exec())
    const now = this.clock()
    return numbers.map((v, i) =>
      this.parseVersion(view, v, (replies?.[i]?.[1] ?? {}) as Record<string, string>, now),
    )
  }

  protected async versionOrThrow(view: string, version: number): Promise<VersionInfo> {
    const raw = await this.call('read version', () => this.redis.hgetall(this.k.version(view, version)))
    if (!raw.state)
      throw new FeatureStoreError('UNKNOWN_VERSION', `${view}@${version} does not exist`, { view, version })
    const info = this.parseVersion(view, version, raw, this.clock())
    if (info.state === 'expired') {
      throw new FeatureStoreError('VERSION_EXPIRED', `${view}@${version} was retired and has expired`, {
        view,
        version,
      })
    }
    return info
  }

  async views(): Promise<ViewInfo[]> {
    const all = await this.call('list views', () => this.redis.hgetall(this.k.views()))
    const out: ViewInfo[] = []
    for (const name of Object.keys(all).sort()) {
      const definition = JSON.parse(all[name]) as ViewDefinition
      this.definitions.set(name, definition)
      out.push({
        definition,
        activeVersion: await this.activeVersion(name),
        versions: await this.versionInfos(name),
      })
    }
    return out
  }

  async activeVersion(view: string): Promise<number | null> {
    await this.view(view)
    const v = await this.call('read active version', () => this.redis.get(this.k.pointer(view)))
    return v === null ? null : Number(v)
  }

  async createVersion(
    view: string,
    options: { lineage: Lineage; createdBy: string; version?: number },
  ): Promise<number> {
    const def = await this.view(view, true)
    const lineage = lineageSchema.parse({ ...options.lineage, params: options.lineage.params ?? def.params })
    if (options.version !== undefined && (!Number.isInteger(options.version) || options.version < 1)) {
      throw new FeatureStoreError(
        'UNKNOWN_VERSION',
        `version must be a positive whole number, got ${options.version}`,
      )
    }
    await this.settlePendingExpiries(view)
    await this.retireAbandonedWrites(view)
    const version = await this.call(`create ${view} version`, () =>
      this.scripted.fsCreate(
        this.keyPrefix,
        view,
        options.version === undefined ? '' : String(options.version),
        this.clock(),
        options.createdBy,
        JSON.stringify(lineage),
      ),
    ).catch((error: unknown) => {
      if (error instanceof FeatureStoreError && error.code === 'VERSION_EXISTS') {
        throw new FeatureStoreError(
          'VERSION_EXISTS',
          `${view}@${options.version} already exists; publish a new version`,
          {
            view,
            version: options.version,
          },
        )
      }
      throw error
    })
    await this.mirrorVersion(view, Number(version))
    return Number(version)
  }

  protected async writeRows(
    view: string,
    version: number,
    accepted: PreparedRow[],
    writtenBy: string,
    now: number,
    onProgress?: (done: number, total: number) => void,
  ): Promise<number> {
    // Chunks are pipelined: up to MAX_CHUNKS_IN_FLIGHT Lua calls are on the wire at once, so a big
    // write streams without a round trip per chunk, yet no queued call waits long enough to hit the
    // command timeout. The first failure stops sending; the calls already sent are awaited.
    const chunkArgs = (start: number): (string | number)[] => {
      const chunk = accepted.slice(start, start + this.chunkSize)
      const args: (string | number)[] = [this.keyPrefix, view, version, chunk.length]
      for (const r of chunk) {
        const names = Object.keys(r.values)
        args.push(r.league, r.entity, r.eventTime, r.expiresAt, names.length)
        for (const name of names) args.push(name, String(r.values[name]))
      }
      return args
    }
    const results: number[][] = []
    let done = 0
    let failure: unknown = null
    let next = 0
    const lane = async (): Promise<void> => {
      while (failure === null && next < accepted.length) {
        const start = next
        next += this.chunkSize
        try {
          const args = chunkArgs(start)
          results.push(await this.call(`write ${view}@${version}`, () => this.scripted.fsWrite(...args)))
          done += Math.min(this.chunkSize, accepted.length - start)
          onProgress?.(done, accepted.length)
        } catch (error) {
          failure ??= error
        }
      }
    }
    await Promise.all(Array.from({ length: MAX_CHUNKS_IN_FLIGHT }, lane))
    if (failure !== null) {
      this.logger.error('bulk feature write failed', { view, version, done, total: accepted.length })
      if (failure instanceof FeatureStoreError) {
        failure.message += ` ${done} of ${accepted.length} rows of ${view}@${version} were written; the version was not activated, write it again.`
      }
      throw failure
    }
    try {
      await this.call('record write', () =>
        this.redis.hset(this.k.version(view, version), 'lastWriteAt', now, 'lastWriteBy', writtenBy),
      )
      await this.mirrorVersion(view, version)
    } catch (error) {
      // every row is in, but the write is not recorded: to the caller it failed, and must be redone
      if (error instanceof FeatureStoreError) {
        error.message += ` All ${accepted.length} rows of ${view}@${version} were sent but the write was not recorded; the version was not activated, write it again.`
      }
      throw error
    }
    return results.reduce((sum, res) => sum + res.reduce((a, b) => a + Number(b), 0), 0)
  }

  protected async keepReport(report: ValidationReport): Promise<void> {
    await this.call('keep validation report', () =>
      this.redis
        .multi()
        .lpush(this.k.reports(), JSON.stringify(report))
        .ltrim(this.k.reports(), 0, MAX_KEPT_REPORTS - 1)
        .exec(),
    )
    this.mirrorSafely(() => this.mirror?.putReport(report))
  }

  async seal(view: string, version: number): Promise<void> {
    await this.view(view)
    const info = await this.versionOrThrow(view, version)
    if (info.state !== 'writing') return
    const now = this.clock()
    const count = await this.call('count entities', () =>
      this.scripted.fsCount(this.keyPrefix, view, version, now),
    )
    await this.call('seal version', () =>
      this.redis.hset(this.k.version(view, version), 'state', 'ready', 'sealedAt', now, 'entityCount', count),
    )
    await this.mirrorVersion(view, version)
  }

  /**
   * One Lua script checks every version and moves every pointer (all or nothing). Then the expiries:
   * the versions switched away from get the grace period, a rolled-back one its natural expiries back;
   * the pending marks the script set make the next createVersion / switch finish that if we are cut off.
   */
  protected async switchPointers(switches: readonly ViewSwitch[], now: number): Promise<(number | null)[]> {
    for (const view of new Set(switches.map((s) => s.view))) await this.settlePendingExpiries(view)
    const args: (string | number)[] = [this.keyPrefix, now, this.graceMs, switches.length]
    for (const s of switches) args.push(s.view, s.version)
    const what = `activate ${switches.map((s) => `${s.view}@${s.version}`).join(', ')}`
    const reply = await this.call(what, () => this.scripted.fsActivate(...args)).catch((error: unknown) => {
      throw this.switchRefusal(error)
    })
    const previous = switches.map((_, i) =>
      reply[2 * i] === '' || reply[2 * i] == null ? null : Number(reply[2 * i]),
    )
    for (const [i, { view, version }] of switches.entries()) {
      if (previous[i] === version) continue
      await this.settlePendingExpiries(view)
      await this.mirrorVersion(view, version)
    }
    await this.mirrorViews(now)
    return previous
  }

  /** An error reply of the switch script (`VERSION_NOT_READY team_form@3`) in the store's words. */
  private switchRefusal(error: unknown): unknown {
    if (!(error instanceof FeatureStoreError) || error.code === 'SERVICE_UNREACHABLE') return error
    const where = /(\w+)@(\d+)/.exec(String((error.cause as Error | undefined)?.message ?? error.message))
    const view = where?.[1]
    const version = where ? Number(where[2]) : undefined
    const at = where ? `${view}@${version}` : 'a version'
    const text: Partial<Record<string, string>> = {
      VERSION_NOT_READY: `${at} is still being written; seal it before activating it`,
      UNKNOWN_VERSION: `${at}: does not exist`,
      VERSION_EXPIRED: `${at}: was retired and has expired`,
    }
    const message = text[error.code]
    return message ? new FeatureStoreError(error.code, message, { view, version }) : error
  }

  /**
   * Finishes the expiry work a switch left marked (`capPending` on a version switched away from,
   * `restorePending` on a rolled-back one): idempotent, run before every switch and createVersion.
   */
  private async settlePendingExpiries(view: string): Promise<void> {
    const numbers = await this.call('list versions', () => this.redis.smembers(this.k.versions(view)))
    if (numbers.length === 0) return
    const pipe = this.redis.pipeline()
    for (const v of numbers)
      pipe.hmget(this.k.version(view, v), 'state', 'capPending', 'restorePending', 'expiresAt')
    const replies = (await this.call('read versions', () => pipe.exec())) ?? []
    for (const [i, v] of numbers.entries()) {
      const [state, cap, restore, expiresAt] = (replies[i]?.[1] ?? []) as (string | null)[]
      const version = Number(v)
      if (cap && state === 'retired') {
        await this.setVersionExpiry(view, version, Number(expiresAt))
        await this.call('settle switch', () => this.redis.hdel(this.k.version(view, version), 'capPending'))
        await this.mirrorVersion(view, version)
      } else if (restore && state === 'active') {
        await this.setVersionExpiry(view, version, null)
        await this.call('settle switch', () =>
          this.redis.hdel(this.k.version(view, version), 'restorePending'),
        )
      }
    }
  }

  /** Caps every entity's expiry at `until` (retire), or restores the natural expiries (`null`). */
  /**
   * Retires, at once, the versions of `view` left `writing` with no activity for `abandonedWriteMs`
   * (their writer died): the state flips only if it is still `writing` (checked on the server), and the
   * version's keys expire now. Returns the versions retired.
   */
  async retireAbandonedWrites(view: string, now = this.clock()): Promise<number[]> {
    const cutoff = now - this.abandonedMs
    const stale = (await this.versionInfos(view))
      .filter(
        (v) =>
          (v.state === 'writing' || (v.state === 'ready' && v.activatedAt === null)) &&
          Math.max(v.createdAt, v.lastWriteAt ?? 0, v.sealedAt ?? 0) < cutoff,
      )
      .map((v) => v.version)
    const retired: number[] = []
    for (const version of stale) {
      const flipped = await this.call('retire abandoned version', () =>
        this.redis.eval(
          `local state = redis.call('HGET', KEYS[1], 'state')
           if state ~= 'writing' and not (state == 'ready' and not redis.call('HGET', KEYS[1], 'activatedAt')) then return 0 end
           redis.call('HSET', KEYS[1], 'state', 'retired', 'retiredAt', ARGV[1], 'expiresAt', ARGV[1])
           return 1`,
          1,
          this.k.version(view, version),
          now,
        ),
      )
      if (Number(flipped) !== 1) continue
      await this.setVersionExpiry(view, version, now)
      retired.push(version)
    }
    if (retired.length) {
      this.logger.warn('abandoned feature versions retired', { view, versions: retired })
      for (const version of retired) await this.mirrorVersion(view, version).catch(() => undefined)
    }
    return retired
  }

  private async setVersionExpiry(view: string, version: number, until: number | null): Promise<void> {
    const leagues = await this.call('list leagues', () => this.redis.smembers(this.k.leagues(view, version)))
    const pipe = this.redis.pipeline()
    for (const league of leagues) {
      ;(pipe as unknown as ScriptedRedis).fsRetire(this.keyPrefix, view, version, league, until ?? '')
    }
    const replies =
      (await this.call(until === null ? 'restore expiry' : 'retire version', () => pipe.exec())) ?? []
    const failed = replies.find(([error]) => error)
    if (failed) throw this.translate(failed[0], 'set version expiry')
    const latest = Math.max(0, ...replies.map(([, r]) => Number(r)))
    const leaguesKey = this.k.leagues(view, version)
    await this.call('set version expiry', () =>
      until === null
        ? this.redis.pexpireat(leaguesKey, latest + 604_800_000)
        : this.redis.pexpireat(leaguesKey, until),
    )
  }

  private toHit(
    view: string,
    version: number,
    league: string,
    entity: string,
    raw: Record<string, string>,
    def: ViewDefinition,
  ): EntityRead {
    return this.hit(view, version, league, entity, decodeValues(def, raw), Number(raw._ts), Number(raw._exp))
  }

  protected async readEntity(view: string, league: string, entity: string): Promise<EntityRead> {
    const start = performance.now()
    const def = await this.view(view)
    const reply = await this.call(`read ${view} ${league} ${entity}`, () =>
      this.scripted.fsGet(this.keyPrefix, view, league, entity),
    )
    if (reply.length === 0)
      return this.counted(start, missOf('no_active_version', view, null, league, entity))
    const version = Number(reply[0])
    const raw = pairsToRecord(reply[1])
    if (Object.keys(raw).length > 0)
      return this.counted(start, this.toHit(view, version, league, entity, raw, def))
    if (reply[2] !== null && reply[2] !== undefined)
      return this.counted(start, missOf('expired', view, version, league, entity, Number(reply[2])))
    return this.counted(start, missOf('missing', view, version, league, entity))
  }

  async getTeams(view: string, league: string): Promise<LeagueRead> {
    const start = performance.now()
    const def = await this.view(view)
    const reply = await this.call(`read ${view} ${league}`, () =>
      this.scripted.fsLeague(this.keyPrefix, view, league),
    )
    const result: LeagueRead = { view, version: null, league, entities: [], expired: [] }
    if (reply.length > 0) {
      const version = Number(reply[0])
      result.version = version
      for (let i = 1; i + 2 < reply.length; i += 3) {
        const entity = String(reply[i])
        const raw = pairsToRecord(reply[i + 2])
        if (Object.keys(raw).length > 0) {
          result.entities.push(this.toHit(view, version, league, entity, raw, def) as EntityHit)
          this.readStats.hits++
        } else {
          result.expired.push({ entity, expiredAt: Number(reply[i + 1]) })
          this.readStats.expired++
        }
      }
    }
    this.readStats.record(performance.now() - start)
    return result
  }

  async history(view: string, league: string, entity: string): Promise<HistoryEntry[]> {
    const def = await this.view(view)
    const versions = (await this.versionInfos(view)).filter((v) => v.state !== 'expired')
    if (versions.length === 0) return []
    const pipe = this.redis.pipeline()
    for (const v of versions) {
      pipe.hgetall(this.k.entity(view, v.version, league, entity))
      pipe.zscore(this.k.index(view, v.version, league), entity)
    }
    const replies = (await this.call('read history', () => pipe.exec())) ?? []
    return versions.map((v, i) => {
      const raw = (replies[2 * i]?.[1] ?? {}) as Record<string, string>
      const score = replies[2 * i + 1]?.[1] as string | null
      const read =
        Object.keys(raw).length > 0
          ? this.toHit(view, v.version, league, entity, raw, def)
          : score !== null && score !== undefined
            ? missOf('expired', view, v.version, league, entity, Number(score))
            : missOf('missing', view, v.version, league, entity)
      return { version: v.version, state: v.state, lineage: v.lineage, read }
    })
  }

  async validationReports(options: { view?: string; limit?: number } = {}): Promise<ValidationReport[]> {
    const limit = options.limit ?? 20
    const all = await this.call('read validation reports', () => this.redis.lrange(this.k.reports(), 0, -1))
    return all
      .map((json) => JSON.parse(json) as ValidationReport)
      .filter((r) => !options.view || r.view === options.view)
      .slice(0, limit)
  }

  protected async versionSize(
    view: string,
    version: VersionInfo,
    now: number,
  ): Promise<{ keys: number; approxBytes: number }> {
    const keys = Number(
      await this.call('count entities', () =>
        this.scripted.fsCount(this.keyPrefix, view, version.version, now),
      ),
    )
    const approxBytes = keys > 0 ? Math.round((await this.sampleBytes(view, version.version)) * keys) : 0
    return { keys, approxBytes }
  }

  /** Average MEMORY USAGE of up to 8 entity keys of a version (bytes per key). */
  private async sampleBytes(view: string, version: number): Promise<number> {
    const leagues = await this.call('sample memory', () => this.redis.smembers(this.k.leagues(view, version)))
    const keys: string[] = []
    for (const league of leagues.slice(0, 4)) {
      const members = await this.call('sample memory', () =>
        this.redis.zrange(this.k.index(view, version, league), 0, 1),
      )
      for (const m of members) keys.push(this.k.entity(view, version, league, m))
    }
    if (keys.length === 0) return 0
    const pipe = this.redis.pipeline()
    for (const key of keys) pipe.call('MEMORY', 'USAGE', key)
    const replies = (await this.call('sample memory', () => pipe.exec())) ?? []
    const sizes = replies.map((r) => Number(r[1] ?? 0)).filter((n) => n > 0)
    return sizes.length ? sizes.reduce((a, b) => a + b, 0) / sizes.length : 0
  }

  private mirrorSafely(fn: () => void): void {
    if (!this.mirror) return
    try {
      fn()
    } catch (error) {
      this.logger.warn('could not mirror the feature registry into SQLite', {
        error: (error as Error).message,
      })
    }
  }

  private async mirrorVersion(view: string, version: number): Promise<void> {
    if (!this.mirror) return
    const raw = await this.call('read version', () => this.redis.hgetall(this.k.version(view, version)))
    if (!raw.state) return
    const info = this.parseVersion(view, version, raw, this.clock())
    this.mirrorSafely(() => this.mirror?.putVersion(info))
  }

  private async mirrorViews(now: number): Promise<void> {
    if (!this.mirror) return
    const all = await this.call('list views', () => this.redis.hgetall(this.k.views()))
    const pipe = this.redis.pipeline()
    const names = Object.keys(all)
    for (const name of names) pipe.get(this.k.pointer(name))
    const pointers = (await this.call('read active versions', () => pipe.exec())) ?? []
    this.mirrorSafely(() => {
      names.forEach((name, i) => {
        const p = pointers[i]?.[1] as string | null
        this.mirror?.putView(
          JSON.parse(all[name]) as ViewDefinition,
          p === null || p === undefined ? null : Number(p),
          now,
        )
      })
    })
  }

  /** Deletes every key under this store's prefix (tests clean up their random prefix with it). */
  async deleteAll(): Promise<number> {
    let deleted = 0
    let cursor = '0'
    do {
      const [next, keys] = await this.call('delete keys', () =>
        this.redis.scan(cursor, 'MATCH', `${this.keyPrefix}*`, 'COUNT', 1000),
      )
      cursor = next
      if (keys.length) deleted += await this.call('delete keys', () => this.redis.unlink(...keys))
    } while (cursor !== '0')
    return deleted
  }

  async close(): Promise<void> {
    if (this.redis.status === 'end') return
    try {
      if (this.redis.status === 'ready') await this.redis.quit()
      else this.redis.disconnect()
    } catch {
      this.redis.disconnect()
    }
  }
}
