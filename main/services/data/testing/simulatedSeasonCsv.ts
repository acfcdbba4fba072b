/**
 * Whole football-data.co.uk style season files, simulated (seeded): invented teams, Dixon-Coles scores from
 * the model's own simulator (`main/model/simulate`), shots, and Bet365 / Pinnacle / Pinnacle closing prices
 * built from each fixture's true probabilities with a margin. Nothing is copied from a real season, so
 * importer and sync tests get hundreds of matches, promotions and relegations without ../shared.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { outcomeProbabilities } from '../../../model/dixonColes/predict'
import {
  mulberry32,
  normal,
  randomTeams,
  simulateLeague,
  type SimTeam,
} from '../../../model/simulate/simulateLeague'

/** Invented club names (for the simulated divisions). */
export const SIMULATED_TEAM_NAMES: readonly string[] = [
  'Harbourside',
  "Kingsbr'k Rovers",
  'Millbrook',
  'Eastbury',
  'Northgate',
  'Westfield',
  'Ashford Vale',
  'Brackenridge',
  'Castlemoor',
  'Dunmore Athletic',
  'Elmstead',
  'Fernhill',
  'Glenrock',
  'Hollowmere',
  'Ironbridge Town',
  'Juniper Park',
  'Kestrel Heath',
  'Larkspur',
  'Marshfield',
  'Netherby',
  'Oakhurst',
  'Pinecrest',
  'Quarry Bank',
  'Ravenscourt',
  'Stonebridge',
  'Tollbury',
  'Underwood',
  'Valewood',
  'Whitcombe',
  'Yarrowby',
  'Zennor Park',
  'Amberley Wanderers',
  'Bramblewick',
  'Coldwater',
  'Draycott',
  'Edgemoor',
  'Foxhollow',
  'Greywell',
  'Heathcote',
  'Ivybridge Albion',
]

export interface SimulatedSeason {
  /** Division code written in `Div` and the file name (e.g. E0). */
  league: string
  /** Year the season starts in (2030 → season 2030-31, file `E0_2030-31.csv`). */
  startYear: number
  teams: readonly string[]
  seed: number
  /**
   * When set, each club keeps its strength from season to season (drawn from this seed and the club's name,
   * with a small drift per season), as real clubs do; without it every season draws its teams afresh by
   * position, so a model fitted on several seasons mixes unrelated strengths.
   */
  clubSeed?: number
}

export const SIMULATED_HEADER =
  'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,HS,AS,HST,AST,B365H,B365D,B365A,PSH,PSD,PSA,PSCH,PSCD,PSCA'

const result = (h: number, a: number) => (h > a ? 'H' : h < a ? 'A' : 'D')

/** A played match for {@link playedSeasonCsv}: division, dd/mm/yyyy date, clubs and goals. */
export interface PlayedMatch {
  div: string
  date: string
  home: string
  away: string
  hg: number
  ag: number
}

/**
 * A (partial) season file of the given played matches in the simulator's columns: half-time 0-0, the same
 * invented shots and prices for every match, each cell set by its column name.
 */
