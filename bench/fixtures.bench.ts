/**
 * Fixtures-to-come figures (#19): importing a 400-fixture football-data `fixtures.csv` (two leagues, 1X2 +
 * over/under 2.5 + Asian handicap for four bookmaker groups: 4,800 price snapshots) into a store holding
 * the simulated seasons, beside a baseline measured in the same run: a 380-match season file of the same
 * store (invented clubs and prices only). Also the unchanged re-import and the upcoming-fixtures read.
 * `npm run bench -- fixtures`. Wall-clock medians; the process CPU per run is in the note.
 */
import os from 'node:os'
import type Database from 'better-sqlite3'
import { openMemoryDatabase } from '../main/services/data/db/index'
import { importFileContents } from '../main/services/data/import/index'
import { importFixturesContents, listUpcomingFixtures } from '../main/services/data/fixtures/index'
import {
  promotionSeasons,
  simulatedFileName,
  simulatedSeasonCsv,
} from '../main/services/data/testing/simulatedSeasonCsv'
import {
  simulatedFixtureLeagues,
  simulatedFixturesCsv,
} from '../main/services/data/testing/simulatedFixturesCsv'
import { type BenchResult, isMain, median, printResults } from './support'

const RUNS = 9
const round = (x: number) => Math.round(x * 100) / 100

function seededStore(): Database.Database {
  const db = openMemoryDatabase()
  for (const s of promotionSeasons().slice(2))
    importFileContents(db, simulatedSeasonCsv(s), simulatedFileName(s))
  return db
}

/**
 * Median wall ms and mean process CPU ms of `fn` on each of `runs` freshly seeded stores (seeding and
 * `setup` untimed).
 */
function onFreshStores(
  runs: number,
  fn: (db: Database.Database) => unknown,
  setup: (db: Database.Database) => unknown = () => undefined,
): { ms: number; cpu: number } {
  const stores = Array.from({ length: runs + 1 }, seededStore)
  for (const db of stores) setup(db)
  fn(stores.pop() as Database.Database) // warm-up
  const times: number[] = []
  const cpu0 = process.cpuUsage()
  for (const db of stores) {
    const t0 = performance.now()
    fn(db)
    times.push(performance.now() - t0)
  }
  const cpu = process.cpuUsage(cpu0)
  for (const db of stores) db.close()
  return { ms: median(times), cpu: (cpu.user + cpu.system) / 1000 / runs }
}

export async function run(): Promise<BenchResult[]> {
  const rows: BenchResult[] = [
    {
      name: `machine: ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`,
      median_ms: NaN,
      runs: 0,
    },
  ]
  const e0 = promotionSeasons()[2]
  const nextSeason = { ...e0, startYear: 2033, seed: 99 }
  const seasonFile = simulatedSeasonCsv(nextSeason)
  const fixtures = simulatedFixturesCsv({
    leagues: simulatedFixtureLeagues(),
    count: 400,
    startDate: '2033-08-13',
  })
  const observedAt = '2033-08-10T12:00:00.000Z'

  const baseline = onFreshStores(RUNS, (db) =>
    importFileContents(db, seasonFile, simulatedFileName(nextSeason)),
  )
  rows.push({
    name: 'baseline: import a 380-match season file (3 bookmakers, 1,140 odds) into the store',
    median_ms: round(baseline.ms),
    runs: RUNS,
    note: `process CPU ${round(baseline.cpu)} ms/run`,
  })
  const first = onFreshStores(RUNS, (db) =>
    importFixturesContents(db, 'fixtures.csv', fixtures, { observedAt }),
  )
  rows.push({
    name: 'import a 400-fixture fixtures.csv (2 leagues, 4,800 snapshots)',
    median_ms: round(first.ms),
    runs: RUNS,
    target_ms: 100,
    note: `process CPU ${round(first.cpu)} ms/run; ${round(first.ms / baseline.ms)}× the season-file baseline`,
  })
  const again = onFreshStores(
    RUNS,
    (db) => importFixturesContents(db, 'fixtures.csv', fixtures, { observedAt: '2033-08-11T12:00:00.000Z' }),
    (db) => importFixturesContents(db, 'fixtures.csv', fixtures, { observedAt }),
  )
  rows.push({
    name: 're-import the same fixtures.csv a day later (400 unchanged, no snapshot added)',
    median_ms: round(again.ms),
    runs: RUNS,
    note: `process CPU ${round(again.cpu)} ms/run`,
  })
  const db = seededStore()
  importFixturesContents(db, 'fixtures.csv', fixtures, { observedAt })
  const now = new Date('2033-08-12T00:00:00Z')
  listUpcomingFixtures(db, { now })
  const reads: number[] = []
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now()
    listUpcomingFixtures(db, { now })
    reads.push(performance.now() - t0)
  }
  rows.push({
    name: 'list 400 upcoming fixtures with their latest snapshots',
    median_ms: round(median(reads)),
    runs: 15,
  })
  db.close()
  return rows
}

if (isMain(import.meta.url)) printResults(await run())
