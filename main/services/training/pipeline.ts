/**
 * The weekly training pipeline, league by league:
 *  1. load played matches and the market's odds from the local store (`loadLeagueData`);
 *  2. choose ξ on a grid by walk-forward RPS over the evaluation window (the latest season), the grid
 *     fanned out across the worker pool;
 *  3. walk-forward with the chosen ξ: model, market, blend and calibrated forecasts of every evaluation
 *     match, each made only from earlier matches (α and the calibrator are refitted on earlier dates only);
 *     the α and calibrator fitted on the whole window are kept for future fixtures;
 *  4. fit Dixon-Coles on the training window ending at the last played match (what the app predicts with);
 *  5. evaluation = the walk-forward metrics of the four forecasts on the same matches;
 *  6. track a parent run (experiment `dixon_coles_poisson`) with child runs in `dixon_coles_poisson`,
 *     `dixon_coles_blending` and `dixon_coles_calibration`: params, metrics, artifacts;
 *  7. register a version of `scoreline-dc-<league>` and promote it only if it beats the champion on the
 *     same evaluation matches (`promoteIfBetter`; when the champion was evaluated on another window it is
 *     re-scored on this one with its own settings);
 *  8. on promotion, rebuild the feature views (injected `rebuildFeatures`).
 * A failing league is recorded with its reason and the next one runs. Everything is deterministic: the
 * same data and settings give the same parameters, bit for bit, however many workers run the grid.
 *
 * The ξ used for the reported evaluation is chosen on that same window (one hyper-parameter out of a grid of
 * ten); every individual forecast is still out-of-sample. The promotion metric `rps` is the calibrated
 * forecast's RPS: the forecast the app serves. When two versions' served forecasts are within the margin
 * (both defer to the market once the gates close), the goal model's own RPS (`model_rps`) decides.
 */
import type Database from 'better-sqlite3'
import type { FittedModel } from '../../model/dixonColes'
import {
  DEFAULT_XI,
  DEFAULT_XI_GRID,
  selectionPeriodBefore,
  selectVariant,
  selectXi,
  variantCandidates,
  yearsBefore,
  type VariantSelection,
  type BacktestMatch,
  type CalibrationKind,
  type WalkForwardOptions,
  type WalkForwardResult,
  type StageEvidence,
} from '../../model/backtest'
import type { BlendKind } from '../../model/blend'
import type { Calibrator } from '../../model/calibration'
import type { MarginMethod } from '../../model/market'
import type { MetricsSummary } from '../../model/metrics'
import type { MarketKey } from '../data/csv'
import { DEFAULT_MARKET_PREFERENCE } from '../data/csv'
import { CHAMPION, promoteIfBetter, type PromotionDecision } from '../tracking/promotion'
import { TAGS, type TrackingStore } from '../tracking/trackingStore'
import { predictionsCsv, ratingsCsv, reliabilitySvg, type ModelArtifact } from './artifacts'
import { TrainingError } from './errors'
import { loadLeagueData, type LeagueData } from './leagueData'
import { backtestInPool, fitInPool, fitVariantInPool, poolVariantMap, poolXiMap } from './modelJobClient'
import { requireVariant, type VariantId } from '../../model/variants'
import type { FitVariantResult } from './modelJobs'
import { packMatches } from './packedMatches'
import type { WorkerPool } from './workerPool'

export interface PipelineSettings {
  /** Training window in years before each forecast (and before the final fit). */
  windowYears: number
  xiGrid: readonly number[]
  /**
   * The goal-model variant (`main/model/variants`), or 'auto': per league, the variant (and its
   * hyper-parameters) with the lowest walk-forward RPS over the year strictly before the evaluation window.
   */
  model: VariantId | 'auto'
  margin: MarginMethod
  blend: BlendKind
  calibration: CalibrationKind
  /** Out-of-sample rows needed before α and the calibrator are fitted inside the walk-forward. */
  minHistory: number
  /** The candidate must beat the champion's RPS by at least this much to be promoted. */
  promotionMargin: number
  marketPreference: readonly MarketKey[]
  /** Per worker job (ms). */
  jobTimeoutMs: number
}

export const DEFAULT_PIPELINE_SETTINGS: PipelineSettings = {
  windowYears: 3,
  xiGrid: DEFAULT_XI_GRID,
  model: 'dixon-coles',
  margin: 'shin',
  blend: 'log',
  calibration: 'temperature',
  minHistory: 100,
  promotionMargin: 0.001,
  marketPreference: DEFAULT_MARKET_PREFERENCE,
  jobTimeoutMs: 10 * 60_000,
}

