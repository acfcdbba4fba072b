/**
 * Local jackpots: created and edited on the laptop (offline is normal), each write queued in the
 * outbox in the same transaction, so it reaches Postgres when it is reachable (sync/pushOutbox.ts)
 * even across restarts. Ids are client-generated UUIDs, so a jackpot keeps its id everywhere.
 *
 * Fixture team names are resolved against the league's teams when a league is given; a name that does
 * not resolve keeps its free text (the fixture has no match) and is listed in the data-quality report,
 * never turned into a new team.
 */
import { randomUUID } from 'node:crypto'
import type Database from 'better-sqlite3'
import { DataError } from '../errors'
import { createTeamResolver } from '../teams/index'

export interface JackpotFixtureInput {
  home: string
  away: string
  league?: string | null
  /** ISO date or date-time of kick-off. */
  kickoff?: string | null
  odds?: { home: number; draw: number; away: number } | null
  /** The analyst's pick, e.g. '1', 'X', '2', '1X'. */
  pick?: string | null
}

export interface JackpotInput {
  id?: string
  name: string
  provider?: string | null
  deadline?: string | null
  fixtures: JackpotFixtureInput[]
}

export interface JackpotFixture {
  position: number
  matchId: number | null
  league: string | null
  home: string
  away: string
  kickoff: string | null
  odds: { home: number; draw: number; away: number } | null
  pick: string | null
}

export interface Jackpot {
  id: string
  name: string
  provider: string | null
  deadline: string | null
  origin: 'local' | 'remote'
  createdAt: string
  updatedAt: string
  /** The Postgres version this copy is based on (null: never pushed / pulled). */
  remoteUpdatedAt: string | null
  deleted: boolean
  /** An outbox item is waiting (or is in conflict) for this jackpot. */
  pendingPush: 'none' | 'pending' | 'conflict'
  fixtures: JackpotFixture[]
}

