/**
 * Pricing speed (issue #19): 500 fixtures to come across 5 leagues priced with their champions through the
 * one served rule (`priceFixture`: model, market from the snapshots, blend, calibrator, edges, EV, warnings and
 * the explanation ending at the served number) ≤ 100 ms. Baseline in the same run: the bare
 * `predictFixture` loop over the same fixtures. Simulated leagues and invented prices only.
 * Run directly: `npx tsx bench/pricing.bench.ts` prints the table.
 */
import { predictFixture } from '../main/model/dixonColes'
import { mulberry32 } from '../main/model/simulate/simulateLeague'
import type { LeagueModel } from '../main/services/jackpots/leagueModel'
import { priceFixture, priceFixtures, type FixtureToPrice } from '../main/services/pricing'
import { inventedSnapshots, simulatedLeagueModel, TEMPERATURE } from '../main/services/pricing/testing'
import { isMain, median, printResults, type BenchResult } from './support'

const LEAGUES = ['E0', 'D1', 'SP1', 'I1', 'F1']
const PER_LEAGUE = 100
const RUNS = 25

function setup(): { models: Map<string, LeagueModel>; fixtures: FixtureToPrice[] } {
  const models = new Map<string, LeagueModel>()
  LEAGUES.forEach((league, i) =>
    models.set(
      league,
      simulatedLeagueModel({
        league,
        seed: 10 + i,
        teams: 20,
        seasons: 3,
        // every stage in play across the leagues: market served, blend, blend + calibrator
        blend: { kind: 'log', alpha: i % 3 === 0 ? 0 : 0.3 },
        calibrator: i % 2 === 0 ? TEMPERATURE : null,
      }),
    ),
  )
  const rng = mulberry32(99)
  const fixtures: FixtureToPrice[] = []
  for (const league of LEAGUES) {
    const teams = models.get(league)!.model.teams.map((t) => t.name)
    const date = models.get(league)!.model.asOf
    for (let k = 0; k < PER_LEAGUE; k++) {
      const h = Math.floor(rng() * teams.length)
      const a = (h + 1 + Math.floor(rng() * (teams.length - 1))) % teams.length
      fixtures.push({
        league,
        home: teams[h],
        away: teams[a],
        date,
        snapshots: k % 10 === 9 ? [] : inventedSnapshots(`${date}T09:00:00.000Z`, (rng() - 0.5) * 0.6),
      })
    }
  }
  return { models, fixtures }
}

/** Median and fastest of `runs` timed calls after `warmup` untimed ones (the fastest shows the cost on an
 * idle core; the median also carries whatever else the machine is doing). */
async function timed(fn: () => unknown, runs = RUNS, warmup = 5): Promise<{ median: number; min: number }> {
  for (let i = 0; i < warmup; i++) await fn()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await fn()
    times.push(performance.now() - t0)
  }
  return { median: median(times), min: Math.min(...times) }
}

export async function run(): Promise<BenchResult[]> {
  const { models, fixtures } = setup()
  const n = fixtures.length
  const provider = { get: async (league: string) => models.get(league)! }
  const baseline = await timed(() => {
    for (const f of fixtures) predictFixture(models.get(f.league)!.model, f.home, f.away)
  })
  const full = await timed(() => fixtures.map((f) => priceFixture(models.get(f.league)!, f)))
  const numbersOnly = await timed(() =>
    fixtures.map((f) => priceFixture(models.get(f.league)!, f, { explain: false })),
  )
  const batch = await timed(() => priceFixtures(fixtures, provider))
  const note = (t: { median: number; min: number }) =>
    `${(t.median / baseline.median).toFixed(1)}× the bare predictFixture loop; fastest run ${t.min.toFixed(1)} ms`
  return [
    {
      name: `baseline: predictFixture × ${n} (5 leagues × 20 teams)`,
      median_ms: baseline.median,
      runs: RUNS,
      note: `fastest run ${baseline.min.toFixed(1)} ms`,
    },
    {
      name: `priceFixture × ${n} with explanations`,
      median_ms: full.median,
      runs: RUNS,
      target_ms: 100,
      note: note(full),
    },
    {
      name: `priceFixture × ${n}, numbers only (feature view)`,
      median_ms: numbersOnly.median,
      runs: RUNS,
      note: note(numbersOnly),
    },
    {
      name: `priceFixtures (priceUpcoming's batch, models looked up once) × ${n}`,
      median_ms: batch.median,
      runs: RUNS,
      target_ms: 100,
      note: note(batch),
    },
  ]
}

if (isMain(import.meta.url)) printResults(await run())