export const EXPERIMENTS = {
  poisson: 'dixon_coles_poisson',
  blending: 'dixon_coles_blending',
  calibration: 'dixon_coles_calibration',
} as const

export const modelNameOf = (league: string) => `scoreline-dc-${league}`

export type PipelineTrigger = 'manual' | 'cli' | 'schedule'
export type PipelineState = 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled'
export type LeagueState = 'succeeded' | 'failed' | 'cancelled'

export interface StepTiming {
  step: string
  ms: number
}

export interface LeagueOutcome {
  league: string
  state: LeagueState
  error: { code: string; message: string } | null
  steps: StepTiming[]
  evaluation: LeagueData['evaluation'] | null
  xi: number | null
  xiGrid: { xi: number; rps: number | null }[]
  /** The goal-model variant this league's model used ('auto' resolved), and its hyper-parameters. */
  modelVariant?: VariantId | null
  modelParams?: Record<string, number>
  /** With model 'auto': how it was chosen. */
  variantSelection?: VariantSelection | null
  metrics: {
    model: MetricsSummary | null
    market: MetricsSummary | null
    blend: MetricsSummary | null
    calibrated: MetricsSummary | null
  } | null
  alpha: number | null
  logLikelihood: number | null
  runId: string | null
  modelName: string
  version: string | null
  decision: {
    action: PromotionDecision['action']
    promoted: boolean
    reason: string
    candidateScore: number
    championScore: number | null
    previousChampion: string | null
  } | null
  features: { rebuilt: boolean; views: string[]; note: string | null } | null
  /** The new champion when this run promoted one (kept in memory for the feature rebuild, not stored). */
  champion?: ChampionModel | null
}

export interface PipelineRunRecord {
  id: string
  trigger: PipelineTrigger
  state: PipelineState
  startedAt: number
  endedAt: number | null
  leagues: LeagueOutcome[]
  /** Feature rebuild after the leagues (only when a champion changed). */
  features: {
    rebuilt: boolean
    views: string[]
    note: string | null
    ms: number | null
    error: string | null
  }
  settings: Omit<PipelineSettings, 'marketPreference' | 'xiGrid'> & { xiGrid: number[]; market: string[] }
  summary: string
}

export type PipelineEvent =
  | {
      type: 'progress'
      runId: string
      league: string | null
      stage: string
      fraction: number
      message: string
    }
  | { type: 'log'; runId: string; league: string | null; level: 'info' | 'warn' | 'error'; message: string }

export interface ChampionModel {
  model: FittedModel
  version: string
  runId: string
  alpha: number | null
  calibrator: Calibrator | null
}

export interface FeatureRebuildInput {
  /** Leagues whose champion changed in this run. */
  promoted: string[]
  /** The champion of every league that has one (feature views hold all leagues in one version). */
  champions: Record<string, ChampionModel>
}

/** Rebuilds the feature views from the champions and switches them; returns `view@version` labels. */
export type FeatureRebuilder = (input: FeatureRebuildInput) => Promise<{ views: string[]; note?: string }>

export interface PipelineDeps {
  db: Database.Database
  tracking: TrackingStore
  pool: WorkerPool
  rebuildFeatures?: FeatureRebuilder | null
  onEvent?: (event: PipelineEvent) => void
  signal?: AbortSignal
  now?: () => number
  codeVersion?: string
}

const round = (ms: number) => Math.round(ms * 10) / 10

function checkAborted(signal: AbortSignal | undefined, league: string) {
  if (signal?.aborted) throw new TrainingError('JOB_CANCELLED', `The pipeline was cancelled during ${league}`)
}

function metricRecord(prefix: string, m: MetricsSummary | null): Record<string, number> {
  if (!m) return {}
  return {
    [`${prefix}rps`]: m.rps,
    [`${prefix}log_loss`]: m.log_loss,
    [`${prefix}brier`]: m.brier,
    [`${prefix}accuracy`]: m.accuracy,
    [`${prefix}ece`]: m.ece,
    [`${prefix}n`]: m.n,
  }
}

function settingsRecord(s: PipelineSettings): PipelineRunRecord['settings'] {
  const { marketPreference, xiGrid, ...rest } = s
  return {
    ...rest,
    xiGrid: [...xiGrid],
    market: marketPreference.map((k) => (k.kind === 'closing' ? `${k.bookmaker}C` : k.bookmaker)),
  }
}

