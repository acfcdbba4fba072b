import { describe, expect, it } from 'vitest'
import os from 'node:os'
import { openMemoryDatabase } from '../data/db'
import { createPipelineLock, LOCK_KEY } from './pipelineLock'

describe('pipeline lock', () => {
  it('lets one instance hold it at a time and releases it', () => {
    const db = openMemoryDatabase()
    const a = createPipelineLock(db, 'a')
    const b = createPipelineLock(db, 'b')
    expect(a.acquire('run-1')).toMatchObject({ ok: true, clearedStale: null })
    expect(b.acquire('run-2')).toMatchObject({ ok: false, heldBy: { runId: 'run-1', instance: 'a' } })
    b.release('run-1') // not the holder: no effect
    expect(b.acquire('run-2').ok).toBe(false)
    a.release('run-1')
    expect(b.acquire('run-2').ok).toBe(true)
    a.dispose()
    b.dispose()
  })

  it('clears a lock left by a process that died (crash) and reports it', () => {
    const db = openMemoryDatabase()
    const dead = {
      runId: 'run-0',
      pid: 2 ** 22 + 12345,
      hostname: os.hostname(),
      instance: 'gone',
      acquiredAt: 1,
    }
    db.prepare("INSERT INTO settings (key, value, updated_at) VALUES (?, ?, '')").run(
      LOCK_KEY,
      JSON.stringify(dead),
    )
    const lock = createPipelineLock(db, 'c')
    const r = lock.acquire('run-3')
    expect(r).toMatchObject({ ok: true, clearedStale: { runId: 'run-0' } })
    lock.dispose()
  })

  it('treats a disposed instance of this process as gone', () => {
    const db = openMemoryDatabase()
    const a = createPipelineLock(db, 'a2')
    a.acquire('run-1')
    a.dispose() // e.g. the service was closed without releasing
    const b = createPipelineLock(db, 'b2')
    expect(b.acquire('run-2')).toMatchObject({ ok: true, clearedStale: { runId: 'run-1' } })
    b.dispose()
  })
})
