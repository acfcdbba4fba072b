import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../../test/support/sharedData'
import { walkForward } from '../../../model/backtest'
import { openMemoryDatabase } from '../../data/db'
import { importFile } from '../../data/import'
import { loadLeagueData } from '../leagueData'
import { goalsRunRecord } from './goalsMetrics'

const dir = footballDataDir()

describe('pipeline goals-market metrics (#22 §2)', () => {
  it('are absent when the league data cannot give goals prices', () => {
    expect(goalsRunRecord([], {}, 'shin')).toBeNull()
  })

  it.skipIf(!dir)(
    `read the store's O/U and AH prices of E0 2023-24 and score the walk-forward against Pinnacle ${dir ? '' : SHARED_DATA_SKIP_REASON}`,
    async () => {
      const db = openMemoryDatabase()
      for (const s of ['2020-21', '2021-22', '2022-23', '2023-24']) {
        await importFile(db, path.join(dir!, 'E0', `E0_${s}.csv`))
      }
      const data = loadLeagueData(db, 'E0', { windowYears: 3 })
      const wf = walkForward(data.matches, { from: data.evaluation.from, gate: false })
      const record = goalsRunRecord(wf.rows, data, 'shin')!
      // n = the evaluation matches with a model forecast whose stored prices quote Pinnacle's closing O/U 2.5
      const expected = wf.rows.filter(
        (r) =>
          r.goals && data.goalsPricesOf!(r)?.totals.some((q) => q.bookmaker === 'PS' && q.kind === 'closing'),
      ).length
      expect(expected).toBeGreaterThan(300)
      expect(record.metrics.goals_closing_ou25_n).toBe(expected)
      // a sane market: Brier of a near-coin-flip event, and the model within a few hundredths of it
      expect(record.metrics.goals_closing_ou25_market_brier).toBeGreaterThan(0.2)
      expect(record.metrics.goals_closing_ou25_market_brier).toBeLessThan(0.25)
      expect(Math.abs(record.metrics.goals_closing_ou25_brier_diff)).toBeLessThan(0.03)
      expect(record.metrics.goals_closing_ah_n).toBeGreaterThan(250)
      expect(record.metrics.goals_pre_match_ou25_n).toBeGreaterThan(300)
    },
  )
})