/** The first date the walk-forward forecasts (unscored) so α, the calibrator and their gates have evidence. */
const warmUpFromOf = (data: Pick<LeagueData, 'evaluation'>) => yearsBefore(data.evaluation.from, 1)

function walkOptions(
  s: PipelineSettings,
  data: LeagueData,
  xi?: number,
  variant: { model: VariantId; params: Record<string, number> } = {
    model: s.model === 'auto' ? 'dixon-coles' : s.model,
    params: {},
  },
): WalkForwardOptions {
  return {
    from: data.evaluation.from,
    to: data.evaluation.to,
    // α, the calibrator and their gates learn from the previous season's out-of-sample forecasts too
    warmUpFrom: warmUpFromOf(data),
    windowYears: s.windowYears,
    model: variant.model,
    params: variant.params,
    margin: s.margin,
    blend: s.blend,
    calibration: s.calibration,
    minHistory: s.minHistory,
    ...(xi === undefined ? {} : { xi }),
  }
}

export function summariseRun(
  leagues: readonly LeagueOutcome[],
  cancelled: boolean,
): { state: PipelineState; summary: string } {
  const ok = leagues.filter((l) => l.state === 'succeeded')
  const failed = leagues.filter((l) => l.state === 'failed')
  const parts = leagues.map((l) => {
    if (l.state === 'failed') return `${l.league} failed: ${l.error?.message ?? 'unknown error'}`
    if (l.state === 'cancelled') return `${l.league} cancelled`
    const d = l.decision
    const rps = l.metrics?.calibrated?.rps
    const verdict = d
      ? d.promoted
        ? `promoted v${l.version} to champion`
        : `v${l.version} kept as challenger (${d.reason})`
      : ''
    return `${l.league} RPS ${rps?.toFixed(4) ?? '—'}, ${verdict}${l.features?.rebuilt ? ', features rebuilt' : ''}`
  })
  const state: PipelineState = cancelled
    ? 'cancelled'
    : failed.length === 0
      ? 'succeeded'
      : ok.length === 0
        ? 'failed'
        : 'partial'
  return { state, summary: parts.join('; ') || 'no league to train' }
}

/** Runs the pipeline for each league in turn; never throws for a league's failure (it is recorded). */
export async function runPipeline(
  leagues: readonly string[],
  settings: PipelineSettings,
  deps: PipelineDeps,
  meta: { id: string; trigger: PipelineTrigger },
): Promise<PipelineRunRecord> {
  const now = deps.now ?? Date.now
  const record: PipelineRunRecord = {
    id: meta.id,
    trigger: meta.trigger,
    state: 'running',
    startedAt: now(),
    endedAt: null,
    leagues: [],
    features: { rebuilt: false, views: [], note: null, ms: null, error: null },
    settings: settingsRecord(settings),
    summary: '',
  }
  const emit = (e: PipelineEvent) => {
    try {
      deps.onEvent?.(e)
    } catch {
      // a listener must not break the run
    }
  }
  for (let i = 0; i < leagues.length; i++) {
    const league = leagues[i]
    if (deps.signal?.aborted) {
      record.leagues.push(
        emptyOutcome(league, 'cancelled', { code: 'JOB_CANCELLED', message: 'cancelled before it started' }),
      )
      continue
    }
    emit({
      type: 'progress',
      runId: meta.id,
      league,
      stage: 'league',
      fraction: (0.95 * i) / leagues.length,
      message: `training ${league} (${i + 1}/${leagues.length})`,
    })
    const outcome = await runLeague(league, settings, deps, meta, (stage, fraction, message) =>
      emit({
        type: 'progress',
        runId: meta.id,
        league,
        stage,
        fraction: (0.95 * (i + fraction)) / leagues.length,
        message,
      }),
    )
    record.leagues.push(outcome)
    emit({
      type: 'log',
      runId: meta.id,
      league,
      level: outcome.state === 'succeeded' ? 'info' : outcome.state === 'cancelled' ? 'warn' : 'error',
      message: summariseRun([outcome], false).summary,
    })
  }
  await rebuildAfterPromotion(record, deps, emit)
  for (const l of record.leagues) delete l.champion
  record.endedAt = now()
  const { state, summary } = summariseRun(record.leagues, deps.signal?.aborted ?? false)
  record.state = state
  record.summary = summary
  emit({ type: 'progress', runId: meta.id, league: null, stage: 'done', fraction: 1, message: summary })
  return record
}

