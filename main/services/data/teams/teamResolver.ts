/**
 * Team-name resolution: which team does a spelling mean, within a league?
 *
 * Order (first level that names exactly one team wins; a level naming two teams is ambiguous and the
 * name stays unresolved rather than guessed):
 *   1. exact alias in the league, 2. exact global alias (league ''), 3. exact alias or team name
 *      elsewhere in the same country (promoted / relegated clubs keep their identity across E0/E1),
 *   4–6. the same three scopes on the normalised form (case, accents, punctuation, FC/AFC, Utd/United).
 * Nothing resolves → `UNKNOWN_TEAM` with suggestions ranked by similarity. Resolution never creates a
 * team; only the importer does, under the rules documented in import/importFile.ts.
 */
import type Database from 'better-sqlite3'
import { DataError } from '../errors'
import { normalizeTeamName, teamNameSimilarity } from './normalizeTeamName'

export interface TeamResolution {
  teamId: number
  teamName: string
  via: 'alias' | 'normalized'
}

export interface TeamSuggestion {
  teamId: number
  name: string
  /** The alias or name the score was computed against. */
  matched: string
  score: number
}

export interface SuggestOptions {
  limit?: number
  minScore?: number
  /** Teams not to suggest (e.g. teams already matched by another name of the same file). */
  exclude?: ReadonlySet<number>
}

export interface TeamResolver {
  /** The team, or null when the name does not resolve (ambiguity included). */
  lookup(name: string, league: string): TeamResolution | null
  /** The team, or throws `UNKNOWN_TEAM` listing suggestions. */
  resolve(name: string, league: string): TeamResolution
  suggest(name: string, league: string, opts?: SuggestOptions): TeamSuggestion[]
}

/** One spelling of a team within the resolution scope of a league. */
export interface TeamCandidate {
  teamId: number
  teamName: string
  /** The alias (or team name) as written. */
  text: string
  /** normalizeTeamName(text). */
  normalized: string
  /** League the alias applies in: the league code, '' for a global alias, '*' for a team's own name. */
  league: string
}

/** Where candidates come from: the SQLite cache, or a snapshot loaded from Postgres. */
export interface TeamDirectory {
  /** Aliases in the league, global aliases, and aliases and names of teams from the league's country. */
  candidates(league: string): TeamCandidate[]
}

/** Team directory over the SQLite cache. */
export function sqliteTeamDirectory(db: Database.Database): TeamDirectory {
  const countryStmt = db.prepare("SELECT coalesce(country, '') FROM leagues WHERE code = ?").pluck()
  const scopeStmt = db.prepare(
    `SELECT a.team_id AS teamId, t.name AS teamName, a.alias AS text, a.normalized AS normalized,
            a.league_code AS league
       FROM team_aliases a JOIN teams t ON t.id = a.team_id
      WHERE a.deleted = 0 AND t.deleted = 0
        AND (a.league_code IN (?, '') OR (? <> '' AND a.league_code IN (SELECT code FROM leagues WHERE country = ?)))
     UNION ALL
     SELECT t.id, t.name, t.name, NULL, '*' FROM teams t
      WHERE t.deleted = 0 AND (t.country = ? AND ? <> '')`,
  )
  return {
    candidates(league) {
      const country = (countryStmt.get(league) as string | undefined) ?? ''
      const rows = scopeStmt.all(league, country, country, country, country) as (Omit<
        TeamCandidate,
        'normalized'
      > & {
        normalized: string | null
      })[]
      return rows.map((r) => ({ ...r, normalized: r.normalized ?? normalizeTeamName(r.text) }))
    },
  }
}

/** Team directory over in-memory rows (e.g. loaded from Postgres). */
export function memoryTeamDirectory(
  teams: { id: number; name: string; country: string | null }[],
  aliases: { teamId: number; league: string; alias: string }[],
  leagues: { code: string; country: string | null }[],
): TeamDirectory {
  const countryOf = new Map(leagues.map((l) => [l.code, l.country ?? '']))
  const nameOf = new Map(teams.map((t) => [t.id, t.name]))
  return {
    candidates(league) {
      const country = countryOf.get(league) ?? ''
      const out: TeamCandidate[] = []
      for (const a of aliases) {
        const inScope =
          a.league === league || a.league === '' || (country !== '' && countryOf.get(a.league) === country)
        const teamName = nameOf.get(a.teamId)
        if (inScope && teamName !== undefined) {
          out.push({
            teamId: a.teamId,
            teamName,
            text: a.alias,
            normalized: normalizeTeamName(a.alias),
            league: a.league,
          })
        }
      }
      if (country !== '') {
        for (const t of teams) {
          if (t.country === country) {
            out.push({
              teamId: t.id,
              teamName: t.name,
              text: t.name,
              normalized: normalizeTeamName(t.name),
              league: '*',
            })
          }
        }
      }
      return out
    },
  }
}

export function createTeamResolver(db: Database.Database): TeamResolver {
  return createTeamResolverFrom(sqliteTeamDirectory(db))
}

