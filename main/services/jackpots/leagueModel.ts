import type Database from 'better-sqlite3'
import { listMatches } from '../data/queries'
import { fitDixonColes, toMatchArrays, type FittedModel } from '../../model/dixonColes'
import {
  walkForward,
  yearsBefore,
  type BacktestMatch,
  type CalibrationKind,
  type WalkForwardMetrics,
} from '../../model/backtest'
import type { BlendKind, BlendSpec } from '../../model/blend'
import type { Calibrator } from '../../model/calibration'
import type { MarginMethod } from '../../model/market'
import type { MetricsSummary } from '../../model/metrics'
import { pickMarketQuote } from '../../../shared/marketPreference'
import { ApiError } from '../../../shared/api/errors'
import type { TrackingStore } from '../tracking/trackingStore'
import { CHAMPION } from '../tracking/promotion'
import { artifactPricing, type ModelArtifact } from '../training/artifacts'
import { modelNameOf } from '../training/pipeline'

export const LEAGUE_MODEL_XI = 0.0019
export const LEAGUE_MODEL_WINDOW_YEARS = 3
/** Margin method when nothing else is configured (the app's default, `settings.marginMethod`). */
export const MARGIN_METHOD = 'shin' as const

/** The defaults an on-the-fly fit uses (from the app's settings through `main/core` config). */
export interface PricingDefaults {
  margin: MarginMethod
  blend: BlendKind
  calibration: CalibrationKind
}
export const DEFAULT_PRICING: PricingDefaults = {
  margin: MARGIN_METHOD,
  blend: 'log',
  calibration: 'temperature',
}

export type LeagueModelSource =
  | {
      kind: 'champion'
      modelName: string
      version: string
      runId: string
      description: string
      matches: number
    }
  | {
      kind: 'fitted-on-the-fly'
      /** Why no champion was used: none registered yet, or the registry could not be read. */
      reason: string
      description: string
      fittedAt: string
      matches: number
    }

/** A model ready to price fixtures, with where it came from (shown next to every probability). */
export interface LeagueModel {
  league: string
  model: FittedModel
  blend: BlendSpec | null
  /** False when α was never fitted (too few earlier forecasts) and 0 stands in for it: the market is served. */
  alphaFitted?: boolean
  calibrator: Calibrator | null
  /** Margin removal for the market side (the champion's own, so α means what it meant in training). */
  margin: MarginMethod
  /** Walk-forward scores, for model, market, blend and calibrated. */
  evaluation: WalkForwardMetrics | null
  source: LeagueModelSource
}

/** Where the jackpot screen's prices come from. */
export interface LeagueModelProvider {
  get(league: string, asOf?: string): Promise<LeagueModel>
}

export interface LeagueModelOptions {
  /** The tracking registry holding the champions (`scoreline-<league>@champion`); absent: always fit. */
  tracking?: () => TrackingStore
  /** Stored defaults, read at every fit. */
  defaults?: () => PricingDefaults
  now?: () => Date
}

/**
 * The league's promoted champion (model, α, calibrator from its `model/model.json` artifact) when the
 * registry has one; otherwise a Dixon-Coles fit on the local matches (see `fitOnTheFly`), saying so.
 */
export function createLeagueModels(
  db: Database.Database,
  options: LeagueModelOptions = {},
): LeagueModelProvider {
  const local = createLocalLeagueModels(db, options)
  const artifacts = new Map<string, LeagueModel>() // by run id: an artifact never changes
  return {
    async get(league, asOf) {
      let reason = 'no champion yet'
      if (options.tracking) {
        try {
          const champion = await readChampionModel(options.tracking(), league, artifacts)
          if (champion) return champion
        } catch (error) {
          reason = `the model registry could not be read (${(error as Error)?.message ?? String(error)})`
        }
      }
      return local.get(league, asOf, reason)
    },
  }
}

const metricsFrom = (metrics: Record<string, number>, prefix: string): MetricsSummary | null => {
  const keys = ['n', 'rps', 'log_loss', 'brier', 'accuracy', 'ece'] as const
  const values = keys.map((k) => metrics[`${prefix}${k}`])
  if (values.some((v) => v === undefined || !Number.isFinite(v))) return null
  return Object.fromEntries(keys.map((k, i) => [k, values[i]])) as unknown as MetricsSummary
}

