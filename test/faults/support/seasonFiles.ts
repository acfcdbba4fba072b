/** football-data.co.uk-shaped season files written from the seeded Dixon-Coles simulator. */
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { simulateLeagueWithOdds } from '../../../main/model/backtest/simulatedMarket'

export const LEAGUES = [
  { code: 'E0', seed: 11 },
  { code: 'SP1', seed: 12 },
  { code: 'D1', seed: 13 },
]

/** football-data.co.uk-shaped season files from the seeded simulator; returns path → rows. */
export function writeSeasonFiles(
  dir: string,
  leagues = LEAGUES,
  teams = 20,
): Map<string, { league: string; season: string; rows: number }> {
  const files = new Map<string, { league: string; season: string; rows: number }>()
  const dmy = (d: string) => d.split('-').reverse().join('/')
  for (const l of leagues) {
    const { matches } = simulateLeagueWithOdds({
      teams,
      seasons: 3,
      seed: l.seed,
      startDate: '2019-08-10',
    })
    const bySeason = new Map<string, string[]>()
    for (const m of matches) {
      const [y, mo] = m.date.split('-').map(Number)
      const start = mo >= 7 ? y : y - 1
      const season = `${start}-${String((start + 1) % 100).padStart(2, '0')}`
      const ftr = m.homeGoals > m.awayGoals ? 'H' : m.homeGoals < m.awayGoals ? 'A' : 'D'
      const odds = m.odds ? m.odds.map((o) => o.toFixed(2)).join(',') : ',,'
      const line = `${l.code},${dmy(m.date)},${l.code} ${m.home},${l.code} ${m.away},${m.homeGoals},${m.awayGoals},${ftr},${odds}`
      bySeason.set(season, [...(bySeason.get(season) ?? []), line])
    }
    for (const [season, rows] of bySeason) {
      const file = path.join(dir, `${l.code}_${season}.csv`)
      writeFileSync(file, `Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,PSH,PSD,PSA\n${rows.join('\n')}\n`)
      files.set(file, { league: l.code, season, rows: rows.length })
    }
  }
  return files
}
