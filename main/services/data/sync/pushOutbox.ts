/**
 * Pushes local changes (the outbox) to Postgres: jackpots created or edited on the laptop.
 *
 * - Idempotent by the client-generated UUID: pushing the same item twice (e.g. the app died after
 *   Postgres committed but before the outbox was marked) finds identical content and just marks it.
 * - Optimistic concurrency: an item carries the remote version it was based on. If Postgres has a
 *   different version with different content, the item becomes a `conflict` (reported in the result
 *   and in data.status), and neither side is overwritten; `resolveJackpotConflict` settles it.
 * - Each item is one Postgres transaction; a failure stops the push and leaves the rest pending.
 */
import type Database from 'better-sqlite3'
import type pg from 'pg'
import { DataError } from '../errors'
import type { JackpotPayload } from '../jackpots/jackpotStore'
import { connectPostgres } from '../postgres/pgConnection'

export interface PushResult {
  pushed: number
  alreadyThere: number
  conflicts: { jackpotId: string; message: string }[]
  pending: number
}

const TS = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`

function canonical(
  p: Pick<JackpotPayload, 'name' | 'provider' | 'deadline' | 'deleted' | 'fixtures'>,
): string {
  const iso = (s: string | null) => (s ? new Date(s).toISOString() : null)
  return JSON.stringify({
    name: p.name,
    provider: p.provider,
    deadline: iso(p.deadline),
    deleted: p.deleted,
    fixtures: p.fixtures.map((f) => [
      f.position,
      f.league ?? null,
      f.home,
      f.away,
      iso(f.kickoff),
      f.odds ? [f.odds.home, f.odds.draw, f.odds.away] : null,
      f.pick ?? null,
    ]),
  })
}

async function remoteJackpot(c: pg.ClientBase, id: string) {
  const j = await c.query(
    `SELECT name, provider, ${TS('deadline')} AS deadline, deleted, ${TS('updated_at')} AS ts FROM jackpots WHERE id = $1 FOR UPDATE`,
    [id],
  )
  if (!j.rows.length) return undefined
  const f = await c.query(
    `SELECT position, league_code AS league, home_name AS home, away_name AS away, ${TS('kickoff')} AS kickoff,
            odds_home, odds_draw, odds_away, pick
       FROM jackpot_fixtures WHERE jackpot_id = $1 AND NOT deleted ORDER BY position`,
    [id],
  )
  const fixtures = f.rows.map((r) => ({
    position: r.position as number,
    league: r.league as string | null,
    home: r.home as string,
    away: r.away as string,
    kickoff: r.kickoff as string | null,
    odds: r.odds_home !== null ? { home: r.odds_home, draw: r.odds_draw, away: r.odds_away } : null,
    pick: r.pick as string | null,
  }))
  return { ...j.rows[0], fixtures } as {
    name: string
    provider: string | null
    deadline: string | null
    deleted: boolean
    ts: string
    fixtures: JackpotPayload['fixtures']
  }
}

async function writeJackpot(c: pg.ClientBase, p: JackpotPayload): Promise<string> {
  const r = await c.query(
    `INSERT INTO jackpots (id, name, provider, deadline, created_at, deleted) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, provider = excluded.provider, deadline = excluded.deadline,
       deleted = excluded.deleted
     RETURNING ${TS('updated_at')} AS ts`,
    [p.id, p.name, p.provider, p.deadline, p.createdAt, p.deleted],
  )
  const positions = p.fixtures.map((f) => f.position)
  await c.query(
    'UPDATE jackpot_fixtures SET deleted = true WHERE jackpot_id = $1 AND NOT (position = ANY($2::int[])) AND NOT deleted',
    [p.id, positions],
  )
  for (const f of p.fixtures) {
    await c.query(
      `INSERT INTO jackpot_fixtures (jackpot_id, position, league_code, home_name, away_name, kickoff, odds_home, odds_draw, odds_away, pick)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (jackpot_id, position) DO UPDATE SET league_code = excluded.league_code, home_name = excluded.home_name,
         away_name = excluded.away_name, kickoff = excluded.kickoff, odds_home = excluded.odds_home,
         odds_draw = excluded.odds_draw, odds_away = excluded.odds_away, pick = excluded.pick, deleted = false`,
      [
        p.id,
        f.position,
        f.league,
        f.home,
        f.away,
        f.kickoff,
        f.odds?.home ?? null,
        f.odds?.draw ?? null,
        f.odds?.away ?? null,
        f.pick,
      ],
    )
  }
  return r.rows[0].ts as string
}

export async function pushOutbox(
  db: Database.Database,
  opts: { postgres: string | pg.Client; now?: () => Date },
): Promise<PushResult> {
  const now = () => (opts.now ?? (() => new Date()))().toISOString()
  const result: PushResult = { pushed: 0, alreadyThere: 0, conflicts: [], pending: 0 }
  const items = db
    .prepare(
      "SELECT id, entity, entity_id AS entityId, payload FROM outbox WHERE status = 'pending' ORDER BY id",
    )
    .all() as { id: number; entity: string; entityId: string; payload: string }[]
  if (!items.length) return result
  const client = typeof opts.postgres === 'string' ? await connectPostgres(opts.postgres) : opts.postgres
  const done = db.prepare(
    "UPDATE outbox SET status = 'done', attempts = attempts + 1, last_error = NULL, updated_at = ? WHERE id = ?",
  )
  const conflict = db.prepare(
    "UPDATE outbox SET status = 'conflict', attempts = attempts + 1, last_error = ?, updated_at = ? WHERE id = ?",
  )
  const failed = db.prepare(
    'UPDATE outbox SET attempts = attempts + 1, last_error = ?, updated_at = ? WHERE id = ?',
  )
  const based = db.prepare('UPDATE jackpots SET remote_updated_at = ? WHERE id = ?')
  try {
    for (const [index, item] of items.entries()) {
      if (item.entity !== 'jackpot') continue
      const p = JSON.parse(item.payload) as JackpotPayload
      try {
        await client.query('BEGIN')
        const remote = await remoteJackpot(client, p.id)
        if (remote && remote.ts !== p.baseRemoteUpdatedAt) {
          if (canonical(remote) === canonical(p)) {
            await client.query('ROLLBACK')
            db.transaction(() => {
              done.run(now(), item.id)
              based.run(remote.ts, p.id)
            })()
            result.alreadyThere++
            continue
          }
          await client.query('ROLLBACK')
          const message = `jackpot "${p.name}" (${p.id}) was changed in Postgres since this laptop last saw it; neither copy was overwritten`
          conflict.run(message, now(), item.id)
          result.conflicts.push({ jackpotId: p.id, message })
          continue
        }
        const ts = await writeJackpot(client, p)
        await client.query('COMMIT')
        db.transaction(() => {
          done.run(now(), item.id)
          based.run(ts, p.id)
        })()
        result.pushed++
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined)
        failed.run((error as Error).message, now(), item.id)
        result.pending = items.length - index
        throw new DataError(
          'SYNC_FAILED',
          `pushing jackpot ${p.id} failed: ${(error as Error).message}; it stays queued`,
          {
            jackpotId: p.id,
          },
        )
      }
    }
    return result
  } finally {
    if (typeof opts.postgres === 'string') await client.end().catch(() => undefined)
  }
}

/**
 * Settles a jackpot conflict. 'keep-local' re-queues the local copy on top of the current remote
 * version (it is written on the next push); 'keep-remote' drops the local change and re-reads
 * jackpots from Postgres on the next sync.
 */
export async function resolveJackpotConflict(
  db: Database.Database,
  jackpotId: string,
  choice: 'keep-local' | 'keep-remote',
  opts: { postgres: string | pg.Client; now?: () => Date },
): Promise<void> {
  const now = (opts.now ?? (() => new Date()))().toISOString()
  const item = db
    .prepare(
      "SELECT id, payload FROM outbox WHERE entity = 'jackpot' AND entity_id = ? AND status = 'conflict' ORDER BY id DESC LIMIT 1",
    )
    .get(jackpotId) as { id: number; payload: string } | undefined
  if (!item)
    throw new DataError('NOT_FOUND', `jackpot ${jackpotId} has no conflict to resolve`, { jackpotId })
  if (choice === 'keep-remote') {
    db.transaction(() => {
      db.prepare(
        "UPDATE outbox SET status = 'done', last_error = 'resolved: kept the Postgres copy', updated_at = ? WHERE entity = 'jackpot' AND entity_id = ? AND status IN ('pending', 'conflict')",
      ).run(now, jackpotId)
      db.prepare("DELETE FROM sync_state WHERE table_name IN ('jackpots', 'jackpot_fixtures')").run()
    })()
    return
  }
  const client = typeof opts.postgres === 'string' ? await connectPostgres(opts.postgres) : opts.postgres
  try {
    const r = await client.query(`SELECT ${TS('updated_at')} AS ts FROM jackpots WHERE id = $1`, [jackpotId])
    const payload = JSON.parse(item.payload) as JackpotPayload
    payload.baseRemoteUpdatedAt = (r.rows[0]?.ts as string | undefined) ?? null
    db.prepare(
      "UPDATE outbox SET status = 'pending', payload = ?, last_error = NULL, updated_at = ? WHERE id = ?",
    ).run(JSON.stringify(payload), now, item.id)
  } finally {
    if (typeof opts.postgres === 'string') await client.end().catch(() => undefined)
  }
}
