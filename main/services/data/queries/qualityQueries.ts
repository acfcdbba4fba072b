import type Database from 'better-sqlite3'

export interface DataQualityReport {
  matches: number
  /** Played matches with no odds at all, per league and season, plus a sample. */
  missingOdds: {
    total: number
    bySeason: { league: string; season: string; matches: number; missing: number }[]
    sample: { id: number; league: string; season: string; date: string; homeTeam: string; awayTeam: string }[]
  }
  /** Matches with no result although their date is past (status still 'played' with null goals). */
  missingResults: number
  /**
   * Probable duplicates: the same pairing twice in one league season (e.g. a rescheduled match imported
   * under both dates), or a team playing twice on one day.
   */
  duplicateCandidates: {
    reason: 'same-pairing-in-season' | 'team-twice-on-a-day'
    league: string
    season: string
    description: string
    matchIds: number[]
  }[]
  /** Names an import or a jackpot could not resolve. */
  unresolvedNames: {
    league: string
    name: string
    source: string
    suggestions: unknown[]
    lastSeenAt: string
  }[]
}

/**
 * Data-quality report over the whole cache or one league/season. Leagues where a pairing legitimately
 * repeats within a season (Scottish splits) are recognised by code (SC*) and not flagged.
 */
export function dataQuality(
  db: Database.Database,
  filter: { league?: string; season?: string; sampleSize?: number } = {},
): DataQualityReport {
  const league = filter.league ?? null
  const season = filter.season ?? null
  const scope = `m.deleted = 0 AND (@league IS NULL OR m.league_code = @league) AND (@season IS NULL OR m.season = @season)`
  const matches = db
    .prepare(`SELECT count(*) FROM matches m WHERE ${scope}`)
    .pluck()
    .get({ league, season }) as number
  const noOdds = `m.status = 'played' AND NOT EXISTS (SELECT 1 FROM odds o WHERE o.match_id = m.id AND o.deleted = 0)`
  const bySeason = db
    .prepare(
      `SELECT m.league_code AS league, m.season, count(*) AS matches, sum(${noOdds}) AS missing
         FROM matches m WHERE ${scope} GROUP BY m.league_code, m.season HAVING missing > 0
        ORDER BY m.league_code, m.season`,
    )
    .all({ league, season }) as DataQualityReport['missingOdds']['bySeason']
  const sample = db
    .prepare(
      `SELECT m.id, m.league_code AS league, m.season, m.date, h.name AS homeTeam, a.name AS awayTeam
         FROM matches m JOIN teams h ON h.id = m.home_team_id JOIN teams a ON a.id = m.away_team_id
        WHERE ${scope} AND ${noOdds} ORDER BY m.date DESC LIMIT @sample`,
    )
    .all({ league, season, sample: filter.sampleSize ?? 20 }) as DataQualityReport['missingOdds']['sample']
  const missingResults = db
    .prepare(`SELECT count(*) FROM matches m WHERE ${scope} AND m.status = 'played' AND m.home_goals IS NULL`)
    .pluck()
    .get({ league, season }) as number

  const pairs = db
    .prepare(
      `SELECT m.league_code AS league, m.season, h.name || ' v ' || a.name || ' on ' || group_concat(m.date, ', ') AS description,
              group_concat(m.id) AS ids
         FROM matches m JOIN teams h ON h.id = m.home_team_id JOIN teams a ON a.id = m.away_team_id
        WHERE ${scope} AND m.league_code NOT LIKE 'SC%'
        GROUP BY m.league_code, m.season, m.home_team_id, m.away_team_id HAVING count(*) > 1`,
    )
    .all({ league, season }) as { league: string; season: string; description: string; ids: string }[]
  const sameDay = db
    .prepare(
      `WITH sides AS (SELECT m.id, m.league_code, m.season, m.date, m.home_team_id AS team FROM matches m WHERE ${scope}
                      UNION ALL SELECT m.id, m.league_code, m.season, m.date, m.away_team_id FROM matches m WHERE ${scope})
       SELECT s.league_code AS league, s.season, t.name || ' plays ' || count(*) || ' times on ' || s.date AS description,
              group_concat(s.id) AS ids
         FROM sides s JOIN teams t ON t.id = s.team GROUP BY s.league_code, s.date, s.team HAVING count(*) > 1`,
    )
    .all({ league, season }) as { league: string; season: string; description: string; ids: string }[]
  const toIds = (s: string) => s.split(',').map(Number)
  const duplicateCandidates: DataQualityReport['duplicateCandidates'] = [
    ...pairs.map((p) => ({
      reason: 'same-pairing-in-season' as const,
      league: p.league,
      season: p.season,
      description: p.description,
      matchIds: toIds(p.ids),
    })),
    ...sameDay.map((p) => ({
      reason: 'team-twice-on-a-day' as const,
      league: p.league,
      season: p.season,
      description: p.description,
      matchIds: toIds(p.ids),
    })),
  ]

  const unresolvedNames = (
    db
      .prepare(
        `SELECT league_code AS league, name, source, suggestions, last_seen_at AS lastSeenAt FROM unresolved_names
          WHERE @league IS NULL OR league_code = @league ORDER BY last_seen_at DESC`,
      )
      .all({ league }) as {
      league: string
      name: string
      source: string
      suggestions: string
      lastSeenAt: string
    }[]
  ).map((u) => ({ ...u, suggestions: JSON.parse(u.suggestions) as unknown[] }))

  return {
    matches,
    missingOdds: { total: bySeason.reduce((n, s) => n + s.missing, 0), bySeason, sample },
    missingResults,
    duplicateCandidates,
    unresolvedNames,
  }
}