/**
 * When any league's champion changed: rebuild the feature views once, from the champion of every league
 * (the new ones from this run, the others read back from their registered model's `model/model.json`).
 */
async function rebuildAfterPromotion(
  record: PipelineRunRecord,
  deps: PipelineDeps,
  emit: (e: PipelineEvent) => void,
): Promise<void> {
  const promoted = record.leagues.filter((l) => l.champion)
  const notPromoted = 'no champion changed: the feature views stay as they are'
  for (const l of record.leagues) {
    if (l.state === 'succeeded')
      l.features = { rebuilt: false, views: [], note: l.champion ? null : notPromoted }
  }
  if (promoted.length === 0) {
    record.features.note = notPromoted
    return
  }
  if (!deps.rebuildFeatures) {
    record.features.note = 'no feature store configured'
    return
  }
  emit({
    type: 'progress',
    runId: record.id,
    league: null,
    stage: 'features',
    fraction: 0.98,
    message: 'rebuilding feature views',
  })
  const t0 = performance.now()
  try {
    const champions: Record<string, ChampionModel> = {}
    for (const l of promoted) champions[l.league] = l.champion as ChampionModel
    for (const league of knownLeagues(deps.db)) {
      if (champions[league]) continue
      const champion = await readChampion(deps.tracking, league)
      if (champion) champions[league] = champion
    }
    const result = await deps.rebuildFeatures({ promoted: promoted.map((l) => l.league), champions })
    record.features = { rebuilt: true, views: result.views, note: result.note ?? null, ms: null, error: null }
    for (const l of promoted) l.features = { rebuilt: true, views: result.views, note: null }
  } catch (error) {
    const message = (error as Error)?.message ?? String(error)
    record.features.error = message
    for (const l of promoted)
      l.features = { rebuilt: false, views: [], note: `feature rebuild failed: ${message}` }
    emit({
      type: 'log',
      runId: record.id,
      league: null,
      level: 'error',
      message: `feature rebuild failed: ${message}`,
    })
  } finally {
    record.features.ms = round(performance.now() - t0)
  }
}

function knownLeagues(db: Database.Database): string[] {
  return db
    .prepare('SELECT DISTINCT league_code FROM matches WHERE deleted = 0 ORDER BY league_code')
    .pluck()
    .all() as string[]
}

/** A league's current champion, read back from its registered model's artifact; null when it has none. */
export async function readChampion(tracking: TrackingStore, league: string): Promise<ChampionModel | null> {
  const version = await tracking.getVersionByAlias(modelNameOf(league), CHAMPION).catch(() => null)
  if (!version?.runId) return null
  try {
    const bytes = await tracking.downloadArtifact(version.runId, 'model/model.json')
    const artifact = JSON.parse(Buffer.from(bytes).toString('utf8')) as ModelArtifact
    return {
      model: artifact.model,
      version: version.version,
      runId: version.runId,
      alpha: artifact.blend.alpha,
      calibrator: artifact.calibrator,
    }
  } catch {
    return null
  }
}

function emptyOutcome(league: string, state: LeagueState, error: LeagueOutcome['error']): LeagueOutcome {
  return {
    league,
    state,
    error,
    steps: [],
    evaluation: null,
    xi: null,
    xiGrid: [],
    metrics: null,
    alpha: null,
    logLikelihood: null,
    runId: null,
    modelName: modelNameOf(league),
    version: null,
    decision: null,
    features: null,
  }
}

