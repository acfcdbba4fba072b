/**
 * The two big synced tables, matches and odds, each described once: which cache column takes which
 * Postgres field, how Postgres selects it and how it is bound. Their Postgres column list, the multi-row
 * upsert (both sync paths), the updates by Postgres id and by natural key, and the binding loop are all
 * built from that one list, so a column is added, renamed or converted in one place.
 */
import type Database from 'better-sqlite3'
import { batchedInsert, valuesList } from '../db/batchedInsert'

/** One cache column of a big table. */
export interface SyncedColumn {
  /** The cache's column. */
  column: string
  /** The Postgres row's field it takes (a name in the COPY or JSON row). */
  field: string
  /**
   * The SELECT expression giving `field` when it is not the plain column; `null` for `ts`, the row's
   * `updated_at`, which the sync's reader adds to every table.
   */
  select?: string | null
  /** How the value is bound: as it comes, as 0/1, or as the cache id of a Postgres team or match. */
  as?: 'bool' | 'team' | 'match'
}

/** A match's columns besides its identity, teams and book-keeping, the same name on both sides. */
export const STAT_COLS = [
  'season',
  'kickoff_time',
  'home_goals',
  'away_goals',
  'ht_home_goals',
  'ht_away_goals',
  'home_shots',
  'away_shots',
  'home_shots_on_target',
  'away_shots_on_target',
  'home_corners',
  'away_corners',
  'home_fouls',
  'away_fouls',
  'home_yellow',
  'away_yellow',
  'home_red',
  'away_red',
  'referee',
  'status',
  'source',
  'goals_json', // O/U 2.5 and Asian-handicap prices of a played match, packed (SQLite 005, Postgres 0004)
] as const

/** `updated_at` ← the row's `ts`, and the tombstone flag: last in both tables. */
const BOOK_KEEPING: SyncedColumn[] = [
  { column: 'updated_at', field: 'ts', select: null },
  { column: 'deleted', field: 'deleted', as: 'bool' },
]

