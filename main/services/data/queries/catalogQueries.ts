import type Database from 'better-sqlite3'

export interface LeagueSummary {
  code: string
  name: string
  country: string | null
  tier: number | null
  seasons: number
  matches: number
  teams: number
  firstDate: string | null
  /**
   * The last match played: the league's data freshness. Scheduled fixtures (imported from a fixtures file)
   * never count, so one future fixture cannot hide a stale league (#20).
   */
  lastDate: string | null
}

export interface SeasonSummary {
  league: string
  season: string
  matches: number
  played: number
  scheduled: number
  teams: number
  withOdds: number
  /** Played matches with odds: the odds coverage of the season so far is playedWithOdds / played. */
  playedWithOdds: number
  firstDate: string | null
  lastDate: string | null
  /** The last match played (lastDate may be a fixture to come). */
  lastPlayedDate: string | null
}

export interface TeamSummary {
  id: number
  name: string
  country: string | null
  leagues: string[]
  matches: number
  aliases: { alias: string; league: string; source: string }[]
}

/** Leagues with season, match and team counts (tombstones excluded). */
export function listLeagues(db: Database.Database): LeagueSummary[] {
  return db
    .prepare(
      `SELECT l.code, l.name, l.country, l.tier,
              (SELECT count(*) FROM seasons s WHERE s.league_code = l.code AND s.deleted = 0) AS seasons,
              count(m.id) AS matches,
              (SELECT count(*) FROM (SELECT home_team_id FROM matches WHERE league_code = l.code AND deleted = 0
                                      UNION SELECT away_team_id FROM matches WHERE league_code = l.code AND deleted = 0)) AS teams,
              min(m.date) AS firstDate, max(CASE WHEN m.status = 'played' THEN m.date END) AS lastDate
         FROM leagues l LEFT JOIN matches m ON m.league_code = l.code AND m.deleted = 0
        WHERE l.deleted = 0
        GROUP BY l.code ORDER BY l.country, l.tier, l.code`,
    )
    .all() as LeagueSummary[]
}

/** Seasons (optionally of one league), newest first, with counts. */
export function listSeasons(db: Database.Database, filter: { league?: string } = {}): SeasonSummary[] {
  return db
    .prepare(
      `SELECT s.league_code AS league, s.code AS season,
              count(m.id) AS matches,
              coalesce(sum(m.status = 'played'), 0) AS played,
              coalesce(sum(m.status = 'scheduled'), 0) AS scheduled,
              (SELECT count(*) FROM (SELECT home_team_id FROM matches WHERE league_code = s.league_code AND season = s.code AND deleted = 0
                                      UNION SELECT away_team_id FROM matches WHERE league_code = s.league_code AND season = s.code AND deleted = 0)) AS teams,
              coalesce(sum(EXISTS (SELECT 1 FROM odds o WHERE o.match_id = m.id AND o.deleted = 0)), 0) AS withOdds,
              coalesce(sum(m.status = 'played' AND EXISTS (SELECT 1 FROM odds o WHERE o.match_id = m.id AND o.deleted = 0)), 0) AS playedWithOdds,
              min(m.date) AS firstDate, max(m.date) AS lastDate,
              max(CASE WHEN m.status = 'played' THEN m.date END) AS lastPlayedDate
         FROM seasons s LEFT JOIN matches m ON m.league_code = s.league_code AND m.season = s.code AND m.deleted = 0
        WHERE s.deleted = 0 AND (@league IS NULL OR s.league_code = @league)
        GROUP BY s.league_code, s.code ORDER BY s.league_code, s.code DESC`,
    )
    .all({ league: filter.league ?? null }) as SeasonSummary[]
}

/** Teams with their aliases and the leagues they played in; `search` matches name or alias (case-insensitive). */
export function listTeams(
  db: Database.Database,
  filter: { league?: string; search?: string } = {},
): TeamSummary[] {
  const teams = db
    .prepare(
      `SELECT t.id, t.name, t.country,
              (SELECT group_concat(DISTINCT league_code) FROM matches m
                WHERE (m.home_team_id = t.id OR m.away_team_id = t.id) AND m.deleted = 0) AS leagues,
              (SELECT count(*) FROM matches m WHERE (m.home_team_id = t.id OR m.away_team_id = t.id) AND m.deleted = 0) AS matches
         FROM teams t
        WHERE t.deleted = 0
          AND (@league IS NULL OR EXISTS (SELECT 1 FROM matches m WHERE m.league_code = @league AND m.deleted = 0
                                      AND (m.home_team_id = t.id OR m.away_team_id = t.id))
                          OR EXISTS (SELECT 1 FROM team_aliases a WHERE a.team_id = t.id AND a.league_code = @league AND a.deleted = 0))
          AND (@search IS NULL OR t.name LIKE '%' || @search || '%'
               OR EXISTS (SELECT 1 FROM team_aliases a WHERE a.team_id = t.id AND a.deleted = 0 AND a.alias LIKE '%' || @search || '%'))
        ORDER BY t.name`,
    )
    .all({ league: filter.league ?? null, search: filter.search ?? null }) as (Omit<
    TeamSummary,
    'leagues' | 'aliases'
  > & {
    leagues: string | null
  })[]
  const aliasStmt = db.prepare(
    'SELECT alias, league_code AS league, source FROM team_aliases WHERE team_id = ? AND deleted = 0 ORDER BY league_code, alias',
  )
  return teams.map((t) => ({
    ...t,
    leagues: t.leagues ? t.leagues.split(',').sort() : [],
    aliases: aliasStmt.all(t.id) as TeamSummary['aliases'],
  }))
}