async function runLeague(
  league: string,
  s: PipelineSettings,
  deps: PipelineDeps,
  meta: { id: string; trigger: PipelineTrigger },
  progress: (stage: string, fraction: number, message: string) => void,
): Promise<LeagueOutcome> {
  const out = emptyOutcome(league, 'succeeded', null)
  const { pool, tracking, signal } = deps
  const jobOptions = { signal, timeoutMs: s.jobTimeoutMs }
  let step = ''
  const time = async <T>(name: string, work: () => Promise<T> | T): Promise<T> => {
    step = name
    checkAborted(signal, league)
    const timing = { step: name, ms: 0 }
    out.steps.push(timing) // in start order, even when steps overlap
    const t0 = performance.now()
    try {
      return await work()
    } finally {
      timing.ms = round(performance.now() - t0)
    }
  }
  let parentRunId: string | null = null
  const childRuns: string[] = []
  try {
    progress('load', 0, `${league}: loading matches`)
    const data = await time('load', () =>
      loadLeagueData(deps.db, league, {
        windowYears: s.windowYears,
        marketPreference: s.marketPreference,
        margin: s.margin,
        extraYears: s.model === 'auto' ? 1 : 0,
      }),
    )
    out.evaluation = data.evaluation

    // The variant: named, or chosen on the year before the evaluation window (never on the window itself).
    let variant: { model: VariantId; params: Record<string, number> }
    if (s.model === 'auto') {
      const period = selectionPeriodBefore(data.evaluation.from)
      const candidates = variantCandidates()
      progress('model', 0.02, `${league}: choosing the model among ${candidates.length} candidates`)
      const selection = await time('model', () =>
        selectVariant(
          data.matches,
          { windowYears: s.windowYears, xi: DEFAULT_XI },
          period,
          candidates,
          poolVariantMap(pool, {
            ...jobOptions,
            label: league,
            onProgress: (done, total, last) =>
              progress(
                'model',
                0.02 + 0.08 * (done / total),
                `${league}: ${last.model} done (${done}/${total})`,
              ),
          }),
          data.evaluation.from,
        ).catch((error: unknown) => {
          if ((error as { code?: unknown }).code !== 'MODEL_NO_DATA') throw error
          throw new TrainingError(
            'PIPELINE_NO_DATA',
            `${league}: model auto chooses on ${period.from} .. ${period.to}, but no variant could forecast a match there: import the earlier seasons, or name a model.`,
          )
        }),
      )
      out.variantSelection = selection
      variant = { model: selection.model, params: selection.params }
    } else {
      requireVariant(s.model)
      variant = { model: s.model, params: {} }
    }
    out.modelVariant = variant.model
    out.modelParams = variant.params

    progress('xi', 0.05, `${league}: ξ search over ${s.xiGrid.length} values`)
    const xiChoice = await time('xi', () =>
      selectXi(
        data.matches,
        walkOptions(s, data, undefined, variant),
        s.xiGrid,
        poolXiMap(pool, {
          ...jobOptions,
          label: league,
          onProgress: (done, total, last) =>
            progress(
              'xi',
              0.05 + 0.55 * (done / total),
              `${league}: ξ = ${last.xi} RPS ${last.rps?.toFixed(5) ?? '—'} (${done}/${total})`,
            ),
        }),
      ),
    )
    out.xi = xiChoice.xi
    out.xiGrid = xiChoice.grid.map((g) => ({ xi: g.xi, rps: g.rps }))

    progress('backtest', 0.6, `${league}: walk-forward with ξ = ${xiChoice.xi}`)
    const packed = packMatches(data.matches)
    // Dixon-Coles ratings for the screens and the feature views (the engine's kind when the variant is one
    // of its two; Dixon-Coles otherwise), and the variant's own fit summary when it is another variant.
    const engineKind = variant.model === 'poisson' ? 'poisson' : 'dixon-coles'
    const isEngine = variant.model === 'dixon-coles' || variant.model === 'poisson'
    const trainFrom = yearsBefore(data.evaluation.to, s.windowYears)
    const [backtest, engineFit, variantFit] = await Promise.all([
      time('backtest', () =>
        backtestInPool(pool, packed, walkOptions(s, data, xiChoice.xi, variant), {
          ...jobOptions,
          label: `${league} backtest`,
        }),
      ),
      time('fit', () =>
        fitInPool(
          pool,
          packed,
          {
            xi: xiChoice.xi,
            model: engineKind,
            asOf: data.evaluation.to,
            from: trainFrom,
          },
          { ...jobOptions, label: `${league} fit`, excludeDegenerate: true },
        ),
      ),
      isEngine
        ? Promise.resolve<FitVariantResult | null>(null)
        : time('fit variant', () =>
            fitVariantInPool(
              pool,
              {
                matches: packed,
                model: variant.model,
                params: variant.params,
                asOf: data.evaluation.to,
                from: trainFrom,
                xi: xiChoice.xi,
              },
              { ...jobOptions, label: `${league} fit ${variant.model}` },
            ),
          ),
    ])
    // What the app serves: the engine's fit, or the variant's own parameters when its forecasts are the
    // engine's formula with them (shots, market): then the champion's probabilities are the variant's.
    const fitted = variantFit?.engineModel ?? engineFit
    const servable = isEngine || variantFit?.engineModel != null
    const fitMs = out.steps.find((t) => t.step === 'fit')?.ms ?? 0
    out.metrics = backtest.metrics
    out.alpha = backtest.final.alpha
    out.logLikelihood = fitted.logLikelihood
    const candidateScore = backtest.metrics.calibrated?.rps ?? backtest.metrics.model?.rps
    if (candidateScore === undefined) {
      throw new TrainingError(
        'PIPELINE_NO_DATA',
        `${league}: the walk-forward scored no match in ${data.evaluation.season}`,
      )
    }

    progress('track', 0.8, `${league}: logging the run`)
    const modelName = modelNameOf(league)
    const version = await time('track', async () => {
      const [poisson, blending, calibration] = await Promise.all([
        tracking.ensureExperiment(EXPERIMENTS.poisson),
        tracking.ensureExperiment(EXPERIMENTS.blending),
        tracking.ensureExperiment(EXPERIMENTS.calibration),
      ])
      const tags = {
        'scoreline.league': league,
        'scoreline.pipeline_run': meta.id,
        'scoreline.trigger': meta.trigger,
        [TAGS.dataFingerprint]: data.dataFingerprint,
        [TAGS.evalWindow]: data.evalWindow,
        'scoreline.model_variant': variant.model,
      }
      const params = {
        league,
        seasons: data.seasons.join(' '),
        eval_season: data.evaluation.season,
        eval_from: data.evaluation.from,
        eval_to: data.evaluation.to,
        train_from: yearsBefore(data.evaluation.to, s.windowYears),
        train_to: data.evaluation.to,
        window_years: s.windowYears,
        xi: xiChoice.xi,
        xi_grid: s.xiGrid.join(' '),
        model: variant.model,
        model_variant: variant.model,
        model_params: JSON.stringify(variant.params),
        model_selection: s.model === 'auto' ? 'auto' : 'named',
        margin_method: s.margin,
        blend: s.blend,
        calibration: s.calibration,
        min_history: s.minHistory,
        // the scoring protocol: stages gated on out-of-sample evidence, warmed up on the season before
        gated: 'true',
        warm_up_from: warmUpFromOf(data),
        market: settingsRecord(s).market.join(' '),
        code_version: deps.codeVersion ?? 'dev',
      }
      const parent = await tracking.startRun({
        experimentId: poisson.id,
        runName: `${league} pipeline ${meta.id}`,
        tags,
      })
      parentRunId = parent.runId
      await tracking.log(parent.runId, {
        params,
        metrics: {
          rps: candidateScore,
          ...metricRecord('model_', backtest.metrics.model),
          ...metricRecord('market_', backtest.metrics.market),
          ...metricRecord('blend_', backtest.metrics.blend),
          ...metricRecord('calibrated_', backtest.metrics.calibrated),
          log_likelihood: fitted.logLikelihood,
          iterations: fitted.iterations,
          fit_seconds: fitMs / 1000,
          ...(backtest.final.alpha !== null ? { alpha: backtest.final.alpha } : {}),
        },
      })
      await tracking.log(parent.runId, {
        metrics: xiChoice.grid
          .map((g, i) =>
            g.rps === null ? null : { key: 'xi_search_rps', value: g.rps, timestamp: Date.now(), step: i },
          )
          .filter((x): x is { key: string; value: number; timestamp: number; step: number } => x !== null),
      })
      const child = async (
        experimentId: string,
        name: string,
        p: Record<string, string | number>,
        m: Record<string, number>,
      ) => {
        const run = await tracking.startRun({
          experimentId,
          runName: `${league} ${name}`,
          parentRunId: parent.runId,
          tags,
        })
        childRuns.push(run.runId)
        await tracking.log(run.runId, { params: p, metrics: m })
        await tracking.endRun(run.runId, 'FINISHED')
      }
      await child(
        poisson.id,
        'fit',
        {
          league,
          xi: xiChoice.xi,
          window_years: s.windowYears,
          model: variant.model,
          model_variant: variant.model,
        },
        {
          log_likelihood: fitted.logLikelihood,
          iterations: fitted.iterations,
          fit_seconds: fitMs / 1000,
          rho: fitted.rho,
          home_advantage: fitted.homeAdvantage,
          ...metricRecord('', backtest.metrics.model),
        },
      )
      await child(
        blending.id,
        'blend',
        { league, blend: s.blend, margin_method: s.margin, xi: xiChoice.xi },
        {
          ...(backtest.final.alpha !== null ? { alpha: backtest.final.alpha } : {}),
          ...metricRecord('', backtest.metrics.blend),
          ...metricRecord('market_', backtest.metrics.market),
          ...gateRecord(backtest.gates?.blend),
        },
      )
      const cal = backtest.final.calibrator
      await child(
        calibration.id,
        'calibration',
        { league, calibration: s.calibration, xi: xiChoice.xi },
        {
          ...(cal && cal.kind === 'temperature'
            ? { temperature: (cal as { temperature: number }).temperature }
            : {}),
          ...metricRecord('', backtest.metrics.calibrated),
          ...gateRecord(backtest.gates?.calibration),
        },
      )
      const artifact: ModelArtifact = {
        format: 'scoreline-dixon-coles/1',
        league,
        model: fitted,
        blend: { kind: s.blend, alpha: backtest.final.alpha },
        calibrator: backtest.final.calibrator,
        settings: params,
        variant: {
          id: variant.model,
          label: requireVariant(variant.model).label,
          params: variant.params,
          selection: out.variantSelection ?? null,
          summary: variantFit ? variantFit.summary : null,
          note: isEngine
            ? null
            : servable
              ? `\`model\` holds ${variant.model}'s own ratings in the engine's form: the app's forecasts with it are ${variant.model}'s.`
              : `The walk-forward evaluation and promotion score are ${variant.model}'s; \`model\` holds a Dixon-Coles fit on the same window for team ratings and the feature views.`,
        },
        dataFingerprint: data.dataFingerprint,
        evalWindow: data.evalWindow,
        howToPredict:
          'λ = exp(homeAdvantage + attack[home] + defence[away]), μ = exp(attack[away] + defence[home]); Dixon-Coles τ with rho; ' +
          `blend ${s.blend} with the market (margin method ${s.margin}) at weight alpha on the model; then the calibrator.`,
      }
      await tracking.logArtifact(parent.runId, 'model/model.json', JSON.stringify(artifact, null, 2))
      await tracking.logArtifact(parent.runId, 'predictions.csv', predictionsCsv(backtest.rows))
      await tracking.logArtifact(parent.runId, 'team_ratings.csv', ratingsCsv(fitted))
      await tracking.logArtifact(
        parent.runId,
        'reliability.svg',
        reliabilitySvg(backtest.rows, `${league} ${data.evaluation.season} calibrated`),
      )
      await tracking.endRun(parent.runId, 'FINISHED')
      out.runId = parent.runId
      await tracking.ensureRegisteredModel(modelName, {
        description: `Dixon-Coles + market blend for ${league}`,
      })
      return tracking.createModelVersion({
        name: modelName,
        runId: parent.runId,
        artifactPath: 'model',
        tags: {
          'scoreline.league': league,
          [TAGS.evalWindow]: data.evalWindow,
          'scoreline.xi': String(xiChoice.xi),
          'scoreline.model_variant': variant.model,
        },
      })
    })
    out.version = version.version

    progress('promote', 0.9, `${league}: comparing v${version.version} with the champion`)
    const decision = await time('promote', async () => {
      const rescored = await championScoreOnWindow(tracking, pool, modelName, data, packed, s, jobOptions)
      return promoteIfBetter(tracking, {
        modelName,
        candidateVersion: version.version,
        candidateScore,
        margin: s.promotionMargin,
        evalWindow: data.evalWindow,
        ...(rescored?.score === undefined ? {} : { championScore: rescored.score }),
        // when both served forecasts tie within the margin (typically: both defer to the market), the
        // better goal model wins: it serves fixtures without odds, the team ratings and the feature views
        tieBreak: {
          metric: 'model_rps',
          ...(backtest.metrics.model ? { candidateScore: backtest.metrics.model.rps } : {}),
          ...(rescored?.modelScore === undefined ? {} : { championScore: rescored.modelScore }),
        },
        decidedBy: `scoreline:pipeline:${meta.trigger}`,
        // The app's prediction paths (jackpots, feature views, model health) run the engine's fit; a
        // champion of another variant would be scored on its own forecasts but served Dixon-Coles ones.
        ...(servable
          ? {}
          : {
              notServable: `${variant.model} scored RPS ${candidateScore.toFixed(4)} on the evaluation window, but its forecasts need its own code, which the app's prediction paths (jackpots, feature views, model health) cannot run yet; they are in this run (compare with \`scoreline compare-models\`)`,
            }),
      })
    })
    out.decision = {
      action: decision.action,
      promoted: decision.promoted,
      reason: decision.reason,
      candidateScore: decision.candidateScore,
      championScore: decision.championScore ?? null,
      previousChampion: decision.previousChampion ?? null,
    }

    out.champion = decision.promoted
      ? {
          model: fitted,
          version: version.version,
          runId: out.runId as string,
          alpha: backtest.final.alpha,
          calibrator: backtest.final.calibrator,
        }
      : null
    progress('done', 1, `${league}: done`)
    return out
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown }
    const code = typeof e?.code === 'string' ? e.code : 'JOB_FAILED'
    out.state = code === 'JOB_CANCELLED' ? 'cancelled' : 'failed'
    out.error = {
      code,
      message: `${step ? `${step}: ` : ''}${typeof e?.message === 'string' ? e.message : String(error)}`,
    }
    if (parentRunId) {
      for (const id of [parentRunId, ...childRuns]) {
        await tracking.endRun(id, out.state === 'cancelled' ? 'KILLED' : 'FAILED').catch(() => {})
      }
    }
    return out
  }
}

