/**
 * Redis restarted (SIGKILL, then started again on the same port and append-only file) in the middle of
 * a bulk feature write and during a version switch, on a private redis-server. Readers (another app
 * instance) poll every league the whole time: they may be told Redis is unreachable, but they never see
 * two versions mixed in one read, nor a version whose writing had not finished. After the restart the
 * same store instance reconnects by itself and the rewrite / switch completes.
 */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { rebuildFeatureViews } from '../../main/services/features/rebuildFeatures'
import { RedisFeatureStore } from '../../main/services/features/redisFeatureStore'
import { lineage, simulatedChampions } from '../../main/services/features/testing/fixtures'
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

// ---------------------------------------------------------------------------------------------------
// One rebuild, one switch (#21): the connection to Redis is cut after the k-th write of a rebuild, for
// every k from the first write to the last (and Redis itself SIGKILLed and restarted at every fifth
// k). After each fault, the views active in Redis all come from one rebuild — the one before or the one
// cut — never team_ratings of one beside team_form of the other; the error says what is active.

/** Commands that change Redis (scripts counted as writes: most of the store's writes are scripts). */
const WRITE_COMMANDS = new Set(
  'EVAL EVALSHA HSET HDEL SET DEL UNLINK LPUSH LTRIM MULTI EXEC PEXPIREAT PERSIST SADD ZADD INCR'.split(' '),
)

/** The name of the RESP command starting at `at` (its first bulk string). */
function respCommandName(buf: Buffer, at: number): string {
  const first = buf.indexOf('\r\n', buf.indexOf('\r\n', at) + 2)
  const bulkStart = buf.indexOf('\r\n', at) + 2
  const len = Number(buf.toString('latin1', bulkStart + 1, first))
  return buf.toString('latin1', first + 2, first + 2 + len).toUpperCase()
}

/** Offset just past the RESP command starting at `at` in `buf`, or -1 if it is not complete yet. */
function respCommandEnd(buf: Buffer, at: number): number {
  const line = (from: number) => {
    const end = buf.indexOf('\r\n', from)
    return end < 0 ? null : { value: Number(buf.toString('latin1', from + 1, end)), next: end + 2 }
  }
  const head = line(at)
  if (!head) return -1
  let p = head.next
  for (let i = 0; i < head.value; i++) {
    const bulk = line(p)
    if (!bulk) return -1
    p = bulk.next + bulk.value + 2
    if (p > buf.length) return -1
  }
  return p
}

/** A loopback proxy that counts the client's Redis writes and, once armed, cuts right after the k-th. */
class CommandCutProxy {
  port = 0
  commands = 0
  private limit: number | null = null
  private onCut: (() => void) | null = null
  private readonly sockets = new Set<net.Socket>()
  private constructor(private readonly server: net.Server) {}

