/**
 * Invented football-data `fixtures.csv` files (seeded): fixtures to come across leagues, for teams that exist
 * in the simulated seasons (simulatedSeasonCsv.ts), with Bet365 / Pinnacle / market max / market average
 * 1X2, over/under 2.5 and Asian-handicap prices. Nothing is copied from a real file. Used by the fixtures
 * importer's tests, the downloader's loopback server, benches, and the pricing / UI / end-to-end helpers.
 *
 * The prices come from the same true team strengths the simulated seasons were drawn with (a league given
 * with its `season`: `simulatedSeasonParameters`, same seed → same α, β, γ, ρ), so a model fitted on those
 * seasons and the market agree within a few points, as they do on real fixtures: the market's view is the
 * truth with a small seeded error on each side's goal rate (`marketNoise`), each bookmaker adds a realistic
 * margin (Pinnacle 2.5 %, Bet365 5 %, the average 4.5 %, the best price across books none) and a little
 * rounding noise. The fixtures are the next rounds of the simulator's double round robin for those teams.
 */
import { outcomeProbabilities, overUnder, scoreMatrix } from '../../../model/dixonColes/predict'
import { asianHandicap } from '../../../model/pricing/asianHandicap'
import { doubleRoundRobin, mulberry32, normal, randomTeams } from '../../../model/simulate/simulateLeague'
import {
  promotionSeasons,
  simulatedSeasonParameters,
  type SimulatedSeason,
  type SimulatedSeasonParameters,
} from './simulatedSeasonCsv'

export const FIXTURES_HEADER =
  'Div,Date,Time,HomeTeam,AwayTeam,B365H,B365D,B365A,PSH,PSD,PSA,MaxH,MaxD,MaxA,AvgH,AvgD,AvgA,' +
  'B365>2.5,B365<2.5,P>2.5,P<2.5,Max>2.5,Max<2.5,Avg>2.5,Avg<2.5,' +
  'AHh,B365AHH,B365AHA,PAHH,PAHA,MaxAHH,MaxAHA,AvgAHH,AvgAHA'

export interface SimulatedFixturesLeague {
  league: string
  teams: readonly string[]
  /**
   * The simulated season these teams played: the fixtures are priced from its true parameters. Without it
   * the strengths are drawn from the fixtures' own seed (unrelated to any season: model and market disagree).
   */
  season?: Pick<SimulatedSeason, 'teams' | 'seed' | 'clubSeed'>
}

export interface SimulatedFixturesOptions {
  leagues: readonly SimulatedFixturesLeague[]
  /** Fixtures in all (spread over the leagues in turn); at most each league's double round robin. */
  count: number
  /** Saturday of the first round, YYYY-MM-DD (rounds follow weekly). */
  startDate: string
  /** Seeds the market's error and the bookmakers' noise (default 19). */
  seed?: number
  /** Multiplies every price's implied probability by (1 + drift·noise): a later "snapshot" of the market. */
  drift?: number
  /** Standard deviation of the market's error on each side's log goal rate (default 0.03: about a point). */
  marketNoise?: number
}

/** The E0 and E1 teams of the last simulated season (promotionSeasons: E0 2032-33, E1 2032-33), with it. */
export function simulatedFixtureLeagues(
  seed = 7,
  opts: { persistentClubs?: boolean } = {},
): SimulatedFixturesLeague[] {
  const seasons = promotionSeasons(seed, opts)
  const e0 = seasons.filter((s) => s.league === 'E0').at(-1)!
  const e1 = seasons.find((s) => s.league === 'E1')!
  return [
    { league: 'E0', teams: e0.teams, season: e0 },
    { league: 'E1', teams: e1.teams, season: e1 },
  ]
}

/** One simulated fixture to come with its true probabilities (what a perfect model would say). */
export interface SimulatedFixture {
  league: string
  date: string
  time: string
  home: string
  away: string
  lambda: number
  mu: number
  /** True 1X2 probabilities. */
  probabilities: [number, number, number]
  /** True [over, under] 2.5 goals. */
  overUnder25: [number, number]
  /** The home side's handicap the books quote (the most balanced quarter line) and its true [home, away]. */
  ahLine: number
  asianHandicap: [number, number]
  /** The market's margin-free view (the truth with the market's error): [1X2, over/under, AH]. */
  market: {
    probabilities: [number, number, number]
    overUnder25: [number, number]
    asianHandicap: [number, number]
  }
}

