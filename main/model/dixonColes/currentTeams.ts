/**
 * The current league (#20: teams that left it are hidden from current-league views such as ratings tables):
 * the teams with a match in the latest season of the data. Seasons are found from the dates alone, so it works
 * on any match list (season files, the store, a model's window): the latest season starts after the last break
 * of more than {@link SEASON_BREAK_DAYS} days without a match (the summer break; winter breaks are shorter).
 */
import { dayNumberOf } from './types'

export const SEASON_BREAK_DAYS = 45

export function currentLeagueTeams(
  matches: readonly { date: string; home: string; away: string }[],
  asOf?: string,
): Set<string> {
  const days = [
    ...new Set(matches.filter((m) => !asOf || m.date <= asOf).map((m) => dayNumberOf(m.date))),
  ].sort((a, b) => a - b)
  if (days.length === 0) return new Set()
  let start = days[0]
  for (let i = days.length - 1; i > 0; i--) {
    if (days[i] - days[i - 1] > SEASON_BREAK_DAYS) {
      start = days[i]
      break
    }
  }
  const teams = new Set<string>()
  for (const m of matches) {
    const d = dayNumberOf(m.date)
    if (d >= start && (!asOf || m.date <= asOf)) {
      teams.add(m.home)
      teams.add(m.away)
    }
  }
  return teams
}
