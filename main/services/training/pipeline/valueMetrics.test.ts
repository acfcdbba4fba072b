import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { LocalTrackingStore } from '../../tracking/localTrackingStore'
import { openTrackingDatabase } from '../../tracking/localSchema'
import { createWorkerPool } from '../workerPool'
import { simulatedAppDatabase } from '../testing/simulatedStore'
import { DEFAULT_PIPELINE_SETTINGS, runPipeline } from './index'
import { walkForward } from '../../../model/backtest'
import { simulateLeagueWithOdds } from '../../../model/backtest/simulatedMarket'
import { valueBacktest } from '../../../model/backtest/valueBets'
import { valueMatchesOf } from '../../../model/backtest/valueInput'
import { DEFAULT_MARKET_PREFERENCE } from '../../data/csv'
import { valueForecastFor, valueRunRecord } from './valueMetrics'

const { matches } = simulateLeagueWithOdds({ seasons: 3 })
const key = (m: { date: string; home: string; away: string }) => `${m.date}|${m.home}|${m.away}`
// the store's quotes: Pinnacle pre-match = the simulator's odds, Pinnacle closing 3 % shorter on the draw
const quotes = new Map(
  matches.map((m) => [
    key(m),
    [
      {
        bookmaker: 'PS',
        kind: 'pre-match' as const,
        home: m.odds![0],
        draw: m.odds![1],
        away: m.odds![2],
        capturedAt: null,
      },
      {
        bookmaker: 'PS',
        kind: 'closing' as const,
        home: m.odds![0],
        draw: m.odds![1] * 0.97,
        away: m.odds![2],
        capturedAt: null,
      },
    ],
  ]),
)
const data = { quotesOf: (m: { date: string; home: string; away: string }) => quotes.get(key(m)) ?? [] }
const wf = walkForward(matches, { from: '2021-08-01', minHistory: 50 })

describe('pipeline value metrics (#22 §3)', () => {
  it('judges the model alone while the market preference has a closing quote, the served forecast otherwise', () => {
    expect(valueForecastFor(DEFAULT_MARKET_PREFERENCE)).toBe('model')
    expect(valueForecastFor([{ bookmaker: 'PS', kind: 'pre-match' }])).toBe('served')
    expect(valueForecastFor([])).toBe('model')
  })

  it('logs bets, ROI with its interval, CLV and Kelly of the model at Pinnacle pre-match, as the pure backtest', () => {
    const r = valueRunRecord(wf.rows, data, DEFAULT_MARKET_PREFERENCE)!
    const direct = valueBacktest(
      valueMatchesOf(wf.rows, 'model', (row) => {
        const q = quotes.get(key(row))!
        return {
          price: [q[0].home, q[0].draw, q[0].away],
          closing: [q[1].home, q[1].draw, q[1].away],
        }
      }),
    )
    expect(r.params).toMatchObject({
      value_forecast: 'model',
      value_price: 'Pinnacle pre-match (PSH/PSD/PSA)',
      value_min_edge: 0.03,
    })
    expect(direct.flat!.bets).toBeGreaterThan(0)
    expect(r.metrics).toMatchObject({
      value_matches: direct.matches,
      value_bets: direct.flat!.bets,
      value_roi: direct.flat!.roi.mean,
      value_roi_lo: direct.flat!.roi.lo,
      value_roi_hi: direct.flat!.roi.hi,
      value_clv: direct.clv!.meanLogRatio.mean,
      value_clv_beat: direct.clv!.beatRate,
      value_kelly_growth: direct.kelly!.growth,
    })
    expect(Object.values(r.metrics).every(Number.isFinite)).toBe(true)
  })

  it('logs nothing without the store quotes, and zero bets without a price', () => {
    expect(valueRunRecord(wf.rows, {}, DEFAULT_MARKET_PREFERENCE)).toBeNull()
    const none = valueRunRecord(wf.rows, { quotesOf: () => [] }, DEFAULT_MARKET_PREFERENCE)!
    expect(none.metrics).toEqual({ value_matches: 0, value_bets: 0 })
  })
})

describe('pipeline run logs the value metrics (#22 §3)', () => {
  it('a local-store run carries value_* metrics and names the forecast and price in its params', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scoreline-value-pipeline-'))
    const pool = createWorkerPool({ workerUrl: new URL('../modelWorker.ts', import.meta.url), size: 1 })
    const tracking = new LocalTrackingStore({
      db: openTrackingDatabase(path.join(dir, 'tracking.sqlite')),
      ownsDb: true,
    })
    try {
      const db = simulatedAppDatabase([{ code: 'E0', seed: 3 }])
      const out = await runPipeline(
        ['E0'],
        { ...DEFAULT_PIPELINE_SETTINGS, windowYears: 2, xiGrid: [0.003], minHistory: 20 },
        { db, tracking, pool },
        { id: 'value-test', trigger: 'manual' },
      )
      const run = await tracking.getRun(out.leagues[0].runId as string)
      // the simulated store has Pinnacle pre-match prices (PSH/PSD/PSA) and no close
      expect(run.params).toMatchObject({
        value_forecast: 'model',
        value_price: 'Pinnacle pre-match (PSH/PSD/PSA)',
        value_min_edge: '0.03',
      })
      expect(run.metrics.value_matches).toBe(out.leagues[0].counts?.scored)
      expect(run.metrics.value_bets).toBeGreaterThanOrEqual(0)
      if (run.metrics.value_bets > 0) {
        expect(run.metrics.value_roi_lo).toBeLessThanOrEqual(run.metrics.value_roi)
        expect(run.metrics.value_clv).toBeUndefined()
      }
    } finally {
      await pool.close()
      tracking.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
