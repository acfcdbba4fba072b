/**
 * `scoreline fixtures import --postgres URL` and `fixtures download --postgres URL` against the real Postgres
 * (a throw-away database): the fixtures and their price snapshots land in the team's database, not the data
 * folder, and another laptop's `data sync` brings them down with every snapshot.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeWithService } from '../../../test/support/services'
import { migratePostgres } from '../../services/data/postgres/migratePostgres'
import { createTestDatabase } from '../../services/data/testing/pgTestDatabase'
import {
  startFootballDataServer,
  type FootballDataServer,
} from '../../services/data/testing/footballDataServer'
import { runCli, writeSimulatedSeasons } from './modelCommands.testSupport'

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10)
const ddmmyyyy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`

/** Two invented SIM fixtures to come; `shift` moves every price (a later observation). */
function fixturesCsv(shift = 0): string {
  const p = (x: number) => (x + shift).toFixed(2)
  const rows = [
    ['SIM', inDays(3), '15:00', 'Team 01', 'Team 02', 2.1, 3.4, 3.6],
    ['SIM', inDays(4), '17:30', 'Team 03', 'Team 04', 1.8, 3.7, 4.6],
  ] as const
  return (
    'Div,Date,Time,HomeTeam,AwayTeam,B365H,B365D,B365A,B365>2.5,B365<2.5,AHh,B365AHH,B365AHA\r\n' +
    rows
      .map(
        ([div, date, time, h, a, ph, pd, pa]) =>
          `${div},${ddmmyyyy(date)},${time},${h},${a},${p(ph)},${p(pd)},${p(pa)},${p(1.9)},${p(1.95)},-0.25,${p(1.93)},${p(1.97)}`,
      )
      .join('\r\n') +
    '\r\n'
  )
}

