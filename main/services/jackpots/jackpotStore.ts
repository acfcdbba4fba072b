import { randomUUID } from 'node:crypto'
import type Database from 'better-sqlite3'
import { ApiError } from '../../../shared/api/errors'
import { createTeamResolver } from '../data/teams'

export type Pick = 'H' | 'D' | 'A' | 'HD' | 'HA' | 'DA'

export interface JackpotFixtureRecord {
  position: number
  league: string | null
  home: string
  away: string
  /** Resolved team names (canonical), or null when the fixture keeps free text. */
  homeTeam: string | null
  awayTeam: string | null
  odds: { home: number; draw: number; away: number } | null
  pick: Pick | null
}

export interface JackpotRecord {
  id: string
  name: string
  provider: string | null
  deadline: string | null
  origin: 'local' | 'remote'
  createdAt: string
  updatedAt: string
  fixtures: JackpotFixtureRecord[]
}

export interface NewJackpot {
  id?: string
  name: string
  provider?: string | null
  deadline?: string | null
  league: string
  fixtures: {
    home: string
    away: string
    odds?: { home: number; draw: number; away: number } | null
    league?: string
  }[]
}

/**
 * Jackpots live in the app database and are pushed to the team's Postgres through the outbox:
 * every change writes the jackpot and an outbox item in one transaction, so a crash or an offline
 * laptop loses nothing and the push is idempotent (client-generated UUIDs).
 */
