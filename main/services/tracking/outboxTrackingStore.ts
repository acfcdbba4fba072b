/**
 * OutboxTrackingStore: an MLflow server is configured, but the desktop must not lose a run when it is
 * down. Writes go straight to the server while it answers; when it cannot be reached they are queued
 * durably in the tracking database (`tr_outbox`) and replayed in order once it is back — on the next
 * write, on `push()` (`scoreline tracking push`), or from the auto-flush timer.
 *
 * Exactly once: every queued run and model version carries a client-generated key (the
 * `scoreline.client_key` tag), and replaying an item first looks that key up, so a replay interrupted
 * after the server applied an item but before it was removed from the queue never duplicates. The other
 * operations are idempotent by nature (log-batch dedupes identical metric points and equal params,
 * tags/aliases overwrite, artifact PUTs replace).
 *
 * Placeholder ids (`pending-run-…`, `pending-version-…`, `pending-exp-…`) returned while offline are mapped
 * to the server's ids on replay (`tr_outbox_ids`); any later call may keep using the placeholder.
 *
 * Promotion offline (#21): registry reads fall back to the registry mirror (the champion this desktop knows)
 * and runs still queued read back from the queue, so the pipeline decides and serves its new champion at
 * once; the decision is one queued item, settled against the server's champion when replayed
 * (`replayPromotion.ts`) and written before its aliases and tags, so a replay cut short repeats it unchanged.
 */
import { randomUUID } from 'node:crypto'
import type Database from 'better-sqlite3'
import { TrackingError, isNotMlflow, isUnreachable } from './errors'
import { silentLogger, systemClock } from './logger'
import type { Clock, TrackingLogger } from './logger'
import type { MlflowTrackingStore } from './mlflowTrackingStore'
import { queuedArtifact, queuedArtifacts, queuedRun } from './outboxQueuedRun'
import {
  mirrorDecision,
  recordApplied,
  writeDecision,
  type DecisionQueue,
  type DecisionToApply,
} from './promotionApply'
import type { PromotionLog, PromotionRecord } from './promotionLog'
import { settlePromotion } from './replayPromotion'
import { TAGS, normaliseLog } from './trackingStore'
import type {
  ArtifactEntry,
  CreateModelVersionInput,
  Experiment,
  LogInput,
  MetricPoint,
  ModelVersion,
  Page,
  PushResult,
  RegisteredModel,
  Run,
  RunInfo,
  SearchModelVersionsInput,
  SearchRunsInput,
  Stage,
  StartRunInput,
  TrackingStatus,
  TrackingStore,
} from './trackingStore'

export type OutboxOp =
  | { op: 'ensureExperiment'; localId: string; name: string; tags: Record<string, string> }
  | {
      op: 'startRun'
      localId: string
      experimentId: string
      runName: string
      parentRunId?: string
      tags: Record<string, string>
      startTime: number
      clientKey: string
    }
  | {
      op: 'log'
      runId: string
      params: { key: string; value: string }[]
      metrics: MetricPoint[]
      tags: { key: string; value: string }[]
    }
  | { op: 'logArtifact'; runId: string; path: string }
  | { op: 'endRun'; runId: string; status: 'FINISHED' | 'FAILED' | 'KILLED'; endTime: number }
  | { op: 'deleteRun' | 'restoreRun'; runId: string }
  | { op: 'ensureRegisteredModel'; name: string; description?: string; tags: Record<string, string> }
  | { op: 'setRegisteredModelTag'; name: string; key: string; value: string }
  | {
      op: 'createModelVersion'
      localId: string
      name: string
      runId?: string
      source?: string
      artifactPath?: string
      tags: Record<string, string>
      description?: string
      clientKey: string
    }
  | { op: 'setModelVersionTag'; name: string; version: string; key: string; value: string }
  | { op: 'setAlias'; name: string; alias: string; version: string }
  | { op: 'deleteAlias'; name: string; alias: string }
  /** A promotion decision taken offline; `settled` once checked against the server's champion at replay. */
  | { op: 'promotion'; record: DecisionToApply; settled?: boolean }

