/**
 * The Scoreline process itself killed with SIGKILL (a child `node bin/scoreline.mjs …`, killed at seeded
 * random points of its work, many times) during an import, a sync, a pipeline run, a feature rebuild and
 * an outbox push. Afterwards every SQLite file passes `PRAGMA integrity_check`, no batch is half applied
 * (a file's matches are all there or none; a sync table holds exactly the rows its watermark accounts
 * for; the active feature version is complete), the outbox replays exactly once, and a re-run completes
 * to the same state as an uninterrupted run.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { mulberry32 } from '../../main/model/simulate/simulateLeague'
import { openDatabase, openMemoryDatabase } from '../../main/services/data/db'
import { importFile } from '../../main/services/data/import'
import { migratePostgres } from '../../main/services/data/postgres/migratePostgres'
import { syncFromPostgres } from '../../main/services/data/sync/syncFromPostgres'
import { createTestDatabase } from '../../main/services/data/testing/pgTestDatabase'
import { fillSyntheticPostgres } from '../../main/services/data/testing/syntheticPostgres'
import { createFeatureStore } from '../../main/services/features/createFeatureStore'
import { importSimulatedLeagues } from '../../main/services/training/testing/simulatedStore'
import { MlflowClient, CLIENT_KEY_TAG } from '../../main/services/tracking/mlflowClient'
import { removeByPrefix, testNamePrefix } from '../support/mlflowHygiene'
import { serviceUrl } from '../support/services'
import { childEnv, runScoreline, type ChildOutcome } from './support/childProcess'
import { TcpFaultProxy } from './support/faultProxy'
import { writeSeasonFiles } from './support/seasonFiles'
import { needsService, scenario } from './support/report'
import { countDifference, duplicateRemoteIds, snapshot } from './support/snapshots'

const KILLS = Number(process.env.SCORELINE_FAULTS_KILLS ?? 10)
const rng = mulberry32(20261127)
const root = mkdtempSync(path.join(os.tmpdir(), 'scoreline-faults-crash-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function integrity(file: string): string {
  if (!existsSync(file)) return 'ok'
  const db = new Database(file) // a normal open: recovers the WAL the killed process left
  try {
    return db.pragma('integrity_check', { simple: true }) as string
  } finally {
    db.close()
  }
}

/** Kill delays spread over the work (as timed by an uninterrupted run), seeded. */
function killDelays(workMs: number): number[] {
  return Array.from({ length: KILLS }, (_, i) => Math.round(workMs * ((i + rng()) / KILLS) * 0.9))
}

/** Most kills must land before the process finished (timings vary run to run; all are checked either way). */
const ENOUGH_KILLS = Math.ceil(KILLS / 3)

// ------------------------------------------------------------------ import