export function createTeamResolverFrom(directory: TeamDirectory): TeamResolver {
  const candidates = (league: string) => directory.candidates(league)

  function lookup(name: string, league: string): TeamResolution | null {
    const trimmed = name.trim()
    const all = candidates(league)
    const norm = normalizeTeamName(trimmed)
    const levels: ((c: (typeof all)[number]) => boolean)[] = [
      (c) => c.league === league,
      (c) => c.league === '',
      (c) => c.league !== league && c.league !== '',
    ]
    for (const [via, match] of [
      ['alias', (c: (typeof all)[number]) => c.text === trimmed],
      ['normalized', (c: (typeof all)[number]) => norm !== '' && c.normalized === norm],
    ] as const) {
      for (const inScope of levels) {
        const teams = new Map<number, string>()
        for (const c of all) if (inScope(c) && match(c)) teams.set(c.teamId, c.teamName)
        if (teams.size === 1) {
          const [[teamId, teamName]] = [...teams]
          return { teamId, teamName, via }
        }
        if (teams.size > 1) return null
      }
    }
    return null
  }

  function suggest(name: string, league: string, opts: SuggestOptions = {}): TeamSuggestion[] {
    const limit = opts.limit ?? 5
    const minScore = opts.minScore ?? 0.3
    const norm = normalizeTeamName(name)
    const best = new Map<number, TeamSuggestion>()
    for (const c of candidates(league)) {
      if (opts.exclude?.has(c.teamId)) continue
      const score = teamNameSimilarity(norm, c.normalized)
      const prev = best.get(c.teamId)
      if (score >= minScore && (!prev || score > prev.score)) {
        best.set(c.teamId, {
          teamId: c.teamId,
          name: c.teamName,
          matched: c.text,
          score: Math.round(score * 1000) / 1000,
        })
      }
    }
    return [...best.values()]
      .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
      .slice(0, limit)
  }

  function resolve(name: string, league: string): TeamResolution {
    const found = lookup(name, league)
    if (found) return found
    const suggestions = suggest(name, league)
    const hint = suggestions.length
      ? `did you mean ${suggestions.map((s) => `"${s.name}"`).join(', ')}? `
      : 'no similar team is known; '
    throw new DataError(
      'UNKNOWN_TEAM',
      `unknown team "${name}" in league ${league}: ${hint}add an alias (scoreline data alias add "<team>" "${name}" --league ${league})`,
      { name, league, suggestions },
    )
  }

  return { lookup, resolve, suggest }
}

export interface AddAliasInput {
  /** The team by id, or by a name that resolves in `league`. */
  team: number | string
  alias: string
  /** League the alias applies in; omitted or '' makes it global. */
  league?: string
  source?: string
}

export interface AliasRecord {
  id: number
  teamId: number
  teamName: string
  league: string
  alias: string
  created: boolean
}

/**
 * Adds a spelling for a team. Idempotent (the same alias for the same team returns it with
 * created = false); an alias already naming another team in the same scope is `ALIAS_CONFLICT`.
 */
export function addTeamAlias(
  db: Database.Database,
  input: AddAliasInput,
  now: () => Date = () => new Date(),
): AliasRecord {
  const alias = input.alias.trim()
  const league = (input.league ?? '').trim()
  if (!alias) throw new DataError('IMPORT_INVALID', 'an alias cannot be empty', { alias: input.alias })
  let teamId: number
  if (typeof input.team === 'number') {
    teamId = input.team
  } else {
    teamId = league ? createTeamResolver(db).resolve(input.team, league).teamId : teamByName(db, input.team)
  }
  const team = db.prepare('SELECT id, name FROM teams WHERE id = ? AND deleted = 0').get(teamId) as
    { id: number; name: string } | undefined
  if (!team) throw new DataError('NOT_FOUND', `no team with id ${teamId}`, { teamId })
  const existing = db
    .prepare('SELECT id, team_id AS teamId, deleted FROM team_aliases WHERE league_code = ? AND alias = ?')
    .get(league, alias) as { id: number; teamId: number; deleted: number } | undefined
  const stamp = now().toISOString()
  if (existing && existing.teamId !== teamId && existing.deleted === 0) {
    const other = db.prepare('SELECT name FROM teams WHERE id = ?').pluck().get(existing.teamId) as string
    throw new DataError(
      'ALIAS_CONFLICT',
      `"${alias}" already names ${other}${league ? ` in ${league}` : ''}; remove that alias first`,
      { alias, league, teamId: existing.teamId, teamName: other },
    )
  }
  if (existing) {
    if (existing.deleted === 1 || existing.teamId !== teamId) {
      db.prepare('UPDATE team_aliases SET team_id = ?, deleted = 0, updated_at = ? WHERE id = ?').run(
        teamId,
        stamp,
        existing.id,
      )
    }
    return { id: existing.id, teamId, teamName: team.name, league, alias, created: false }
  }
  const info = db
    .prepare(
      'INSERT INTO team_aliases (team_id, league_code, alias, normalized, source, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    )
    .run(teamId, league, alias, normalizeTeamName(alias), input.source ?? 'user', stamp)
  db.prepare("DELETE FROM unresolved_names WHERE name = ? AND (league_code = ? OR ? = '')").run(
    alias,
    league,
    league,
  )
  return { id: Number(info.lastInsertRowid), teamId, teamName: team.name, league, alias, created: true }
}

function teamByName(db: Database.Database, name: string): number {
  const ids = db
    .prepare('SELECT id FROM teams WHERE name = ? AND deleted = 0')
    .pluck()
    .all(name.trim()) as number[]
  if (ids.length === 1) return ids[0]
  throw new DataError(
    'UNKNOWN_TEAM',
    ids.length === 0
      ? `no team is named "${name}"; give the league so the name can be resolved through its aliases`
      : `${ids.length} teams are named "${name}"; give the league or the team id`,
    { name, suggestions: [] },
  )
}
