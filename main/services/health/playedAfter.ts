/**
 * The matches a champion has not seen: those of its league played after its training data ends, with both
 * scores, as the model's MatchInput. One rule for Model health's recent forecasts and its goals panel.
 */
import type Database from 'better-sqlite3'
import { listMatches, type MatchRow } from '../data/queries'
import type { MatchInput } from '../../model/dixonColes'

/** Played matches of `league` after `date` (exclusive) with both scores recorded. */
export function playedAfter(db: Database.Database, league: string, date: string): MatchRow[] {
  return listMatches(db, { league, status: 'played', from: date }).filter(
    (m) => m.date > date && m.homeGoals !== null && m.awayGoals !== null,
  )
}

/** A played row as the model's MatchInput (the scores are known: rows from {@link playedAfter}). */
export const playedMatchInput = (m: MatchRow): Required<MatchInput> => ({
  date: m.date,
  home: m.homeTeam,
  away: m.awayTeam,
  homeGoals: m.homeGoals as number,
  awayGoals: m.awayGoals as number,
  neutral: m.neutral,
})
