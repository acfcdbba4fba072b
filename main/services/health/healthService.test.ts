/**
 * The health service against a real app database (simulated seasons imported through the real CSV importer),
 * a real pipeline run in a worker pool, and the local tracking store: the champion's evaluation read back from
 * its artifacts, later matches imported afterwards, and the alerts those produce.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalTrackingStore } from '../tracking/localTrackingStore'
import { openTrackingDatabase } from '../tracking/localSchema'
import { createSettingsStore, openMemoryDatabase } from '../data/db'
import { importFileContents } from '../data/import'
import { createWorkerPool, type WorkerPool } from '../training/workerPool'
import { DEFAULT_PIPELINE_SETTINGS, runPipeline, type PipelineSettings } from '../training/pipeline'
import { simulateLeagueWithOdds } from '../../model/backtest/simulatedMarket'
import { createHealthService, THRESHOLD_KEYS, type HealthService } from './healthService'

const settings: PipelineSettings = {
  ...DEFAULT_PIPELINE_SETTINGS,
  windowYears: 2,
  xiGrid: [0, 0.003],
  minHistory: 20,
}
const HEADER = 'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,PSH,PSD,PSA'

/**
 * Imports a simulated league's seasons (8 teams, 4 seasons from 2019-20) season by season; `only` picks the
 * seasons, `swapGoals` turns each of their results around (home goals ↔ away goals): matches the model,
 * which learned who is strong, will price badly.
 */
function importSeasons(
  db: Database.Database,
  code: string,
  seed: number,
  only: (season: string) => boolean,
  swapGoals = false,
): number {
  const { matches } = simulateLeagueWithOdds({ teams: 8, seasons: 4, seed, startDate: '2019-08-10' })
  const bySeason = new Map<string, string[]>()
  for (const m of matches) {
    const [y, mo] = m.date.split('-').map(Number)
    const start = mo >= 7 ? y : y - 1
    const season = `${start}-${String((start + 1) % 100).padStart(2, '0')}`
    if (!only(season)) continue
    const [hg, ag] = swapGoals ? [m.awayGoals, m.homeGoals] : [m.homeGoals, m.awayGoals]
    const [d, mth, yr] = [m.date.slice(8), m.date.slice(5, 7), m.date.slice(0, 4)]
    const ftr = hg > ag ? 'H' : hg < ag ? 'A' : 'D'
    const odds = m.odds ? m.odds.join(',') : ',,'
    const rows = bySeason.get(season) ?? []
    rows.push(`${code},${d}/${mth}/${yr},${code} ${m.home},${code} ${m.away},${hg},${ag},${ftr},${odds}`)
    bySeason.set(season, rows)
  }
  let n = 0
  for (const [season, rows] of bySeason) {
    importFileContents(db, `${HEADER}\n${rows.join('\n')}\n`, `${code}_${season}.csv`, {
      league: code,
      season,
      createTeams: true,
    })
    n += rows.length
  }
  return n
}

const first3 = (s: string) => s < '2022-23'
const last = (s: string) => s === '2022-23'