/**
 * The champion's RPS on this evaluation window: undefined when there is no champion, or when its run was
 * evaluated on exactly these matches (`promoteIfBetter` then reads it from the run); otherwise its
 * settings are re-run on this window (same matches, its own ξ and methods), so the two compare like with like.
 */
/**
 * A champion's stored score compares with a candidate's only when it was scored on the same matches (its eval
 * window tag) by the same protocol (stages gated on out-of-sample evidence, warmed up on the season before);
 * otherwise the champion is re-scored on this window.
 */
export function storedScoreComparable(
  run: { tags: Record<string, string>; params: Record<string, string>; metrics: Record<string, number> },
  data: Pick<LeagueData, 'evalWindow' | 'evaluation'>,
): boolean {
  return (
    run.tags[TAGS.evalWindow] === data.evalWindow &&
    run.params.gated === 'true' &&
    run.params.warm_up_from === warmUpFromOf(data) &&
    Number.isFinite(run.metrics.rps)
  )
}

async function championScoreOnWindow(
  tracking: TrackingStore,
  pool: WorkerPool,
  modelName: string,
  data: LeagueData,
  packed: ReturnType<typeof packMatches>,
  s: PipelineSettings,
  jobOptions: { signal?: AbortSignal; timeoutMs: number },
): Promise<{ score: number | undefined; modelScore: number | undefined } | undefined> {
  const champion = await tracking.getVersionByAlias(modelName, CHAMPION)
  if (!champion?.runId) return undefined
  const run = await tracking.getRun(champion.runId).catch(() => null)
  if (!run) return undefined
  if (storedScoreComparable(run, data)) return undefined
  const p = run.params
  const num = (k: string, d: number) =>
    p[k] !== undefined && Number.isFinite(Number(p[k])) ? Number(p[k]) : d
  const options: WalkForwardOptions = {
    ...walkOptions(s, data, num('xi', 0.0019)),
    windowYears: num('window_years', s.windowYears),
    minHistory: num('min_history', s.minHistory),
    ...(p.model_variant || p.model
      ? { model: String(p.model_variant ?? p.model) as WalkForwardOptions['model'] }
      : {}),
    ...(p.model_params ? { params: parseParams(String(p.model_params)) } : {}),
    ...(p.margin_method ? { margin: p.margin_method as MarginMethod } : {}),
    ...(p.blend ? { blend: p.blend as BlendKind } : {}),
    ...(p.calibration ? { calibration: p.calibration as CalibrationKind } : {}),
  }
  const r: WalkForwardResult = await backtestInPool(pool, packed, options, {
    ...jobOptions,
    label: `${modelName} champion re-score`,
  })
  return { score: r.metrics.calibrated?.rps ?? r.metrics.model?.rps, modelScore: r.metrics.model?.rps }
}

/**
 * A stage's out-of-sample evidence as run metrics: served (1/0) at the end, and its RPS against what it
 * replaces over the walk-forward's earlier rows (walkForward `gate`).
 */
function gateRecord(e: StageEvidence | undefined): Record<string, number> {
  if (!e) return {}
  return {
    served: e.open ? 1 : 0,
    gate_rows: e.rows,
    ...(e.candidateRps !== null ? { gate_rps: e.candidateRps } : {}),
    ...(e.baseRps !== null ? { gate_replaced_rps: e.baseRps } : {}),
  }
}

function parseParams(text: string): Record<string, number> {
  try {
    const v = JSON.parse(text) as unknown
    if (v && typeof v === 'object' && Object.values(v).every((x) => typeof x === 'number')) {
      return v as Record<string, number>
    }
  } catch {
    // an older run: the variant's defaults
  }
  return {}
}

export type { BacktestMatch }