const KICKOFFS = ['12:30', '15:00', '15:00', '15:00', '17:30', '20:00']
const ddmmyyyy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`
const quoted = (s: string) => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

function parametersOf(l: SimulatedFixturesLeague, seed: number): SimulatedSeasonParameters {
  if (l.season) return simulatedSeasonParameters(l.season)
  const teams = randomTeams(l.teams.length, seed).map((t, i) => ({ ...t, name: l.teams[i] }))
  return { teams, homeAdvantage: 0.25, rho: -0.08 }
}

/** 1X2, over/under 2.5 and the Asian handicap at `line` (the most balanced line when null) of λ, μ. */
function probabilitiesOf(lambda: number, mu: number, rho: number, line: number | null) {
  const m = scoreMatrix(lambda, mu, rho)
  const ou = overUnder(m, 2.5)
  let ah = line
  if (ah === null) {
    let best = Infinity
    for (let k = -16; k <= 16; k++) {
      const d = Math.abs(asianHandicap(m, k / 4).homeCover - 0.5)
      if (d < best - 1e-12) [best, ah] = [d, k / 4]
    }
  }
  const cover = asianHandicap(m, ah!).homeCover
  return {
    probabilities: outcomeProbabilities(lambda, mu, rho),
    overUnder25: [ou.over, ou.under] as [number, number],
    ahLine: ah!,
    asianHandicap: [cover, 1 - cover] as [number, number],
  }
}

/** The fixtures to come of a simulated fixtures file, with their true and market probabilities. */
export function simulatedFixtures(opts: SimulatedFixturesOptions): SimulatedFixture[] {
  const seed = opts.seed ?? 19
  const noise = opts.marketNoise ?? 0.03
  // the market's error is the same in every snapshot (drift moves the bookmakers' prices, not the truth)
  const marketRng = mulberry32(seed ^ 0x3a7e)
  const schedules = opts.leagues.map((l, i) => ({
    ...l,
    parameters: parametersOf(l, seed + i),
    rounds: doubleRoundRobin(l.teams.length).flat(),
    next: 0,
  }))
  const out: SimulatedFixture[] = []
  for (let k = 0; k < opts.count; k++) {
    const s = schedules[k % schedules.length]
    if (s.next >= s.rounds.length) continue
    const index = s.next++
    const [hi, ai] = s.rounds[index]
    const perRound = Math.floor(s.teams.length / 2)
    const round = Math.floor(index / perRound)
    const slot = index % perRound
    const date = addDays(opts.startDate, round * 7 + (slot === perRound - 1 ? 1 : 0))
    const time = slot === perRound - 1 ? '14:00' : KICKOFFS[slot % KICKOFFS.length]
    const { teams, homeAdvantage, rho } = s.parameters
    const h = teams[hi]
    const a = teams[ai]
    const lambda = Math.exp(homeAdvantage + h.attack + a.defence)
    const mu = Math.exp(a.attack + h.defence)
    const truth = probabilitiesOf(lambda, mu, rho, null)
    const eh = noise * normal(marketRng)
    const ea = noise * normal(marketRng)
    const market = probabilitiesOf(lambda * Math.exp(eh), mu * Math.exp(ea), rho, truth.ahLine)
    out.push({
      league: s.league,
      date,
      time,
      home: s.teams[hi],
      away: s.teams[ai],
      lambda,
      mu,
      ...truth,
      market: {
        probabilities: market.probabilities,
        overUnder25: market.overUnder25,
        asianHandicap: market.asianHandicap,
      },
    })
  }
  return out.sort((x, y) =>
    x.date + x.time < y.date + y.time ? -1 : x.date + x.time > y.date + y.time ? 1 : 0,
  )
}

/** Decimal prices of probabilities p with a multiplicative margin and seeded noise (2 decimals). */
function prices(p: readonly number[], margin: number, rng: () => number, drift: number): string[] {
  return p.map((q) => (1 / (q * margin * (1 + (rng() - 0.5) * (0.01 + drift)))).toFixed(2))
}

/** Overrounds: Bet365, Pinnacle, the best price across books, the market average. */
const MARGINS = { B365: 1.05, PS: 1.025, Max: 1.0, Avg: 1.045 } as const
const BOOKS = [MARGINS.B365, MARGINS.PS, MARGINS.Max, MARGINS.Avg]

/** The CSV text of an invented fixtures file. */
export function simulatedFixturesCsv(opts: SimulatedFixturesOptions): string {
  const drift = opts.drift ?? 0
  const rng = mulberry32((opts.seed ?? 19) ^ 0xf1c5)
  const lines = simulatedFixtures(opts).map((f) =>
    [
      f.league,
      ddmmyyyy(f.date),
      f.time,
      quoted(f.home),
      quoted(f.away),
      ...BOOKS.flatMap((m) => prices(f.market.probabilities, m, rng, drift)),
      ...BOOKS.flatMap((m) => prices(f.market.overUnder25, m, rng, drift)),
      f.ahLine === 0 ? '0' : String(f.ahLine),
      ...BOOKS.flatMap((m) => prices(f.market.asianHandicap, m, rng, drift)),
    ].join(','),
  )
  return [FIXTURES_HEADER, ...lines].join('\n') + '\n'
}
