import type Database from 'better-sqlite3'
import { ApiError } from '../../../shared/api/errors'
import { createTeamResolver } from '../data/teams'
import { deleteJackpot, getJackpot, listJackpots, saveJackpot, type Jackpot } from '../data/jackpots'

/** The analyst's pick in 1X2 terms; double chance allowed where the provider allows it. */
export type Pick = 'H' | 'D' | 'A' | 'HD' | 'HA' | 'DA'

/** Picks are stored in the pools' own notation ('1', 'X', '2', '1X', '12', 'X2'), shared with Postgres. */
const TO_STORED: Record<Pick, string> = { H: '1', D: 'X', A: '2', HD: '1X', HA: '12', DA: 'X2' }
const FROM_STORED: Record<string, Pick> = Object.fromEntries(
  Object.entries(TO_STORED).map(([k, v]) => [v, k as Pick]),
)

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
 * The jackpot screen's view of the data layer's jackpots (main/services/data/jackpots: local rows
 * plus a durable outbox pushed to Postgres). This adapter adds what the screen needs: strict name
 * resolution on create (unknown teams refused with suggestions), picks in H/D/A terms, and
 * resolved team names for pricing.
 */
export function createJackpotStore(db: Database.Database, now: () => Date = () => new Date()) {
  const resolver = createTeamResolver(db)

  function toRecord(j: Jackpot): JackpotRecord {
    return {
      id: j.id,
      name: j.name,
      provider: j.provider,
      deadline: j.deadline,
      origin: j.origin,
      createdAt: j.createdAt,
      updatedAt: j.updatedAt,
      fixtures: j.fixtures.map((f) => {
        const home = f.league ? resolver.lookup(f.home, f.league) : null
        const away = f.league ? resolver.lookup(f.away, f.league) : null
        return {
          position: f.position,
          league: f.league,
          home: f.home,
          away: f.away,
          homeTeam: home?.teamName ?? null,
          awayTeam: away?.teamName ?? null,
          odds: f.odds,
          pick: f.pick ? (FROM_STORED[f.pick] ?? null) : null,
        }
      }),
    }
  }

  function load(id: string): Jackpot {
    const j = getJackpot(db, id)
    if (!j || j.deleted) throw new ApiError('NOT_FOUND', `No jackpot with id ${id}.`)
    return j
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
      const fixtures = input.fixtures.map((f, i) => {
        const league = f.league ?? input.league
        const [home, away] = [f.home, f.away].map((name) => {
          const hit = resolver.lookup(name, league)
          if (!hit) {
            const suggestions = resolver.suggest(name, league, { limit: 3 }).map((s) => s.name)
            unknown.push({ position: i + 1, name, league, suggestions })
          }
          return hit?.teamName ?? name
        })
        return { home, away, league, odds: f.odds ?? null, pick: null }
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
      const saved = saveJackpot(
        db,
        {
          ...(input.id ? { id: input.id } : {}),
          name: input.name,
          provider: input.provider ?? null,
          deadline: input.deadline ?? null,
          fixtures,
        },
        now,
      )
      return toRecord(saved)
    },
    get: (id: string) => toRecord(load(id)),
    list() {
      return listJackpots(db).map((j) => ({
        id: j.id,
        name: j.name,
        provider: j.provider,
        deadline: j.deadline,
        fixtures: j.fixtures.length,
        origin: j.origin,
        updatedAt: j.updatedAt,
      }))
    },
    /** Changes one pick; the whole jackpot is re-queued for Postgres (the outbox keeps the latest state). */
    setPick(id: string, position: number, pick: Pick | null): JackpotRecord {
      const j = load(id)
      if (!j.fixtures.some((f) => f.position === position))
        throw new ApiError('NOT_FOUND', `Jackpot ${id} has no fixture ${position}.`)
      const saved = saveJackpot(
        db,
        {
          id: j.id,
          name: j.name,
          provider: j.provider,
          deadline: j.deadline,
          fixtures: j.fixtures.map((f) => ({
            home: f.home,
            away: f.away,
            league: f.league,
            kickoff: f.kickoff,
            odds: f.odds,
            pick: f.position === position ? (pick ? TO_STORED[pick] : null) : f.pick,
          })),
        },
        now,
      )
      return toRecord(saved)
    },
    remove(id: string): void {
      load(id)
      deleteJackpot(db, id, now)
    },
  }
}

export type JackpotStore = ReturnType<typeof createJackpotStore>
