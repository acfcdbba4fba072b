// Goal-model variants (#12): for every registered variant, the time of one fit on three seasons of real
// EPL data (2020-21..2022-23, ξ 0.0019) and of a walk-forward season (2023-24, refit before every match
// date, warm-started, model only), with Dixon-Coles as the baseline measured in the same run.
// `npx tsx bench/variants.bench.ts` prints a table; `run()` returns the rows for bench/run.ts (which picks up
// every bench/*.bench.ts). Without ../shared/data the same shapes are simulated (with shots and a market).
// Every fit is cold (no previous fit, so a fresh inversion cache) and every walk-forward starts from nothing.
// Each case is timed alternately with the Dixon-Coles baseline (`timeAgainst`), after a warm-up of both.
import os from 'node:os'
import path from 'node:path'
import { footballDataDir } from '../test/support/sharedData'
import { walkForward, type BacktestMatch } from '../main/model/backtest'
import { simulateLeagueForVariants } from '../main/model/backtest/simulatedMarket'
import { availableVariants, requireVariant, type VariantId } from '../main/model/variants'
import { readFootballDataFile } from '../main/services/data/csv'
import { variantExtras } from '../main/cli/commands/modelInput'
import { type BenchResult, isMain, median, printResults } from './support'

const SEASONS = ['2020-21', '2021-22', '2022-23', '2023-24']
const FIT_FROM = '2020-07-01'
const FIT_AS_OF = '2023-06-30'
const WF_FROM = '2023-07-01'
// #23: the variant `--model auto` picks in every league (35 ms and 731 ms before)
const TARGET_MARKET_FIT = 5
const TARGET_MARKET_WALK = 200

async function loadData(): Promise<{ matches: BacktestMatch[]; source: string }> {
  const dir = footballDataDir()
  if (dir) {
    const matches: BacktestMatch[] = []
    for (const s of SEASONS) {
      for (const r of (await readFootballDataFile(path.join(dir, 'E0', `E0_${s}.csv`))).rows) {
        if (r.homeGoals === null || r.awayGoals === null) continue
        matches.push({
          date: r.date,
          home: r.home,
          away: r.away,
          homeGoals: r.homeGoals,
          awayGoals: r.awayGoals,
          league: r.league,
          ...variantExtras(r, 'multiplicative'),
        })
      }
    }
    return { matches, source: 'E0 CSVs' }
  }
  const { matches } = simulateLeagueForVariants({
    teams: 20,
    seasons: 4,
    seed: 2024,
    startDate: '2020-08-12',
  })
  return { matches, source: 'simulated 20-team league' }
}

interface Timing {
  /** Median wall time (ms). */
  ms: number
  /** Median CPU time (ms) of the same runs (the process's; one thread computes). */
  cpu: number
  /** Fastest wall time (ms): on a loaded machine the least disturbed run, the best guide to an idle one. */
  min: number
}

/**
 * `fn` and the Dixon-Coles baseline `base` timed alternately, `runs` times each: both medians come from the
 * same minutes of the same process, so the ratio holds on a machine whose load changes (#23). On a loaded
 * machine the wall time also counts the time other processes held the core; the CPU time does not.
 */
function timeAgainst(fn: () => unknown, base: () => unknown, runs: number): { case: Timing; base: Timing } {
  const one = (f: () => unknown): [number, number] => {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    f()
    const wall = performance.now() - t0
    const c = process.cpuUsage(c0)
    return [wall, (c.user + c.system) / 1000]
  }
  const a: [number, number][] = []
  const b: [number, number][] = []
  for (let i = 0; i < runs; i++) {
    a.push(one(fn))
    b.push(one(base))
  }
  const timing = (xs: [number, number][]) => ({
    ms: median(xs.map((x) => x[0])),
    cpu: median(xs.map((x) => x[1])),
    min: Math.min(...xs.map((x) => x[0])),
  })
  return { case: timing(a), base: timing(b) }
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(0))