export function playedSeasonCsv(matches: readonly PlayedMatch[]): string {
  const columns = SIMULATED_HEADER.split(',')
  const lines = matches.map((m) => {
    const cells: Record<string, string | number> = {
      Div: m.div,
      Date: m.date,
      HomeTeam: m.home,
      AwayTeam: m.away,
      FTHG: m.hg,
      FTAG: m.ag,
      FTR: result(m.hg, m.ag),
      HTHG: 0,
      HTAG: 0,
      HTR: 'D',
      HS: 10,
      AS: 8,
      HST: 4,
      AST: 3,
      B365H: '2.10',
      B365D: '3.40',
      B365A: '3.60',
      PSH: '2.15',
      PSD: '3.45',
      PSA: '3.55',
      PSCH: '2.05',
      PSCD: '3.50',
      PSCA: '3.70',
    }
    return columns.map((c) => cells[c]).join(',')
  })
  return [SIMULATED_HEADER, ...lines].join('\n') + '\n'
}
const ddmmyyyy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`

/** Decimal odds of probabilities p with a multiplicative margin and a little seeded noise (2 decimals). */
function prices(p: readonly number[], margin: number, rng: () => number): string[] {
  return p.map((q) => (1 / (q * margin * (1 + (rng() - 0.5) * 0.02))).toFixed(2))
}

/** The true Dixon-Coles parameters a simulated season is drawn from (named teams, γ, ρ). */
export interface SimulatedSeasonParameters {
  teams: SimTeam[]
  homeAdvantage: number
  rho: number
}

/**
 * The true parameters of a simulated season: each team's α and β from the season's seed (in the order of
 * `season.teams`), γ 0.25, ρ −0.08. The season's scores and prices are drawn from these, and the simulated
 * fixtures to come (simulatedFixturesCsv.ts) are priced from them, so model and market agree as they would.
 */
export function simulatedSeasonParameters(
  season: Pick<SimulatedSeason, 'teams' | 'seed' | 'clubSeed'>,
): SimulatedSeasonParameters {
  if (season.clubSeed !== undefined) return { teams: clubStrengths(season), homeAdvantage: 0.25, rho: -0.08 }
  const teams = randomTeams(season.teams.length, season.seed).map((t, i) => ({ ...t, name: season.teams[i] }))
  return { teams, homeAdvantage: 0.25, rho: -0.08 }
}

/** FNV-1a of a club's name: its own stream of the club seed. */
function nameHash(name: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0
  return h
}

/** Persistent club strengths (α sd 0.25, β sd 0.2 around 1.15 away goals, as randomTeams) plus a season drift. */
function clubStrengths(season: Pick<SimulatedSeason, 'teams' | 'seed' | 'clubSeed'>): SimTeam[] {
  const base = Math.log(1.15)
  const teams = season.teams.map((name) => {
    const club = mulberry32((season.clubSeed! ^ nameHash(name)) >>> 0)
    const drift = mulberry32((season.seed * 0x9e3779b1) ^ nameHash(name))
    return {
      name,
      attack: 0.25 * normal(club) + 0.04 * normal(drift),
      defence: base + 0.2 * normal(club) + 0.04 * normal(drift),
    }
  })
  const mean = teams.reduce((a, t) => a + t.attack, 0) / teams.length
  for (const t of teams) t.attack -= mean
  return teams
}

/** The CSV text of one simulated season (a double round robin over 280 days from 10 August). */
export function simulatedSeasonCsv(season: SimulatedSeason): string {
  const { teams: ratings, homeAdvantage, rho } = simulatedSeasonParameters(season)
  const byName = new Map(ratings.map((t) => [t.name, t]))
  const matches = simulateLeague({
    teams: ratings,
    homeAdvantage,
    rho,
    seed: season.seed,
    startDate: `${season.startYear}-08-10`,
  })
  const rng = mulberry32(season.seed ^ 0x5eed)
  const lines = [SIMULATED_HEADER]
  for (const m of matches) {
    const h = byName.get(m.home)!
    const a = byName.get(m.away)!
    const lambda = Math.exp(homeAdvantage + h.attack + a.defence)
    const mu = Math.exp(a.attack + h.defence)
    const p = outcomeProbabilities(lambda, mu, rho)
    const htHome = Math.floor(m.homeGoals * rng())
    const htAway = Math.floor(m.awayGoals * rng())
    const hst = m.homeGoals + Math.floor(rng() * 5)
    const ast = m.awayGoals + Math.floor(rng() * 5)
    const hs = hst + 3 + Math.floor(rng() * 9)
    const as = ast + 3 + Math.floor(rng() * 9)
    const quoted = (s: string) => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)
    lines.push(
      [
        season.league,
        ddmmyyyy(m.date),
        quoted(m.home),
        quoted(m.away),
        m.homeGoals,
        m.awayGoals,
        result(m.homeGoals, m.awayGoals),
        htHome,
        htAway,
        result(htHome, htAway),
        hs,
        as,
        hst,
        ast,
        ...prices(p, 1.05, rng),
        ...prices(p, 1.03, rng),
        ...prices(p, 1.025, rng),
      ].join(','),
    )
  }
  return lines.join('\n') + '\n'
}

/** `E0_2030-31.csv` for a season starting in 2030. */
export function simulatedFileName(season: Pick<SimulatedSeason, 'league' | 'startYear'>): string {
  const next = String((season.startYear + 1) % 100).padStart(2, '0')
  return `${season.league}_${season.startYear}-${next}.csv`
}

/** Writes each season in a fresh temporary folder; returns the paths in the order given. */
export function writeSimulatedSeasons(seasons: readonly SimulatedSeason[]): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'scoreline-simulated-'))
  return seasons.map((s) => {
    const file = path.join(dir, simulatedFileName(s))
    writeFileSync(file, simulatedSeasonCsv(s))
    return file
  })
}

/**
 * Three top-division seasons (2030-31 .. 2032-33, 20 teams, three relegated and three promoted each summer)
 * and the second division's last season (20 teams): 1,520 matches with shots and three bookmakers' prices.
 */
export function promotionSeasons(seed = 7, opts: { persistentClubs?: boolean } = {}): SimulatedSeason[] {
  const names = SIMULATED_TEAM_NAMES
  const top = [names.slice(0, 20), [...names.slice(0, 17), ...names.slice(20, 23)]]
  top.push([...top[1].slice(0, 14), ...top[1].slice(17, 20), ...names.slice(23, 26)])
  const relegated = new Set([...names.slice(17, 20), ...top[1].slice(14, 17)])
  const second = [...relegated, ...names.slice(26, 40)]
  const clubs = opts.persistentClubs ? { clubSeed: seed ^ 0xc1ab } : {}
  return [
    ...top.map((teams, i) => ({ league: 'E0', startYear: 2030 + i, teams, seed: seed + i, ...clubs })),
    { league: 'E1', startYear: 2032, teams: second, seed: seed + 10, ...clubs },
  ]
}
