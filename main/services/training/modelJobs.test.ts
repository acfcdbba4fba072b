import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fitDixonColes, toMatchArrays } from '../../model/dixonColes'
import { selectXi, walkForward } from '../../model/backtest'
import { simulateLeagueWithOdds } from '../../model/backtest/simulatedMarket'
import { createWorkerPool, type WorkerPool } from './workerPool'
import { backtestInPool, fitInPool, poolXiMap } from './modelJobClient'
import { packMatches, unpackMatches } from './packedMatches'

// A small league: 10 teams, 3 seasons, backtest over the last half season.
const { matches } = simulateLeagueWithOdds({ teams: 10, seasons: 3, seed: 11 })
const from = matches[Math.floor(matches.length * 0.85)].date

describe('model jobs on the worker pool', () => {
  let pool: WorkerPool
  beforeAll(() => {
    pool = createWorkerPool({ workerUrl: new URL('./modelWorker.ts', import.meta.url), size: 2 })
  })
  afterAll(() => pool.close())

  it('packs matches and odds into typed arrays and back without loss', () => {
    const withGaps = matches.map((m, i) => (i % 7 === 0 ? { ...m, odds: null } : m))
    const packed = packMatches(withGaps)
    expect(packed.odds).toBeInstanceOf(Float64Array)
    expect(packed.home).toBeInstanceOf(Int32Array)
    expect(unpackMatches(packed)).toEqual(withGaps.map((m) => ({ ...m, odds: m.odds ?? null })))
  })

  it('fits in a worker exactly as in this thread, reporting the log-likelihood', async () => {
    const data = toMatchArrays(matches)
    const lls: number[] = []
    const remote = await fitInPool(
      pool,
      data,
      { xi: 0.0019 },
      { onProgress: (p) => p.logLikelihood && lls.push(p.logLikelihood) },
    )
    const local = fitDixonColes(data, { xi: 0.0019 })
    expect(remote).toEqual(local)
    expect(lls).toEqual([local.logLikelihood])
  })

  it('backtests in a worker exactly as in this thread', async () => {
    const options = { from, xi: 0.002, minHistory: 20 }
    const remote = await backtestInPool(pool, matches, options)
    expect(remote.metrics).toEqual(walkForward(matches, options).metrics)
  })

  it('fans the ξ grid out across workers with the same choice as the sequential search', async () => {
    const grid = [0, 0.002, 0.005]
    const progress: number[] = []
    const parallel = await selectXi(
      matches,
      { from },
      grid,
      poolXiMap(pool, { onProgress: (d) => progress.push(d) }),
    )
    const sequential = await selectXi(matches, { from }, grid)
    expect(parallel).toEqual(sequential)
    expect(progress).toEqual([1, 2, 3])
  })

  it('cancels the remaining grid points when the search is aborted', async () => {
    const controller = new AbortController()
    // Twelve points, aborted as soon as the first is running: the search cannot finish first
    // (a fixed delay raced against fast machines, where four points finished in under 50 ms).
    const search = selectXi(
      matches,
      { from },
      Array.from({ length: 12 }, (_, i) => i * 0.0005),
      poolXiMap(pool, { signal: controller.signal }),
    )
    const started = performance.now()
    while (!pool.jobs().some((j) => j.state === 'running') && performance.now() - started < 5000) {
      await new Promise((r) => setTimeout(r, 1))
    }
    controller.abort()
    await expect(search).rejects.toMatchObject({ code: 'JOB_CANCELLED' })
    const busy = () => pool.jobs().filter((j) => j.state === 'running' || j.state === 'queued')
    const t0 = performance.now()
    while (busy().length > 0 && performance.now() - t0 < 1000) await new Promise((r) => setTimeout(r, 20))
    expect(busy()).toEqual([]) // running points stopped within a second too
    expect(await fitInPool(pool, toMatchArrays(matches.slice(0, 200)), {})).toMatchObject({ nTeams: 10 })
  })
})

describe('final fit with degenerate teams', () => {
  it('leaves out a team that never conceded in the window and says so', async () => {
    const { fitExcludingDegenerate } = await import('./modelJobs')
    const extra = [
      { date: '2030-01-01', home: 'Newcomer', away: matches[0].home, homeGoals: 1, awayGoals: 0 },
      { date: '2030-01-08', home: matches[0].away, away: 'Newcomer', homeGoals: 0, awayGoals: 2 },
    ]
    const data = toMatchArrays([...matches, ...extra])
    // the plain MLE (the default fit rates it from the promoted-team prior instead, #20)
    expect(() => fitDixonColes(data, { shrinkage: false })).toThrow(/never conceded: Newcomer/)
    expect(fitDixonColes(data, {}).teams.map((t) => t.name)).toContain('Newcomer')
    const model = fitExcludingDegenerate(data, { shrinkage: false })
    expect(model.teams.map((t) => t.name)).not.toContain('Newcomer')
    expect(model.warnings.at(-1)).toBe('Left out so that a finite fit exists: Newcomer')
  })
})
