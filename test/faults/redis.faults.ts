/**
 * Redis restarted (SIGKILL, then started again on the same port and append-only file) in the middle of
 * a bulk feature write and during a version switch, on a private redis-server. Readers (another app
 * instance) poll every league the whole time: they may be told Redis is unreachable, but they never see
 * two versions mixed in one read, nor a version whose writing had not finished. After the restart the
 * same store instance reconnects by itself and the rewrite / switch completes.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { RedisFeatureStore } from '../../main/services/features/redisFeatureStore'
import { lineage } from '../../main/services/features/testing/fixtures'
import { startThrowawayRedis, type ThrowawayRedis } from '../../main/services/features/testing/throwawayRedis'
import type { TeamRow } from '../../main/services/features/featureStore'
import { scenario } from './support/report'

const LEAGUES = Array.from({ length: 8 }, (_, i) => `L${i}`)
const TEAMS = Array.from({ length: 400 }, (_, i) => `Team ${String(i).padStart(3, '0')}`)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Every team of every league, `attack` = marker: a reader can tell which write a value came from. */
function rows(marker: number): TeamRow[] {
  return LEAGUES.flatMap((league) =>
    TEAMS.map((team, i) => ({
      league,
      team,
      values: { attack: marker, defence: -0.001 * i, attack_se: 0.1, defence_se: 0.1, home_advantage: 0.25 },
    })),
  )
}

interface ReaderStats {
  reads: number
  unavailable: number
  mixed: number
  wrongVersion: number
  versionsSeen: Set<number>
}

/** Polls getTeams for every league until stopped; checks each answer is one whole, finished version. */
function startReaders(store: RedisFeatureStore, markerOf: Map<number, number>) {
  const stats: ReaderStats = { reads: 0, unavailable: 0, mixed: 0, wrongVersion: 0, versionsSeen: new Set() }
  let stop = false
  const loop = async (league: string) => {
    while (!stop) {
      try {
        const read = await store.getTeams('team_ratings', league)
        stats.reads++
        if (read.version !== null) {
          stats.versionsSeen.add(read.version)
          const markers = new Set(read.entities.map((e) => e.values.attack))
          if (markers.size !== 1 || read.entities.length !== TEAMS.length) stats.mixed++
          else if (markerOf.get(read.version) !== [...markers][0]) stats.wrongVersion++
        }
      } catch (error) {
        if ((error as { code?: string }).code !== 'SERVICE_UNREACHABLE') throw error
        stats.unavailable++
        await sleep(20)
      }
      await sleep(2)
    }
  }
  const running = Promise.all(LEAGUES.slice(0, 3).map(loop))
  return {
    stats,
    async stop() {
      stop = true
      await running
    },
  }
}

async function untilOk<T>(work: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return await work()
    } catch (error) {
      if ((error as { code?: string }).code !== 'SERVICE_UNREACHABLE' || Date.now() > deadline) throw error
      await sleep(50)
    }
  }
}