export interface OutboxItem {
  seq: number
  op: OutboxOp
  createdAt: number
  attempts: number
  state: 'pending' | 'failed'
  lastError?: string
}

export interface OutboxTrackingStoreOptions {
  remote: MlflowTrackingStore
  /** The tracking database (migrated), shared with the promotion log. */
  db: Database.Database
  clock?: Clock
  logger?: TrackingLogger
  /** After the server was found unreachable, queue without trying it for this long. Default 15 s. */
  offlineCooldownMs?: number
  /** Test hook: runs after an item was applied on the server and before it leaves the queue. */
  afterApply?: (item: OutboxItem) => void
  onClose?: () => void
}

const PENDING = /^pending-(run|version|exp)-/
/** The replay running (or queued to run) per outbox file and server, across store instances. */
const replaysInFlight = new Map<string, Promise<PushResult>>()

export class OutboxTrackingStore implements TrackingStore, DecisionQueue {
  readonly kind = 'outbox' as const
  readonly remote: MlflowTrackingStore
  readonly promotions: PromotionLog
  readonly target: string
  private readonly db: Database.Database
  private readonly clock: Clock
  private readonly logger: TrackingLogger
  private readonly cooldownMs: number
  private readonly afterApply?: (item: OutboxItem) => void
  private readonly onClose?: () => void
  private offlineUntil = 0
  private lastError: string | undefined
  private flushing: Promise<PushResult> | null = null
  private timer: NodeJS.Timeout | null = null
  /** What the replay in progress re-decided (for `runs push`). */
  private notes: string[] = []

  constructor(options: OutboxTrackingStoreOptions) {
    this.remote = options.remote
    this.db = options.db
    this.promotions = options.remote.promotions
    this.target = options.remote.client.http.baseUrl
    this.clock = options.clock ?? systemClock
    this.logger = options.logger ?? silentLogger
    this.cooldownMs = options.offlineCooldownMs ?? 15_000
    this.afterApply = options.afterApply
    this.onClose = options.onClose
  }

  // ---------------------------------------------------------------- queue mechanics

  /** Items waiting (and parked), oldest first. */
  items(state?: 'pending' | 'failed'): OutboxItem[] {
    const rows = this.db
      .prepare(
        `SELECT seq, op, payload, created_at, attempts, state, last_error FROM tr_outbox
         WHERE target = ? AND (? IS NULL OR state = ?) ORDER BY seq`,
      )
      .all(this.target, state ?? null, state ?? null) as {
      seq: number
      payload: string
      created_at: number
      attempts: number
      state: 'pending' | 'failed'
      last_error: string | null
    }[]
    return rows.map((r) => ({
      seq: r.seq,
      op: JSON.parse(r.payload) as OutboxOp,
      createdAt: r.created_at,
      attempts: r.attempts,
      state: r.state,
      lastError: r.last_error ?? undefined,
    }))
  }

  private pendingCount(): number {
    return (
      this.db
        .prepare(`SELECT COUNT(*) AS n FROM tr_outbox WHERE target = ? AND state = 'pending'`)
        .get(this.target) as {
        n: number
      }
    ).n
  }

