// The value backtest (#22 §3, main/model/backtest/valueBets.ts) on one league-season: EPL 2023-24 forecast by the
// walk-forward (three prior seasons as history, Pinnacle pre-match as its market), its served and model
// forecasts bet at Pinnacle pre-match with 2000 bootstrap resamples (flat ROI, CLV, quarter-Kelly replay) —
// beside the walk-forward that produced the forecasts (baseline, same run): the value figures should cost a
// small fraction of it. `npm run bench -- value` or `npx tsx bench/value.bench.ts`. Without ../shared/data
// a simulated 20-team season.
import path from 'node:path'
import { footballDataDir } from '../test/support/sharedData'
import { walkForward, type BacktestMatch, type WalkForwardOptions } from '../main/model/backtest'
import { simulateLeagueWithOdds } from '../main/model/backtest/simulatedMarket'
import { valueBacktest, type Odds3 } from '../main/model/backtest/valueBets'
import { matchKey, valueMatchesOf, valuePricesOf } from '../main/model/backtest/valueInput'
import { readFootballDataFile } from '../main/services/data/csv'
import { type BenchResult, isMain, printResults, timeMedian } from './support'

const SEASONS = ['2020-21', '2021-22', '2022-23', '2023-24']
type Prices = Map<string, { price: Odds3 | null; closing: Odds3 | null }>

async function loadData(): Promise<{ matches: BacktestMatch[]; prices: Prices; source: string }> {
  const dir = footballDataDir()
  const prices: Prices = new Map()
  if (dir) {
    const matches: BacktestMatch[] = []
    for (const s of SEASONS) {
      for (const r of (await readFootballDataFile(path.join(dir, 'E0', `E0_${s}.csv`))).rows) {
        if (r.homeGoals === null || r.awayGoals === null) continue
        const p = valuePricesOf(r.odds, 'pinnacle')
        prices.set(matchKey(r), p)
        matches.push({ ...r, homeGoals: r.homeGoals, awayGoals: r.awayGoals, odds: p.price })
      }
    }
    return { matches, prices, source: 'E0 2020-21..2023-24 CSVs' }
  }
  const { matches } = simulateLeagueWithOdds({ teams: 20, seasons: 4, seed: 2024, startDate: '2020-08-12' })
  for (const m of matches) prices.set(matchKey(m), { price: m.odds ?? null, closing: m.odds ?? null })
  return { matches, prices, source: 'simulated 20-team league (CSVs absent)' }
}

export async function run(): Promise<BenchResult[]> {
  const { matches, prices, source } = await loadData()
  const options: WalkForwardOptions = { from: '2023-08-01', to: '2024-06-30', margin: 'multiplicative' }
  const result = walkForward(matches, options)
  const value = (forecast: 'served' | 'model') =>
    valueBacktest(valueMatchesOf(result.rows, forecast, (r) => prices.get(matchKey(r))))
  const wfMs = timeMedian(() => walkForward(matches, options), 3, 1)
  const out: BenchResult[] = [
    {
      name: `baseline: walk-forward that made the forecasts (${result.rows.length} matches)`,
      median_ms: wfMs,
      runs: 3,
      note: source,
    },
  ]
  for (const forecast of ['model', 'served'] as const) {
    const s = value(forecast)
    const ms = timeMedian(() => value(forecast), 9)
    out.push({
      name: `value backtest, ${forecast} at Pinnacle pre-match, 2000 resamples`,
      median_ms: ms,
      runs: 9,
      target_ms: 100,
      note:
        `${s.matches} matches, ${s.flat?.bets ?? 0} bets, ROI ${s.flat ? (100 * s.flat.roi.mean).toFixed(1) : '—'} %; ` +
        `${((100 * ms) / wfMs).toFixed(1)} % of the walk-forward's time`,
    })
  }
  return out
}

if (isMain(import.meta.url)) printResults(await run())