describe('SIGKILL during an import', () => {
  let files: Map<string, { league: string; season: string; rows: number }>
  let clean: ReturnType<typeof snapshot>
  beforeAll(async () => {
    const dir = path.join(root, 'csv')
    mkdirSync(dir)
    files = writeSeasonFiles(dir)
    const db = openMemoryDatabase()
    for (const f of files.keys()) await importFile(db, f)
    clean = snapshot(db)
    db.close()
  })

  scenario('crash: SIGKILL during an import', async (row) => {
    const argv = (db: string) => ['import', ...files.keys(), '--db', db, '--json']
    const home = path.join(root, 'import-home')
    const calibrationDb = path.join(root, 'import-calibration.sqlite')
    const calibration = await runScoreline(argv(calibrationDb), childEnv(home), { marker: calibrationDb })
    expect(calibration.code, calibration.stderr).toBe(0)
    expect(snapshot(new Database(calibrationDb, { readonly: true }))).toEqual(clean)
    let killed = 0
    const killedDbs: string[] = []
    for (const [i, delay] of killDelays(calibration.workMs!).entries()) {
      const db = path.join(root, `import-${i}.sqlite`)
      const outcome = await runScoreline(argv(db), childEnv(home), { marker: db, killAfterMs: delay })
      row.runs++
      if (outcome.killed) killed++
      killedDbs.push(db)
      expect(integrity(db)).toBe('ok')
      // each file whole or not at all (killed before the schema was created: no tables, nothing imported)
      const conn = new Database(db, { readonly: true })
      const hasSchema = conn.prepare("SELECT 1 FROM sqlite_master WHERE name = 'matches'").get() !== undefined
      for (const f of hasSchema ? files.values() : []) {
        const n = conn
          .prepare('SELECT count(*) FROM matches WHERE league_code = ? AND season = ?')
          .pluck()
          .get(f.league, f.season) as number
        expect([0, f.rows], `${f.league} ${f.season} after a kill at ${delay} ms`).toContain(n)
        const odds = conn
          .prepare(
            'SELECT count(*) FROM odds o JOIN matches m ON m.id = o.match_id WHERE m.league_code = ? AND m.season = ?',
          )
          .pluck()
          .get(f.league, f.season) as number
        expect([0, f.rows]).toContain(odds)
      }
      conn.close()
    }
    expect(killed, 'runs killed mid-work').toBeGreaterThanOrEqual(ENOUGH_KILLS)
    // re-run the import on killed stores: the same final state as the uninterrupted run
    for (const db of [killedDbs[0], killedDbs[killedDbs.length - 1]]) {
      const t0 = performance.now()
      const rerun = await runScoreline(argv(db), childEnv(home))
      row.recoveryMs = Math.max(row.recoveryMs ?? 0, performance.now() - t0)
      expect(rerun.code, rerun.stderr).toBe(0)
      const conn = new Database(db, { readonly: true })
      const after = snapshot(conn)
      conn.close()
      row.dataLost += countDifference(clean, after)
      expect(after).toEqual(clean)
    }
    row.note = `${killed} of ${row.runs} killed before finishing`
  })
})

// ------------------------------------------------------------------ sync

const SYNC = ['crash: SIGKILL during a sync']
if (needsService(serviceUrl('postgres'), 'SCORELINE_TEST_DATABASE_URL', SYNC)) {
  describe('SIGKILL during a sync', () => {
    let t: Awaited<ReturnType<typeof createTestDatabase>>
    let clean: ReturnType<typeof snapshot>
    let total: number
    beforeAll(async () => {
      t = await createTestDatabase(serviceUrl('postgres')!)
      await migratePostgres(t.url)
      const c = new pg.Client({ connectionString: t.url })
      await c.connect()
      await fillSyntheticPostgres(c, { matches: 20_000, oddsPerMatch: 1 })
      await c.end()
      const db = openMemoryDatabase()
      await syncFromPostgres(db, { postgres: t.url })
      clean = snapshot(db)
      total = clean.counts.matches
      db.close()
    })
    afterAll(async () => {
      await t?.drop()
    })

    scenario(SYNC[0], async (row) => {
      const argv = (home: string) => ['sync', '--home', home, '--postgres', t.url, '--json']
      const base = path.join(root, 'sync-base')
      openDatabase(path.join(base, 'scoreline.sqlite')).close() // migrated, no WAL left behind
      const marker = (home: string) => path.join(home, 'scoreline.sqlite-wal')
      const calHome = path.join(root, 'sync-calibration')
      cpSync(base, calHome, { recursive: true })
      const calibration = await runScoreline(argv(calHome), childEnv(calHome), { marker: marker(calHome) })
      expect(calibration.code, calibration.stderr).toBe(0)
      let killed = 0
      const homes: string[] = []
      for (const [i, delay] of killDelays(calibration.workMs!).entries()) {
        const home = path.join(root, `sync-${i}`)
        cpSync(base, home, { recursive: true })
        const outcome = await runScoreline(argv(home), childEnv(home), {
          marker: marker(home),
          killAfterMs: delay,
        })
        row.runs++
        if (outcome.killed) killed++
        homes.push(home)
        const file = path.join(home, 'scoreline.sqlite')
        expect(integrity(file)).toBe('ok')
        const conn = new Database(file, { readonly: true })
        // every applied batch is accounted for by its watermark, and batches are whole
        for (const table of ['teams', 'matches', 'odds']) {
          const rows = conn.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number
          const applied = (conn
            .prepare('SELECT rows_applied FROM sync_state WHERE table_name = ?')
            .pluck()
            .get(table) ?? 0) as number
          expect(rows, `${table} after a kill at ${delay} ms`).toBe(applied)
        }
        const matches = conn.prepare('SELECT count(*) FROM matches').pluck().get() as number
        expect(matches % 5000 === 0 || matches === total).toBe(true)
        conn.close()
      }
      expect(killed).toBeGreaterThanOrEqual(ENOUGH_KILLS)
      for (const home of [homes[0], homes[homes.length - 1]]) {
        const t0 = performance.now()
        const rerun = await runScoreline(argv(home), childEnv(home))
        row.recoveryMs = Math.max(row.recoveryMs ?? 0, performance.now() - t0)
        expect(rerun.code, rerun.stderr).toBe(0)
        const conn = new Database(path.join(home, 'scoreline.sqlite'), { readonly: true })
        const after = snapshot(conn)
        row.dataLost += countDifference(clean, after) + duplicateRemoteIds(conn)
        conn.close()
        expect(after).toEqual(clean)
      }
      row.note = `${killed} of ${row.runs} killed before finishing`
    })
  })
}