  private enqueue(op: OutboxOp, blob?: Uint8Array): void {
    this.db
      .prepare('INSERT INTO tr_outbox (target, op, payload, blob, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(this.target, op.op, JSON.stringify(op), blob ? Buffer.from(blob) : null, this.clock())
    this.logger.info('tracking: queued in the offline outbox', { op: op.op, host: this.remote.client.origin })
  }

  private markOffline(error: unknown): void {
    this.offlineUntil = this.clock() + this.cooldownMs
    this.lastError = error instanceof Error ? this.remote.client.http.redact(error.message) : String(error)
  }

  private coolingDown(): boolean {
    return this.clock() < this.offlineUntil
  }

  /** Map a placeholder id to the server's id; non-placeholders pass through. */
  resolve(id: string): string {
    if (!PENDING.test(id)) return id
    const row = this.db
      .prepare('SELECT remote_id FROM tr_outbox_ids WHERE target = ? AND local_id = ?')
      .get(this.target, id) as { remote_id: string } | undefined
    if (!row) {
      throw new TrackingError(
        'TRACKING_PENDING',
        `${id} is still waiting in the offline outbox; it is sent when ${this.remote.client.origin} is reachable ` +
          '(or run `scoreline tracking push`)',
      )
    }
    return row.remote_id
  }

  private remember(localId: string, remoteId: string): void {
    this.db
      .prepare('INSERT OR REPLACE INTO tr_outbox_ids (target, local_id, remote_id) VALUES (?, ?, ?)')
      .run(this.target, localId, remoteId)
    // the promotion log and the registry mirror follow the placeholder to the server's id
    if (PENDING.test(localId)) this.promotions.renameVersion(localId, remoteId)
  }

  /** The server's id of a placeholder, or null while it is still queued. */
  private mapped(id: string): string | null {
    if (!PENDING.test(id)) return id
    const row = this.db
      .prepare('SELECT remote_id FROM tr_outbox_ids WHERE target = ? AND local_id = ?')
      .get(this.target, id) as { remote_id: string } | undefined
    return row?.remote_id ?? null
  }

  /**
   * A registry read: from the server when it answers and nothing is queued ahead (the mirror is refreshed
   * from its answer), else from the mirror — the registry as this desktop last knew it, its own queued
   * decisions included. `undefined` from the mirror means it knows nothing: the server's error is thrown.
   */
  private async registryRead<T>(online: () => Promise<T>, offline: () => T | undefined): Promise<T> {
    const tried = await this.tryOnline(online)
    if ('value' in tried) return tried.value
    const local = offline()
    if (local !== undefined) return local
    throw (
      tried.failure ??
      new TrackingError(
        'SERVICE_UNREACHABLE',
        `${this.remote.client.origin} is unreachable (${this.lastError ?? 'offline'}) and this desktop holds no ` +
          'copy of that registry entry; retry when the server is back',
      )
    )
  }

  /**
   * Send a write now if the server is believed reachable and nothing is queued ahead of it (order is
   * kept per store); otherwise, or if it turns out unreachable, queue it and return the offline answer.
   */
  private async write<T>(
    op: OutboxOp,
    online: () => Promise<T>,
    offline: () => T,
    blob?: Uint8Array,
  ): Promise<T> {
    const tried = await this.tryOnline(online)
    if ('value' in tried) return tried.value
    this.enqueue(op, blob)
    return offline()
  }

  /**
   * The server's answer when it is believed reachable and nothing is queued ahead (the queue is pushed first:
   * order is kept per store). Otherwise `failure`: null when it was not asked, or the error when it turned out
   * unreachable or not MLflow (then marked offline). Any other error is thrown.
   */
  private async tryOnline<T>(online: () => Promise<T>): Promise<{ value: T } | { failure: unknown }> {
    if (this.coolingDown()) return { failure: null }
    if (this.pendingCount() > 0) await this.push().catch(() => undefined)
    if (this.pendingCount() > 0 || this.coolingDown()) return { failure: null }
    try {
      return { value: await online() }
    } catch (error) {
      // a server that cannot be reached, or a URI answering something that is not MLflow: keep it
      if (!isUnreachable(error) && !isNotMlflow(error)) throw error
      this.markOffline(error)
      return { failure: error }
    }
  }

  /** Replay the queue in order. Stops at the first unreachable error; parks items the server refuses. */
  push(): Promise<PushResult> {
    if (!this.flushing) {
      // one replay at a time per outbox file in this process: the app's long-lived store (auto-flush) and a
      // pipeline's store share tracking.db, and two replays of one item could both miss a client-key lookup
      const key = this.db.memory ? null : `${this.db.name}\n${this.target}`
      const before = (key && replaysInFlight.get(key)) || Promise.resolve()
      const mine = before
        .catch(() => undefined)
        .then(() => this.flushOnce())
        .finally(() => {
          this.flushing = null
          if (key && replaysInFlight.get(key) === mine) replaysInFlight.delete(key)
        })
      if (key) replaysInFlight.set(key, mine)
      this.flushing = mine
    }
    return this.flushing
  }

  private async flushOnce(): Promise<PushResult> {
    const errors: string[] = []
    this.notes = []
    let replayed = 0
    const next = this.db.prepare(
      `SELECT seq, op, payload, blob, created_at, attempts, state, last_error FROM tr_outbox
       WHERE target = ? AND state = 'pending' ORDER BY seq LIMIT 1`,
    )
    for (;;) {
      const row = next.get(this.target) as
        | {
            seq: number
            payload: string
            blob: Buffer | null
            created_at: number
            attempts: number
            state: 'pending'
          }
        | undefined
      if (!row) {
        this.offlineUntil = 0
        break
      }
      const item: OutboxItem = {
        seq: row.seq,
        op: JSON.parse(row.payload) as OutboxOp,
        createdAt: row.created_at,
        attempts: row.attempts,
        state: row.state,
      }
      let mappings: [string, string][]
      try {
        mappings = await this.apply(item.op, row.blob, row.seq)
      } catch (error) {
        const message = error instanceof Error ? this.remote.client.http.redact(error.message) : String(error)
        if (isUnreachable(error) || isNotMlflow(error)) {
          this.markOffline(error)
          this.db
            .prepare('UPDATE tr_outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ?')
            .run(message, row.seq)
          break
        }
        // The server refuses this item for good (e.g. a changed param): park it so the rest can go.
        this.db
          .prepare(
            `UPDATE tr_outbox SET attempts = attempts + 1, state = 'failed', last_error = ? WHERE seq = ?`,
          )
          .run(message, row.seq)
        errors.push(`#${row.seq} ${item.op.op}: ${message}`)
        this.logger.error('tracking: outbox item refused by the server; parked', {
          seq: row.seq,
          op: item.op.op,
          error: message,
        })
        continue
      }
      this.afterApply?.(item)
      this.db.transaction(() => {
        for (const [local, remote] of mappings) this.remember(local, remote)
        this.db.prepare('DELETE FROM tr_outbox WHERE seq = ?').run(row.seq)
      })()
      replayed++
    }
    const counts = this.counts()
    if (replayed > 0)
      this.logger.info('tracking: outbox replayed', {
        replayed,
        pending: counts.pending,
        failed: counts.failed,
      })
    return {
      replayed,
      pending: counts.pending,
      failed: counts.failed,
      errors,
      ...(this.notes.length > 0 ? { notes: this.notes } : {}),
    }
  }

  /** Apply one queued operation on the server; returns placeholder → server id mappings. */
  private async apply(op: OutboxOp, blob: Buffer | null, seq: number): Promise<[string, string][]> {
    const remote = this.remote
    switch (op.op) {
      case 'ensureExperiment': {
        const exp = await remote.ensureExperiment(op.name, op.tags)
        return [
          [op.localId, exp.id],
          [`exp-name:${op.name}`, exp.id],
        ]
      }
      case 'startRun': {
        const run = await remote.startRun({
          experimentId: this.resolve(op.experimentId),
          runName: op.runName,
          parentRunId: op.parentRunId ? this.resolve(op.parentRunId) : undefined,
          tags: op.tags,
          startTime: op.startTime,
          clientKey: op.clientKey,
        })
        return [[op.localId, run.runId]]
      }
      case 'log':
        await remote.client.logBatch(this.resolve(op.runId), {
          params: op.params,
          metrics: op.metrics,
          tags: op.tags,
        })
        return []
      case 'logArtifact':
        await remote.logArtifact(this.resolve(op.runId), op.path, new Uint8Array(blob ?? Buffer.alloc(0)))
        return []
      case 'endRun':
        await remote.endRun(this.resolve(op.runId), op.status, op.endTime)
        return []
      case 'deleteRun':
        await remote.deleteRun(this.resolve(op.runId))
        return []
      case 'restoreRun':
        await remote.restoreRun(this.resolve(op.runId))
        return []
      case 'ensureRegisteredModel':
        await remote.ensureRegisteredModel(op.name, { description: op.description, tags: op.tags })
        return []
      case 'setRegisteredModelTag':
        await remote.setRegisteredModelTag(op.name, op.key, op.value)
        return []
      case 'createModelVersion': {
        const version = await remote.createModelVersion({
          name: op.name,
          runId: op.runId ? this.resolve(op.runId) : undefined,
          source: op.source,
          artifactPath: op.artifactPath,
          tags: op.tags,
          description: op.description,
          clientKey: op.clientKey,
        })
        return [[op.localId, version.version]]
      }
      case 'setModelVersionTag':
        await remote.setModelVersionTag(op.name, this.resolve(op.version), op.key, op.value)
        return []
      case 'setAlias':
        await remote.setAlias(op.name, op.alias, this.resolve(op.version))
        return []
      case 'deleteAlias':
        await remote.deleteAlias(op.name, op.alias)
        return []
      case 'promotion':
        await this.replayPromotion(op, seq)
        return []
    }
  }

  /**
   * Settle a queued decision against the server's champion, store the settled decision in the queue item
   * (so a replay cut short repeats exactly it), then write aliases and tags and record it as applied.
   */
  private async replayPromotion(op: Extract<OutboxOp, { op: 'promotion' }>, seq: number): Promise<void> {
    const prev = op.record.previousVersion
    let record: DecisionToApply = {
      ...op.record,
      version: this.resolve(op.record.version),
      ...(prev ? { previousVersion: this.mapped(prev) ?? prev } : {}),
    }
    if (!op.settled) {
      const settled = await settlePromotion(this.remote, record)
      record = settled.record
      if (settled.note) {
        this.notes.push(settled.note)
        this.logger.info('tracking: a queued promotion was re-decided on replay', { note: settled.note })
      }
      this.db
        .prepare('UPDATE tr_outbox SET payload = ? WHERE seq = ?')
        .run(JSON.stringify({ op: 'promotion', record, settled: true } satisfies OutboxOp), seq)
    }
    await writeDecision(this.remote, record)
    await recordApplied(this.promotions, record)
    const model = await this.remote.getRegisteredModel(record.modelName)
    if (model) this.promotions.mirror.replaceAliases(record.modelName, model.aliases)
  }

  /** Apply a promotion decision now, or queue it (one item) and serve it from the mirror at once. */
  async recordPromotion(record: DecisionToApply): Promise<PromotionRecord> {
    return this.write(
      { op: 'promotion', record },
      async () => {
        const applied = { ...record, version: this.resolve(record.version) }
        await writeDecision(this.remote, applied)
        return recordApplied(this.promotions, applied)
      },
      () => {
        mirrorDecision(this.promotions, record)
        return this.promotions.append({ ...record, state: 'queued' })
      },
    )
  }

  private counts(): { pending: number; failed: number; oldest?: number } {
    const row = this.db
      .prepare(
        `SELECT SUM(state = 'pending') AS pending, SUM(state = 'failed') AS failed,
                MIN(CASE WHEN state = 'pending' THEN created_at END) AS oldest
         FROM tr_outbox WHERE target = ?`,
      )
      .get(this.target) as { pending: number | null; failed: number | null; oldest: number | null }
    return { pending: row.pending ?? 0, failed: row.failed ?? 0, oldest: row.oldest ?? undefined }
  }

  /** Put parked items back in the queue (after fixing what the server refused). */
  retryFailed(): number {
    return this.db
      .prepare(`UPDATE tr_outbox SET state = 'pending' WHERE target = ? AND state = 'failed'`)
      .run(this.target).changes
  }

  /** Replay every `intervalMs` while items are pending; returns a stop function. */
  startAutoFlush(intervalMs = 30_000): () => void {
    this.stopAutoFlush()
    this.timer = setInterval(() => {
      if (this.pendingCount() > 0) void this.push().catch(() => undefined)
    }, intervalMs)
    this.timer.unref()
    return () => this.stopAutoFlush()
  }

  private stopAutoFlush(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  async status(): Promise<TrackingStatus> {
    const remote = await this.remote.status()
    const counts = this.counts()
    return {
      kind: 'outbox',
      target: remote.target,
      online: remote.online,
      pending: counts.pending,
      failed: counts.failed,
      oldestPendingAt: counts.oldest,
      lastError: remote.online
        ? this.lastError && counts.pending > 0
          ? this.lastError
          : undefined
        : remote.lastError,
    }
  }

  close(): void {
    this.stopAutoFlush()
    this.onClose?.()
  }

  // ---------------------------------------------------------------- writes (queued when offline)

  async ensureExperiment(name: string, tags: Record<string, string> = {}): Promise<Experiment> {
    const known = this.db
      .prepare('SELECT remote_id FROM tr_outbox_ids WHERE target = ? AND local_id = ?')
      .get(this.target, `exp-name:${name}`) as { remote_id: string } | undefined
    const localId = `pending-exp-${name}`
    return this.write(
      { op: 'ensureExperiment', localId, name, tags },
      async () => {
        const exp = await this.remote.ensureExperiment(name, tags)
        this.remember(`exp-name:${name}`, exp.id)
        return exp
      },
      () => ({ id: known?.remote_id ?? localId, name, lifecycleStage: 'active', tags }),
    )
  }

  async startRun(input: StartRunInput): Promise<RunInfo> {
    const clientKey = input.clientKey ?? randomUUID()
    const startTime = input.startTime ?? this.clock()
    const runName = input.runName ?? `run-${clientKey.slice(0, 8)}`
    const localId = `pending-run-${clientKey}`
    return this.write(
      {
        op: 'startRun',
        localId,
        experimentId: input.experimentId,
        runName,
        parentRunId: input.parentRunId,
        tags: input.tags ?? {},
        startTime,
        clientKey,
      },
      () =>
        this.remote.startRun(
          {
            ...input,
            experimentId: this.resolve(input.experimentId),
            parentRunId: input.parentRunId ? this.resolve(input.parentRunId) : undefined,
            runName,
            startTime,
            clientKey,
          },
          { lookup: input.clientKey !== undefined },
        ),
      () => ({
        runId: localId,
        experimentId: input.experimentId,
        runName,
        status: 'RUNNING',
        startTime,
        lifecycleStage: 'active',
      }),
    )
  }

  async log(runId: string, input: LogInput): Promise<void> {
    // Timestamps are fixed now, so a replay logs exactly the same points (and dedupes).
    const { params, metrics, tags } = normaliseLog(input, this.clock())
    await this.write(
      { op: 'log', runId, params, metrics, tags },
      async () => void (await this.remote.client.logBatch(this.resolve(runId), { params, metrics, tags })),
      () => undefined,
    )
  }

  async logArtifact(runId: string, path: string, content: Uint8Array | string): Promise<void> {
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content
    await this.write(
      { op: 'logArtifact', runId, path },
      () => this.remote.logArtifact(this.resolve(runId), path, bytes),
      () => undefined,
      bytes,
    )
  }

  async endRun(
    runId: string,
    status: 'FINISHED' | 'FAILED' | 'KILLED' = 'FINISHED',
    endTime?: number,
  ): Promise<void> {
    const end = endTime ?? this.clock()
    await this.write(
      { op: 'endRun', runId, status, endTime: end },
      () => this.remote.endRun(this.resolve(runId), status, end),
      () => undefined,
    )
  }

  async deleteRun(runId: string): Promise<void> {
    await this.write(
      { op: 'deleteRun', runId },
      () => this.remote.deleteRun(this.resolve(runId)),
      () => undefined,
    )
  }

  async restoreRun(runId: string): Promise<void> {
    await this.write(
      { op: 'restoreRun', runId },
      () => this.remote.restoreRun(this.resolve(runId)),
      () => undefined,
    )
  }

  async ensureRegisteredModel(
    name: string,
    options: { description?: string; tags?: Record<string, string> } = {},
  ): Promise<RegisteredModel> {
    return this.write(
      { op: 'ensureRegisteredModel', name, description: options.description, tags: options.tags ?? {} },
      () => this.remote.ensureRegisteredModel(name, options),
      () => ({ name, description: options.description, tags: options.tags ?? {}, aliases: {} }),
    )
  }

  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    await this.write(
      { op: 'setRegisteredModelTag', name, key, value },
      () => this.remote.setRegisteredModelTag(name, key, value),
      () => undefined,
    )
  }

  async createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion> {
    const clientKey = input.clientKey ?? randomUUID()
    const localId = `pending-version-${clientKey}`
    const tags = { ...input.tags, [TAGS.clientKey]: clientKey }
    return this.write(
      {
        op: 'createModelVersion',
        localId,
        name: input.name,
        runId: input.runId,
        source: input.source,
        artifactPath: input.artifactPath,
        tags,
        description: input.description,
        clientKey,
      },
      async () => {
        const v = await this.remote.createModelVersion(
          { ...input, runId: input.runId ? this.resolve(input.runId) : undefined, tags, clientKey },
          { lookup: input.clientKey !== undefined },
        )
        this.promotions.mirror.recordVersion({ modelName: v.name, version: v.version, runId: v.runId })
        return v
      },
      () => ({
        name: input.name,
        version: this.mirrorQueued(input.name, localId, input.runId),
        source: input.source ?? '',
        runId: input.runId,
        description: input.description,
        tags,
        aliases: [],
        stage: 'None',
      }),
    )
  }

  private mirrorQueued(name: string, localId: string, runId?: string): string {
    this.promotions.mirror.recordVersion({ modelName: name, version: localId, runId })
    return localId
  }

  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.write(
      { op: 'setModelVersionTag', name, version, key, value },
      () => this.remote.setModelVersionTag(name, this.resolve(version), key, value),
      () => undefined,
    )
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.write(
      { op: 'setAlias', name, alias, version },
      () => this.remote.setAlias(name, alias, this.resolve(version)),
      () => undefined,
    )
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.write(
      { op: 'deleteAlias', name, alias },
      () => this.remote.deleteAlias(name, alias),
      () => undefined,
    )
  }