async function readChampionModel(
  tracking: TrackingStore,
  league: string,
  cache: Map<string, LeagueModel>,
): Promise<LeagueModel | null> {
  const modelName = modelNameOf(league)
  const version = await tracking.getVersionByAlias(modelName, CHAMPION)
  if (!version?.runId) return null
  const cached = cache.get(`${modelName}@${version.version}:${version.runId}`)
  if (cached) return cached
  const bytes = await tracking.downloadArtifact(version.runId, 'model/model.json')
  const artifact = JSON.parse(Buffer.from(bytes).toString('utf8')) as ModelArtifact
  if (artifact.format !== 'scoreline-dixon-coles/1' || !artifact.model)
    throw new Error(`${modelName} v${version.version}: model/model.json is not a Scoreline model artifact`)
  const run = await tracking.getRun(version.runId).catch(() => null)
  const metrics = run?.metrics ?? {}
  const evaluation: WalkForwardMetrics | null = run
    ? {
        model: metricsFrom(metrics, 'model_'),
        market: metricsFrom(metrics, 'market_'),
        blend: metricsFrom(metrics, 'blend_'),
        calibrated: metricsFrom(metrics, 'calibrated_'),
      }
    : null
  const { margin, blend } = artifactPricing(artifact, MARGIN_METHOD)
  const result = championLeagueModel(
    league,
    {
      model: artifact.model,
      version: version.version,
      runId: version.runId,
      alpha: artifact.blend?.alpha ?? null,
      calibrator: artifact.calibrator ?? null,
    },
    {
      margin,
      blend,
      evalWindow: artifact.evalWindow,
      evaluation,
    },
  )
  cache.set(`${modelName}@${version.version}:${version.runId}`, result)
  return result
}

/** A champion as read from the registry (the pipeline's `ChampionModel`). */
export interface ChampionParts {
  model: FittedModel
  version: string
  runId: string
  alpha: number | null
  calibrator: Calibrator | null
}

/**
 * A champion as a league model, the one conversion the jackpots, fixtures and the feature views price by:
 * α null (never fitted: too few earlier forecasts) serves the market, as in the walk-forward it was scored by.
 */
export function championLeagueModel(
  league: string,
  champion: ChampionParts,
  settings: {
    margin: MarginMethod
    blend: BlendKind
    evalWindow?: string | null
    evaluation?: WalkForwardMetrics | null
  },
): LeagueModel {
  const modelName = modelNameOf(league)
  const { model, version, runId, calibrator } = champion
  const blend: BlendSpec = { kind: settings.blend, alpha: champion.alpha ?? 0 }
  return {
    league,
    model,
    blend,
    alphaFitted: champion.alpha !== null && champion.alpha !== undefined,
    calibrator,
    margin: settings.margin,
    evaluation: settings.evaluation ?? null,
    source: {
      kind: 'champion',
      modelName,
      version,
      runId,
      matches: model.nMatches,
      description: `Champion ${modelName} v${version} (run ${runId.slice(0, 8)}): Dixon-Coles on ${model.nMatches} matches, data as of ${model.asOf}, ξ ${model.xi}/day (${settings.evalWindow ?? 'evaluation window unknown'})${
        blend.alpha > 0
          ? `; ${blend.kind}-pool blend α = ${blend.alpha.toFixed(3)}`
          : '; the market where odds are given'
      }${calibrator ? `, ${calibrator.kind} calibration` : ''}; market margin removed with ${settings.margin}`,
    },
  }
}

/**
 * Fits Dixon-Coles on the league's local matches (3 years, ξ = 0.0019 per day, as of the latest
 * match) and fits the blend weight and calibrator by a walk-forward over the last year, so blend
 * and calibration are learned only from out-of-sample predictions. Cached until the data or the
 * defaults change. Used only when the league has no champion.
 */
