/**
 * Test and benchmark fixture: an app database holding seeded simulated leagues (Dixon-Coles results plus
 * Pinnacle-style odds), imported through the real CSV importer so the pipeline reads them exactly as it
 * reads football-data.co.uk seasons.
 */
import type Database from 'better-sqlite3'
import { openMemoryDatabase } from '../../data/db'
import { importFileContents } from '../../data/import'
import { simulateLeagueForVariants, simulateLeagueWithOdds } from '../../../model/backtest/simulatedMarket'

export interface SimulatedLeague {
  code: string
  teams?: number
  seasons?: number
  seed?: number
  /** Leave out the last n matches (to add them later: a week of new results). */
  dropLast?: number
  /** Also write shots and shots on target (HS, AS, HST, AST), as the goal-model variants may train on them. */
  withShots?: boolean
}

const HEADER = 'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,PSH,PSD,PSA'

function ddmmyyyy(date: string): string {
  const [y, m, d] = date.split('-')
  return `${d}/${m}/${y}`
}

/** Imports each league season by season (seasons start in August: 2019-20, 2020-21, ...). */
export function importSimulatedLeagues(db: Database.Database, leagues: readonly SimulatedLeague[]): void {
  for (const l of leagues) {
    const simulate = l.withShots ? simulateLeagueForVariants : simulateLeagueWithOdds
    const { matches } = simulate({
      teams: l.teams ?? 8,
      seasons: l.seasons ?? 3,
      seed: l.seed ?? 7,
      startDate: '2019-08-10',
    })
    const bySeason = new Map<string, string[]>()
    for (const m of matches.slice(0, matches.length - (l.dropLast ?? 0))) {
      const [y, mo] = m.date.split('-').map(Number)
      const start = mo >= 7 ? y : y - 1
      const season = `${start}-${String((start + 1) % 100).padStart(2, '0')}`
      const result = m.homeGoals > m.awayGoals ? 'H' : m.homeGoals < m.awayGoals ? 'A' : 'D'
      const odds = m.odds ? m.odds.join(',') : ',,'
      const shots = l.withShots
        ? `,${m.homeShots},${m.awayShots},${m.homeShotsOnTarget},${m.awayShotsOnTarget}`
        : ''
      const line = `${l.code},${ddmmyyyy(m.date)},${l.code} ${m.home},${l.code} ${m.away},${m.homeGoals},${m.awayGoals},${result},${odds}${shots}`
      const rows = bySeason.get(season) ?? []
      rows.push(line)
      bySeason.set(season, rows)
    }
    for (const [season, rows] of bySeason) {
      const header = l.withShots ? `${HEADER},HS,AS,HST,AST` : HEADER
      importFileContents(db, `${header}\n${rows.join('\n')}\n`, `${l.code}_${season}.csv`, {
        league: l.code,
        season,
        createTeams: true,
      })
    }
  }
}

export function simulatedAppDatabase(leagues: readonly SimulatedLeague[]): Database.Database {
  const db = openMemoryDatabase()
  importSimulatedLeagues(db, leagues)
  return db
}