// ------------------------------------------------------------------ pipeline and feature rebuild

interface LeagueSummary {
  league: string
  state: string
  xi: number | null
  rps: number | null
}
function summary(outcome: ChildOutcome): LeagueSummary[] {
  const run = JSON.parse(outcome.stdout) as {
    leagues: {
      league: string
      state: string
      xi: number | null
      metrics?: { calibrated?: { rps?: number } }
    }[]
  }
  return run.leagues.map((l) => ({
    league: l.league,
    state: l.state,
    xi: l.xi,
    rps: l.metrics?.calibrated?.rps ?? null,
  }))
}

async function teamRatings(home: string): Promise<Record<string, Record<string, unknown>>> {
  const store = await createFeatureStore({ localDbPath: path.join(home, 'features.sqlite') })
  try {
    const out: Record<string, Record<string, unknown>> = {}
    for (const league of ['E0', 'E1']) {
      const read = await store.getTeams('team_ratings', league)
      for (const e of read.entities) out[`${league}:${e.entity}`] = e.values
    }
    return out
  } finally {
    await store.close()
  }
}

describe('SIGKILL during a pipeline run and a feature rebuild', () => {
  const base = path.join(root, 'pipeline-base')
  const wal = (home: string) => path.join(home, 'scoreline.sqlite-wal')
  const dbFiles = ['scoreline.sqlite', 'tracking.sqlite', 'features.sqlite']
  let uninterrupted: LeagueSummary[]
  let trainedHome: string
  beforeAll(() => {
    const db = openDatabase(path.join(base, 'scoreline.sqlite'))
    importSimulatedLeagues(db, [
      { code: 'E0', teams: 8, seasons: 3, seed: 3 },
      { code: 'E1', teams: 8, seasons: 3, seed: 5 },
    ])
    db.close()
  })

  scenario('crash: SIGKILL during a pipeline run', async (row) => {
    const argv = (home: string) => ['pipeline', 'run', '--home', home, '--json']
    trainedHome = path.join(root, 'pipeline-calibration')
    cpSync(base, trainedHome, { recursive: true })
    const calibration = await runScoreline(argv(trainedHome), childEnv(trainedHome), {
      marker: wal(trainedHome),
    })
    expect(calibration.code, calibration.stderr).toBe(0)
    uninterrupted = summary(calibration)
    expect(uninterrupted.every((l) => l.state === 'succeeded')).toBe(true)
    let killed = 0
    let last = ''
    for (const [i, delay] of killDelays(calibration.workMs!).entries()) {
      const home = path.join(root, `pipeline-${i}`)
      cpSync(base, home, { recursive: true })
      const outcome = await runScoreline(argv(home), childEnv(home), {
        marker: wal(home),
        killAfterMs: delay,
      })
      row.runs++
      if (outcome.killed) killed++
      last = home
      for (const f of dbFiles)
        expect(integrity(path.join(home, f)), `${f} after a kill at ${delay} ms`).toBe('ok')
    }
    expect(killed).toBeGreaterThanOrEqual(ENOUGH_KILLS)
    // the next run clears the dead process's lock and completes with the same results
    const t0 = performance.now()
    const rerun = await runScoreline(argv(last), childEnv(last))
    row.recoveryMs = performance.now() - t0
    expect(rerun.code, rerun.stderr).toBe(0)
    const again = summary(rerun)
    row.dataLost = again.filter((l, i) => JSON.stringify(l) !== JSON.stringify(uninterrupted[i])).length
    expect(again).toEqual(uninterrupted)
    row.note = `${killed} of ${row.runs} killed before finishing`
  })

  scenario('crash: SIGKILL during a feature rebuild', async (row) => {
    expect(trainedHome, 'the pipeline scenario trained the champions').toBeTruthy()
    const argv = (home: string) => ['features', 'rebuild', '--home', home, '--json']
    const expected = await teamRatings(trainedHome)
    expect(Object.keys(expected)).toHaveLength(16)
    const calHome = path.join(root, 'rebuild-calibration')
    cpSync(trainedHome, calHome, { recursive: true })
    const calibration = await runScoreline(argv(calHome), childEnv(calHome), { marker: wal(calHome) })
    expect(calibration.code, calibration.stderr).toBe(0)
    expect(await teamRatings(calHome)).toEqual(expected)
    let killed = 0
    let last = ''
    for (const [i, delay] of killDelays(calibration.workMs!).entries()) {
      const home = path.join(root, `rebuild-${i}`)
      cpSync(trainedHome, home, { recursive: true })
      const outcome = await runScoreline(argv(home), childEnv(home), {
        marker: wal(home),
        killAfterMs: delay,
      })
      row.runs++
      if (outcome.killed) killed++
      last = home
      for (const f of dbFiles) expect(integrity(path.join(home, f))).toBe('ok')
      // whichever version is active (the old one or the rebuilt one), it is complete
      const now = await teamRatings(home)
      row.dataLost += Math.abs(Object.keys(now).length - 16)
      expect(now, `active team_ratings after a kill at ${delay} ms`).toEqual(expected)
    }
    expect(killed).toBeGreaterThanOrEqual(ENOUGH_KILLS)
    const t0 = performance.now()
    const rerun = await runScoreline(argv(last), childEnv(last))
    row.recoveryMs = performance.now() - t0
    expect(rerun.code, rerun.stderr).toBe(0)
    expect(await teamRatings(last)).toEqual(expected)
    row.note = `${killed} of ${row.runs} killed before finishing`
  })
})