  // ---------------------------------------------------------------- reads (need the server)

  async getExperimentByName(name: string): Promise<Experiment | null> {
    return this.remote.getExperimentByName(name)
  }

  async searchExperiments(input?: {
    nameLike?: string
    maxResults?: number
    pageToken?: string
  }): Promise<Page<Experiment>> {
    return this.remote.searchExperiments(input)
  }

  // a run still in the queue reads back from it (the champion promoted offline is served from here)

  async listArtifacts(runId: string, dir?: string): Promise<ArtifactEntry[]> {
    if (this.mapped(runId) === null) return queuedArtifacts(this.db, this.target, runId, dir)
    return this.remote.listArtifacts(this.resolve(runId), dir)
  }

  async downloadArtifact(runId: string, path: string): Promise<Uint8Array> {
    if (this.mapped(runId) === null) {
      const bytes = queuedArtifact(this.db, this.target, runId, path)
      if (bytes) return bytes
    }
    return this.remote.downloadArtifact(this.resolve(runId), path)
  }

  async getRun(runId: string): Promise<Run> {
    if (this.mapped(runId) === null) {
      const run = queuedRun(this.db, this.target, runId)
      if (run) return run
    }
    return this.remote.getRun(this.resolve(runId))
  }

  async searchRuns(input: SearchRunsInput): Promise<Page<Run>> {
    return this.remote.searchRuns({
      ...input,
      experimentIds: input.experimentIds.map((id) => this.resolve(id)),
    })
  }

