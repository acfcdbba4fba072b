import type Database from 'better-sqlite3'

export interface MatchFilter {
  league?: string
  season?: string
  /** Team id, or a name matched exactly against team names and aliases. */
  team?: number | string
  /** Inclusive YYYY-MM-DD bounds. */
  from?: string
  to?: string
  status?: 'scheduled' | 'played' | 'postponed' | 'abandoned'
  /** Include odds (default true). */
  withOdds?: boolean
  limit?: number
  offset?: number
}

export interface OddsRow {
  bookmaker: string
  kind: 'pre-match' | 'closing'
  home: number | null
  draw: number | null
  away: number | null
  capturedAt: string | null
}

export interface MatchRow {
  id: number
  league: string
  season: string
  date: string
  time: string | null
  homeTeamId: number
  homeTeam: string
  awayTeamId: number
  awayTeam: string
  homeGoals: number | null
  awayGoals: number | null
  htHomeGoals: number | null
  htAwayGoals: number | null
  homeShots: number | null
  awayShots: number | null
  homeShotsOnTarget: number | null
  awayShotsOnTarget: number | null
  referee: string | null
  status: 'scheduled' | 'played' | 'postponed' | 'abandoned'
  neutral: boolean
  source: string
  updatedAt: string
  odds: OddsRow[]
}

const SELECT = `SELECT m.id, m.league_code AS league, m.season, m.date, m.kickoff_time AS time,
       m.home_team_id AS homeTeamId, h.name AS homeTeam, m.away_team_id AS awayTeamId, a.name AS awayTeam,
       m.home_goals AS homeGoals, m.away_goals AS awayGoals, m.ht_home_goals AS htHomeGoals, m.ht_away_goals AS htAwayGoals,
       m.home_shots AS homeShots, m.away_shots AS awayShots, m.home_shots_on_target AS homeShotsOnTarget,
       m.away_shots_on_target AS awayShotsOnTarget, m.referee, m.status, m.neutral, m.source, m.updated_at AS updatedAt
  FROM matches m JOIN teams h ON h.id = m.home_team_id JOIN teams a ON a.id = m.away_team_id`

const statementCache = new WeakMap<Database.Database, Map<string, Database.Statement>>()
function cached(db: Database.Database, sql: string): Database.Statement {
  let map = statementCache.get(db)
  if (!map) statementCache.set(db, (map = new Map()))
  let stmt = map.get(sql)
  if (!stmt) map.set(sql, (stmt = db.prepare(sql)))
  return stmt
}

function teamIds(db: Database.Database, team: number | string): number[] {
  if (typeof team === 'number') return [team]
  return cached(
    db,
    `SELECT id FROM teams WHERE name = @team AND deleted = 0
     UNION SELECT team_id FROM team_aliases WHERE alias = @team AND deleted = 0`,
  )
    .pluck()
    .all({ team }) as number[]
}

/** Matches in date order (then kick-off, id), with their odds. Tombstoned rows are never returned. */
export function listMatches(db: Database.Database, filter: MatchFilter = {}): MatchRow[] {
  const found = whereOf(db, filter)
  if (!found) return []
  return listWhere(db, found.where, found.params, filter)
}

/** One page of {@link listMatches} and how many matches the filter has in all (the Data screen's table, #23). */
export function matchPage(
  db: Database.Database,
  filter: Omit<MatchFilter, 'limit' | 'offset'>,
  page: { offset: number; limit: number },
): { total: number; offset: number; rows: MatchRow[] } {
  const found = whereOf(db, filter)
  if (!found) return { total: 0, offset: page.offset, rows: [] }
  const total = cached(db, `SELECT count(*) FROM matches m WHERE ${found.where.join(' AND ')}`)
    .pluck()
    .get(...found.params) as number
  const rows =
    page.offset < total ? listWhere(db, found.where, [...found.params], { ...filter, ...page }) : []
  return { total, offset: page.offset, rows }
}

