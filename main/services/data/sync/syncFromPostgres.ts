/**
 * Pulls the shared Postgres into the SQLite cache, table by table, incrementally.
 *
 * - Each table is read in (updated_at, id) order after its watermark, in batches. A batch is applied in
 *   ONE SQLite transaction together with the new watermark, so a sync killed at any point (process,
 *   network, `pg_terminate_backend`) leaves SQLite at a batch boundary and the next sync resumes there.
 * - The first full sync (nothing synced yet, or `full`) is the exception: every table is streamed with
 *   COPY and applied in ONE transaction (firstSync.ts); a connection lost mid-stream leaves nothing.
 * - Deletions arrive as tombstones (deleted = true) and are applied as `deleted = 1` locally.
 * - Rows are only read up to a horizon: the start of the oldest transaction still open on the server
 *   (updated_at is the writing transaction's start time), so a long import that commits after a sync
 *   has moved past its timestamp is not skipped. The horizon never lags more than `maxHorizonLagMs`.
 * - Local ids stay local: synced rows carry the Postgres id in `remote_id`; a local row with the same
 *   natural key (imported from the same file on the laptop) is adopted instead of duplicated.
 * - Jackpots with pending local changes in the outbox are not overwritten: the outbox item is marked
 *   as a conflict and reported.
 * Reads never wait on this: it runs on its own connection; SQLite transactions are per batch, and the first
 * sync's one transaction runs after its stream, without awaits (firstSync.ts).
 */
import type Database from 'better-sqlite3'
import type pg from 'pg'
import { DataError } from '../errors'
import { connectPostgres, redactUrl } from '../postgres/pgConnection'
import { normalizeTeamName } from '../teams/index'
import { deferIndexes, restoreDeferredIndexes } from '../db/deferredIndexes'
import { packMatchOdds } from '../db/packMatchOdds'
import {
  BIG_TABLES,
  bigTableLoader,
  keyedValues,
  selectColumns,
  updateByKeySql,
  utcText as TS,
} from './bigTables'
import { pullAllAtOnce } from './firstSync'
import { pushOutbox } from './pushOutbox'
import { remoteIdLookup } from './remoteIds'
import type { PushResult } from './pushOutbox'

export const SYNC_TABLES = [
  'leagues',
  'seasons',
  'teams',
  'team_aliases',
  'matches',
  'odds',
  'price_snapshots',
  'jackpots',
  'jackpot_fixtures',
] as const
export type SyncTable = (typeof SYNC_TABLES)[number]

export interface SyncProgress {
  table: SyncTable
  /** Rows of this table applied so far in this run. */
  applied: number
  /** Rows of this table that were pending when the run started (an estimate if rows arrive meanwhile). */
  total: number
  /** All tables. */
  appliedAll: number
  totalAll: number
}

export interface SyncOptions {
  /** A Postgres URL (a connection is opened and closed) or a connected client. */
  postgres: string | pg.Client
  batchSize?: number
  onProgress?: (p: SyncProgress) => void
  /** Checked between batches; an aborted sync stops at a batch boundary with SYNC_FAILED. */
  signal?: AbortSignal
  /** Push the outbox (local jackpots) before pulling; default true. */
  push?: boolean
  /** Forget the watermarks and re-read everything (rows are upserted, so nothing duplicates). */
  full?: boolean
  maxHorizonLagMs?: number
  now?: () => Date
}

export interface SyncResult {
  tables: Record<SyncTable, { applied: number; deleted: number }>
  rowsApplied: number
  /** Local jackpots written to Postgres before the pull (null when push was off or nothing was queued). */
  pushed: PushResult | null
  /** Jackpots changed on both sides: reported, neither copy overwritten. */
  conflicts: { jackpotId: string; message: string }[]
  durationMs: number
}

const DEFER_INDEXES_ABOVE = 20_000

