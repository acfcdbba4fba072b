/**
 * Listing and removing team-name aliases (adding is `addTeamAlias` in teamResolver.ts). A removed alias
 * is marked deleted, like every row the sync knows, so adding it again later revives the same row.
 */
import type Database from 'better-sqlite3'
import { DataError } from '../errors'

export interface AliasRow {
  alias: string
  teamId: number
  teamName: string
  /** '' for an alias that applies in every league. */
  league: string
  source: string
}

/** Aliases, optionally of one league (with the global ones, which apply there too), by league then alias. */
export function listTeamAliases(db: Database.Database, filter: { league?: string } = {}): AliasRow[] {
  return db
    .prepare(
      `SELECT a.alias, a.team_id AS teamId, t.name AS teamName, a.league_code AS league, a.source
         FROM team_aliases a JOIN teams t ON t.id = a.team_id
        WHERE a.deleted = 0 AND (@league IS NULL OR a.league_code IN (@league, ''))
        ORDER BY a.league_code, a.alias COLLATE NOCASE`,
    )
    .all({ league: filter.league ?? null }) as AliasRow[]
}

/**
 * Removes an alias: the one of `league`, or the global one when no league is given. `NOT_FOUND` names
 * where the alias does exist when it is not in the scope asked for.
 */
export function removeTeamAlias(
  db: Database.Database,
  input: { alias: string; league?: string },
  now: () => Date = () => new Date(),
): AliasRow {
  const alias = input.alias.trim()
  const league = (input.league ?? '').trim()
  const row = listTeamAliases(db).find((a) => a.alias === alias && a.league === league)
  if (!row) {
    const elsewhere = listTeamAliases(db).filter((a) => a.alias.toLowerCase() === alias.toLowerCase())
    throw new DataError(
      'NOT_FOUND',
      `no alias "${alias}"${league ? ` in ${league}` : ' for every league'}` +
        (elsewhere.length
          ? `; there is ${elsewhere.map((a) => `"${a.alias}"${a.league ? ` in ${a.league} (--league ${a.league})` : ' for every league'}`).join(', ')}`
          : ''),
      { alias, league },
    )
  }
  db.prepare(
    'UPDATE team_aliases SET deleted = 1, updated_at = ? WHERE league_code = ? AND alias = ? AND deleted = 0',
  ).run(now().toISOString(), league, alias)
  return row
}