  static async start(target: number): Promise<CommandCutProxy> {
    const proxy: CommandCutProxy = new CommandCutProxy(net.createServer((c) => proxy.handle(c, target)))
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve))
    proxy.port = (proxy.server.address() as net.AddressInfo).port
    return proxy
  }

  /** Counts from zero; once `k` more writes have been forwarded, every connection is cut. */
  arm(k: number | null, onCut?: () => void): void {
    this.commands = 0
    this.limit = k
    this.onCut = onCut ?? null
  }

  private cutAll(): void {
    for (const s of this.sockets) s.destroy()
  }

  private handle(client: net.Socket, target: number): void {
    const upstream = net.connect({ host: '127.0.0.1', port: target })
    for (const s of [client, upstream]) {
      this.sockets.add(s)
      s.on('close', () => this.sockets.delete(s))
      s.on('error', () => undefined)
    }
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
    upstream.on('data', (d: Buffer) => client.write(d))
    let pending = Buffer.alloc(0)
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk])
      let sent = 0
      for (;;) {
        const end = respCommandEnd(pending, sent)
        if (end < 0) break
        const name = respCommandName(pending, sent)
        sent = end
        if (!WRITE_COMMANDS.has(name)) continue
        this.commands++
        if (this.limit !== null && this.commands >= this.limit) {
          const onCut = this.onCut
          this.limit = null
          upstream.write(pending.subarray(0, sent), () => {
            this.cutAll()
            onCut?.()
          })
          pending = Buffer.alloc(0)
          return
        }
      }
      if (sent > 0) upstream.write(pending.subarray(0, sent))
      pending = pending.subarray(sent)
    })
  }

  async close(): Promise<void> {
    this.cutAll()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

describe('Redis faults: one rebuild, one switch', () => {
  let server: ThrowawayRedis
  let proxy: CommandCutProxy
  const prefix = `scoreline:faults:switch:${Date.now().toString(36)}:`
  const leagues = ['E0', 'D1']
  const { matches, models } = simulatedChampions(leagues, { teams: 12, teamSeed: 300, matchSeed: 11 })
  const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10)
  const fixtures = leagues.map((league) => ({
    league,
    date: soon,
    home: `${league} Team 01`,
    away: `${league} Team 02`,
  }))
  const VIEWS = ['team_ratings', 'team_form', 'match_probabilities'] as const

  beforeAll(async () => {
    server = await startThrowawayRedis()
    proxy = await CommandCutProxy.start(server.port)
  })
  afterAll(async () => {
    const direct = await RedisFeatureStore.connect({ url: server.url, keyPrefix: prefix }).catch(() => null)
    await direct?.deleteAll()
    await direct?.close()
    await proxy?.close()
    await server?.dispose()
  })

  const rebuild = (store: RedisFeatureStore, marker: string) =>
    rebuildFeatureViews({
      store,
      matches,
      models,
      modelVersion: marker,
      runId: `run-${marker}`,
      asOf: '2024-06-01',
      fixtures,
      writtenBy: 'faults',
    })

  /** The rebuild each view's active version came from (its lineage's model version), read directly. */
  async function activeRebuilds(): Promise<string[]> {
    const direct = await untilOk(() =>
      RedisFeatureStore.connect({ url: server.url, keyPrefix: prefix, chunkSize: 5 }),
    )
    try {
      const views = await direct.views()
      return await Promise.all(
        VIEWS.map(async (name) => {
          const info = views.find((v) => v.definition.name === name)!
          const active = info.versions.find((v) => v.version === info.activeVersion)
          // the active version is whole: every team of every league is readable
          if (name !== 'match_probabilities') {
            for (const league of leagues) {
              const read = await direct.getTeams(name, league)
              if (read.entities.length !== 12)
                throw new Error(`${name}@${read.version} ${league}: ${read.entities.length} teams`)
            }
          }
          return active?.lineage.modelVersion ?? 'none'
        }),
      )
    } finally {
      await direct.close()
    }
  }

  scenario('redis: connection cut / Redis killed at every write of a rebuild', async (row) => {
    const connect = () =>
      RedisFeatureStore.connect({
        url: `redis://127.0.0.1:${proxy.port}`,
        keyPrefix: prefix,
        chunkSize: 5,
        commandTimeoutMs: 2000,
        maxRetriesPerRequest: 0,
      })
    // the rebuild before the faults, and how many commands one rebuild sends
    const first = await connect()
    proxy.arm(null)
    await rebuild(first, 'r0')
    const total = proxy.commands
    await first.close()
    expect(await activeRebuilds()).toEqual(['r0', 'r0', 'r0'])
    expect(total).toBeGreaterThan(20)

    let before = 'r0'
    let switched = 0
    let restarts = 0
    // every k up to the first rebuild that completes before its k-th write (a rebuild that replaces
    // versions sends a few more writes than the first one, `total`: settling the old versions' expiries)
    let k = 0
    for (let cut = true; cut && k < total + 40;) {
      k++
      const marker = `r${k}`
      const store = await untilOk(connect)
      const kill = k % 5 === 0
      let killing: Promise<void> | null = null
      cut = false
      proxy.arm(k, () => {
        cut = true
        if (kill) killing = server.kill()
      })
      const error = await rebuild(store, marker).then(
        () => null,
        (e: unknown) => e as Error & { code?: string },
      )
      await store.close()
      row.runs++
      if (killing) {
        await killing
        await server.start()
        restarts++
      }
      proxy.arm(null)
      const t0 = performance.now()
      const active = await activeRebuilds()
      row.recoveryMs = Math.max(row.recoveryMs ?? 0, performance.now() - t0)
      // all from one rebuild: the one before, or this one when its switch got through before the cut
      const from = new Set(active)
      if (from.size !== 1) row.dataLost++
      expect(from.size, `k=${k}: active ${VIEWS.map((v, i) => `${v} from ${active[i]}`).join(', ')}`).toBe(1)
      expect([before, marker]).toContain(active[0])
      if (error) {
        expect(error.message, `k=${k}`).toMatch(
          /Nothing of this rebuild was switched|Nothing switched|The switch did happen|either all of the previous versions or all of/,
        )
      }
      if (process.env.DEBUG_SWITCH) console.log(k, active.join(','), error?.message?.slice(0, 300))
      if (active[0] === marker) switched++
      before = active[0]
    }
    expect(k).toBeGreaterThan(total)
    row.note = `${k - 1} writes per rebuild, the connection cut after each (${restarts} with Redis SIGKILLed); ${switched} cuts after the switch, 0 mixed`
  })
})
