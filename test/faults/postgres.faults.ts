/**
 * Postgres dies under a sync and under an outbox push (private cluster: pg_terminate_backend, and an
 * immediate shutdown). The sync must stop at a batch boundary and resume to exactly the state of a clean
 * run; the jackpot outbox must keep what it had not pushed and push it once.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { openDatabase, openMemoryDatabase } from '../../main/services/data/db'
import { saveJackpot } from '../../main/services/data/jackpots/index'
import { migratePostgres } from '../../main/services/data/postgres/migratePostgres'
import { pushOutbox } from '../../main/services/data/sync/pushOutbox'
import { syncFromPostgres } from '../../main/services/data/sync/syncFromPostgres'
import { fillSyntheticPostgres } from '../../main/services/data/testing/syntheticPostgres'
import { scenario, skippedScenario } from './support/report'
import {
  privatePostgresUnavailable,
  startPrivatePostgres,
  type PrivatePostgres,
} from './support/privateServers'
import { countDifference, duplicateRemoteIds, integrityOk, snapshot } from './support/snapshots'

const BATCH = 500
const unavailable = privatePostgresUnavailable()

if (unavailable) {
  skippedScenario('postgres: backend terminated mid-sync', unavailable)
  skippedScenario('postgres: cluster stopped mid-sync', unavailable)
  skippedScenario('postgres: backend terminated mid-outbox-push', unavailable)
} else {
  describe('Postgres faults (private cluster)', () => {
    let server: PrivatePostgres
    let dir: string
    let clean: ReturnType<typeof snapshot>
    beforeAll(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-faults-pgsync-'))
      server = await startPrivatePostgres()
      await migratePostgres(server.url)
      const c = new pg.Client({ connectionString: server.url })
      await c.connect()
      await fillSyntheticPostgres(c, { matches: 12_000, oddsPerMatch: 2 })
      await c.end()
      const db = openMemoryDatabase()
      await syncFromPostgres(db, { postgres: server.url, batchSize: BATCH })
      clean = snapshot(db)
      db.close()
      expect(clean.counts.matches).toBe(12_000)
    })
    afterAll(async () => {
      await server?.dispose()
      if (dir) rmSync(dir, { recursive: true, force: true })
    })

    /** Rows applied equal the watermarks' bookkeeping: nothing half-applied. */
    function atBatchBoundary(db: ReturnType<typeof openDatabase>): void {
      const applied = db
        .prepare("SELECT rows_applied FROM sync_state WHERE table_name = 'matches'")
        .pluck()
        .get() as number | undefined
      const matches = db.prepare('SELECT count(*) FROM matches').pluck().get() as number
      expect(matches).toBe(applied ?? 0)
      expect(matches % BATCH === 0 || matches === 12_000).toBe(true)
    }

    scenario('postgres: backend terminated mid-sync', async (row) => {
      const db = openDatabase(path.join(dir, 'terminated.sqlite'))
      const stops = [2_000, 6_000, 10_000] // rows applied in that run (all tables) when the backend is killed
      for (const at of stops) {
        let fired = false
        const error = await syncFromPostgres(db, {
          postgres: server.url,
          batchSize: BATCH,
          onProgress: (p) => {
            if (!fired && p.appliedAll >= at) {
              fired = true
              void server.terminate('postgres')
            }
          },
        }).then(
          () => null,
          (e: unknown) => e as Error & { code?: string },
        )
        row.runs++
        expect(fired).toBe(true)
        expect(error, `sync after ${at} rows should have been cut`).not.toBeNull()
        expect(error!.code).toBe('SYNC_FAILED')
        expect(error!.message).toContain(`127.0.0.1:${server.port}`)
        expect(error!.message).toMatch(/next sync resumes/)
        expect(integrityOk(db)).toBe(true)
        atBatchBoundary(db)
      }
      const t0 = performance.now()
      await syncFromPostgres(db, { postgres: server.url, batchSize: BATCH })
      row.recoveryMs = performance.now() - t0
      const after = snapshot(db)
      row.dataLost = countDifference(clean, after) + duplicateRemoteIds(db)
      expect(after).toEqual(clean)
      expect(duplicateRemoteIds(db)).toBe(0)
      expect(integrityOk(db)).toBe(true)
      db.close()
    })

    scenario('postgres: cluster stopped mid-sync', async (row) => {
      const db = openDatabase(path.join(dir, 'stopped.sqlite'))
      let stopping: Promise<void> | null = null
      const error = await syncFromPostgres(db, {
        postgres: server.url,
        batchSize: BATCH,
        onProgress: (p) => {
          if (!stopping && p.appliedAll >= 5_000) stopping = server.stop()
        },
      }).then(
        () => null,
        (e: unknown) => e as Error & { code?: string },
      )
      row.runs++
      await stopping
      expect(error).not.toBeNull()
      expect(error!.code).toBe('SYNC_FAILED')
      expect(integrityOk(db)).toBe(true)
      atBatchBoundary(db)
      // While it is down: a clear "unreachable" naming the host, quickly, nothing changes.
      const before = snapshot(db)
      const down = await syncFromPostgres(db, { postgres: server.url, batchSize: BATCH }).catch(
        (e: Error) => e,
      )
      expect((down as { code?: string }).code).toBe('SERVICE_UNREACHABLE')
      expect((down as Error).message).toContain(`127.0.0.1:${server.port}`)
      expect(snapshot(db)).toEqual(before)
      await server.start()
      const t0 = performance.now()
      await syncFromPostgres(db, { postgres: server.url, batchSize: BATCH })
      row.recoveryMs = performance.now() - t0
      const after = snapshot(db)
      row.dataLost = countDifference(clean, after) + duplicateRemoteIds(db)
      expect(after).toEqual(clean)
      db.close()
    })

    scenario('postgres: backend terminated mid-outbox-push', async (row) => {
      const db = openDatabase(path.join(dir, 'outbox.sqlite'))
      const N = 40
      const ids: string[] = []
      for (let i = 0; i < N; i++) {
        const j = saveJackpot(db, {
          name: `Faults ticket ${i}`,
          provider: 'Test',
          fixtures: Array.from({ length: 6 }, (_, k) => ({
            league: 'L01',
            home: `Team ${k * 2 + 21}`,
            away: `Team ${k * 2 + 22}`,
            kickoff: '2031-05-01T15:00:00Z',
            odds: { home: 2.1, draw: 3.3, away: 3.6 },
            pick: '1' as const,
          })),
        })
        ids.push(j.id)
      }
      const pending = () =>
        db.prepare("SELECT count(*) FROM outbox WHERE status = 'pending'").pluck().get() as number
      expect(pending()).toBe(N)
      for (const afterDone of [5, 20]) {
        let fired = false
        const timer = setInterval(() => {
          if (!fired && N - pending() >= afterDone) {
            fired = true
            void server.terminate('postgres')
          }
        }, 1)
        const error = await pushOutbox(db, { postgres: server.url }).then(
          () => null,
          (e: unknown) => e as Error & { code?: string },
        )
        clearInterval(timer)
        row.runs++
        expect(fired).toBe(true)
        expect(error).not.toBeNull()
        expect(error!.code).toBe('SYNC_FAILED')
        expect(error!.message).toMatch(/stays queued/)
        expect(pending()).toBeGreaterThan(0)
        expect(integrityOk(db)).toBe(true)
      }
      const t0 = performance.now()
      const result = await pushOutbox(db, { postgres: server.url })
      row.recoveryMs = performance.now() - t0
      expect(pending()).toBe(0)
      expect(result.conflicts).toEqual([])
      const c = new pg.Client({ connectionString: server.url })
      await c.connect()
      const remote = await c.query<{ id: string; fixtures: number }>(
        `SELECT j.id::text AS id, count(f.*) FILTER (WHERE NOT f.deleted)::int AS fixtures
           FROM jackpots j LEFT JOIN jackpot_fixtures f ON f.jackpot_id = j.id
          WHERE j.id = ANY($1::uuid[]) GROUP BY j.id`,
        [ids],
      )
      const rows = await c.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM jackpots WHERE id = ANY($1::uuid[])',
        [ids],
      )
      await c.end()
      const complete = remote.rows.filter((r) => r.fixtures === 6).length
      row.dataLost = N - complete + Math.abs(rows.rows[0].n - N)
      expect(rows.rows[0].n).toBe(N) // each once: the id is the key, no duplicates
      expect(complete).toBe(N)
      db.close()
    })
  })
}
