/**
 * Invented football-data `fixtures.csv` files (seeded): fixtures to come across leagues, for teams that exist
 * in the simulated seasons (simulatedSeasonCsv.ts), with Bet365 / Pinnacle / market max / market average
 * 1X2, over/under 2.5 and Asian-handicap prices built from each fixture's Dixon-Coles probabilities with a
 * margin. Nothing is copied from a real file. Used by the fixtures importer's tests, the downloader's
 * loopback server, benches, and the pricing / UI / end-to-end helpers.
 */
import { outcomeProbabilities, overUnder, scoreMatrix } from '../../../model/dixonColes/predict'
import { doubleRoundRobin, mulberry32, randomTeams } from '../../../model/simulate/simulateLeague'
import { promotionSeasons } from './simulatedSeasonCsv'

export const FIXTURES_HEADER =
  'Div,Date,Time,HomeTeam,AwayTeam,B365H,B365D,B365A,PSH,PSD,PSA,MaxH,MaxD,MaxA,AvgH,AvgD,AvgA,' +
  'B365>2.5,B365<2.5,P>2.5,P<2.5,Max>2.5,Max<2.5,Avg>2.5,Avg<2.5,' +
  'AHh,B365AHH,B365AHA,PAHH,PAHA,MaxAHH,MaxAHA,AvgAHH,AvgAHA'

export interface SimulatedFixturesLeague {
  league: string
  teams: readonly string[]
}

export interface SimulatedFixturesOptions {
  leagues: readonly SimulatedFixturesLeague[]
  /** Fixtures in all (spread over the leagues in turn); at most each league's double round robin. */
  count: number
  /** Saturday of the first round, YYYY-MM-DD (rounds follow weekly). */
  startDate: string
  seed?: number
  /** Multiplies every price's implied probability by (1 + drift·noise): a later "snapshot" of the market. */
  drift?: number
}

/** The E0 and E1 teams of the last simulated season (promotionSeasons: E0 2032-33, E1 2032-33). */
export function simulatedFixtureLeagues(seed = 7): SimulatedFixturesLeague[] {
  const seasons = promotionSeasons(seed)
  const e0 = seasons.filter((s) => s.league === 'E0').at(-1)!
  const e1 = seasons.find((s) => s.league === 'E1')!
  return [
    { league: 'E0', teams: e0.teams },
    { league: 'E1', teams: e1.teams },
  ]
}

const KICKOFFS = ['12:30', '15:00', '15:00', '15:00', '17:30', '20:00']
const ddmmyyyy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`
const quoted = (s: string) => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

/** Decimal prices of probabilities p with a multiplicative margin and seeded noise (2 decimals). */
function prices(p: readonly number[], margin: number, rng: () => number, drift: number): string[] {
  return p.map((q) => (1 / (q * margin * (1 + (rng() - 0.5) * (0.02 + drift)))).toFixed(2))
}

/** The CSV text of an invented fixtures file. */
export function simulatedFixturesCsv(opts: SimulatedFixturesOptions): string {
  const seed = opts.seed ?? 19
  const drift = opts.drift ?? 0
  const rng = mulberry32(seed ^ 0xf1c5)
  const schedules = opts.leagues.map((l, i) => {
    const ratings = randomTeams(l.teams.length, seed + i)
    return { ...l, ratings, rounds: doubleRoundRobin(l.teams.length).flat(), next: 0 }
  })
  const rows: { date: string; time: string; line: string }[] = []
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
    const h = s.ratings[hi]
    const a = s.ratings[ai]
    const lambda = Math.exp(0.25 + h.attack + a.defence)
    const mu = Math.exp(a.attack + h.defence)
    const p = outcomeProbabilities(lambda, mu, -0.08)
    const ou = overUnder(scoreMatrix(lambda, mu, -0.08), 2.5)
    const line = -Math.round((lambda - mu) * 4) / 4
    const ah = [0.5, 0.5]
    const cells = [
      s.league,
      ddmmyyyy(date),
      time,
      quoted(s.teams[hi]),
      quoted(s.teams[ai]),
      ...prices(p, 1.05, rng, drift),
      ...prices(p, 1.025, rng, drift),
      ...prices(p, 1.0, rng, drift),
      ...prices(p, 1.04, rng, drift),
      ...prices([ou.over, ou.under], 1.05, rng, drift),
      ...prices([ou.over, ou.under], 1.025, rng, drift),
      ...prices([ou.over, ou.under], 1.0, rng, drift),
      ...prices([ou.over, ou.under], 1.04, rng, drift),
      line === 0 ? '0' : String(line),
      ...prices(ah, 1.05, rng, drift),
      ...prices(ah, 1.025, rng, drift),
      ...prices(ah, 1.0, rng, drift),
      ...prices(ah, 1.04, rng, drift),
    ]
    rows.push({ date, time, line: cells.join(',') })
  }
  rows.sort((x, y) => (x.date + x.time < y.date + y.time ? -1 : x.date + x.time > y.date + y.time ? 1 : 0))
  return [FIXTURES_HEADER, ...rows.map((r) => r.line)].join('\n') + '\n'
}
