/**
 * One pipeline at a time across every process that shares the data folder (the app, a second app window
 * or instance, the CLI, the scheduler): a lock row in the app database's `settings` table, taken in an
 * IMMEDIATE transaction so two processes cannot both see it free. It survives a crash: a lock whose owner
 * process is gone (same host, pid no longer alive) is stale and is cleared by the next taker.
 */
import os from 'node:os'
import { randomUUID } from 'node:crypto'
import type Database from 'better-sqlite3'

export const LOCK_KEY = 'training.pipeline.lock'

export interface LockInfo {
  runId: string
  pid: number
  hostname: string
  /** Distinguishes two services in one process (tests, or app + scheduler). */
  instance: string
  acquiredAt: number
}

export type AcquireResult =
  { ok: true; lock: LockInfo; clearedStale: LockInfo | null } | { ok: false; heldBy: LockInfo }

/** Lock instances alive in this process (a pid check cannot tell them apart). */
const liveInstances = new Set<string>()

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export interface PipelineLock {
  readonly instance: string
  acquire(runId: string, now?: number): AcquireResult
  release(runId: string): void
  read(): LockInfo | null
  /** Whether a lock's owner is still running (locks from another host are trusted for 24 h). */
  isLive(lock: LockInfo, now?: number): boolean
  dispose(): void
}

export function createPipelineLock(db: Database.Database, instance: string = randomUUID()): PipelineLock {
  liveInstances.add(instance)
  const get = db.prepare('SELECT value FROM settings WHERE key = ?').pluck()
  const put = db.prepare(
    `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  )
  const del = db.prepare('DELETE FROM settings WHERE key = ?')
  const read = (): LockInfo | null => {
    const raw = get.get(LOCK_KEY) as string | undefined
    if (!raw) return null
    try {
      return JSON.parse(raw) as LockInfo
    } catch {
      return null
    }
  }
  const isLive = (lock: LockInfo, now = Date.now()): boolean => {
    if (lock.hostname !== os.hostname()) return now - lock.acquiredAt < 24 * 3600_000
    if (lock.pid === process.pid) return liveInstances.has(lock.instance)
    return isProcessAlive(lock.pid)
  }
  const acquire = db.transaction((runId: string, now: number): AcquireResult => {
    const held = read()
    if (held && isLive(held, now)) return { ok: false, heldBy: held }
    const lock: LockInfo = { runId, pid: process.pid, hostname: os.hostname(), instance, acquiredAt: now }
    put.run(LOCK_KEY, JSON.stringify(lock), new Date(now).toISOString())
    return { ok: true, lock, clearedStale: held }
  })
  return {
    instance,
    acquire: (runId, now = Date.now()) => acquire.immediate(runId, now),
    release(runId) {
      db.transaction(() => {
        const held = read()
        if (held && held.runId === runId && held.instance === instance) del.run(LOCK_KEY)
      }).immediate()
    },
    read,
    isLive,
    dispose() {
      liveInstances.delete(instance)
    },
  }
}
