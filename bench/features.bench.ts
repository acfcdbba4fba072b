/**
 * Feature store speed (issue 6), against the local Redis (REDIS_URL or SCORELINE_TEST_REDIS_URL) with
 * `redis-benchmark -t get -n 20000` run in the same process as the physical baseline, plus the same
 * reads and writes against the local SQLite store for comparison:
 *   single-team read p50 / p99 (target p99 ≤ 0.5 ms and within 2× of redis-benchmark's GET latency),
 *   every team of a league (≤ 1 ms), writing 10,000 entities (≤ 100 ms),
 *   a full rebuild of every view for five leagues (≤ 1 s; model fitting excluded, it is the model's cost).
 * Run directly: `npx tsx bench/features.bench.ts` prints the table.
 */
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { fitDixonColes } from '../main/model/dixonColes/fit'
import { toMatchArrays } from '../main/model/dixonColes/types'
import { randomTeams, simulateLeague } from '../main/model/simulate/simulateLeague'
import type { Fixture, PlayedMatch } from '../main/services/features/computeFeatures'
import type { FeatureStore, TeamRow } from '../main/services/features/featureStore'
import { RedisFeatureStore } from '../main/services/features/redisFeatureStore'
import { rebuildFeatureViews } from '../main/services/features/rebuildFeatures'
import { SqliteFeatureStore } from '../main/services/features/sqliteFeatureStore'
import { describeRedisUrl } from '../main/services/features/errors'
import { timedRuns, type BenchResult } from './support'

const LEAGUES = ['E0', 'E1', 'D1', 'I1', 'SP1']

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]
}
const median = (xs: number[]) => quantile(xs, 0.5)

function formRows(leagues: number, teams: number, ppg: number): TeamRow[] {
  const rows: TeamRow[] = []
  for (let l = 0; l < leagues; l++) {
    for (let t = 0; t < teams; t++) {
      rows.push({
        league: `B${l}`,
        team: `Team ${t}`,
        values: {
          points_per_game: ppg,
          goals_for_per_game: 1.4,
          goals_against_per_game: 1.1,
          days_since_last_match: 4,
          matches_in_window: 6,
        },
      })
    }
  }
  return rows
}

const lineage = { modelVersion: 'bench', runId: null, dataFingerprint: 'sha256:bench' }

/** Five simulated leagues, fitted once (fitting is not part of the rebuild figure). */
function rebuildInputs() {
  const matches: PlayedMatch[] = []
  const models: Record<string, ReturnType<typeof fitDixonColes>> = {}
  const fixtures: Fixture[] = []
  const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10)
  LEAGUES.forEach((league, i) => {
    const teams = randomTeams(20, 40 + i, { prefix: `${league} Team ` })
    const played = simulateLeague({
      teams,
      homeAdvantage: 0.25,
      rho: -0.05,
      seed: 90 + i,
      seasons: 2,
      startDate: '2023-08-12',
    })
    matches.push(...played.map((m) => ({ ...m, league })))
    models[league] = fitDixonColes(toMatchArrays(played), { xi: 0.0019 })
    for (let k = 0; k < 10; k++)
      fixtures.push({
        league,
        date: soon,
        home: teams[2 * k].name,
        away: teams[2 * k + 1].name,
        market: [0.45, 0.28, 0.27],
      })
  })
  return { matches, models, fixtures }
}

interface Baseline {
  clients: number
  p50: number
  p99: number
  rps: number
}