export function createLocalLeagueModels(
  db: Database.Database,
  options: Pick<LeagueModelOptions, 'defaults' | 'now'> = {},
): { get(league: string, asOf?: string, reason?: string): LeagueModel } {
  const now = options.now ?? (() => new Date())
  const cache = new Map<string, LeagueModel>()
  const dataVersion = db.prepare(
    `SELECT count(*) AS n, max(updated_at) AS v, max(date) AS last FROM matches WHERE league_code = ? AND deleted = 0 AND status = 'played'`,
  )
  return {
    get(league, asOf, reason = 'no champion yet') {
      const defaults = options.defaults?.() ?? DEFAULT_PRICING
      const version = dataVersion.get(league) as { n: number; v: string | null; last: string | null }
      if (version.n === 0 || !version.last) {
        throw new ApiError(
          'MODEL_NO_DATA',
          `No played matches for ${league} in the local store: import or sync its seasons first.`,
        )
      }
      const until = asOf && asOf < version.last ? asOf : version.last
      const key = `${league}|${until}|${version.n}|${version.v}|${defaults.margin}|${defaults.blend}|${defaults.calibration}`
      const cached = cache.get(key)
      if (cached) return withReason(cached, reason)

      const rows = listMatches(db, {
        league,
        status: 'played',
        to: until,
        from: yearsBefore(until, LEAGUE_MODEL_WINDOW_YEARS + 1),
        limit: 1_000_000,
      })
      const matches: BacktestMatch[] = rows
        .filter((m) => m.homeGoals !== null && m.awayGoals !== null)
        .map((m) => {
          const quote = pickMarketQuote(m.odds)
          return {
            date: m.date,
            home: m.homeTeam,
            away: m.awayTeam,
            homeGoals: m.homeGoals!,
            awayGoals: m.awayGoals!,
            neutral: m.neutral,
            odds: quote ? ([quote.home, quote.draw, quote.away] as const) : null,
          }
        })
      const from = yearsBefore(until, LEAGUE_MODEL_WINDOW_YEARS)
      const model = fitDixonColes(toMatchArrays(matches.filter((m) => m.date >= from)), {
        xi: LEAGUE_MODEL_XI,
        asOf: until,
        from,
      })
      let blend: BlendSpec | null = null
      let alphaFitted = false
      let calibrator: Calibrator | null = null
      let evaluation: WalkForwardMetrics | null = null
      const evalFrom = yearsBefore(until, 1)
      if (matches.some((m) => m.date < evalFrom)) {
        try {
          const wf = walkForward(matches, {
            from: evalFrom,
            to: until,
            xi: LEAGUE_MODEL_XI,
            margin: defaults.margin,
            blend: defaults.blend,
            calibration: defaults.calibration,
          })
          // α null (too few earlier forecasts) or 0 (not better than the market) serves the market
          blend = { kind: defaults.blend, alpha: wf.final.alpha ?? 0 }
          alphaFitted = wf.final.alpha !== null
          calibrator = wf.final.calibrator
          evaluation = wf.metrics
        } catch {
          // too little history for a walk-forward: model and market only
        }
      }
      const result: LeagueModel = {
        league,
        model,
        blend,
        alphaFitted,
        calibrator,
        margin: defaults.margin,
        evaluation,
        source: {
          kind: 'fitted-on-the-fly',
          reason,
          description: `Dixon-Coles fitted now on ${model.nMatches} ${league} matches from ${from} to ${until} (ξ ${LEAGUE_MODEL_XI}/day)${
            blend
              ? `; ${blend.kind}-pool blend α = ${blend.alpha.toFixed(3)} and ${calibrator?.kind ?? 'no'} calibration learned walk-forward over the last year`
              : ''
          }; market margin removed with ${defaults.margin}`,
          fittedAt: now().toISOString(),
          matches: model.nMatches,
        },
      }
      for (const old of cache.keys()) if (old.startsWith(`${league}|`)) cache.delete(old) // stale versions
      cache.set(key, result)
      return result
    },
  }
}

function withReason(model: LeagueModel, reason: string): LeagueModel {
  return model.source.kind === 'fitted-on-the-fly' && model.source.reason !== reason
    ? { ...model, source: { ...model.source, reason } }
    : model
}
