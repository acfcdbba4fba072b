/**
 * Imports a football-data file into the shared Postgres: same rules as the SQLite importer (one
 * transaction per file, natural-key upserts that only touch changed rows, the same team plan), written
 * as set-based statements so a season file costs a handful of round trips.
 */
import type pg from 'pg'
import { readFootballDataFile } from '../csv/index'
import type { ParsedFile } from '../csv/index'
import { createTeamResolverFrom, leagueInfo, memoryTeamDirectory } from '../teams/index'
import { PG_SEASON_SPAN_SQL } from './catalogStatements'
import { MATCH_FIELDS, matchFieldValues } from './importFile'
import { emptyImportResult, type ImportResult } from './importFile'
import { fileLeague, fileSeason, planTeams, unknownTeamsError } from './planImport'
import type { ImportOptions } from './planImport'

const FIELD_TYPES: Record<(typeof MATCH_FIELDS)[number], string> = {
  season: 'text',
  kickoff_time: 'text',
  home_goals: 'int',
  away_goals: 'int',
  ht_home_goals: 'int',
  ht_away_goals: 'int',
  home_shots: 'int',
  away_shots: 'int',
  home_shots_on_target: 'int',
  away_shots_on_target: 'int',
  referee: 'text',
  status: 'text',
  goals_json: 'text',
}

/** The team resolver over Postgres's teams, aliases and leagues as this transaction sees them. */
export async function postgresTeamResolver(client: pg.ClientBase) {
  const teams = (await client.query('SELECT id, name, country FROM teams WHERE NOT deleted')).rows
  const aliases = (
    await client.query(
      'SELECT team_id AS "teamId", league_code AS league, alias FROM team_aliases WHERE NOT deleted',
    )
  ).rows
  const leagues = (await client.query('SELECT code, country FROM leagues WHERE NOT deleted')).rows
  return createTeamResolverFrom(memoryTeamDirectory(teams, aliases, leagues))
}