const SELECTS: Record<SyncTable, { cols: string; key: string }> = {
  leagues: { cols: 'id, code, name, country, tier, deleted', key: 'id' },
  seasons: {
    cols: 'id, league_code, code, start_date::text AS start_date, end_date::text AS end_date, deleted',
    key: 'id',
  },
  teams: { cols: 'id, name, country, deleted', key: 'id' },
  team_aliases: { cols: 'id, team_id, league_code, alias, source, deleted', key: 'id' },
  matches: { cols: selectColumns(BIG_TABLES.matches), key: 'id' },
  odds: { cols: selectColumns(BIG_TABLES.odds), key: 'id' },
  price_snapshots: {
    cols: `id, match_id, bookmaker, market, line, price1, price2, price3, ${TS('observed_at')} AS observed_at, source, deleted`,
    key: 'id',
  },
  jackpots: {
    cols: `id AS uuid, seq, name, provider, ${TS('deadline')} AS deadline, ${TS('created_at')} AS created_at, deleted`,
    key: 'seq',
  },
  jackpot_fixtures: {
    cols: `id, jackpot_id, position, match_id, league_code, home_name, away_name, ${TS('kickoff')} AS kickoff,
           odds_home, odds_draw, odds_away, pick, deleted`,
    key: 'id',
  },
}

type Row = Record<string, unknown> & { ts: string; wm_id: number; deleted: boolean }

function bool(v: unknown): number {
  return v ? 1 : 0
}

/** The update of a match by Postgres id, and the adoption of a local-only copy by its natural key. */
const BY_REMOTE = ['remote_id']
const MATCH_NATURAL_KEY = ['league_code', 'date', 'home_team_id', 'away_team_id']

