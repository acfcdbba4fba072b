/**
 * Team autocomplete for jackpot fixtures, on the team-resolution rules of `data/teams`: what a typed name
 * resolves to (an alias resolves to its canonical team), and the teams to offer while typing (names and
 * aliases that start with or contain the text first, then similar spellings), teams of the league first.
 */
import type Database from 'better-sqlite3'
import { createTeamResolverFrom, normalizeTeamName, sqliteTeamDirectory } from '../data/teams'

export interface TeamOption {
  team: string
  /** The name or alias the text matched (differs from `team` for an alias, e.g. "Man Utd"). */
  matched: string
  match: 'exact' | 'prefix' | 'contains' | 'similar'
  /** The team has matches (or an alias) in the league. */
  inLeague: boolean
}

export interface TeamSearchResult {
  query: string
  resolved: { team: string; via: 'alias' | 'normalized' } | null
  options: TeamOption[]
}

const RANK: Record<TeamOption['match'], number> = { exact: 0, prefix: 1, contains: 2, similar: 3 }

export function createTeamSearch(db: Database.Database) {
  const directory = sqliteTeamDirectory(db)
  const resolver = createTeamResolverFrom(directory)
  const leagueTeams = db
    .prepare(
      `SELECT home_team_id FROM matches WHERE league_code = ? AND deleted = 0
       UNION SELECT away_team_id FROM matches WHERE league_code = ? AND deleted = 0
       UNION SELECT team_id FROM team_aliases WHERE league_code = ? AND deleted = 0`,
    )
    .pluck()
  return {
    search(league: string, query: string, limit = 8): TeamSearchResult {
      const text = query.trim()
      const inLeague = new Set(leagueTeams.all(league, league, league) as number[])
      const candidates = directory.candidates(league)
      const best = new Map<number, TeamOption & { score: number }>()
      const offer = (teamId: number, option: TeamOption, score: number) => {
        const prev = best.get(teamId)
        if (
          !prev ||
          RANK[option.match] < RANK[prev.match] ||
          (RANK[option.match] === RANK[prev.match] && score > prev.score)
        )
          best.set(teamId, { ...option, score })
      }
      const norm = normalizeTeamName(text)
      const lower = text.toLowerCase()
      for (const c of candidates) {
        const option = { team: c.teamName, matched: c.text, inLeague: inLeague.has(c.teamId) }
        if (text === '') {
          if (option.inLeague) offer(c.teamId, { ...option, matched: c.teamName, match: 'prefix' }, 0)
          continue
        }
        const name = c.text.toLowerCase()
        if (name === lower || (norm !== '' && c.normalized === norm))
          offer(c.teamId, { ...option, match: 'exact' }, 1)
        else if (name.startsWith(lower) || (norm !== '' && c.normalized.startsWith(norm)))
          offer(c.teamId, { ...option, match: 'prefix' }, 1)
        else if (name.includes(lower) || (norm.length >= 3 && c.normalized.includes(norm)))
          offer(c.teamId, { ...option, match: 'contains' }, 1)
      }
      if (text !== '') {
        for (const s of resolver.suggest(text, league, { limit: limit * 2 })) {
          offer(
            s.teamId,
            { team: s.name, matched: s.matched, match: 'similar', inLeague: inLeague.has(s.teamId) },
            s.score,
          )
        }
      }
      const options = [...best.values()]
        .sort(
          (a, b) =>
            RANK[a.match] - RANK[b.match] ||
            Number(b.inLeague) - Number(a.inLeague) ||
            b.score - a.score ||
            a.team.localeCompare(b.team),
        )
        .slice(0, text === '' ? 40 : limit)
        .map(({ score: _score, ...o }) => o)
      const resolved = text === '' ? null : resolver.lookup(text, league)
      return {
        query: text,
        resolved: resolved ? { team: resolved.teamName, via: resolved.via } : null,
        options,
      }
    },
  }
}