/** The WHERE terms and parameters of a filter; null when it names a team that does not exist. */
function whereOf(
  db: Database.Database,
  filter: MatchFilter,
): { where: string[]; params: (string | number)[] } | null {
  const where = ['m.deleted = 0']
  const params: (string | number)[] = []
  if (filter.league) {
    where.push('m.league_code = ?')
    params.push(filter.league)
  }
  if (filter.season) {
    where.push('m.season = ?')
    params.push(filter.season)
  }
  if (filter.team !== undefined) {
    const ids = teamIds(db, filter.team)
    if (!ids.length) return null
    const list = ids.map(() => '?').join(', ')
    where.push(`(m.home_team_id IN (${list}) OR m.away_team_id IN (${list}))`)
    params.push(...ids, ...ids)
  }
  if (filter.from) {
    where.push('m.date >= ?')
    params.push(filter.from)
  }
  if (filter.to) {
    where.push('m.date <= ?')
    params.push(filter.to)
  }
  if (filter.status) {
    where.push('m.status = ?')
    params.push(filter.status)
  }
  return { where, params }
}

function listWhere(
  db: Database.Database,
  where: readonly string[],
  params: (string | number)[],
  filter: MatchFilter,
): MatchRow[] {
  const withOdds = filter.withOdds !== false
  // odds_json: the match's odds packed by the writer (migration 003); NULL while stale.
  let sql = `${withOdds ? SELECT_WITH_PACKED_ODDS : SELECT} WHERE ${where.join(' AND ')} ORDER BY m.date, m.kickoff_time, m.id`
  if (filter.limit !== undefined) {
    sql += ' LIMIT ? OFFSET ?'
    params.push(filter.limit, filter.offset ?? 0)
  }
  // Rows as arrays, objects built here: the driver's named-column objects cost ~4× as much for 22 columns
  // (a season of E0: 380 rows in ~1.1 ms raw against ~2.4–6.9 ms as objects on this machine, #23).
  const rows = cached(db, sql)
    .raw(true)
    .all(...params) as RawMatch[]
  const out: MatchRow[] = new Array<MatchRow>(rows.length)
  let stale: MatchRow[] | null = null
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]
    const packed = withOdds ? r[22] : null
    const row: MatchRow = {
      id: r[0],
      league: r[1],
      season: r[2],
      date: r[3],
      time: r[4],
      homeTeamId: r[5],
      homeTeam: r[6],
      awayTeamId: r[7],
      awayTeam: r[8],
      homeGoals: r[9],
      awayGoals: r[10],
      htHomeGoals: r[11],
      htAwayGoals: r[12],
      homeShots: r[13],
      awayShots: r[14],
      homeShotsOnTarget: r[15],
      awayShotsOnTarget: r[16],
      referee: r[17],
      status: r[18],
      neutral: r[19] === 1,
      source: r[20],
      updatedAt: r[21],
      odds: packed != null ? packedOdds(db, r[0], packed) : [],
    }
    out[i] = row
    if (withOdds && packed == null) (stale ??= []).push(row)
  }
  if (stale) addOddsFromTable(db, stale)
  return out
}

/**
 * Parsed packed odds by match id, with the text they were parsed from (per database). A season's packed
 * odds are ~0.5 MB of JSON (E0 2023-24: 5,702 prices), and parsing them was most of the query's time; a
 * repeated read compares the text (unchanged: the same odds) and hands out copies (#23). Dropped whole
 * when it holds more than {@link PARSED_ODDS_LIMIT} matches (~20 seasons, ~20 MB).
 */
const parsedOdds = new WeakMap<Database.Database, Map<number, { text: string; odds: OddsRow[] }>>()
const PARSED_ODDS_LIMIT = 8000

function packedOdds(db: Database.Database, matchId: number, text: string): OddsRow[] {
  let memo = parsedOdds.get(db)
  if (!memo) parsedOdds.set(db, (memo = new Map()))
  let hit = memo.get(matchId)
  if (!hit || hit.text !== text) {
    if (memo.size >= PARSED_ODDS_LIMIT) memo.clear()
    hit = { text, odds: JSON.parse(text) as OddsRow[] }
    memo.set(matchId, hit)
  }
  // copies: callers own what they are given
  const out = new Array<OddsRow>(hit.odds.length)
  for (let i = 0; i < out.length; i++) out[i] = { ...hit.odds[i] }
  return out
}