/** `redis-benchmark -t get -n 20000 -q` (CSV output for the latency columns). */
function redisBenchmark(url: string, clients: number): Baseline | string {
  try {
    const u = new URL(url)
    const args = [
      '-h',
      u.hostname || '127.0.0.1',
      '-p',
      u.port || '6379',
      '-t',
      'get',
      '-n',
      '20000',
      '-q',
      '--csv',
      '-c',
      String(clients),
    ]
    const env = { ...process.env }
    if (u.password) env.REDISCLI_AUTH = decodeURIComponent(u.password) // never on the command line
    if (u.username && u.username !== 'default') args.push('--user', decodeURIComponent(u.username))
    const out = execFileSync('redis-benchmark', args, { env, encoding: 'utf8', timeout: 120_000 })
    const line = out.split('\n').find((l) => l.startsWith('"GET"'))
    if (!line) return 'redis-benchmark printed no GET line'
    const cells = line.split(',').map((c) => Number(c.replace(/"/g, '')))
    return { clients, rps: cells[1], p50: cells[4], p99: cells[6] }
  } catch (error) {
    return `redis-benchmark failed: ${(error as Error).message.split('\n')[0]}`
  }
}

async function storeCases(store: FeatureStore, label: string, results: BenchResult[], targets: boolean) {
  // one league of 20 teams for reads, published as the active team_ratings version
  await store.publish(
    'team_form',
    formRows(1, 20, 1.5).map((r) => ({ ...r, league: 'E0' })),
    { lineage, writtenBy: 'bench' },
  )
  for (let i = 0; i < 500; i++) await store.getTeam('team_form', 'E0', `Team ${i % 20}`)
  const single = await timedRuns(20_000, () => store.getTeam('team_form', 'E0', 'Team 7'))
  const p50 = median(single)
  const p99 = quantile(single, 0.99)
  results.push({ name: `${label}: getTeam p50`, median_ms: p50, runs: single.length })
  results.push({
    name: `${label}: getTeam p99`,
    median_ms: p99,
    runs: single.length,
    ...(targets ? { target_ms: 0.5 } : {}),
  })

  for (let i = 0; i < 100; i++) await store.getTeams('team_form', 'E0')
  const league = await timedRuns(2_000, () => store.getTeams('team_form', 'E0'))
  results.push({
    name: `${label}: getTeams (20 teams) p50`,
    median_ms: median(league),
    runs: league.length,
    ...(targets ? { target_ms: 1 } : {}),
    note: `p99 ${quantile(league, 0.99).toFixed(3)} ms`,
  })

  const rows = formRows(50, 200, 2)
  const writes: number[] = []
  for (let run = 0; run < 7; run++) {
    const version = await store.createVersion('team_form', { lineage, createdBy: 'bench' })
    const t = performance.now()
    await store.write('team_form', version, rows, { writtenBy: 'bench' })
    writes.push(performance.now() - t)
  }
  results.push({
    name: `${label}: write 10,000 entities`,
    median_ms: median(writes),
    runs: writes.length,
    ...(targets ? { target_ms: 100 } : {}),
    note: 'validation + event-time guarded upsert',
  })

  const inputs = rebuildInputs()
  const rebuilds = await timedRuns(5, () =>
    rebuildFeatureViews({
      store,
      ...inputs,
      modelVersion: 'bench',
      runId: null,
      asOf: '2025-05-31',
      writtenBy: 'bench',
    }),
  )
  results.push({
    name: `${label}: rebuild all views, 5 leagues`,
    median_ms: median(rebuilds),
    runs: rebuilds.length,
    ...(targets ? { target_ms: 1000 } : {}),
    note: '100 ratings + 100 form + 50 fixtures, fit excluded',
  })
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = []
  const url = process.env.REDIS_URL?.trim() || process.env.SCORELINE_TEST_REDIS_URL?.trim()
  const load = os.loadavg()[0].toFixed(1)

  if (!url) {
    results.push({
      name: 'Redis cases skipped: set REDIS_URL or SCORELINE_TEST_REDIS_URL',
      median_ms: Number.NaN,
      runs: 0,
    })
  } else {
    const host = describeRedisUrl(url)
    const baselines = [redisBenchmark(url, 50), redisBenchmark(url, 1)]
    for (const b of baselines) {
      if (typeof b === 'string')
        results.push({ name: 'redis-benchmark GET', median_ms: Number.NaN, runs: 0, note: b })
      else
        results.push({
          name: `baseline: redis-benchmark GET -c ${b.clients} p50`,
          median_ms: b.p50,
          runs: 20_000,
          note: `p99 ${b.p99} ms, ${Math.round(b.rps)} req/s, ${host}`,
        })
    }
    // The same physical round trip from this process: a plain ioredis GET.
    const raw = new Redis(url)
    await raw.set(`scoreline:bench:${process.pid}`, 'x')
    for (let i = 0; i < 1000; i++) await raw.get(`scoreline:bench:${process.pid}`)
    const gets = await timedRuns(20_000, () => raw.get(`scoreline:bench:${process.pid}`))
    await raw.del(`scoreline:bench:${process.pid}`)
    await raw.quit()
    results.push({
      name: 'baseline: ioredis GET p50 (this process)',
      median_ms: median(gets),
      runs: gets.length,
      note: `p99 ${quantile(gets, 0.99).toFixed(3)} ms`,
    })

    const store = await RedisFeatureStore.connect({
      url,
      keyPrefix: `scoreline:bench:fs:${randomUUID().slice(0, 8)}:`,
    })
    try {
      await storeCases(store, 'redis', results, true)
    } finally {
      await store.deleteAll()
      await store.close()
    }
    const p99 = results.find((r) => r.name === 'redis: getTeam p99')!.median_ms
    const p50 = results.find((r) => r.name === 'redis: getTeam p50')!.median_ms
    const c1 = baselines[1]
    const ioredisP50 = median(gets)
    results.find((r) => r.name === 'redis: getTeam p50')!.note =
      `${(p50 / ioredisP50).toFixed(2)}× ioredis GET` +
      (typeof c1 === 'string' ? '' : `, ${(p50 / c1.p50).toFixed(1)}× redis-benchmark -c 1 p50`)
    results.find((r) => r.name === 'redis: getTeam p99')!.note =
      `${(p99 / quantile(gets, 0.99)).toFixed(2)}× ioredis GET p99` +
      (typeof c1 === 'string' ? '' : `, ${(p99 / c1.p99).toFixed(2)}× redis-benchmark -c 1 p99`) +
      `; load avg ${load}`
  }

  const dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-bench-fs-'))
  const local = SqliteFeatureStore.open(path.join(dir, 'features.sqlite'))
  try {
    await storeCases(local, 'sqlite', results, false)
  } finally {
    await local.close()
    rmSync(dir, { recursive: true, force: true })
  }
  return results
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rows = await run()
  const fmt = (ms: number) => (Number.isFinite(ms) ? (ms < 1 ? ms.toFixed(3) : ms.toFixed(1)) : '—')
  const table = rows.map((r) => ({
    case: r.name,
    'median ms': fmt(r.median_ms),
    runs: String(r.runs),
    target:
      r.target_ms === undefined ? '' : `≤ ${r.target_ms} ms ${r.median_ms <= r.target_ms ? 'ok' : 'MISSED'}`,
    note: r.note ?? '',
  }))
  const headers = Object.keys(table[0]) as (keyof (typeof table)[number])[]
  const widths = headers.map((h) => Math.max(h.length, ...table.map((row) => row[h].length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ')
  console.log(line(headers))
  console.log(line(widths.map((w) => '-'.repeat(w))))
  for (const row of table) console.log(line(headers.map((h) => row[h])))
}