describeWithService('postgres', 'fixtures import/download --postgres, then data sync', (baseUrl) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'scoreline-cli-fixtures-pg-'))
  const office = path.join(root, 'office') // the laptop that imports into Postgres
  const laptop = path.join(root, 'laptop') // another data folder that only syncs
  const serverDir = path.join(root, 'server')
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>
  let server: FootballDataServer
  const run = (argv: string[], home: string, extra: NodeJS.ProcessEnv = {}) =>
    runCli(argv, { SCORELINE_HOME: home, SCORELINE_LOG_LEVEL: 'error', ...extra })
  const count = async (sql: string) => {
    const client = new pg.Client({ connectionString: testDb.url })
    await client.connect()
    try {
      return Number((await client.query(sql)).rows[0].n)
    } finally {
      await client.end()
    }
  }

  beforeAll(async () => {
    testDb = await createTestDatabase(baseUrl)
    await migratePostgres(testDb.url)
    const csvDir = path.join(root, 'csv')
    mkdirSync(csvDir, { recursive: true })
    const { files } = writeSimulatedSeasons(csvDir, { teams: 8, seasons: 1, seed: 4 })
    const seasons = await run(
      ['data', 'import', ...files, '--league', 'SIM', '--postgres', testDb.url],
      office,
    )
    expect(seasons.code, seasons.stderr).toBe(0)
    mkdirSync(serverDir, { recursive: true })
    server = await startFootballDataServer(serverDir)
  }, 60_000)
  afterAll(async () => {
    await server?.close()
    await testDb?.drop()
    rmSync(root, { recursive: true, force: true })
  })

  it('import --postgres writes fixtures and snapshots to Postgres only, and says how they reach a data folder', async () => {
    const file = path.join(root, 'fixtures.csv')
    writeFileSync(file, fixturesCsv())
    const r = await run(['fixtures', 'import', file, '--postgres', testDb.url, '--json'], office)
    expect(r.code, r.stderr + r.stdout).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.files[0].ok).toBe(true)
    expect(out.files[0].result.matches.inserted).toBe(2)
    expect(out.files[0].result.snapshots).toEqual({ added: 6, unchanged: 0 }) // 1X2, O/U 2.5, AH × 2
    expect(out.rebuild.status).toBe('skipped')
    expect(out.rebuild.message).toMatch(/team's Postgres .*`scoreline data sync`/)
    expect(await count(`SELECT count(*) AS n FROM matches WHERE status = 'scheduled'`)).toBe(2)
    expect(await count('SELECT count(*) AS n FROM price_snapshots')).toBe(6)
    // the importing data folder itself is untouched
    const local = await run(['fixtures', 'list', '--json'], office)
    expect(JSON.parse(local.stdout).fixtures).toHaveLength(0)
    // the same file again: nothing new
    const again = await run(['fixtures', 'import', file, '--postgres', testDb.url, '--json'], office)
    expect(JSON.parse(again.stdout).files[0].result.snapshots).toEqual({ added: 0, unchanged: 6 })
  })

  it('download --postgres imports the served fixtures.csv into Postgres (new prices are new snapshots)', async () => {
    writeFileSync(path.join(serverDir, 'fixtures.csv'), fixturesCsv(0.05))
    const env = { SCORELINE_FOOTBALL_DATA_URL: server.url }
    const r = await run(['fixtures', 'download', '--postgres', testDb.url], office, env)
    expect(r.code, r.stderr + r.stdout).toBe(0)
    expect(r.stdout).toMatch(
      /fixtures\.csv: imported — 2 rows \(SIM 2\); 0 new fixtures, .*6 new price snapshots/,
    )
    expect(r.stdout).toMatch(/features: skipped — imported into the team's Postgres/)
    expect(await count('SELECT count(*) AS n FROM price_snapshots')).toBe(12)
    // without --postgres (DATABASE_URL alone) the data folder stays the target, as for data import
    const local = await run(['fixtures', 'download', '--json', '--force', '--leagues', 'SIM'], office, {
      ...env,
      DATABASE_URL: testDb.url,
    })
    expect(JSON.parse(local.stdout).result.matches.inserted).toBe(2)
    expect(await count('SELECT count(*) AS n FROM price_snapshots')).toBe(12)
  })

  it('another data folder pulls the fixtures and every snapshot with data sync', async () => {
    const sync = await run(['data', 'sync', '--postgres', testDb.url, '--json'], laptop)
    expect(sync.code, sync.stderr + sync.stdout).toBe(0)
    expect(JSON.parse(sync.stdout).tables.price_snapshots.applied).toBe(12)
    const list = JSON.parse((await run(['fixtures', 'list', '--json'], laptop)).stdout)
    expect(list.fixtures.map((f: { home: string; away: string }) => `${f.home} v ${f.away}`)).toEqual([
      'Team 01 v Team 02',
      'Team 03 v Team 04',
    ])
    for (const f of list.fixtures) {
      expect(f.snapshotCount).toBe(6)
      // the latest of each market is the downloaded (shifted) price
      const b365 = f.snapshots.find((s: { market: string }) => s.market === '1x2')
      expect(b365.prices[0]).toBeCloseTo(f.home === 'Team 01' ? 2.15 : 1.85, 10)
    }
  })

  it('--offline with --postgres refuses without contacting the server', async () => {
    const file = path.join(root, 'fixtures.csv')
    const r = await run(['fixtures', 'import', file, '--postgres', testDb.url, '--offline'], office)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /Offline mode is on: importing fixtures into the team's Postgres needs the network/,
    )
    expect(await count('SELECT count(*) AS n FROM price_snapshots')).toBe(12)
  })

  it('a Postgres without the schema: the file is rejected saying how to migrate it', async () => {
    const bare = await createTestDatabase(baseUrl)
    try {
      const file = path.join(root, 'fixtures.csv')
      const r = await run(['fixtures', 'import', file, '--postgres', bare.url], office)
      expect(r.code).toBe(1)
      expect(r.stdout).toMatch(
        /fixtures\.csv: REJECTED, nothing imported\n.*does not exist in .*`scoreline data migrate --postgres URL`/,
      )
    } finally {
      await bare.drop()
    }
  })

  it('--postgres without a reachable server fails in one line naming the host, not the password', async () => {
    const file = path.join(root, 'fixtures.csv')
    const r = await run(
      ['fixtures', 'import', file, '--postgres', 'postgres://u:hunter22@127.0.0.1:1/x'],
      office,
    )
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/cannot reach Postgres at .*127\.0\.0\.1:1/)
    expect(r.stderr).not.toContain('hunter22')
  })
})