/** The note of a row: its ratio to the baseline measured alongside, both CPU times, the load. */
function note(id: string, t: { case: Timing; base: Timing }): string {
  const load = `load average ${os.loadavg()[0].toFixed(1)}`
  if (id === 'dixon-coles')
    return `baseline; CPU ${fmt(t.case.cpu)} ms, fastest ${fmt(t.case.min)} ms, ${load}`
  return (
    `${(t.case.ms / t.base.ms).toFixed(1)}× dixon-coles (${fmt(t.base.ms)} ms alongside); ` +
    `CPU ${fmt(t.case.cpu)} ms vs ${fmt(t.base.cpu)} ms; fastest ${fmt(t.case.min)} ms vs ${fmt(t.base.min)} ms, ${load}`
  )
}

/** Fits before timing: the first few dozen fits of a process run in unoptimised code (JIT warm-up). */
const FIT_WARM_UP = 15
/** Timed fits of each case (and as many of the baseline, alternately). */
const FIT_RUNS = 21

export async function run(): Promise<BenchResult[]> {
  const { matches, source } = await loadData()
  const sorted = [...matches].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
  const history = sorted.filter((m) => m.date >= FIT_FROM && m.date <= FIT_AS_OF)
  const teams: string[] = []
  for (const m of history) for (const t of [m.home, m.away]) if (!teams.includes(t)) teams.push(t)
  const ctx = { asOf: FIT_AS_OF, from: FIT_FROM, xi: 0.0019, teams }
  const rows: BenchResult[] = []
  // every variant with its defaults, and the market variant with its shots-on-target term (a grid point)
  const cases: { id: VariantId; label: string; params?: Record<string, number> }[] = [
    ...availableVariants().map((id) => ({ id, label: id })),
    { id: 'market', label: 'market + shots', params: { w: 256, marketXi: 0.03, shotsW: 64, shotsXi: 0.1 } },
  ]
  // The baseline, timed beside every case (it was timed once, first, when its 3 warm-up fits left it
  // half-compiled: 7.66 ms where a warmed-up fit takes ~1.6, and every ratio to it was off, #23).
  const dc = requireVariant('dixon-coles')
  const dcFit = () => dc.fit(history, ctx)
  const dcWalk = () => walkForward(matches, { from: WF_FROM, model: 'dixon-coles', modelOnly: true })
  for (let i = 0; i < FIT_WARM_UP; i++) dcFit()
  dcWalk()
  for (const { id, label, params } of cases) {
    const variant = requireVariant(id)
    try {
      const fitCtx = { ...ctx, ...(params ? { params } : {}) }
      const fit = () => variant.fit(history, fitCtx)
      for (let i = 0; i < FIT_WARM_UP; i++) fit()
      const fitTimes = timeAgainst(fit, dcFit, FIT_RUNS)
      rows.push({
        name: `${label}: fit, 3 seasons (${history.length} matches, ${source})`,
        median_ms: fitTimes.case.ms,
        runs: FIT_RUNS,
        ...(label === 'market' ? { target_ms: TARGET_MARKET_FIT } : {}),
        note: note(id, fitTimes),
      })
      let refits = 0
      const walk = () => {
        const r = walkForward(matches, { from: WF_FROM, model: id, params, modelOnly: true })
        refits = r.refits.length
      }
      walk() // warm-up
      const walkTimes = timeAgainst(walk, dcWalk, 3)
      rows.push({
        name: `${label}: walk-forward season (${refits} refits)`,
        median_ms: walkTimes.case.ms,
        runs: 3,
        ...(label === 'market' ? { target_ms: TARGET_MARKET_WALK } : {}),
        note: note(id, walkTimes),
      })
    } catch (error) {
      rows.push({ name: `${label}: FAILED: ${(error as Error).message}`, median_ms: NaN, runs: 0 })
    }
  }
  return rows
}

if (isMain(import.meta.url)) printResults(await run())