/** A Postgres timestamptz column as the cache's UTC text (ISO 8601, microseconds, `Z`). */
export const utcText = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`

export interface BigTableSpec {
  table: 'matches' | 'odds'
  columns: SyncedColumn[]
  /** The upsert's conflict target: a synced row that meets a cache row with this key takes it over. */
  conflict: string[]
  /** How an error names a row, with the verb of its reference: "match 7 refers", "odds 12 refer". */
  subject: (id: string) => string
}

export const BIG_TABLES: Record<'matches' | 'odds', BigTableSpec> = {
  matches: {
    table: 'matches',
    columns: [
      { column: 'remote_id', field: 'id' },
      { column: 'league_code', field: 'league_code' },
      { column: 'date', field: 'date', select: 'date::text AS date' },
      { column: 'home_team_id', field: 'home_team_id', as: 'team' },
      { column: 'away_team_id', field: 'away_team_id', as: 'team' },
      ...STAT_COLS.map((c) => ({ column: c, field: c })),
      { column: 'neutral', field: 'neutral', as: 'bool' },
      ...BOOK_KEEPING,
    ],
    conflict: ['remote_id'],
    subject: (id) => `match ${id} refers`,
  },
  odds: {
    table: 'odds',
    columns: [
      { column: 'remote_id', field: 'id' },
      { column: 'match_id', field: 'match_id', as: 'match' },
      { column: 'bookmaker', field: 'bookmaker' },
      { column: 'kind', field: 'kind' },
      { column: 'home', field: 'home' },
      { column: 'draw', field: 'draw' },
      { column: 'away', field: 'away' },
      { column: 'captured_at', field: 'captured_at', select: `${utcText('captured_at')} AS captured_at` },
      ...BOOK_KEEPING,
    ],
    // a locally imported copy of the same price (same natural key) is taken over, never duplicated
    conflict: ['match_id', 'bookmaker', 'kind'],
    subject: (id) => `odds ${id} refer`,
  },
}

/** The Postgres column list of a big table's SELECT (without `ts`, which the reader adds). */
export function selectColumns(spec: BigTableSpec): string {
  return spec.columns
    .filter((c) => c.select !== null)
    .map((c) => c.select ?? c.field)
    .join(', ')
}

/** `a = excluded.a, …` or `a = ?, …` over the columns not in `except`. */
function assignments(spec: BigTableSpec, except: readonly string[], value: (c: string) => string): string {
  return spec.columns
    .filter((c) => !except.includes(c.column))
    .map((c) => `${c.column} = ${value(c.column)}`)
    .join(', ')
}

/** The multi-row upsert of `rows` rows, every column in spec order. */
export function upsertSql(spec: BigTableSpec, rows: number): string {
  return `INSERT INTO ${spec.table} (${spec.columns.map((c) => c.column).join(', ')})
   VALUES ${valuesList(rows, spec.columns.length)}
   ON CONFLICT(${spec.conflict.join(', ')}) DO UPDATE SET ${assignments(spec, spec.conflict, (c) => `excluded.${c}`)}`
}

/**
 * `UPDATE … SET <every column but key> = ? WHERE <key> = ?`; bind with {@link keyedValues}. By Postgres id (key
 * `remote_id`), or, `localOnly`, adopting a row the laptop imported itself (`remote_id IS NULL`) by its natural
 * key. Every key is one of the spec's columns (checked), so the text holds the spec's names only.
 */
export function updateByKeySql(
  spec: BigTableSpec,
  key: readonly string[],
  opts: { localOnly?: boolean } = {},
): string {
  for (const c of key) {
    if (!spec.columns.some((s) => s.column === c))
      throw new Error(`sync: ${c} is not a column of ${spec.table}`)
  }
  const where = key.map((c) => `${c} = ?`).join(' AND ')
  return `UPDATE ${spec.table} SET ${assignments(spec, key, () => '?')} WHERE ${where}${opts.localOnly ? ' AND remote_id IS NULL' : ''}`
}

/** A row's bound values (spec order) reordered for {@link updateByKeySql}: the SET columns, then the key. */
export function keyedValues(spec: BigTableSpec, key: readonly string[], values: unknown[]): unknown[] {
  const set: unknown[] = []
  const where: unknown[] = new Array(key.length)
  spec.columns.forEach((c, i) => {
    const k = key.indexOf(c.column)
    if (k < 0) set.push(values[i])
    else where[k] = values[i]
  })
  return [...set, ...where]
}

/** Postgres id → cache id of the rows a big table refers to. */
export interface CacheIds {
  team: { get(remote: unknown): number | undefined }
  match: { get(remote: unknown): number | undefined }
  /** The error for a reference not in the cache; `what` is the sentence's subject and verb ("odds 12 refer"). */
  missing: (table: 'teams' | 'matches', remote: unknown, what: string) => Error
}

/**
 * The positions of `fields` in a row of columns `names`; a missing one is a bug in the SELECT.
 * Remembers the last `names` array: the row-by-row path hands the same one for every row of a table.
 */
function columnsOf(fields: readonly string[]): (names: readonly string[]) => number[] {
  let last: readonly string[] | null = null
  let positions: number[] = []
  return (names) => {
    if (names === last) return positions
    positions = fields.map((name) => {
      const i = names.indexOf(name)
      if (i < 0) throw new Error(`sync: column ${name} missing from the COPY of ${names.join(', ')}`)
      return i
    })
    last = names
    return positions
  }
}

const VALUE = 0
const BOOL = 1
const TEAM = 2
const MATCH = 3
const KIND = { bool: BOOL, team: TEAM, match: MATCH } as const

/**
 * A big table's loader: binds positional rows (fields in `names` order) by the spec, in multi-row
 * upserts, and returns the tombstones among them. `bind` gives one row's values in spec order (the
 * row-by-row updates). The conversion is a test of a small integer per cell, so the 400,000 rows
 * of a first sync pay no closure or lookup per value.
 */
export function bigTableLoader(db: Database.Database, spec: BigTableSpec, ids: CacheIds) {
  const width = spec.columns.length
  const insert = batchedInsert(db, (rows) => upsertSql(spec, rows), width)
  const positionsOf = columnsOf([...spec.columns.map((c) => c.field), 'id', 'deleted'])
  const kinds = Int8Array.from(spec.columns, (c) => (c.as ? KIND[c.as] : VALUE))
  const value = (v: unknown[], kind: number, at: number, idAt: number): unknown => {
    const x = v[at]
    if (kind === VALUE) return x
    if (kind === BOOL) return x ? 1 : 0
    const id = kind === TEAM ? ids.team.get(x) : ids.match.get(x)
    if (id !== undefined) return id
    throw ids.missing(kind === TEAM ? 'teams' : 'matches', x, spec.subject(String(v[idAt])))
  }
  return {
    load(names: readonly string[], rows: readonly unknown[][]): number {
      const positions = positionsOf(names)
      const idAt = positions[width]
      const deletedAt = positions[width + 1]
      let deleted = 0
      try {
        for (const v of rows) {
          for (let c = 0; c < width; c++) insert.push(value(v, kinds[c], positions[c], idAt))
          if (v[deletedAt]) deleted++
        }
        insert.flush()
      } catch (error) {
        insert.discard() // the caller rolls back; the loader writes nothing of a row that failed half-way
        throw error
      }
      return deleted
    },
    bind(names: readonly string[], v: readonly unknown[]): unknown[] {
      const positions = positionsOf(names)
      const out = new Array<unknown>(width)
      for (let c = 0; c < width; c++) out[c] = value(v as unknown[], kinds[c], positions[c], positions[width])
      return out
    },
  }
}
