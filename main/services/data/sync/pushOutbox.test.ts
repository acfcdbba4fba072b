import { describe, expect, it } from 'vitest'
import { describeWithService } from '../../../../test/support/services'
import { openMemoryDatabase } from '../db/index'
import { importFileContents } from '../import/index'
import { dataQuality, dataStatus } from '../queries/index'
import { useMigratedTestDatabase } from '../testing/migratedTestDatabase'
import { playedSeasonCsv } from '../testing/simulatedSeasonCsv'
import { deleteJackpot, getJackpot, saveJackpot } from '../jackpots/index'
import { pushOutbox, resolveJackpotConflict } from './pushOutbox'
import { syncFromPostgres } from './syncFromPostgres'

// invented clubs and results in the simulator's columns (nothing copied from a real season file)
const CSV = playedSeasonCsv([
  { div: 'E0', date: '12/08/2031', home: 'Harbourside', away: 'Millbrook', hg: 2, ag: 1 },
  { div: 'E0', date: '13/08/2031', home: 'Eastbury', away: 'Northgate', hg: 0, ag: 0 },
])
const ID = '6f1c2b1e-2d7a-4c4b-9a51-3f2f0c9e1a10'

describe('local jackpots', () => {
  it('saves fixtures, links resolvable ones to matches, queues them, and lists unresolved names', () => {
    const db = openMemoryDatabase()
    importFileContents(db, CSV, 'E0_mini.csv')
    const j = saveJackpot(db, {
      id: ID,
      name: 'Weekend 13',
      provider: 'SportPesa',
      fixtures: [
        {
          league: 'E0',
          home: 'Harbourside FC',
          away: 'Millbrook',
          kickoff: '2031-08-12T14:00:00Z',
          odds: { home: 1.8, draw: 3.6, away: 4.5 },
          pick: '1',
        },
        { league: 'E0', home: 'Eastbury', away: 'Northgat City', kickoff: '2031-08-13' },
      ],
    })
    expect(j.fixtures[0].matchId).not.toBeNull()
    expect(j.fixtures[1]).toMatchObject({ matchId: null, home: 'Eastbury', away: 'Northgat City' })
    expect(j.pendingPush).toBe('pending')
    expect(dataQuality(db).unresolvedNames.map((u) => u.name)).toEqual(['Northgat City'])
    saveJackpot(db, { id: ID, name: 'Weekend 13 (edited)', fixtures: [] })
    expect(dataStatus(db).outbox.pending).toBe(1)
  })
})

describeWithService('postgres', 'outbox push of local jackpots', (baseUrl) => {
  const t = useMigratedTestDatabase(baseUrl)

  it('pushes idempotently, reports a conflict instead of overwriting, and resolves it', async () => {
    const laptop = openMemoryDatabase()
    saveJackpot(laptop, {
      id: ID,
      name: 'Mega 17',
      provider: 'Betika',
      deadline: '2031-08-12T11:00:00.000Z',
      fixtures: [
        { home: 'Harbourside', away: 'Millbrook', odds: { home: 1.8, draw: 3.6, away: 4.5 }, pick: '1' },
      ],
    })
    const first = await syncFromPostgres(laptop, { postgres: t.url })
    expect(first.pushed).toMatchObject({ pushed: 1, conflicts: [] })
    expect((await t.client.query('SELECT name FROM jackpots WHERE id = $1', [ID])).rows).toEqual([
      { name: 'Mega 17' },
    ])
    expect(getJackpot(laptop, ID)?.pendingPush).toBe('none')

    // The app died after Postgres committed but before the outbox was marked: the re-push is a no-op.
    laptop.prepare("UPDATE outbox SET status = 'pending'").run()
    laptop.prepare('UPDATE jackpots SET remote_updated_at = NULL').run()
    const again = await pushOutbox(laptop, { postgres: t.url })
    expect(again).toMatchObject({ pushed: 0, alreadyThere: 1, conflicts: [] })
    expect((await t.client.query('SELECT count(*)::int AS n FROM jackpots')).rows[0].n).toBe(1)

    // A second laptop pulls it, both edit it.
    const other = openMemoryDatabase()
    await syncFromPostgres(other, { postgres: t.url })
    expect(getJackpot(other, ID)?.fixtures[0]).toMatchObject({ home: 'Harbourside', pick: '1' })
    saveJackpot(other, {
      id: ID,
      name: 'Mega 17 (colleague)',
      fixtures: [{ home: 'Harbourside', away: 'Millbrook', pick: 'X' }],
    })
    expect((await syncFromPostgres(other, { postgres: t.url })).pushed?.pushed).toBe(1)

    saveJackpot(laptop, {
      id: ID,
      name: 'Mega 17 (mine)',
      fixtures: [{ home: 'Harbourside', away: 'Millbrook', pick: '2' }],
    })
    const clash = await syncFromPostgres(laptop, { postgres: t.url })
    expect(clash.conflicts).toHaveLength(1)
    expect(clash.conflicts[0].message).toMatch(/changed in Postgres/)
    expect((await t.client.query('SELECT name FROM jackpots WHERE id = $1', [ID])).rows[0].name).toBe(
      'Mega 17 (colleague)',
    )
    expect(getJackpot(laptop, ID)).toMatchObject({ name: 'Mega 17 (mine)', pendingPush: 'conflict' })
    expect(dataStatus(laptop).outbox.conflicts).toBe(1)

    await resolveJackpotConflict(laptop, ID, 'keep-local', { postgres: t.url })
    const resolved = await syncFromPostgres(laptop, { postgres: t.url })
    expect(resolved.pushed?.pushed).toBe(1)
    expect((await t.client.query('SELECT name FROM jackpots WHERE id = $1', [ID])).rows[0].name).toBe(
      'Mega 17 (mine)',
    )
    const fx = (
      await t.client.query('SELECT pick FROM jackpot_fixtures WHERE jackpot_id = $1 AND NOT deleted', [ID])
    ).rows
    expect(fx).toEqual([{ pick: '2' }])

    // the colleague's laptop receives it; a deletion travels too
    await syncFromPostgres(other, { postgres: t.url })
    expect(getJackpot(other, ID)?.name).toBe('Mega 17 (mine)')
    deleteJackpot(laptop, ID)
    await syncFromPostgres(laptop, { postgres: t.url })
    await syncFromPostgres(other, { postgres: t.url })
    expect(getJackpot(other, ID)?.deleted).toBe(true)
  })
})
