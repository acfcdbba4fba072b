/**
 * The dialect-independent half of an import: which league and season a file is, and which team
 * each of its names means. Shared by the SQLite and the Postgres importers.
 *
 * Team rules (the file is the source of truth for the teams of its own league and season):
 * - A name that resolves (exact alias, then normalised form; see teams/teamResolver.ts) is that team. A
 *   normalised hit records the file's spelling as a league alias, so the next lookup is exact.
 * - A name that does not resolve and has no strong look-alike (similarity < STRONG_SUGGESTION) among
 *   the league's (and its country's) teams not already named by this file is a newcomer (a promoted
 *   club, or a league seen for the first time): the importer creates the team with that name and
 *   lists it in `teamsCreated`, so nothing is created unseen.
 * - A name that does not resolve but looks like an existing team ("Sheffield Weds" when only
 *   "Sheffield Wednesday" is known) is never guessed: the file is refused with `UNKNOWN_TEAM`
 *   listing the suggestions. The analyst adds an alias, or passes the name in `createTeams` when it
 *   really is a different club.
 */
import { inferSeason } from '../csv/index'
import type { ParsedFile } from '../csv/index'
import { DataError } from '../errors'
import type { TeamResolver, TeamSuggestion } from '../teams/index'

export const STRONG_SUGGESTION = 0.75

export interface ImportOptions {
  /** League code; defaults to the file's `Div`. */
  league?: string
  /** Season label `YYYY-YY`; defaults to the one inferred from the dates. */
  season?: string
  /** Recorded on each match; defaults to `football-data:<file name>`. */
  source?: string
  /** Names to create as new teams even though they look like an existing one (or `true` for all). */
  createTeams?: boolean | string[]
  now?: () => Date
}

export interface UnknownName {
  name: string
  line: number
  suggestions: TeamSuggestion[]
}

export interface TeamPlan {
  /** name → team id, for names that resolved. */
  resolved: Map<string, number>
  /** Names to create as new teams. */
  create: string[]
  /** Spellings to record as league aliases of a resolved team. */
  aliases: { alias: string; teamId: number }[]
  unknown: UnknownName[]
}

const SEASON_RE = /^(\d{4})-(\d{2})$/

export function checkSeason(season: string, where: string): string {
  const m = SEASON_RE.exec(season)
  if (!m || (Number(m[1]) + 1) % 100 !== Number(m[2])) {
    throw new DataError('IMPORT_INVALID', `${where}: season "${season}" is not a season label like 2023-24`, {
      season,
    })
  }
  return season
}

export function fileLeague(parsed: ParsedFile, opts: ImportOptions): string {
  if (opts.league) return opts.league.trim()
  if (parsed.league) return parsed.league
  const divs = new Set(parsed.rows.map((r) => r.league).filter((l): l is string => !!l))
  if (divs.size > 1) {
    throw new DataError(
      'IMPORT_INVALID',
      `${parsed.file}: rows name several leagues (${[...divs].join(', ')}); import one league per file or pass --league`,
      { file: parsed.file, leagues: [...divs] },
    )
  }
  throw new DataError('IMPORT_INVALID', `${parsed.file}: the file has no Div column; pass --league`, {
    file: parsed.file,
    field: 'Div',
  })
}

export function fileSeason(parsed: ParsedFile, opts: ImportOptions): string {
  if (opts.season) return checkSeason(opts.season.trim(), parsed.file)
  const season = inferSeason(parsed.rows)
  if (!season) {
    throw new DataError(
      'IMPORT_INVALID',
      `${parsed.file}: no data rows, so the season cannot be inferred; pass --season`,
      {
        file: parsed.file,
      },
    )
  }
  return season
}

export function planTeams(
  parsed: ParsedFile,
  league: string,
  resolver: TeamResolver,
  opts: ImportOptions,
): TeamPlan {
  const firstLine = new Map<string, number>()
  for (const row of parsed.rows) {
    if (!firstLine.has(row.home)) firstLine.set(row.home, row.line)
    if (!firstLine.has(row.away)) firstLine.set(row.away, row.line)
  }
  const plan: TeamPlan = { resolved: new Map(), create: [], aliases: [], unknown: [] }
  const claimed = new Set<number>()
  const pending: string[] = []
  for (const name of firstLine.keys()) {
    const hit = resolver.lookup(name, league)
    if (!hit || claimed.has(hit.teamId)) {
      pending.push(name)
      continue
    }
    plan.resolved.set(name, hit.teamId)
    claimed.add(hit.teamId)
    if (hit.via === 'normalized') plan.aliases.push({ alias: name, teamId: hit.teamId })
  }
  const force = opts.createTeams
  for (const name of pending) {
    const suggestions = resolver.suggest(name, league, { exclude: claimed })
    const forced = force === true || (Array.isArray(force) && force.includes(name))
    if (forced || !suggestions.length || suggestions[0].score < STRONG_SUGGESTION) plan.create.push(name)
    else plan.unknown.push({ name, line: firstLine.get(name) ?? 0, suggestions })
  }
  return plan
}

export function unknownTeamsError(file: string, league: string, unknown: UnknownName[]): DataError {
  const lines = unknown.map(
    (u) =>
      `${file}:${u.line}: team "${u.name}" is not known in ${league} but looks like ${u.suggestions
        .slice(0, 3)
        .map((s) => `"${s.name}" (${s.score.toFixed(2)})`)
        .join(
          ', ',
        )}; if it is that team: scoreline alias add "${u.suggestions[0].name}" "${u.name}" --league ${league}`,
  )
  return new DataError(
    'UNKNOWN_TEAM',
    `${lines.join('\n')}\nnothing was imported; if a name is a different club, import again with it in createTeams (--create-team "<name>")`,
    { file, league, names: unknown },
  )
}
