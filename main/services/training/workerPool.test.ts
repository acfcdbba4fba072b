import { monitorEventLoopDelay } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createWorkerPool,
  defaultPoolSize,
  type JobInfo,
  type PoolEvent,
  type WorkerPool,
} from './workerPool'
import { isTrainingError } from './errors'

const testWorker = new URL('./testing/testWorker.ts', import.meta.url)

async function failure(promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    return error as Error & { code: string }
  }
  throw new Error('expected the job to fail')
}

describe('worker pool', () => {
  let pool: WorkerPool
  const events: PoolEvent[] = []
  beforeAll(() => {
    pool = createWorkerPool({ workerUrl: testWorker, size: 2, cancelGraceMs: 200 })
    pool.on((e) => events.push(e))
  })
  afterAll(async () => {
    await pool.close()
  })

  it('sizes itself to the cores minus one, at least one, and refuses a bad size', () => {
    expect(defaultPoolSize()).toBeGreaterThanOrEqual(1)
    expect(pool.size).toBe(2)
    expect(() => createWorkerPool({ workerUrl: testWorker, size: 0 })).toThrow(/≥ 1/)
  })

  it('runs a job to a result, typed arrays arriving as typed arrays', async () => {
    const values = new Float64Array([1, 2, 3.5])
    const handle = pool.submit<{ sum: number; isTyped: boolean }>('sumTyped', { values })
    expect(handle.id).toMatch(/^job-\d+$/)
    expect(await handle.result).toEqual({ sum: 6.5, isTyped: true })
    expect(pool.job(handle.id)?.state).toBe('succeeded')
  })

  it('reports queued → running → succeeded and progress, and queues beyond the pool size', async () => {
    const seen: string[] = []
    const progress: number[] = []
    const off = pool.on((e) => {
      if (e.type === 'job') seen.push(`${e.job.id}:${e.job.state}`)
    })
    const spin = { steps: 3, stepMs: 30, cooperative: true }
    const handles = [0, 1, 2].map((i) =>
      pool.submit('spin', spin, { onProgress: (p) => i === 0 && progress.push(p.fraction) }),
    )
    expect(handles.map((h) => pool.job(h.id)?.state)).toEqual(['running', 'running', 'queued'])
    await Promise.all(handles.map((h) => h.result))
    off()
    const id = handles[2].id
    expect(seen.filter((s) => s.startsWith(`${id}:`))).toEqual([
      `${id}:queued`,
      `${id}:running`,
      `${id}:succeeded`,
    ])
    expect(progress).toEqual([1 / 3, 2 / 3, 1])
  })

  it('cancels a queued job at once and a cooperative running job within a second, keeping the worker', async () => {
    const workersBefore = pool.liveWorkers()
    const long = { steps: 200, stepMs: 25, cooperative: true }
    const a = pool.submit('spin', long)
    const b = pool.submit('spin', long)
    const queued = pool.submit('spin', long)
    expect(queued.cancel()).toBe(true)
    expect(pool.job(queued.id)?.state).toBe('cancelled')
    expect((await failure(queued.result)).code).toBe('JOB_CANCELLED')
    await new Promise((r) => setTimeout(r, 100))
    const t0 = performance.now()
    pool.cancel(a.id)
    b.cancel()
    expect((await failure(a.result)).code).toBe('JOB_CANCELLED')
    expect((await failure(b.result)).code).toBe('JOB_CANCELLED')
    expect(performance.now() - t0).toBeLessThan(1000)
    expect(pool.job(a.id)?.state).toBe('cancelled')
    expect(pool.liveWorkers()).toBe(workersBefore) // noticed the flag: no worker was terminated
    expect(pool.cancel(a.id)).toBe(false)
  })

  it('cancels a job that never checks within a second by terminating and replacing its worker', async () => {
    const stubborn = pool.submit('spin', { steps: 1, stepMs: 20_000, cooperative: false })
    await new Promise((r) => setTimeout(r, 100))
    const t0 = performance.now()
    stubborn.cancel()
    const error = await failure(stubborn.result)
    expect(error.code).toBe('JOB_CANCELLED')
    expect(performance.now() - t0).toBeLessThan(1000)
    expect(pool.job(stubborn.id)?.state).toBe('cancelled')
    expect(await pool.submit('echo', { ok: 1 }).result).toEqual({ ok: 1 })
  })

  it('fails a job past its timeout and runs the next one', async () => {
    const t0 = performance.now()
    const slow = pool.submit('spin', { steps: 1, stepMs: 20_000, cooperative: false }, { timeoutMs: 150 })
    const error = await failure(slow.result)
    expect(error.code).toBe('JOB_TIMEOUT')
    expect(error.message).toMatch(/timed out after 150 ms/)
    expect(performance.now() - t0).toBeLessThan(1500)
    expect(pool.job(slow.id)).toMatchObject({ state: 'failed', error: { code: 'JOB_TIMEOUT' } })
    expect(await pool.submit('echo', 2).result).toBe(2)
  })

  it('fails a job whose payload cannot be sent, without losing the worker', async () => {
    const error = await failure(pool.submit('echo', { fn: () => 1 }).result)
    expect(error.code).toBe('JOB_FAILED')
    expect(error.message).toMatch(/could not be sent to a worker/)
    expect(await pool.submit('echo', 3).result).toBe(3)
  })

  it('fails a job that throws with its own code; the worker stays', async () => {
    const before = events.filter((e) => e.type === 'worker' && e.event === 'crashed').length
    const error = await failure(pool.submit('throwInJob', { message: 'bad input' }).result)
    expect(isTrainingError(error)).toBe(true)
    expect(error).toMatchObject({ code: 'TEST_FAILURE', message: 'bad input' })
    expect(events.filter((e) => e.type === 'worker' && e.event === 'crashed').length).toBe(before)
  })

  it('survives a worker that throws outside the job, exits, or runs out of memory', async () => {
    const thrown = await failure(pool.submit('throwOutside', { message: 'boom from a timer' }).result)
    expect(thrown.code).toBe('WORKER_CRASHED')
    expect(thrown.message).toMatch(/boom from a timer/)

    const exit = pool.submit('exit', { code: 3 })
    const exited = await failure(exit.result)
    expect(exited.code).toBe('WORKER_CRASHED')
    expect(exited.message).toMatch(/exited with code 3/)
    expect((pool.job(exit.id) as JobInfo).state).toBe('failed')

    const small = createWorkerPool({
      workerUrl: testWorker,
      size: 1,
      resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 },
    })
    try {
      const oom = await failure(small.submit('hogMemory', {}).result)
      expect(oom.code).toBe('WORKER_CRASHED')
      expect(oom.message).toMatch(/out of memory/)
      expect(await small.submit('echo', 'still here').result).toBe('still here')
    } finally {
      await small.close()
    }
    // replaced workers: the pool still runs two jobs at once
    const both = [pool.submit('echo', 1), pool.submit('echo', 2)]
    expect(await Promise.all(both.map((h) => h.result))).toEqual([1, 2])
    expect(pool.liveWorkers()).toBeLessThanOrEqual(2)
  })

  it('keeps the main event loop responsive (p99 < 20 ms) while two heavy jobs run', async () => {
    await Promise.all([pool.submit('echo', 0).result, pool.submit('echo', 0).result]) // warm workers
    const measure = async (work: () => Promise<unknown>) => {
      const histogram = monitorEventLoopDelay({ resolution: 2 })
      histogram.enable()
      await work()
      histogram.disable()
      return histogram.percentile(99) / 1e6
    }
    const heavy = { steps: 40, stepMs: 30, cooperative: true }
    const busy = await measure(() =>
      Promise.all([pool.submit('spin', heavy).result, pool.submit('spin', heavy).result]),
    )
    // The same measurement with nothing running: on a machine other work already loads (CI boxes, the
    // shared 2-core box), that is the floor no pool can beat, so the budget is 20 ms above it.
    const idle = await measure(() => new Promise((r) => setTimeout(r, 1200)))
    console.info(
      `event-loop delay p99: ${busy.toFixed(1)} ms with two heavy jobs, ${idle.toFixed(1)} ms idle`,
    )
    if (idle < 10) expect(busy).toBeLessThan(20)
    else expect(busy - idle).toBeLessThan(20)
  })

  it('rejects work after close', async () => {
    const closing = createWorkerPool({ workerUrl: testWorker, size: 1 })
    const running = closing.submit('spin', { steps: 100, stepMs: 20, cooperative: false })
    const queued = closing.submit('echo', 1)
    await closing.close()
    expect((await failure(running.result)).code).toBe('JOB_CANCELLED')
    expect((await failure(queued.result)).code).toBe('POOL_CLOSED')
    expect((await failure(closing.submit('echo', 1).result)).code).toBe('POOL_CLOSED')
  })
})
