/**
 * Test and bench helpers: a league model fitted on a simulated league (invented clubs, seeded), and
 * invented price snapshots. Nothing here is real data.
 */
import type Database from 'better-sqlite3'
import { fitDixonColes, toMatchArrays, type MatchInput } from '../../model/dixonColes'
import { listMatches } from '../data/queries'
import { randomTeams, simulateLeague } from '../../model/simulate/simulateLeague'
import type { BlendSpec } from '../../model/blend'
import type { Calibrator } from '../../model/calibration'
import type { MarginMethod } from '../../model/market'
import type { LeagueModel } from '../jackpots/leagueModel'
import type { PriceSnapshotLike } from './types'
import type { TrackingStore } from '../tracking/trackingStore'
import { CHAMPION } from '../tracking/promotion'
import type { ModelArtifact } from '../training/artifacts'
import { modelNameOf } from '../training/pipeline'

export interface SimulatedLeagueModelOptions {
  league?: string
  seed?: number
  teams?: number
  seasons?: number
  blend?: BlendSpec | null
  alphaFitted?: boolean
  calibrator?: Calibrator | null
  margin?: MarginMethod
  champion?: boolean
}

/** A Dixon-Coles fit on a seeded simulated league (teams `<league> Club 01…`), as the champion or a fit now. */
export function simulatedLeagueModel(o: SimulatedLeagueModelOptions = {}): LeagueModel {
  const league = o.league ?? 'E0'
  const teams = randomTeams(o.teams ?? 10, o.seed ?? 3, { prefix: `${league} Club ` })
  const matches = simulateLeague({
    teams,
    homeAdvantage: 0.25,
    rho: -0.05,
    seasons: o.seasons ?? 2,
    seed: (o.seed ?? 3) + 1,
    startDate: '2030-08-10',
  })
  const model = fitDixonColes(toMatchArrays(matches), { xi: 0.0019 })
  const blend = o.blend === undefined ? { kind: 'log' as const, alpha: 0.35 } : o.blend
  const calibrator = o.calibrator ?? null
  const margin = o.margin ?? 'shin'
  return {
    league,
    model,
    blend,
    alphaFitted: o.alphaFitted ?? true,
    calibrator,
    margin,
    evaluation: null,
    source:
      o.champion === false
        ? {
            kind: 'fitted-on-the-fly',
            reason: 'no champion yet',
            description: `Dixon-Coles fitted now on ${model.nMatches} ${league} matches`,
            fittedAt: '2032-05-30T00:00:00.000Z',
            matches: model.nMatches,
          }
        : {
            kind: 'champion',
            modelName: `scoreline-test-${league}`,
            version: '3',
            runId: `run${league.toLowerCase()}0123456789`,
            description: `Champion scoreline-test-${league} v3`,
            matches: model.nMatches,
          },
  }
}

export const TEMPERATURE: Calibrator = {
  kind: 'temperature',
  temperature: 1.12,
  floor: 1e-4,
  n: 400,
  logLossBefore: 1.0,
  logLossAfter: 0.99,
}

/** Invented snapshots of one fixture: Pinnacle, Bet365 and the average for 1X2, Pinnacle O/U 2.5 and AH. */
export function inventedSnapshots(observedAt = '2032-06-05T09:00:00.000Z', shift = 0): PriceSnapshotLike[] {
  const at = (bookmaker: string, market: string, line: number | null, prices: number[]) => ({
    bookmaker,
    market,
    line,
    prices,
    observedAt,
    source: 'fixtures',
  })
  return [
    at('PS', '1x2', null, [2.1 + shift, 3.45, 3.6 - shift]),
    at('B365', '1x2', null, [2.05 + shift, 3.5, 3.75 - shift]),
    at('Avg', '1x2', null, [2.02 + shift, 3.4, 3.55 - shift]),
    at('PS', 'ou25', 2.5, [1.95, 1.93]),
    at('PS', 'ah', -0.25, [1.98, 1.9]),
  ]
}

/** What a pipeline run leaves in a (throwaway, local) registry: a run with model/model.json, its version the champion. */
export async function registerTestChampion(
  tracking: TrackingStore,
  artifact: ModelArtifact,
  metrics: Record<string, number> = {},
): Promise<{ runId: string; version: string }> {
  const experiment = await tracking.ensureExperiment('dixon_coles_poisson')
  const run = await tracking.startRun({
    experimentId: experiment.id,
    runName: `${artifact.league} pipeline test`,
  })
  if (Object.keys(metrics).length) await tracking.log(run.runId, { metrics })
  await tracking.logArtifact(run.runId, 'model/model.json', JSON.stringify(artifact))
  await tracking.endRun(run.runId, 'FINISHED')
  const name = modelNameOf(artifact.league)
  await tracking.ensureRegisteredModel(name)
  const version = await tracking.createModelVersion({ name, runId: run.runId, artifactPath: 'model' })
  await tracking.setAlias(name, CHAMPION, version.version)
  return { runId: run.runId, version: version.version }
}

/** A league's played matches in the local store, as the model fits take them. */
export function playedMatches(db: Database.Database, league: string): MatchInput[] {
  return listMatches(db, { league, status: 'played', limit: 100_000 }).map((m) => ({
    date: m.date,
    home: m.homeTeam,
    away: m.awayTeam,
    homeGoals: m.homeGoals!,
    awayGoals: m.awayGoals!,
  }))
}