function makeAppliers(db: Database.Database) {
  const localTeam = remoteIdLookup(db, 'teams')
  const localMatch = remoteIdLookup(db, 'matches')
  /** A reference the cache cannot resolve; `what` is the sentence's subject and verb ("odds 7 refer"). */
  const missing = (table: 'teams' | 'matches', remote: unknown, what: string): DataError =>
    table === 'teams'
      ? new DataError(
          'SYNC_FAILED',
          `${what} to Postgres team ${String(remote)}, which is not in the cache yet`,
          { remoteTeamId: remote },
        )
      : new DataError(
          'SYNC_FAILED',
          `${what} to Postgres match ${String(remote)}, which is not in the cache`,
          {
            remoteMatchId: remote,
          },
        )
  const cacheId = (table: 'teams' | 'matches', remote: unknown, what: string): number => {
    const id = (table === 'teams' ? localTeam : localMatch).get(remote)
    if (id === undefined) throw missing(table, remote, what)
    return id
  }
  const big = {
    matches: bigTableLoader(db, BIG_TABLES.matches, { team: localTeam, match: localMatch, missing }),
    odds: bigTableLoader(db, BIG_TABLES.odds, { team: localTeam, match: localMatch, missing }),
  }
  const s = {
    league: db.prepare(
      `INSERT INTO leagues (code, name, country, tier, remote_updated_at, updated_at, deleted) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(code) DO UPDATE SET name = excluded.name, country = excluded.country, tier = excluded.tier,
         remote_updated_at = excluded.remote_updated_at, updated_at = excluded.updated_at, deleted = excluded.deleted`,
    ),
    season: db.prepare(
      `INSERT INTO seasons (league_code, code, start_date, end_date, updated_at, deleted) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(league_code, code) DO UPDATE SET start_date = excluded.start_date, end_date = excluded.end_date,
         updated_at = excluded.updated_at, deleted = excluded.deleted`,
    ),
    teamByRemote: db.prepare(
      'UPDATE teams SET name = ?, country = ?, updated_at = ?, deleted = ? WHERE remote_id = ?',
    ),
    teamAdopt: db.prepare(
      `UPDATE teams SET remote_id = ?, updated_at = ?, deleted = ?
        WHERE id = (SELECT id FROM teams WHERE remote_id IS NULL AND name = ? AND country IS ? ORDER BY id LIMIT 1)`,
    ),
    teamInsert: db.prepare(
      'INSERT INTO teams (remote_id, name, country, updated_at, deleted) VALUES (?, ?, ?, ?, ?)',
    ),
    aliasByRemote: db.prepare(
      `UPDATE team_aliases SET team_id = ?, league_code = ?, alias = ?, normalized = ?, source = ?, updated_at = ?, deleted = ?
        WHERE remote_id = ?`,
    ),
    aliasUpsert: db.prepare(
      `INSERT INTO team_aliases (remote_id, team_id, league_code, alias, normalized, source, updated_at, deleted)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(league_code, alias) DO UPDATE SET remote_id = excluded.remote_id, team_id = excluded.team_id,
         source = excluded.source, updated_at = excluded.updated_at, deleted = excluded.deleted`,
    ),
    matchByRemote: db.prepare(updateByKeySql(BIG_TABLES.matches, BY_REMOTE)),
    matchAdopt: db.prepare(updateByKeySql(BIG_TABLES.matches, MATCH_NATURAL_KEY, { localOnly: true })),
    localOnlyMatches: db.prepare('SELECT EXISTS (SELECT 1 FROM matches WHERE remote_id IS NULL)').pluck(),
    // the same observation imported locally (same natural key) is adopted, never duplicated
    snapshot: db.prepare(
      `INSERT INTO price_snapshots (remote_id, match_id, bookmaker, market, line, price1, price2, price3, observed_at, source, updated_at, deleted)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(match_id, bookmaker, market, observed_at) DO UPDATE SET remote_id = excluded.remote_id,
         line = excluded.line, price1 = excluded.price1, price2 = excluded.price2, price3 = excluded.price3,
         source = excluded.source, updated_at = excluded.updated_at, deleted = excluded.deleted`,
    ),
    pendingJackpot: db
      .prepare(
        "SELECT id FROM outbox WHERE entity = 'jackpot' AND entity_id = ? AND status IN ('pending', 'conflict') LIMIT 1",
      )
      .pluck(),
    jackpot: db.prepare(
      `INSERT INTO jackpots (id, name, provider, deadline, origin, created_at, updated_at, remote_updated_at, deleted)
       VALUES (?, ?, ?, ?, 'remote', ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET name = excluded.name, provider = excluded.provider, deadline = excluded.deadline,
         updated_at = excluded.updated_at, remote_updated_at = excluded.remote_updated_at, deleted = excluded.deleted`,
    ),
    fixture: db.prepare(
      `INSERT INTO jackpot_fixtures (jackpot_id, position, match_id, league_code, home_name, away_name, kickoff,
         odds_home, odds_draw, odds_away, pick, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(jackpot_id, position) DO UPDATE SET match_id = excluded.match_id, league_code = excluded.league_code,
         home_name = excluded.home_name, away_name = excluded.away_name, kickoff = excluded.kickoff,
         odds_home = excluded.odds_home, odds_draw = excluded.odds_draw, odds_away = excluded.odds_away,
         pick = excluded.pick, updated_at = excluded.updated_at`,
    ),
    fixtureDelete: db.prepare('DELETE FROM jackpot_fixtures WHERE jackpot_id = ? AND position = ?'),
  }

  /** The column names of a table's named rows, from its first (one SELECT: every row has them in that order). */
  const rowNames: Partial<Record<'matches' | 'odds', string[]>> = {}
  // Local-only matches (imported on the laptop) may be adopted by natural key; without any, one upsert does.
  let adoptable = true
  /** `bulk`: the whole table follows, so the ids it refers to are loaded in one read. */
  const beginTable = (table: SyncTable, bulk = false) => {
    if (table === 'matches') adoptable = s.localOnlyMatches.get() === 1
    if (table === 'matches' || table === 'odds') rowNames[table] = undefined
    if (bulk && table === 'matches') localTeam.prefill()
    if (bulk && table === 'odds') localMatch.prefill()
  }

  const apply: Record<SyncTable, (r: Row) => void> = {
    leagues: (r) => s.league.run(r.code, r.name, r.country, r.tier, r.ts, r.ts, bool(r.deleted)),
    seasons: (r) => s.season.run(r.league_code, r.code, r.start_date, r.end_date, r.ts, bool(r.deleted)),
    teams: (r) => {
      if (s.teamByRemote.run(r.name, r.country, r.ts, bool(r.deleted), r.id).changes) return
      if (s.teamAdopt.run(r.id, r.ts, bool(r.deleted), r.name, r.country).changes) return
      s.teamInsert.run(r.id, r.name, r.country, r.ts, bool(r.deleted))
    },
    team_aliases: (r) => {
      const team = cacheId('teams', r.team_id, `alias "${String(r.alias)}" refers`)
      const norm = normalizeTeamName(String(r.alias))
      if (
        s.aliasByRemote.run(team, r.league_code, r.alias, norm, r.source, r.ts, bool(r.deleted), r.id).changes
      )
        return
      s.aliasUpsert.run(r.id, team, r.league_code, r.alias, norm, r.source, r.ts, bool(r.deleted))
    },
    matches: (r) => {
      const [names, v] = positional('matches', r)
      if (adoptable) {
        const values = big.matches.bind(names, v)
        if (s.matchByRemote.run(keyedValues(BIG_TABLES.matches, BY_REMOTE, values)).changes) return
        if (s.matchAdopt.run(keyedValues(BIG_TABLES.matches, MATCH_NATURAL_KEY, values)).changes) return
      }
      // the upsert by Postgres id (an insert when it is new), one row on the bulk path: one column list
      big.matches.load(names, [v])
    },
    odds: (r) => {
      const [names, v] = positional('odds', r)
      big.odds.load(names, [v])
    },
    price_snapshots: (r) => {
      const match = cacheId('matches', r.match_id, `price snapshot ${String(r.id)} refers`)
      // observed_at in the local ISO form (milliseconds), so a snapshot imported on both sides is one key
      const observedAt = new Date(String(r.observed_at)).toISOString()
      s.snapshot.run(
        r.id,
        match,
        r.bookmaker,
        r.market,
        r.line,
        r.price1,
        r.price2,
        r.price3,
        observedAt,
        r.source,
        r.ts,
        bool(r.deleted),
      )
    },
    jackpots: (r) => {
      // Local changes not yet in Postgres win locally; pushOutbox decides (and reports) conflicts.
      if (s.pendingJackpot.get(r.uuid) !== undefined) return
      s.jackpot.run(r.uuid, r.name, r.provider, r.deadline, r.created_at, r.ts, r.ts, bool(r.deleted))
    },
    jackpot_fixtures: (r) => {
      if (s.pendingJackpot.get(r.jackpot_id) !== undefined) return
      if (r.deleted) {
        s.fixtureDelete.run(r.jackpot_id, r.position)
        return
      }
      const match = r.match_id === null ? null : (localMatch.get(r.match_id) ?? null)
      s.fixture.run(
        r.jackpot_id,
        r.position,
        match,
        r.league_code,
        r.home_name,
        r.away_name,
        r.kickoff,
        r.odds_home,
        r.odds_draw,
        r.odds_away,
        r.pick,
        r.ts,
      )
    },
  }

  /** A named row (the row-by-row path's JSON) as the big tables' loaders take it: names, then values. */
  const positional = (table: 'matches' | 'odds', r: Row): [string[], unknown[]] => {
    const names = (rowNames[table] ??= Object.keys(r))
    const values = new Array<unknown>(names.length)
    for (let i = 0; i < names.length; i++) values[i] = r[names[i]]
    return [names, values]
  }

  /** Applies a whole table's COPY rows (positional, in `names` order); returns the tombstones seen. */
  const applyAll = (table: SyncTable, names: string[], rows: unknown[][]): number => {
    if (table === 'odds' || (table === 'matches' && !adoptable)) return big[table].load(names, rows)
    let deleted = 0
    for (const v of rows) {
      const r = {} as Row
      for (let i = 0; i < names.length; i++) r[names[i]] = v[i]
      apply[table](r)
      if (r.deleted) deleted++
    }
    return deleted
  }
  return { apply, applyAll, beginTable }
}

