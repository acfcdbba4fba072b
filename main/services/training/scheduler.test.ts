import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSettingsStore, openAppDatabase, openMemoryDatabase } from '../data/db'
import { createScheduler, LAST_SLOT_KEY } from './scheduler'
import { TrainingError } from './errors'
import { createPipelineLock } from './pipelineLock'
import type { TrainingService } from './trainingService'

const local = (y: number, mo: number, d: number, h = 0, mi = 0) => new Date(y, mo - 1, d, h, mi).getTime()

/** A stand-in service that records starts and takes the real cross-process lock. */
function fakeService(db: ReturnType<typeof openAppDatabase>, instance: string) {
  const lock = createPipelineLock(db, instance)
  const starts: string[] = []
  const service: Pick<TrainingService, 'start'> = {
    start: (input) => {
      const id = `${instance}-${starts.length + 1}`
      const r = lock.acquire(id)
      if (!r.ok) throw new TrainingError('PIPELINE_BUSY', 'busy')
      starts.push(input?.trigger ?? 'manual')
      return { id, leagues: [], done: new Promise(() => {}) }
    },
  }
  return { service, starts, lock }
}

const noTimer = () => ({ cancel() {} })

describe('pipeline schedule', () => {
  it('does not train on first sight, then runs a missed week once at the next start', () => {
    const db = openMemoryDatabase()
    const settings = createSettingsStore(db)
    let now = local(2026, 11, 4, 12) // Wednesday
    const { service, starts } = fakeService(db, 'app')
    const make = () => createScheduler({ db, settings, service, now: () => now, setTimer: noTimer })
    expect(make().start()).toEqual({ ranMissed: false })
    expect(starts).toEqual([])
    // the laptop stays closed for three Mondays
    now = local(2026, 11, 25, 9)
    const s = make()
    expect(s.start()).toEqual({ ranMissed: true })
    expect(starts).toEqual(['schedule'])
    expect(Number(settings.get(LAST_SLOT_KEY))).toBe(local(2026, 11, 23, 6))
    // restarting the same week: nothing more
    expect(make().start()).toEqual({ ranMissed: false })
    expect(starts).toHaveLength(1)
    expect(s.info()).toMatchObject({ enabled: true, cron: '0 6 * * 1', nextRunAt: local(2026, 11, 30, 6) })
  })

  it('fires at the scheduled time through its timer', () => {
    const db = openMemoryDatabase()
    const settings = createSettingsStore(db)
    let now = local(2026, 11, 29, 20) // Sunday evening
    let armed: { fn: () => void; ms: number } | null = null
    const { service, starts } = fakeService(db, 'timer')
    const s = createScheduler({
      db,
      settings,
      service,
      now: () => now,
      setTimer: (fn, ms) => ((armed = { fn, ms }), { cancel() {} }),
    })
    s.start()
    expect(armed!.ms).toBe(10 * 3600_000)
    now = local(2026, 11, 30, 6)
    armed!.fn()
    expect(starts).toEqual(['schedule'])
  })

  it('runs a missed slot in only one of two app instances starting together (two connections, one file)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scoreline-schedule-'))
    try {
      const file = path.join(dir, 'scoreline.sqlite')
      const dbA = openAppDatabase(file)
      const dbB = openAppDatabase(file)
      const settingsA = createSettingsStore(dbA)
      const settingsB = createSettingsStore(dbB)
      settingsA.set(LAST_SLOT_KEY, String(local(2026, 11, 16, 6)))
      const now = () => local(2026, 11, 25, 9)
      const a = fakeService(dbA, 'instance-a')
      const b = fakeService(dbB, 'instance-b')
      const sa = createScheduler({ db: dbA, settings: settingsA, service: a.service, now, setTimer: noTimer })
      const sb = createScheduler({ db: dbB, settings: settingsB, service: b.service, now, setTimer: noTimer })
      const ran = [sa.start().ranMissed, sb.start().ranMissed]
      expect(ran).toEqual([true, false])
      expect(a.starts.length + b.starts.length).toBe(1)
      // and a manual start in the other instance while the run holds the lock is refused
      expect(() => b.service.start({ trigger: 'manual' })).toThrow(/busy/)
      dbA.close()
      dbB.close()
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('can be turned off and set to another cron expression, refusing bad ones', () => {
    const db = openMemoryDatabase()
    const settings = createSettingsStore(db)
    const { service, starts } = fakeService(db, 'cfg')
    let now = local(2026, 11, 4, 12)
    const s = createScheduler({ db, settings, service, now: () => now, setTimer: noTimer })
    expect(s.configure({ enabled: false })).toMatchObject({
      enabled: false,
      description: 'off',
      nextRunAt: null,
    })
    now = local(2026, 11, 25, 12)
    expect(s.start().ranMissed).toBe(false)
    expect(starts).toEqual([])
    expect(s.configure({ cron: '30 7 * * 2,5', enabled: true })).toMatchObject({
      cron: '30 7 * * 2,5',
      description: 'Tuesday, Friday at 07:30 local time',
      nextRunAt: local(2026, 11, 27, 7, 30),
    })
    expect(() => s.configure({ cron: 'every monday' })).toThrow(/Cannot read the schedule/)
  })
})