/** A row of {@link SELECT} as the driver's raw array (column order), then odds_json with the odds. */
type RawMatch = [
  number,
  string,
  string,
  string,
  string | null,
  number,
  string,
  number,
  string,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  string | null,
  MatchRow['status'],
  number,
  string,
  string,
  (string | null)?,
]

const SELECT_WITH_PACKED_ODDS = SELECT.replace(
  'm.updated_at AS updatedAt',
  'm.updated_at AS updatedAt, m.odds_json AS oddsJson',
)

/** Odds of matches whose packed copy is stale (written outside an import or sync that packs), from the table. */
function addOddsFromTable(db: Database.Database, matches: MatchRow[]): void {
  const byId = new Map(matches.map((m) => [m.id, m]))
  const all = cached(
    db,
    `SELECT o.match_id, o.bookmaker, o.kind, o.home, o.draw, o.away, o.captured_at
       FROM odds o WHERE o.deleted = 0 AND o.match_id IN (SELECT value FROM json_each(?)) ORDER BY o.match_id, o.id`,
  )
    .raw(true)
    .all(JSON.stringify([...byId.keys()])) as [
    number,
    string,
    OddsRow['kind'],
    number | null,
    number | null,
    number | null,
    string | null,
  ][]
  for (const [matchId, bookmaker, kind, home, draw, away, capturedAt] of all) {
    byId.get(matchId)?.odds.push({ bookmaker, kind, home, draw, away, capturedAt })
  }
}

export interface TableRow {
  position: number
  teamId: number
  team: string
  played: number
  won: number
  drawn: number
  lost: number
  goalsFor: number
  goalsAgainst: number
  goalDifference: number
  points: number
}

/**
 * League table of a season from played matches up to and including `asOf` (default: all). Sorted by
 * points, goal difference, goals scored, then name. Teams with fixtures but no result yet appear
 * with zeros.
 */
export function leagueTable(
  db: Database.Database,
  input: { league: string; season: string; asOf?: string; pointsForWin?: number },
): TableRow[] {
  const win = input.pointsForWin ?? 3
  const rows = cached(
    db,
    `WITH ms AS (
       SELECT * FROM matches WHERE league_code = @league AND season = @season AND deleted = 0),
     games AS (
       SELECT home_team_id AS team, home_goals AS gf, away_goals AS ga FROM ms
        WHERE status = 'played' AND home_goals IS NOT NULL AND (@asOf IS NULL OR date <= @asOf)
       UNION ALL
       SELECT away_team_id, away_goals, home_goals FROM ms
        WHERE status = 'played' AND home_goals IS NOT NULL AND (@asOf IS NULL OR date <= @asOf)),
     teams_in AS (SELECT home_team_id AS team FROM ms UNION SELECT away_team_id FROM ms)
     SELECT t.team AS teamId, tm.name AS team,
            count(g.team) AS played, coalesce(sum(g.gf > g.ga), 0) AS won, coalesce(sum(g.gf = g.ga), 0) AS drawn,
            coalesce(sum(g.gf < g.ga), 0) AS lost, coalesce(sum(g.gf), 0) AS goalsFor, coalesce(sum(g.ga), 0) AS goalsAgainst
       FROM teams_in t JOIN teams tm ON tm.id = t.team LEFT JOIN games g ON g.team = t.team
      GROUP BY t.team`,
  ).all({ league: input.league, season: input.season, asOf: input.asOf ?? null }) as Omit<
    TableRow,
    'position' | 'goalDifference' | 'points'
  >[]
  return rows
    .map((r) => ({
      ...r,
      goalDifference: r.goalsFor - r.goalsAgainst,
      points: r.won * win + r.drawn,
      position: 0,
    }))
    .sort(
      (a, b) =>
        b.points - a.points ||
        b.goalDifference - a.goalDifference ||
        b.goalsFor - a.goalsFor ||
        a.team.localeCompare(b.team),
    )
    .map((r, i) => ({ ...r, position: i + 1 }))
}
