/**
 * Test/benchmark-only reader for football-data.co.uk season CSVs: just Date, HomeTeam, AwayTeam,
 * FTHG, FTAG (dates dd/mm/yy or dd/mm/yyyy). Not exported from the barrel; the app's importer lives in
 * main/services/data/csv. Rows without a full-time score (trailing empty rows) are skipped.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { MatchInput } from './types'

export function readSeasonCsv(file: string): MatchInput[] {
  const text = readFileSync(file, 'latin1').replace(/^\uFEFF|^\u00EF\u00BB\u00BF/, '')
  const lines = text.split(/\r?\n/)
  const header = lines[0].split(',')
  const col = (name: string) => {
    const i = header.indexOf(name)
    if (i < 0) throw new Error(`${file}: no ${name} column`)
    return i
  }
  const [cDate, cHome, cAway, cHg, cAg] = ['Date', 'HomeTeam', 'AwayTeam', 'FTHG', 'FTAG'].map(col)
  const out: MatchInput[] = []
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i].split(',')
    if (!cells[cHome] || cells[cHg] === undefined || cells[cHg] === '') continue
    const [d, m, y] = cells[cDate].split('/')
    const year = y.length === 2 ? 2000 + Number(y) : Number(y)
    out.push({
      date: `${year}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`,
      home: cells[cHome],
      away: cells[cAway],
      homeGoals: Number(cells[cHg]),
      awayGoals: Number(cells[cAg]),
    })
  }
  return out
}

/** `<dir>/<league>/<league>_<season>.csv` for each season. */
export function readSeasons(dir: string, league: string, seasons: string[]): MatchInput[] {
  return seasons.flatMap((s) => readSeasonCsv(path.join(dir, league, `${league}_${s}.csv`)))
}
