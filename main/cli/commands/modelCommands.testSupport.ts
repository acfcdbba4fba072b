/**
 * Test support for the model commands: run the CLI in-process, and write seeded simulated seasons as
 * football-data CSVs (Div, Date dd/mm/yyyy, teams, goals, FTR, Pinnacle closing odds).
 */
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { simulateLeagueWithOdds, type SimulatedMarketOptions } from '../../model/backtest/simulatedMarket'
import type { BacktestMatch } from '../../model/backtest'
import type { MatchInput } from '../../model/dixonColes'
import { resultOf } from '../../model/metrics'

export { runCli } from '../../../test/support/cli'

const ddmmyyyy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`

const q = (s: string) => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

/** A simulated match's first football-data columns: Div (SIM), Date dd/mm/yyyy, teams, FTHG, FTAG, FTR. */
export const resultColumns = (m: MatchInput): (string | number)[] => [
  'SIM',
  ddmmyyyy(m.date),
  q(m.home),
  q(m.away),
  m.homeGoals,
  m.awayGoals,
  resultOf(m),
]

export function footballDataCsv(matches: readonly BacktestMatch[]): string {
  const lines = ['Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,PSCH,PSCD,PSCA']
  for (const m of matches) {
    const odds = m.odds ? m.odds.join(',') : ',,'
    lines.push(`${resultColumns(m).join(',')},${odds}`)
  }
  return lines.join('\r\n') + '\r\n'
}

/**
 * Seasons of a simulated 12-team league (first season starts 2019-08-10, one per year), one CSV each
 * (`SIM_2019-20.csv`, ...). `edit` may rename teams or change rows before writing.
 */
export function writeSimulatedSeasons(
  dir: string,
  opts: SimulatedMarketOptions & { edit?: (matches: BacktestMatch[]) => BacktestMatch[] } = {},
): { files: string[]; matches: BacktestMatch[] } {
  let { matches } = simulateLeagueWithOdds(opts)
  if (opts.edit) matches = opts.edit(matches)
  const bySeason = new Map<string, BacktestMatch[]>()
  for (const m of matches) {
    const y = Number(m.date.slice(0, 4))
    const start = m.date.slice(5) >= '07-01' ? y : y - 1
    const label = `${start}-${String((start + 1) % 100).padStart(2, '0')}`
    const list = bySeason.get(label) ?? []
    list.push(m)
    bySeason.set(label, list)
  }
  const files: string[] = []
  for (const [label, list] of bySeason) {
    const file = path.join(dir, `SIM_${label}.csv`)
    writeFileSync(file, footballDataCsv(list))
    files.push(file)
  }
  return { files, matches }
}