  async searchAllRuns(input: Omit<SearchRunsInput, 'pageToken'>, limit?: number): Promise<Run[]> {
    return this.remote.searchAllRuns(
      { ...input, experimentIds: input.experimentIds.map((id) => this.resolve(id)) },
      limit,
    )
  }

  async getMetricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    return this.remote.getMetricHistory(this.resolve(runId), key)
  }

  async getMetricHistories(
    runIds: readonly string[],
    key: string,
    options?: { maxPoints?: number },
  ): Promise<Record<string, MetricPoint[]>> {
    const resolved = runIds.map((id) => this.resolve(id))
    const remote = await this.remote.getMetricHistories(resolved, key, options)
    return Object.fromEntries(runIds.map((id, i) => [id, remote[resolved[i]] ?? []]))
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel | null> {
    const mirror = this.promotions.mirror
    return this.registryRead(
      async () => {
        const model = await this.remote.getRegisteredModel(name)
        if (model) mirror.replaceAliases(name, model.aliases)
        return model
      },
      () => {
        const aliases = mirror.aliases(name)
        return Object.keys(aliases).length > 0 ? { name, tags: {}, aliases } : undefined
      },
    )
  }

  async searchRegisteredModels(input?: {
    nameLike?: string
    maxResults?: number
    pageToken?: string
  }): Promise<Page<RegisteredModel>> {
    return this.remote.searchRegisteredModels(input)
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    return this.registryRead(
      async () => {
        const v = await this.remote.getModelVersion(name, this.resolve(version))
        this.promotions.mirror.recordVersion({ modelName: name, version: v.version, runId: v.runId })
        return v
      },
      () => this.mirroredVersion(name, this.mapped(version) ?? version),
    )
  }

  private mirroredVersion(name: string, version: string): ModelVersion | undefined {
    const known = this.promotions.mirror.version(name, version)
    if (!known) return undefined
    const aliases = Object.entries(this.promotions.mirror.aliases(name))
      .filter(([, v]) => v === version)
      .map(([a]) => a)
    return {
      name,
      version,
      source: '',
      ...(known.runId ? { runId: this.mapped(known.runId) ?? known.runId } : {}),
      tags: {},
      aliases,
      stage: 'None',
    }
  }

  async searchModelVersions(input: SearchModelVersionsInput): Promise<Page<ModelVersion>> {
    return this.remote.searchModelVersions({
      ...input,
      runId: input.runId ? this.resolve(input.runId) : undefined,
    })
  }

  async getVersionByAlias(name: string, alias: string): Promise<ModelVersion | null> {
    const mirror = this.promotions.mirror
    return this.registryRead(
      async () => {
        const v = await this.remote.getVersionByAlias(name, alias)
        if (v) {
          mirror.setAlias(name, alias, v.version)
          mirror.recordVersion({ modelName: name, version: v.version, runId: v.runId })
        } else mirror.deleteAlias(name, alias)
        return v
      },
      () => {
        const version = mirror.aliases(name)[alias]
        // no alias known: none as far as this desktop knows (the replay settles against the server's)
        return version ? (this.mirroredVersion(name, version) ?? null) : null
      },
    )
  }

  /** Explicit user action on a deprecated feature: needs the server, never queued. */
  async transitionStage(
    name: string,
    version: string,
    stage: Stage,
    archiveExisting?: boolean,
  ): Promise<ModelVersion> {
    return this.remote.transitionStage(name, this.resolve(version), stage, archiveExisting)
  }
}