/** What the outbox carries for a jackpot: its full state plus the remote version it was based on. */
export interface JackpotPayload {
  id: string
  name: string
  provider: string | null
  deadline: string | null
  createdAt: string
  deleted: boolean
  baseRemoteUpdatedAt: string | null
  fixtures: Omit<JackpotFixture, 'matchId'>[]
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function getJackpot(db: Database.Database, id: string): Jackpot | undefined {
  const row = db
    .prepare(
      `SELECT id, name, provider, deadline, origin, created_at AS createdAt, updated_at AS updatedAt,
              remote_updated_at AS remoteUpdatedAt, deleted,
              coalesce((SELECT status FROM outbox WHERE entity = 'jackpot' AND entity_id = j.id AND status IN ('pending', 'conflict')
                        ORDER BY id DESC LIMIT 1), 'none') AS pendingPush
         FROM jackpots j WHERE id = ?`,
    )
    .get(id) as (Omit<Jackpot, 'deleted' | 'fixtures'> & { deleted: number }) | undefined
  if (!row) return undefined
  const fixtures = (
    db
      .prepare(
        `SELECT position, match_id AS matchId, league_code AS league, home_name AS home, away_name AS away, kickoff,
                odds_home AS oh, odds_draw AS od, odds_away AS oa, pick
           FROM jackpot_fixtures WHERE jackpot_id = ? ORDER BY position`,
      )
      .all(id) as (Omit<JackpotFixture, 'odds'> & {
      oh: number | null
      od: number | null
      oa: number | null
    })[]
  ).map(({ oh, od, oa, ...f }) => ({
    ...f,
    odds: oh !== null && od !== null && oa !== null ? { home: oh, draw: od, away: oa } : null,
  }))
  return { ...row, deleted: row.deleted === 1, fixtures }
}

export function listJackpots(db: Database.Database, opts: { includeDeleted?: boolean } = {}): Jackpot[] {
  const ids = db
    .prepare(
      `SELECT id FROM jackpots ${opts.includeDeleted ? '' : 'WHERE deleted = 0'} ORDER BY coalesce(deadline, created_at) DESC`,
    )
    .pluck()
    .all() as string[]
  return ids.map((id) => getJackpot(db, id) as Jackpot)
}

function payloadOf(j: Jackpot): JackpotPayload {
  return {
    id: j.id,
    name: j.name,
    provider: j.provider,
    deadline: j.deadline,
    createdAt: j.createdAt,
    deleted: j.deleted,
    baseRemoteUpdatedAt: j.remoteUpdatedAt,
    fixtures: j.fixtures.map(({ matchId: _m, ...f }) => f),
  }
}

function enqueue(db: Database.Database, j: Jackpot, now: string): void {
  // Only the newest state matters: older pending items for the same jackpot are superseded.
  db.prepare("DELETE FROM outbox WHERE entity = 'jackpot' AND entity_id = ? AND status = 'pending'").run(j.id)
  db.prepare(
    `INSERT INTO outbox (entity, entity_id, op, payload, created_at, updated_at) VALUES ('jackpot', ?, ?, ?, ?, ?)`,
  ).run(j.id, j.deleted ? 'delete' : 'upsert', JSON.stringify(payloadOf(j)), now, now)
}

/** Creates or replaces (same id) a jackpot locally and queues it for Postgres. */
export function saveJackpot(
  db: Database.Database,
  input: JackpotInput,
  now: () => Date = () => new Date(),
): Jackpot {
  const id = input.id ?? randomUUID()
  if (!UUID_RE.test(id)) throw new DataError('IMPORT_INVALID', `jackpot id "${id}" is not a UUID`, { id })
  if (!input.name.trim()) throw new DataError('IMPORT_INVALID', 'a jackpot needs a name')
  const stamp = now().toISOString()
  const resolver = createTeamResolver(db)
  const findMatch = db.prepare(
    'SELECT id FROM matches WHERE league_code = ? AND date = ? AND home_team_id = ? AND away_team_id = ? AND deleted = 0',
  )
  const unresolved = db.prepare(
    `INSERT INTO unresolved_names (league_code, name, source, suggestions, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(league_code, name) DO UPDATE SET source = excluded.source, suggestions = excluded.suggestions,
       last_seen_at = excluded.last_seen_at`,
  )
  db.transaction(() => {
    db.prepare(
      `INSERT INTO jackpots (id, name, provider, deadline, origin, created_at, updated_at) VALUES (?, ?, ?, ?, 'local', ?, ?)
       ON CONFLICT(id) DO UPDATE SET name = excluded.name, provider = excluded.provider, deadline = excluded.deadline,
         updated_at = excluded.updated_at, deleted = 0`,
    ).run(id, input.name.trim(), input.provider ?? null, input.deadline ?? null, stamp, stamp)
    db.prepare('DELETE FROM jackpot_fixtures WHERE jackpot_id = ?').run(id)
    const insert = db.prepare(
      `INSERT INTO jackpot_fixtures (jackpot_id, position, match_id, league_code, home_name, away_name, kickoff,
         odds_home, odds_draw, odds_away, pick, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    input.fixtures.forEach((f, i) => {
      let matchId: number | null = null
      if (f.league) {
        const ids: (number | null)[] = []
        for (const name of [f.home, f.away]) {
          const hit = resolver.lookup(name, f.league)
          if (!hit) {
            const suggestions = resolver.suggest(name, f.league)
            unresolved.run(f.league, name, `jackpot:${id}`, JSON.stringify(suggestions), stamp, stamp)
          }
          ids.push(hit?.teamId ?? null)
        }
        if (ids[0] !== null && ids[1] !== null && f.kickoff) {
          matchId =
            (findMatch.pluck().get(f.league, f.kickoff.slice(0, 10), ids[0], ids[1]) as number | undefined) ??
            null
        }
      }
      insert.run(
        id,
        i + 1,
        matchId,
        f.league ?? null,
        f.home.trim(),
        f.away.trim(),
        f.kickoff ?? null,
        f.odds?.home ?? null,
        f.odds?.draw ?? null,
        f.odds?.away ?? null,
        f.pick ?? null,
        stamp,
      )
    })
    enqueue(db, getJackpot(db, id) as Jackpot, stamp)
  })()
  return getJackpot(db, id) as Jackpot
}

/** Tombstones a jackpot locally and queues the deletion. */
export function deleteJackpot(db: Database.Database, id: string, now: () => Date = () => new Date()): void {
  const stamp = now().toISOString()
  db.transaction(() => {
    const changed = db
      .prepare('UPDATE jackpots SET deleted = 1, updated_at = ? WHERE id = ?')
      .run(stamp, id).changes
    if (!changed) throw new DataError('NOT_FOUND', `no jackpot ${id}`, { id })
    enqueue(db, getJackpot(db, id) as Jackpot, stamp)
  })()
}