/** Runs one sync. Throws SERVICE_UNREACHABLE / SYNC_FAILED; whatever was applied before stays applied. */
export async function syncFromPostgres(db: Database.Database, opts: SyncOptions): Promise<SyncResult> {
  const started = performance.now()
  const now = () => (opts.now ?? (() => new Date()))().toISOString()
  const batchSize = opts.batchSize ?? 5000
  const runId = Number(
    db.prepare("INSERT INTO sync_runs (started_at, status) VALUES (?, 'running')").run(now()).lastInsertRowid,
  )
  const finishRun = db.prepare(
    'UPDATE sync_runs SET finished_at = ?, status = ?, rows_applied = ?, error = ? WHERE id = ?',
  )
  const result: SyncResult = {
    tables: Object.fromEntries(
      SYNC_TABLES.map((t) => [t, { applied: 0, deleted: 0 }]),
    ) as SyncResult['tables'],
    rowsApplied: 0,
    pushed: null,
    conflicts: [],
    durationMs: 0,
  }
  const ownsClient = typeof opts.postgres === 'string'
  let client: pg.Client | undefined
  try {
    client = typeof opts.postgres === 'string' ? await connectPostgres(opts.postgres) : opts.postgres
    if (opts.push !== false) {
      const pushed = await pushOutbox(db, { postgres: client, now: opts.now })
      if (pushed.pushed + pushed.alreadyThere + pushed.conflicts.length > 0) result.pushed = pushed
      result.conflicts = pushed.conflicts
    }
    if (opts.full) db.prepare('DELETE FROM sync_state').run()
    const { apply, applyAll, beginTable } = makeAppliers(db)
    restoreDeferredIndexes(db)
    const getState = db.prepare(
      'SELECT watermark_updated_at AS ts, watermark_id AS id FROM sync_state WHERE table_name = ?',
    )
    const setState = db.prepare(
      `INSERT INTO sync_state (table_name, watermark_updated_at, watermark_id, rows_applied, last_synced_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(table_name) DO UPDATE SET watermark_updated_at = excluded.watermark_updated_at,
         watermark_id = excluded.watermark_id, rows_applied = sync_state.rows_applied + excluded.rows_applied,
         last_synced_at = excluded.last_synced_at`,
    )
    const lagMs = opts.maxHorizonLagMs ?? 10 * 60_000
    const horizon = (
      await client.query(
        `SELECT ${TS("greatest(coalesce(min(xact_start), now()), now() - $1 * interval '1 millisecond')")} AS h
           FROM pg_stat_activity WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid() AND datname = current_database()
              AND backend_type = 'client backend'`,
        [lagMs],
      )
    ).rows[0].h as string

    const watermark = (table: SyncTable) => {
      const st = getState.get(table) as { ts: string | null; id: number } | undefined
      return { ts: st?.ts ?? '-infinity', id: st?.id ?? 0 }
    }
    const totals = new Map<SyncTable, number>()
    for (const table of SYNC_TABLES) {
      const wm = watermark(table)
      const key = SELECTS[table].key
      const n = await client.query(
        `SELECT count(*)::int AS n FROM ${table} WHERE (updated_at, ${key}) > ($1::timestamptz, $2) AND updated_at < $3::timestamptz`,
        [wm.ts, wm.id, horizon],
      )
      totals.set(table, n.rows[0].n)
    }
    const totalAll = [...totals.values()].reduce((a, b) => a + b, 0)

    // Nothing synced yet (or `full`): the whole store streams in with COPY, in one transaction.
    const firstSync = db.prepare('SELECT count(*) FROM sync_state').pluck().get() === 0
    if (firstSync) {
      if (!/^[0-9T:.Z -]+$/.test(horizon)) throw new Error(`unexpected horizon ${horizon}`)
      await pullAllAtOnce(db, client, {
        tables: SYNC_TABLES.map((table) => ({
          table,
          select: `SELECT ${SELECTS[table].cols}, ${TS('updated_at')} AS ts, ${SELECTS[table].key} AS wm_id
                     FROM ${table} WHERE updated_at < '${horizon}'::timestamptz`,
          total: totals.get(table) ?? 0,
        })),
        applyAll,
        beginTable,
        setWatermark: (table, ts, id, rows) => setState.run(table, ts, id, rows, now()),
        deferIndexesAbove: DEFER_INDEXES_ABOVE,
        result,
        totalAll,
        onProgress: opts.onProgress,
        signal: opts.signal,
      })
    }
    // later syncs: table by table, in batches
    for (const table of firstSync ? [] : SYNC_TABLES) {
      const { cols, key } = SELECTS[table]
      const total = totals.get(table) ?? 0
      if (total === 0) continue
      let wm = watermark(table)
      beginTable(table)
      // A big load runs without the table's secondary indexes and rebuilds them once at the end.
      if (total >= DEFER_INDEXES_ABOVE) deferIndexes(db, table)
      // PG renders each batch as one JSON text (one JSON.parse instead of pg's per-field parsing), and
      // the next batch is requested before the current one is applied, so server and SQLite work overlap.
      const fetchBatch = async (from: { ts: string; id: number }): Promise<Row[]> => {
        const { rows } = await client!.query(
          `SELECT coalesce(json_agg(b), '[]')::text AS rows FROM (
             SELECT ${cols}, ${TS('updated_at')} AS ts, ${key} AS wm_id FROM ${table}
              WHERE (updated_at, ${key}) > ($1::timestamptz, $2) AND updated_at < $3::timestamptz
              ORDER BY updated_at, ${key} LIMIT $4) b`,
          [from.ts, from.id, horizon, batchSize],
        )
        return JSON.parse(rows[0].rows as string) as Row[]
      }
      const stats = result.tables[table]
      let pending = fetchBatch(wm)
      for (;;) {
        const rows = await pending
        if (rows.length === 0) break
        const last = rows[rows.length - 1]
        wm = { ts: last.ts, id: Number(last.wm_id) }
        const more = rows.length === batchSize
        if (more) {
          pending = fetchBatch(wm)
          pending.catch(() => undefined) // awaited below; never an unhandled rejection if applying throws
        }
        db.transaction(() => {
          for (const r of rows) {
            apply[table](r)
            if (r.deleted) stats.deleted++
          }
          setState.run(table, wm.ts, wm.id, rows.length, now())
        })()
        stats.applied += rows.length
        result.rowsApplied += rows.length
        opts.onProgress?.({
          table,
          applied: stats.applied,
          total: Math.max(total, stats.applied),
          appliedAll: result.rowsApplied,
          totalAll,
        })
        if (!more) break
        if (opts.signal?.aborted) {
          throw new DataError('SYNC_FAILED', 'sync cancelled; it resumes where it stopped next time')
        }
      }
      restoreDeferredIndexes(db, table)
    }
    // Pack the odds of every match the sync touched (a crash before this only leaves them stale: readers
    // then read those from the odds table, and the next import or sync packs them).
    db.transaction(() => packMatchOdds(db))()
    result.durationMs = performance.now() - started
    finishRun.run(now(), 'ok', result.rowsApplied, null, runId)
    return result
  } catch (error) {
    const message = (error as Error).message
    finishRun.run(now(), 'failed', result.rowsApplied, message, runId)
    if (error instanceof DataError) throw error
    const url = typeof opts.postgres === 'string' ? redactUrl(opts.postgres) : 'Postgres'
    throw new DataError(
      'SYNC_FAILED',
      `sync from ${url} stopped after ${result.rowsApplied} rows: ${message}; the cache is consistent and the next sync resumes`,
      { rowsApplied: result.rowsApplied },
    )
  } finally {
    restoreDeferredIndexes(db)
    if (ownsClient && client) await client.end().catch(() => undefined)
  }
}
