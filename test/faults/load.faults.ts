/**
 * Load: 50 concurrent API calls of mixed kinds through the browser bridge (real HTTP on loopback, the
 * token, the app's dispatch over a real data folder) for 60 s while the training pipeline runs again and
 * again. Zero errors, p99 latency in the report, and the heap after (forced GC) at most 1.2 × the heap
 * before. In-process, so the heap measured is the server's (vitest runs this file with --expose-gc).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { startBridge, type BridgeServer } from '../../main/bridge/server'
import { createScoreline, type Scoreline } from '../../main/core/scoreline'
import { mulberry32 } from '../../main/model/simulate/simulateLeague'
import { openDatabase } from '../../main/services/data/db'
import { importSimulatedLeagues } from '../../main/services/training/testing/simulatedStore'
import { scenario } from './support/report'

const SECONDS = Number(process.env.SCORELINE_FAULTS_LOAD_SECONDS ?? 60)
const CONCURRENCY = 50
const IDLE_MS = 6000
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const CALLS: [string, unknown][] = [
  ['app.ping', { message: 'load' }],
  ['app.info', {}],
  ['data.status', {}],
  ['data.leagues', {}],
  ['data.teams', { league: 'E0' }],
  ['data.matches', { league: 'E0', limit: 200, withOdds: true }],
  ['data.leagueTable', { league: 'E1', season: '2020-21' }],
  ['features.views', {}],
  ['features.stats', {}],
  ['tracking.searchRuns', { limit: 50 }],
  ['training.status', {}],
  ['training.history', { limit: 10 }],
  ['jackpots.list', {}],
]

function gcHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) throw new Error('run with --expose-gc (vitest.faults.config.ts sets it)')
  for (let i = 0; i < 3; i++) gc()
  return process.memoryUsage().heapUsed
}

describe('load through the browser bridge', () => {
  let home: string
  let scoreline: Scoreline
  let bridge: BridgeServer
  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'scoreline-faults-load-'))
    const db = openDatabase(path.join(home, 'scoreline.sqlite'))
    importSimulatedLeagues(db, [
      { code: 'E0', teams: 8, seasons: 3, seed: 3 },
      { code: 'E1', teams: 8, seasons: 3, seed: 5 },
    ])
    db.close()
    scoreline = createScoreline({ shell: 'browser-bridge', flags: { home }, env: { HOME: home } })
    bridge = await startBridge({ dispatch: scoreline.dispatch, events: scoreline.events })
  })
  afterAll(async () => {
    await bridge?.close()
    await scoreline?.close()
    if (home) rmSync(home, { recursive: true, force: true })
  })

  scenario(
    `load: ${CONCURRENCY} concurrent bridge calls for ${SECONDS} s during pipeline runs`,
    async (row) => {
      const call = async (name: string, input: unknown): Promise<unknown> => {
        const res = await fetch(`${bridge.url}api/${name}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-scoreline-token': bridge.token },
          body: JSON.stringify(input),
        })
        const body = (await res.json()) as { ok: boolean; error?: { code: string; message: string } }
        if (res.status !== 200 || !body.ok)
          throw new Error(`${name}: HTTP ${res.status} ${JSON.stringify(body.error)}`)
        return body
      }
      // Warm up every kind once and one whole pipeline (modules loaded on first use, worker pool,
      // prepared statements), so the heap comparison measures what the load leaves behind.
      for (const [name, input] of CALLS) await call(name, input)
      const first = await scoreline.dispatch(
        'training.runPipeline',
        { wait: true, trigger: 'manual' },
        { transport: 'test' },
      )
      expect(first.ok).toBe(true)
      await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => call(...CALLS[i % CALLS.length])))
      // Both heap readings are taken once idle keep-alive sockets (client and server live in this
      // process) have closed, so they compare like with like.
      await sleep(IDLE_MS)
      const heapBefore = gcHeap()

      let stop = false
      let pipelines = 0
      const pipelineErrors: string[] = []
      const driver = (async () => {
        while (!stop) {
          const r = await scoreline.dispatch(
            'training.runPipeline',
            { wait: true, trigger: 'manual' },
            { transport: 'test' },
          )
          if (!r.ok) pipelineErrors.push(r.error.message)
          else pipelines++
        }
      })()
      // make sure a pipeline is running before the clock starts
      const wait0 = Date.now()
      while (Date.now() - wait0 < 10_000) {
        const s = await scoreline.dispatch('training.status', {}, { transport: 'test' })
        if (s.ok && (s.value as { current: unknown }).current) break
        await new Promise((r) => setTimeout(r, 20))
      }

      const loop = monitorEventLoopDelay({ resolution: 10 })
      loop.enable()
      const latencies: number[] = []
      const byKind = new Map<string, number[]>()
      const errors: string[] = []
      const deadline = performance.now() + SECONDS * 1000
      const worker = async (seed: number) => {
        const rng = mulberry32(seed)
        while (performance.now() < deadline) {
          const [name, input] = CALLS[Math.floor(rng() * CALLS.length)]
          const t0 = performance.now()
          try {
            await call(name, input)
            const ms = performance.now() - t0
            latencies.push(ms)
            byKind.set(name, [...(byKind.get(name) ?? []), ms])
          } catch (error) {
            errors.push((error as Error).message)
          }
        }
      }
      await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => worker(1000 + i)))
      loop.disable()
      stop = true
      await driver
      await sleep(IDLE_MS)
      const heapAfter = gcHeap()

      latencies.sort((a, b) => a - b)
      const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]
      row.runs = latencies.length + errors.length
      row.failures = errors.length
      row.p99Ms = p(0.99)
      const kindP99 = [...byKind]
        .map(([name, ms]) => [name, ms.sort((a, b) => a - b)[Math.floor(0.99 * ms.length)]] as const)
        .sort((a, b) => b[1] - a[1])
      row.note =
        `${pipelines} pipeline runs; p50 ${p(0.5).toFixed(0)} ms; slowest p99 ${kindP99
          .slice(0, 2)
          .map(([n, ms]) => `${n} ${ms.toFixed(0)} ms`)
          .join(', ')}; event-loop delay max ${(loop.max / 1e6).toFixed(0)} ms; ` +
        `heap ${(heapBefore / 1e6).toFixed(1)} → ${(heapAfter / 1e6).toFixed(1)} MB (×${(heapAfter / heapBefore).toFixed(2)})`
      expect(errors.slice(0, 3)).toEqual([])
      expect(pipelineErrors).toEqual([])
      expect(pipelines).toBeGreaterThan(0)
      expect(latencies.length).toBeGreaterThan(CONCURRENCY)
      expect(heapAfter).toBeLessThanOrEqual(1.2 * heapBefore)
    },
    SECONDS * 1000 + 150_000,
  )
})
