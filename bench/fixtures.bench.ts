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
import pg from 'pg'
import { parseFootballDataCsv } from '../main/services/data/csv/index'
import { importParsedFileToPostgres } from '../main/services/data/import/index'
import {
  importFixturesContents,
  importFixturesToPostgres,
  listUpcomingFixtures,
} from '../main/services/data/fixtures/index'
import { migratePostgres } from '../main/services/data/postgres/migratePostgres'
import { createTestDatabase } from '../main/services/data/testing/pgTestDatabase'
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
  rows.push(...(await postgresRows(fixtures, observedAt)))
  return rows
}

/** The same 400-fixture file imported into a throw-away Postgres (set-based), when a server is configured. */
async function postgresRows(fixtures: string, observedAt: string): Promise<BenchResult[]> {
  const url = process.env.SCORELINE_BENCH_DATABASE_URL ?? process.env.SCORELINE_TEST_DATABASE_URL
  if (!url) {
    return [{ name: 'Postgres import skipped: set SCORELINE_BENCH_DATABASE_URL', median_ms: NaN, runs: 0 }]
  }
  const t = await createTestDatabase(url)
  const client = new pg.Client({ connectionString: t.url })
  try {
    await migratePostgres(t.url)
    await client.connect()
    for (const s of promotionSeasons().slice(2)) {
      await importParsedFileToPostgres(
        client,
        parseFootballDataCsv(simulatedSeasonCsv(s), simulatedFileName(s)),
      )
    }
    const times: number[] = []
    for (let i = 0; i < 5; i++) {
      const at = new Date(Date.parse(observedAt) + i * 3_600_000).toISOString()
      const csv =
        i === 0
          ? fixtures
          : fixtures.replace(/,(\d)\.(\d)(\d)/g, (m, a, b, c) => `,${a}.${b}${(Number(c) + i) % 10}`)
      const t0 = performance.now()
      await importFixturesToPostgres(client, 'fixtures.csv', csv, { observedAt: at })
      times.push(performance.now() - t0)
    }
    return [
      {
        name: 'import a 400-fixture fixtures.csv into Postgres (first, then 4 with moved prices)',
        median_ms: round(median(times)),
        runs: 5,
        note: `first ${round(times[0])} ms; a few set-based statements per league`,
      },
    ]
  } finally {
    await client.end().catch(() => undefined)
    await t.drop()
  }
}

if (isMain(import.meta.url)) printResults(await run())