// ------------------------------------------------------------------ tracking outbox push

const PUSH = ['crash: SIGKILL during an outbox push (runs push)']
if (needsService(serviceUrl('mlflow'), 'SCORELINE_TEST_MLFLOW_URI', PUSH)) {
  describe('SIGKILL during an outbox push', () => {
    scenario(PUSH[0], async (row) => {
      const namePrefix = testNamePrefix()
      const target = new URL(serviceUrl('mlflow')!)
      // MLflow "down" (the proxy refuses) while the pipeline runs: its tracking goes to the outbox.
      const proxy = await TcpFaultProxy.start(
        { host: target.hostname, port: Number(target.port) },
        { kind: 'refuse' },
      )
      try {
        const uri = `http://127.0.0.1:${proxy.port}`
        const home = path.join(root, 'outbox-home')
        cpSync(path.join(root, 'pipeline-base'), home, { recursive: true })
        const env = childEnv(home, { MLFLOW_TRACKING_URI: uri })
        const queuedRun = await runScoreline(['pipeline', 'run', '--home', home, '--json'], env)
        expect([0, 1], queuedRun.stderr).toContain(queuedRun.code)
        // The shared server never gets this simulated pipeline's production names (scoreline-dc-E0 and
        // the team's experiments, #21): the queued items are renamed under a per-run prefix first.
        const tracking = new Database(path.join(home, 'tracking.sqlite'))
        tracking
          .prepare(
            `UPDATE tr_outbox SET payload = replace(replace(replace(replace(payload,
               '"scoreline-', '"${namePrefix}scoreline-'), '"dixon_coles_', '"${namePrefix}dixon_coles_'),
               ':scoreline-', ':${namePrefix}scoreline-'), '/scoreline-', '/${namePrefix}scoreline-')`,
          )
          .run()
        const ops = (
          tracking.prepare('SELECT payload FROM tr_outbox ORDER BY seq').pluck().all() as string[]
        ).map((p) => JSON.parse(p) as { op: string; clientKey?: string; name?: string })
        tracking.close()
        const named = ops.filter((o) => o.name !== undefined).map((o) => o.name!)
        expect(named.filter((n) => !n.startsWith(namePrefix))).toEqual([])
        const runKeys = ops.filter((o) => o.op === 'startRun').map((o) => o.clientKey!)
        const experiments = [...new Set(ops.filter((o) => o.op === 'ensureExperiment').map((o) => o.name!))]
        expect(runKeys.length).toBeGreaterThan(0)

        await proxy.setMode({ kind: 'pass' })
        const pushArgv = ['runs', 'push', '--home', home, '--json']
        let killed = 0
        const pendingAfter: number[] = []
        const pendingNow = () => {
          const conn = new Database(path.join(home, 'tracking.sqlite'), { readonly: true })
          const n = conn
            .prepare("SELECT count(*) FROM tr_outbox WHERE state = 'pending'")
            .pluck()
            .get() as number
          conn.close()
          return n
        }
        expect(integrity(path.join(home, 'tracking.sqlite'))).toBe('ok') // checkpoints: no -wal left
        for (let i = 0; i < Math.max(3, Math.round(KILLS / 2)); i++) {
          // The replay starts when the CLI opens the tracking database (its -wal file appears; the
          // integrity check below checkpoints and removes it again). Each kill lets a little more through.
          const marker = path.join(home, 'tracking.sqlite-wal')
          expect(existsSync(marker)).toBe(false)
          const delay = Math.round(250 * (i + rng()))
          const outcome = await runScoreline(pushArgv, env, { marker, killAfterMs: delay })
          row.runs++
          if (outcome.killed) killed++
          pendingAfter.push(pendingNow())
          expect(integrity(path.join(home, 'tracking.sqlite'))).toBe('ok') // last: its close removes the -wal
        }
        const t0 = performance.now()
        const final = await runScoreline(pushArgv, env)
        row.recoveryMs = performance.now() - t0
        expect(final.code, final.stderr + final.stdout).toBe(0)
        const left = new Database(path.join(home, 'tracking.sqlite'), { readonly: true })
        expect(left.prepare("SELECT count(*) FROM tr_outbox WHERE state = 'pending'").pluck().get()).toBe(0)
        left.close()

        // exactly once: every queued run is on the server once, found by its client key
        const client = new MlflowClient({ trackingUri: serviceUrl('mlflow')! })
        const ids = (await Promise.all(experiments.map((n) => client.getExperimentByName(n)))).map(
          (e) => e!.experiment_id,
        )
        for (const key of runKeys) {
          const found = await client.searchRuns({
            experimentIds: ids,
            filter: `tags.\`${CLIENT_KEY_TAG}\` = '${key}'`,
            maxResults: 5,
            runViewType: 'ALL',
          })
          row.dataLost += Math.abs(found.items.length - 1)
          expect(found.items, key).toHaveLength(1)
        }
        row.note = `${ops.length} items queued; ${killed} pushes killed, pending after each: ${pendingAfter.join(', ')}`
      } finally {
        await proxy.close()
        await removeByPrefix(serviceUrl('mlflow')!, namePrefix)
      }
    })
  })
}
