/**
 * The pipeline schedule: weekly by default (Monday 06:00 local time), any 5-field cron expression, stored in
 * the app database's settings (`training.schedule`). A run missed while the machine was off runs once at the
 * next start — not once per missed week. The slot a run belongs to is claimed in an IMMEDIATE transaction
 * (`training.schedule.lastSlot`), so two app instances starting together run it once; the pipeline lock
 * keeps any run from overlapping another.
 */
import type Database from 'better-sqlite3'
import type { SettingsStore } from '../data/db'
import { DEFAULT_CRON, describeCron, nextRun, parseCron, previousRun } from './cron'
import { isTrainingError } from './errors'
import type { StartedRun, TrainingService } from './trainingService'

export const SCHEDULE_KEY = 'training.schedule'
export const LAST_SLOT_KEY = 'training.schedule.lastSlot'
/** setTimeout's ceiling (~24.8 days): longer waits re-arm on the way. */
const MAX_TIMER_MS = 2_147_483_647

export interface ScheduleConfig {
  enabled: boolean
  cron: string
}

export interface ScheduleInfo extends ScheduleConfig {
  description: string
  /** The slot (scheduled time, epoch ms) last run or skipped. */
  lastRunAt: number | null
  nextRunAt: number | null
}

export interface SchedulerOptions {
  db: Database.Database
  settings: SettingsStore
  service: Pick<TrainingService, 'start'>
  now?: () => number
  setTimer?: (fn: () => void, ms: number) => { cancel(): void }
  onLog?: (level: 'info' | 'warn', message: string) => void
}

/** What `runDue()` did: started the run of the latest slot, or nothing, with the reason. */
export type DueRun =
  { state: 'started'; slot: number; run: StartedRun } | { state: 'not-due'; reason: string }

export interface Scheduler {
  /** Runs a missed slot (once), then arms the timer. */
  start(): { ranMissed: boolean }
  /** Checks the clock now: runs the latest slot if it has not run yet. */
  tick(): boolean
  /**
   * The same check as `tick()` for a timer outside the app (`scoreline pipeline run --due` from cron, a
   * systemd timer, a Kubernetes CronJob): the latest slot's run when it is due or was missed, claimed in
   * the same transaction the app claims it in and run under the same pipeline lock; otherwise why not.
   */
  runDue(): DueRun
  info(): ScheduleInfo
  configure(change: Partial<ScheduleConfig>): ScheduleInfo
  stop(): void
}

export function readScheduleConfig(settings: SettingsStore): ScheduleConfig {
  const raw = settings.get(SCHEDULE_KEY)
  if (raw) {
    try {
      const v = JSON.parse(raw) as Partial<ScheduleConfig>
      if (typeof v.cron === 'string') return { enabled: v.enabled !== false, cron: v.cron }
    } catch {
      // fall back to the default
    }
  }
  return { enabled: true, cron: DEFAULT_CRON }
}

const defaultTimer = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms)
  t.unref()
  return { cancel: () => clearTimeout(t) }
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { db, settings, service } = options
  const now = options.now ?? Date.now
  const setTimer = options.setTimer ?? defaultTimer
  const log = options.onLog ?? (() => {})
  let timer: { cancel(): void } | null = null
  let running = false

  const lastSlot = (): number | null => {
    const raw = settings.get(LAST_SLOT_KEY)
    return raw && Number.isFinite(Number(raw)) ? Number(raw) : null
  }

  /** Claims `slot` if no instance has run it (or a later one) yet. */
  const claim = db.transaction((slot: number): boolean => {
    const last = lastSlot()
    if (last !== null && last >= slot) return false
    settings.set(LAST_SLOT_KEY, String(slot))
    return true
  })

  const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + 'Z'

  /** Claims the latest slot when it has not run; otherwise says why there is nothing to run. */
  const claimLatest = (): { slot: number } | { reason: string } => {
    const config = readScheduleConfig(settings)
    if (!config.enabled)
      return { reason: 'the schedule is off (turn it on: scoreline pipeline schedule --on)' }
    const schedule = parseCron(config.cron)
    const t = now()
    const slot = previousRun(schedule, t)
    const next = nextRun(schedule, t)
    const nextText = next === null ? '' : `; the next run is due ${when(next)}`
    if (slot === null)
      return { reason: `no scheduled time (${describeCron(schedule)}) has passed yet${nextText}` }
    const last = lastSlot()
    if (last === null) {
      // first time the schedule is seen: start counting from now, do not train on the spot
      claim.immediate(slot)
      return {
        reason: `the schedule (${describeCron(schedule)}) is counted from now on: no run was missed${nextText}`,
      }
    }
    if (!claim.immediate(slot)) {
      return {
        reason: `the run due ${when(Math.max(slot, lastSlot() ?? slot))} has already run or been started${nextText}`,
      }
    }
    return { slot }
  }

  const startClaimed = (slot: number): DueRun => {
    try {
      const run = service.start({ trigger: 'schedule' })
      log('info', `scheduled pipeline run ${run.id} for the ${new Date(slot).toISOString()} slot`)
      return { state: 'started', slot, run }
    } catch (error) {
      if (isTrainingError(error, 'PIPELINE_BUSY')) {
        log('warn', `scheduled run skipped: ${error.message}`)
        return { state: 'not-due', reason: `the run due ${when(slot)} was skipped: ${error.message}` }
      }
      log('warn', `scheduled run could not start: ${(error as Error).message}`)
      throw error
    }
  }

  const tick = (): boolean => {
    const claimed = claimLatest()
    if ('reason' in claimed) return false
    try {
      return startClaimed(claimed.slot).state === 'started'
    } catch {
      return false
    }
  }

  const runDue = (): DueRun => {
    const claimed = claimLatest()
    return 'reason' in claimed ? { state: 'not-due', reason: claimed.reason } : startClaimed(claimed.slot)
  }

  const arm = () => {
    timer?.cancel()
    timer = null
    if (!running) return
    const config = readScheduleConfig(settings)
    if (!config.enabled) return
    const next = nextRun(parseCron(config.cron), now())
    if (next === null) return
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, next - now()))
    timer = setTimer(() => {
      tick()
      arm()
    }, wait)
  }

  const info = (): ScheduleInfo => {
    const config = readScheduleConfig(settings)
    const schedule = parseCron(config.cron)
    return {
      ...config,
      description: config.enabled ? describeCron(schedule) : 'off',
      lastRunAt: lastSlot(),
      nextRunAt: config.enabled ? nextRun(schedule, now()) : null,
    }
  }

  return {
    start() {
      running = true
      const ranMissed = tick()
      arm()
      return { ranMissed }
    },
    tick,
    runDue,
    info,
    configure(change) {
      const current = readScheduleConfig(settings)
      const next: ScheduleConfig = {
        enabled: change.enabled ?? current.enabled,
        cron: change.cron !== undefined ? parseCron(change.cron).expression : current.cron,
      }
      settings.set(SCHEDULE_KEY, JSON.stringify(next))
      if (next.enabled && lastSlot() === null) {
        const slot = previousRun(parseCron(next.cron), now())
        if (slot !== null) claim.immediate(slot)
      }
      arm()
      return info()
    },
    stop() {
      running = false
      timer?.cancel()
      timer = null
    },
  }
}