export async function importParsedFileToPostgres(
  client: pg.ClientBase,
  parsed: ParsedFile,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const started = performance.now()
  const league = fileLeague(parsed, opts)
  const season = fileSeason(parsed, opts)
  const source = opts.source ?? `football-data:${parsed.file}`
  const result = emptyImportResult(parsed, league, season)
  const info = leagueInfo(league)
  await client.query('BEGIN')
  try {
    await client.query(
      `INSERT INTO leagues (code, name, country, tier) VALUES ($1, $2, $3, $4)
       ON CONFLICT (code) DO UPDATE SET deleted = false WHERE leagues.deleted`,
      [league, info.name, info.country || null, info.tier || null],
    )
    await client.query(
      `INSERT INTO seasons (league_code, code) VALUES ($1, $2)
       ON CONFLICT (league_code, code) DO UPDATE SET deleted = false WHERE seasons.deleted`,
      [league, season],
    )
    // Serialise imports touching team identity, so two files cannot both create the same newcomer.
    await client.query('SELECT pg_advisory_xact_lock(7357002)')
    const resolver = await postgresTeamResolver(client)
    const plan = planTeams(parsed, league, resolver, opts)
    if (plan.unknown.length) throw unknownTeamsError(parsed.file, league, plan.unknown)
    const teamIds = new Map(plan.resolved)
    for (const name of plan.create) {
      const id = (
        await client.query('INSERT INTO teams (name, country) VALUES ($1, $2) RETURNING id', [
          name,
          info.country || null,
        ])
      ).rows[0].id as number
      await client.query(
        `INSERT INTO team_aliases (team_id, league_code, alias, source) VALUES ($1, $2, $3, 'import')
         ON CONFLICT (league_code, alias) DO NOTHING`,
        [id, league, name],
      )
      teamIds.set(name, Number(id))
      result.teamsCreated.push(name)
    }
    for (const a of plan.aliases) {
      const r = await client.query(
        `INSERT INTO team_aliases (team_id, league_code, alias, source) VALUES ($1, $2, $3, 'import-normalised')
         ON CONFLICT (league_code, alias) DO NOTHING`,
        [a.teamId, league, a.alias],
      )
      if (r.rowCount) result.aliasesAdded.push(a)
    }

    const seen = new Set<string>()
    const cols: unknown[][] = [[], [], [], [], ...MATCH_FIELDS.map(() => [])]
    const rows = []
    for (const row of parsed.rows) {
      const home = teamIds.get(row.home) as number
      const away = teamIds.get(row.away) as number
      const key = `${row.date}|${home}|${away}`
      if (seen.has(key) || home === away) {
        result.matches.rejected++
        result.warnings.push({
          line: row.line,
          message: `${parsed.file}:${row.line}: duplicate or invalid row skipped`,
        })
        continue
      }
      seen.add(key)
      rows.push({ row, home, away })
      const values = [league, row.date, home, away, ...matchFieldValues(row, season)]
      values.forEach((v, i) => cols[i].push(v))
    }
    // A fixture still scheduled on another date for the same pairing and league season is the same match:
    // move it to the file's date so the upsert below fills it in (no second row; see importFile.ts).
    await client.query(
      `UPDATE matches m SET date = k.date
         FROM unnest($1::date[], $2::bigint[], $3::bigint[]) AS k(date, home, away)
        WHERE m.league_code = $4 AND m.season = $5 AND m.status = 'scheduled' AND NOT m.deleted
          AND m.home_team_id = k.home AND m.away_team_id = k.away AND m.date <> k.date
          AND NOT EXISTS (SELECT 1 FROM matches x WHERE x.league_code = $4 AND x.date = k.date
                             AND x.home_team_id = k.home AND x.away_team_id = k.away)`,
      [cols[1], cols[2], cols[3], league, season],
    )
    const types = ['text', 'date', 'bigint', 'bigint', ...MATCH_FIELDS.map((f) => FIELD_TYPES[f])]
    const names = ['league_code', 'date', 'home_team_id', 'away_team_id', ...MATCH_FIELDS]
    const upsert = await client.query(
      `INSERT INTO matches (${names.join(', ')}, source)
       SELECT *, $${names.length + 1}::text FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})
       ON CONFLICT (league_code, date, home_team_id, away_team_id) DO UPDATE
         SET ${MATCH_FIELDS.map((f) => `${f} = excluded.${f}`).join(', ')}, source = excluded.source, deleted = false
         WHERE matches.deleted OR (${MATCH_FIELDS.map((f) => `matches.${f}`).join(', ')})
               IS DISTINCT FROM (${MATCH_FIELDS.map((f) => `excluded.${f}`).join(', ')})
       RETURNING (xmax = 0) AS inserted`,
      [...cols, source],
    )
    for (const r of upsert.rows) {
      if (r.inserted) result.matches.inserted++
      else result.matches.updated++
    }
    result.matches.unchanged = rows.length - upsert.rows.length

    const ids = await client.query(
      `SELECT m.id, k.ord FROM unnest($1::date[], $2::bigint[], $3::bigint[]) WITH ORDINALITY AS k(date, home, away, ord)
       JOIN matches m ON m.league_code = $4 AND m.date = k.date AND m.home_team_id = k.home AND m.away_team_id = k.away`,
      [cols[1], cols[2], cols[3], league],
    )
    const matchIdAt = new Map<number, number>()
    for (const r of ids.rows) matchIdAt.set(Number(r.ord) - 1, Number(r.id))
    const o: unknown[][] = [[], [], [], [], [], []]
    rows.forEach(({ row }, i) => {
      for (const q of row.odds) {
        o[0].push(matchIdAt.get(i))
        o[1].push(q.bookmaker)
        o[2].push(q.kind)
        o[3].push(q.home)
        o[4].push(q.draw)
        o[5].push(q.away)
      }
    })
    if (o[0].length) {
      const odds = await client.query(
        `INSERT INTO odds (match_id, bookmaker, kind, home, draw, away)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::float8[])
         ON CONFLICT (match_id, bookmaker, kind) DO UPDATE
           SET home = excluded.home, draw = excluded.draw, away = excluded.away, deleted = false
           WHERE odds.deleted OR (odds.home, odds.draw, odds.away) IS DISTINCT FROM (excluded.home, excluded.draw, excluded.away)
         RETURNING (xmax = 0) AS inserted`,
        o,
      )
      for (const r of odds.rows) {
        if (r.inserted) result.odds.inserted++
        else result.odds.updated++
      }
      result.odds.unchanged = o[0].length - odds.rows.length
    }
    await client.query(PG_SEASON_SPAN_SQL, [league, season])
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  }
  result.durationMs = performance.now() - started
  return result
}

export async function importFileToPostgres(
  client: pg.ClientBase,
  filePath: string,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  return importParsedFileToPostgres(client, await readFootballDataFile(filePath), opts)
}