describe('Redis faults (private redis-server)', () => {
  let server: ThrowawayRedis
  const prefix = `scoreline:faults:${Date.now().toString(36)}:`
  beforeAll(async () => {
    server = await startThrowawayRedis()
  })
  afterAll(async () => {
    await server?.dispose()
  })

  const connect = () =>
    RedisFeatureStore.connect({ url: server.url, keyPrefix: prefix, chunkSize: 200, commandTimeoutMs: 2000 })

  scenario('redis: restarted mid-bulk-write', async (row) => {
    const writer = await connect()
    const reader = await connect()
    const markerOf = new Map<number, number>()
    const first = await writer.publish('team_ratings', rows(1), {
      lineage: lineage('1'),
      writtenBy: 'faults',
    })
    markerOf.set(first.version, 1)
    const readers = startReaders(reader, markerOf)
    try {
      for (const [i, killAt] of [600, 1800, 2600].entries()) {
        const marker = 2 + i
        const activeBefore = await writer.activeVersion('team_ratings')
        const version = await writer.createVersion('team_ratings', {
          lineage: lineage(String(marker)),
          createdBy: 'faults',
        })
        markerOf.set(version, marker)
        let killing: Promise<void> | null = null
        const error = await writer
          .write('team_ratings', version, rows(marker), {
            writtenBy: 'faults',
            onProgress: (done) => {
              if (done >= killAt && !killing) killing = server.kill()
            },
          })
          .then(
            () => null,
            (e: unknown) => e as Error & { code?: string },
          )
        row.runs++
        await killing
        expect(killing).not.toBeNull()
        expect(error?.code).toBe('SERVICE_UNREACHABLE')
        expect(error?.message).toContain(`127.0.0.1:${server.port}`)
        expect(error?.message).toMatch(/the version was not activated, write it again/)
        await server.start()
        const t0 = performance.now()
        // The same store reconnects by itself; the whole version is written again, sealed and switched.
        expect(await untilOk(() => writer.activeVersion('team_ratings'))).toBe(activeBefore)
        const again = await untilOk(() =>
          writer.write('team_ratings', version, rows(marker), { writtenBy: 'faults' }),
        )
        expect(again.written + again.ignoredOlder).toBe(LEAGUES.length * TEAMS.length)
        await writer.seal('team_ratings', version)
        await writer.activate('team_ratings', version)
        row.recoveryMs = Math.max(row.recoveryMs ?? 0, performance.now() - t0)
        const all = await Promise.all(LEAGUES.map((l) => writer.getTeams('team_ratings', l)))
        const lost = all.reduce(
          (n, l) => n + (TEAMS.length - l.entities.filter((e) => e.values.attack === marker).length),
          0,
        )
        row.dataLost += lost
        expect(lost).toBe(0)
      }
    } finally {
      await readers.stop()
      await writer.close()
      await reader.close()
    }
    expect(readers.stats.reads).toBeGreaterThan(0)
    expect(readers.stats.mixed).toBe(0)
    expect(readers.stats.wrongVersion).toBe(0)
    row.note = `${readers.stats.reads} reads, ${readers.stats.unavailable} told unreachable, 0 mixed`
  })

  scenario('redis: restarted during a version switch', async (row) => {
    const writer = await connect()
    const reader = await connect()
    const markerOf = new Map<number, number>()
    const base = await writer.publish('team_ratings', rows(-1), {
      lineage: lineage('100'),
      writtenBy: 'faults',
    })
    markerOf.set(base.version, -1)
    const readers = startReaders(reader, markerOf)
    try {
      for (const [i, delayMs] of [0, 1, 3, 8].entries()) {
        const marker = -1.5 - i / 2
        const previous = await writer.activeVersion('team_ratings')
        const version = await writer.createVersion('team_ratings', {
          lineage: lineage(String(101 + i)),
          createdBy: 'faults',
        })
        markerOf.set(version, marker)
        await writer.write('team_ratings', version, rows(marker), { writtenBy: 'faults' })
        await writer.seal('team_ratings', version)
        const switching = writer.activate('team_ratings', version).then(
          () => null,
          (e: unknown) => e as Error & { code?: string },
        )
        await sleep(delayMs)
        await server.kill()
        const error = await switching
        row.runs++
        if (error) expect(error.code).toBe('SERVICE_UNREACHABLE')
        await server.start()
        const t0 = performance.now()
        // The pointer is either still the old version or already the new one: never anything else.
        const active = await untilOk(() => writer.activeVersion('team_ratings'))
        expect([previous, version]).toContain(active)
        // Switching again completes it (idempotent when it had already happened).
        await untilOk(() => writer.activate('team_ratings', version))
        row.recoveryMs = Math.max(row.recoveryMs ?? 0, performance.now() - t0)
        expect(await writer.activeVersion('team_ratings')).toBe(version)
        const all = await Promise.all(LEAGUES.map((l) => writer.getTeams('team_ratings', l)))
        const lost = all.reduce(
          (n, l) => n + (TEAMS.length - l.entities.filter((e) => e.values.attack === marker).length),
          0,
        )
        row.dataLost += lost
        expect(lost).toBe(0)
        // The version switched away from is still readable (retired, within its grace period).
        const info = (await writer.views()).find((v) => v.definition.name === 'team_ratings')!
        expect(info.versions.find((v) => v.version === previous)?.state).toBe('retired')
      }
    } finally {
      await readers.stop()
      await writer.close()
      await reader.close()
    }
    expect(readers.stats.mixed).toBe(0)
    expect(readers.stats.wrongVersion).toBe(0)
    row.note = `${readers.stats.reads} reads, ${readers.stats.unavailable} told unreachable, 0 mixed`
  })
})