describe('model health service (real pipeline, local tracking store)', () => {
  let dir: string
  let pool: WorkerPool
  let tracking: LocalTrackingStore
  let db: Database.Database
  let health: HealthService
  let appSettings: ReturnType<typeof createSettingsStore>
  const versions: Record<string, string> = {}

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scoreline-health-'))
    db = openMemoryDatabase()
    appSettings = createSettingsStore(db)
    importSeasons(db, 'E0', 3, first3)
    importSeasons(db, 'D1', 5, first3)
    pool = createWorkerPool({ workerUrl: new URL('../training/modelWorker.ts', import.meta.url), size: 2 })
    tracking = new LocalTrackingStore({
      db: openTrackingDatabase(path.join(dir, 'tracking.sqlite')),
      ownsDb: true,
    })
    health = createHealthService({ db, settings: appSettings, tracking: () => tracking })
  }, 60_000)
  afterAll(async () => {
    await pool?.close()
    tracking?.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('says a league has no champion before the pipeline ran', async () => {
    const r = await health.report('E0')
    expect(r.state).toBe('no-champion')
    expect(r.message).toContain('run the training pipeline')
    expect(await health.leagues()).toEqual([
      { league: 'D1', champion: null, matchesAfter: 0 },
      { league: 'E0', champion: null, matchesAfter: 0 },
    ])
    const a = await health.alerts()
    expect(a.alerts).toEqual([])
    expect(a.leagues.map((l) => l.state)).toEqual(['no-champion', 'no-champion'])
  })

  it('reads the champion evaluation back from its run: the pipeline metrics, reliability and ECE', async () => {
    const run = await runPipeline(
      ['E0', 'D1'],
      settings,
      { db, tracking, pool },
      { id: 'h1', trigger: 'manual' },
    )
    expect(run.state).toBe('succeeded')
    for (const l of run.leagues) versions[l.league] = l.version as string
    const r = await health.report('E0')
    expect(r.state).toBe('ready')
    const e0 = run.leagues.find((l) => l.league === 'E0')!
    expect(r.champion).toMatchObject({
      modelName: 'scoreline-E0',
      version: e0.version,
      runId: e0.runId,
      trainedTo: e0.evaluation!.to,
      margin: 'shin',
      blend: { kind: 'log', alpha: e0.alpha },
    })
    // the same matches and numbers the pipeline evaluated (and promoted on)
    expect(r.evaluation!.n).toBe(e0.metrics!.calibrated!.n)
    for (const key of ['model', 'market', 'blend', 'calibrated'] as const) {
      expect(r.evaluation!.metrics[key]!.rps).toBeCloseTo(e0.metrics![key]!.rps, 12)
      expect(r.evaluation!.metrics[key]!.ece).toBeCloseTo(e0.metrics![key]!.ece, 12)
    }
    const cal = r.evaluation!.reliability.find((d) => d.series === 'calibrated')!
    // the market is on the reliability chart too: it is what is served while the blend is off (#20)
    expect(r.evaluation!.reliability.map((d) => d.series)).toEqual(['market', 'model', 'blend', 'calibrated'])
    const market = r.evaluation!.reliability.find((d) => d.series === 'market')!
    expect(market.ece).toBeCloseTo(e0.metrics!.market!.ece, 12)
    expect(cal.ece).toBeCloseTo(e0.metrics!.calibrated!.ece, 12)
    expect(cal.bins.reduce((s, b) => s + b.count, 0)).toBe(r.evaluation!.n)
    // nothing played after the champion yet
    expect(r.recent!.n).toBe(0)
    expect(r.verdict).toMatchObject({ state: 'insufficient', alerts: [] })
    expect(r.message).toContain('not enough recent matches (0/30)')
    expect(r.rolling!.boundaryDate).toBeNull()
    expect(r.rolling!.points).toHaveLength(r.evaluation!.n - r.rolling!.window + 1)
  }, 180_000)

  it('prices the matches imported later with the champion and judges them against its evaluation', async () => {
    importSeasons(db, 'E0', 3, last) // the next season, as played
    importSeasons(db, 'D1', 5, last, true) // a season the champion gets badly wrong
    const leagues = await health.leagues()
    expect(leagues.map((l) => [l.league, l.champion?.version, l.matchesAfter])).toEqual([
      ['D1', versions.D1, 56],
      ['E0', versions.E0, 56],
    ])

    const e0 = await health.report('E0')
    expect(e0.recent!.n).toBe(56)
    expect(e0.recent!.skipped.count).toBe(0)
    expect(e0.recent!.from! > e0.champion!.trainedTo).toBe(true)
    // the rolling windows run across the boundary, the last ones entirely on recent matches
    const pts = e0.rolling!.points
    expect(e0.rolling!.boundaryDate).toBe(e0.recent!.from)
    expect(pts.at(-1)!.phase).toBe('recent')
    expect(pts.some((p) => p.phase === 'evaluation')).toBe(true)
    expect(pts).toHaveLength(e0.evaluation!.n + 56 - e0.rolling!.window + 1)
    const recentCal = e0.recent!.metrics.calibrated!
    expect(recentCal.n).toBe(56)
    // a window of recent matches only: its mean is within the range of the per-match RPS (0..1)
    expect(pts.at(-1)!.calibrated).toBeGreaterThan(0)
    expect(pts.at(-1)!.calibrated).toBeLessThan(1)
    expect(e0.verdict!.state).not.toBe('insufficient')
    // does the model's edge pay? its evaluation and recent matches at Pinnacle pre-match (PSH…), no close here
    expect(e0.value).toMatchObject({ forecast: 'model', matches: e0.evaluation!.n + 56, clv: null })
    expect(e0.value!.price).toMatch(/^Pinnacle pre-match/)

    const d1 = await health.report('D1')
    expect(d1.recent!.n).toBe(56)
    const evalRps = d1.evaluation!.metrics.calibrated!.rps
    expect(d1.recent!.metrics.calibrated!.rps).toBeGreaterThan(evalRps + 0.01)
    expect(d1.verdict!.state).toBe('alert')
    const rpsAlert = d1.verdict!.alerts.find((a) => a.kind === 'rps')!
    expect(rpsAlert).toMatchObject({
      league: 'D1',
      modelVersion: versions.D1,
      recentMatches: 56,
      threshold: 0.01,
    })
    expect(rpsAlert.evaluation).toBeCloseTo(evalRps, 12)
    expect(rpsAlert.message).toMatch(
      /^D1 champion v\d+: the calibrated forecast's RPS over the last 56 matches/,
    )

    const diagram = d1.recent!.reliability.find((d) => d.series === 'calibrated')!
    expect(diagram.n).toBe(56)
    expect(diagram.ece).toBeCloseTo(d1.recent!.metrics.calibrated!.ece, 12)

    const all = await health.alerts()
    expect(all.alerts.some((a) => a.league === 'D1' && a.kind === 'rps')).toBe(true)
    expect(all.leagues.find((l) => l.league === 'D1')!.state).toBe('alert')
  }, 60_000)

  it('reads its thresholds from the stored settings', async () => {
    appSettings.set(THRESHOLD_KEYS.minRecent, '100')
    appSettings.set(THRESHOLD_KEYS.window, '20')
    const d1 = await health.report('D1')
    expect(d1.thresholds).toMatchObject({ minRecent: 100, window: 20, rps: 0.01, ece: 0.03 })
    expect(d1.verdict!.state).toBe('insufficient')
    expect(d1.message).toContain('not enough recent matches (56/100)')
    expect(d1.rolling!.window).toBe(20)
    appSettings.set(THRESHOLD_KEYS.minRecent, '30')
    appSettings.set(THRESHOLD_KEYS.rps, '1')
    appSettings.set(THRESHOLD_KEYS.ece, 'not a number') // ignored: the default
    const relaxed = await health.report('D1')
    expect(relaxed.thresholds.ece).toBe(0.03)
    expect(relaxed.verdict!.alerts.some((a) => a.kind === 'rps')).toBe(false)
  })
})