export function createJackpotStore(db: Database.Database, now: () => Date = () => new Date()) {
  const resolver = createTeamResolver(db)

  const insertJackpot = db.prepare(
    `INSERT INTO jackpots (id, name, provider, deadline, origin, created_at, updated_at) VALUES (?, ?, ?, ?, 'local', ?, ?)`,
  )
  const insertFixture = db.prepare(
    `INSERT INTO jackpot_fixtures (jackpot_id, position, league_code, home_name, away_name, odds_home, odds_draw, odds_away, pick, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const enqueue = db.prepare(
    `INSERT INTO outbox (entity, entity_id, op, payload, status, created_at, updated_at) VALUES ('jackpot', ?, ?, ?, 'pending', ?, ?)`,
  )

  function get(id: string): JackpotRecord {
    const row = db.prepare('SELECT * FROM jackpots WHERE id = ? AND deleted = 0').get(id) as
      | {
          id: string
          name: string
          provider: string | null
          deadline: string | null
          origin: 'local' | 'remote'
          created_at: string
          updated_at: string
        }
      | undefined
    if (!row) throw new ApiError('NOT_FOUND', `No jackpot with id ${id}.`)
    const fixtures = db
      .prepare('SELECT * FROM jackpot_fixtures WHERE jackpot_id = ? ORDER BY position')
      .all(id) as {
      position: number
      league_code: string | null
      home_name: string
      away_name: string
      odds_home: number | null
      odds_draw: number | null
      odds_away: number | null
      pick: string | null
    }[]
    return {
      id: row.id,
      name: row.name,
      provider: row.provider,
      deadline: row.deadline,
      origin: row.origin,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      fixtures: fixtures.map((f) => {
        const league = f.league_code
        const home = league ? resolver.lookup(f.home_name, league) : null
        const away = league ? resolver.lookup(f.away_name, league) : null
        return {
          position: f.position,
          league,
          home: f.home_name,
          away: f.away_name,
          homeTeam: home?.teamName ?? null,
          awayTeam: away?.teamName ?? null,
          odds:
            f.odds_home && f.odds_draw && f.odds_away
              ? { home: f.odds_home, draw: f.odds_draw, away: f.odds_away }
              : null,
          pick: (f.pick as Pick | null) ?? null,
        }
      }),
    }
  }

  function outboxPayload(record: JackpotRecord): string {
    return JSON.stringify({
      id: record.id,
      name: record.name,
      provider: record.provider,
      deadline: record.deadline,
      fixtures: record.fixtures.map((f) => ({
        position: f.position,
        league: f.league,
        home: f.home,
        away: f.away,
        odds: f.odds,
        pick: f.pick,
      })),
      updatedAt: record.updatedAt,
    })
  }

  return {
    /**
     * Creates a jackpot. Every team name must resolve in its league (aliases and normalised
     * spellings do); otherwise UNKNOWN_TEAM lists each unknown name with suggestions and nothing
     * is saved.
     */
    create(input: NewJackpot): JackpotRecord {
      if (input.fixtures.length === 0)
        throw new ApiError('INVALID_INPUT', 'A jackpot needs at least one fixture.')
      const unknown: { position: number; name: string; league: string; suggestions: string[] }[] = []
      const resolved = input.fixtures.map((f, i) => {
        const league = f.league ?? input.league
        const names = [f.home, f.away].map((name) => {
          const hit = resolver.lookup(name, league)
          if (!hit) {
            unknown.push({
              position: i + 1,
              name,
              league,
              suggestions: resolver.suggest(name, league, { limit: 3 }).map((s) => s.name),
            })
          }
          return hit?.teamName ?? name
        })
        return { ...f, league, homeTeam: names[0], awayTeam: names[1] }
      })
      if (unknown.length > 0) {
        const list = unknown
          .map(
            (u) =>
              `#${u.position} "${u.name}" (${u.league})${u.suggestions.length ? `: did you mean ${u.suggestions.join(', ')}?` : ''}`,
          )
          .join('; ')
        throw new ApiError('UNKNOWN_TEAM', `Unknown team${unknown.length > 1 ? 's' : ''}: ${list}`, {
          unknown,
        })
      }
      const id = input.id ?? randomUUID()
      const stamp = now().toISOString()
      db.transaction(() => {
        insertJackpot.run(id, input.name, input.provider ?? null, input.deadline ?? null, stamp, stamp)
        resolved.forEach((f, i) =>
          insertFixture.run(
            id,
            i + 1,
            f.league,
            f.homeTeam,
            f.awayTeam,
            f.odds?.home ?? null,
            f.odds?.draw ?? null,
            f.odds?.away ?? null,
            null,
            stamp,
          ),
        )
        enqueue.run(id, 'upsert', outboxPayload(get(id)), stamp, stamp)
      })()
      return get(id)
    },
    get,
    list(): {
      id: string
      name: string
      provider: string | null
      deadline: string | null
      fixtures: number
      origin: string
      updatedAt: string
    }[] {
      return db
        .prepare(
          `SELECT j.id, j.name, j.provider, j.deadline, j.origin, j.updated_at AS updatedAt,
                  (SELECT count(*) FROM jackpot_fixtures f WHERE f.jackpot_id = j.id) AS fixtures
             FROM jackpots j WHERE j.deleted = 0 ORDER BY coalesce(j.deadline, j.created_at) DESC`,
        )
        .all() as never
    },
    setPick(id: string, position: number, pick: Pick | null): JackpotRecord {
      const stamp = now().toISOString()
      db.transaction(() => {
        const changed = db
          .prepare(
            'UPDATE jackpot_fixtures SET pick = ?, updated_at = ? WHERE jackpot_id = ? AND position = ?',
          )
          .run(pick, stamp, id, position)
        if (changed.changes === 0)
          throw new ApiError('NOT_FOUND', `Jackpot ${id} has no fixture ${position}.`)
        db.prepare('UPDATE jackpots SET updated_at = ? WHERE id = ?').run(stamp, id)
        enqueue.run(id, 'upsert', outboxPayload(get(id)), stamp, stamp)
      })()
      return get(id)
    },
    remove(id: string): void {
      const stamp = now().toISOString()
      db.transaction(() => {
        const changed = db
          .prepare('UPDATE jackpots SET deleted = 1, updated_at = ? WHERE id = ? AND deleted = 0')
          .run(stamp, id)
        if (changed.changes === 0) throw new ApiError('NOT_FOUND', `No jackpot with id ${id}.`)
        enqueue.run(id, 'delete', JSON.stringify({ id }), stamp, stamp)
      })()
    },
  }
}

export type JackpotStore = ReturnType<typeof createJackpotStore>
