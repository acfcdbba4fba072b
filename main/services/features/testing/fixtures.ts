/** Rows and lineage the feature store tests share. */
import { fitDixonColes } from '../../../model/dixonColes/fit'
import { toMatchArrays, type FittedModel } from '../../../model/dixonColes/types'
import { randomTeams, simulateLeague } from '../../../model/simulate/simulateLeague'
import type { PlayedMatch } from '../computeFeatures'
import type { MatchRow, TeamRow } from '../featureStore'
import type { Lineage } from '../views'

export const LEAGUE = 'E0'
export const TEAMS = [
  'Arsenal',
  'Aston Villa',
  'Bournemouth',
  'Brentford',
  'Brighton',
  'Chelsea',
  'Crystal Palace',
  'Everton',
  'Fulham',
  'Liverpool',
  'Luton',
  'Man City',
  'Man United',
  'Newcastle',
  "Nott'm Forest",
  'Sheffield United',
  'Tottenham',
  'West Ham',
  'Wolves',
  'Burnley',
]

export function lineage(modelVersion = '7', fingerprint = 'sha256:abc'): Lineage {
  return { modelVersion, runId: `run-${modelVersion}`, dataFingerprint: fingerprint }
}

/** team_ratings rows whose `attack` carries a marker, so a reader can tell versions apart. */
export function ratingRows(marker: number, teams = TEAMS, league = LEAGUE): TeamRow[] {
  return teams.map((team, i) => ({
    league,
    team,
    values: { attack: marker, defence: -0.01 * i, attack_se: 0.1, defence_se: 0.12, home_advantage: 0.25 },
  }))
}

export function formRow(team: string, values: Partial<Record<string, number>> = {}): TeamRow {
  return {
    league: LEAGUE,
    team,
    values: {
      points_per_game: 1.5,
      goals_for_per_game: 1.2,
      goals_against_per_game: 1.1,
      days_since_last_match: 4,
      matches_in_window: 6,
      ...values,
    },
  }
}

export function matchRow(date: string, home: string, away: string, kickoff?: number): MatchRow {
  const t = (h: number, d: number) => ({ h, d, a: 1 - h - d })
  const model = t(0.45, 0.27)
  return {
    league: LEAGUE,
    date,
    home,
    away,
    kickoff,
    values: {
      lambda: 1.6,
      mu: 1.1,
      p_home_model: model.h,
      p_draw_model: model.d,
      p_away_model: model.a,
      p_home_blend: 0.46,
      p_draw_blend: 0.27,
      p_away_blend: 0.27,
      p_home_calibrated: 0.44,
      p_draw_calibrated: 0.28,
      p_away_calibrated: 0.28,
      p_over_2_5: 0.52,
      p_btts: 0.5,
      model_version: '7',
    },
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Simulated played matches of each league (Dixon-Coles with known parameters) and each league's
 * champion fitted on them: what a rebuild reads.
 */
export function simulatedChampions(
  leagues: readonly string[],
  options: { teams?: number; teamSeed?: number; matchSeed?: number } = {},
): { matches: (PlayedMatch & { league: string })[]; models: Record<string, FittedModel> } {
  const matches = leagues.flatMap((league, i) =>
    simulateLeague({
      teams: randomTeams(options.teams ?? 18, (options.teamSeed ?? 100) + i, { prefix: `${league} Team ` }),
      homeAdvantage: 0.25,
      rho: -0.05,
      seed: (options.matchSeed ?? 7) + i,
      startDate: '2023-08-12',
    }).map((x) => ({ ...x, league })),
  )
  const models = Object.fromEntries(
    leagues.map((league) => [
      league,
      fitDixonColes(toMatchArrays(matches.filter((x) => x.league === league))),
    ]),
  )
  return { matches, models }
}
