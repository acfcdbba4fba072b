import type Database from 'better-sqlite3'
import type { FittedModel } from '../../../model/dixonColes'
import { DEFAULT_XI_GRID, type CalibrationKind, type VariantSelection } from '../../../model/backtest'
import type { BlendKind } from '../../../model/blend'
import type { Calibrator } from '../../../model/calibration'
import type { MarginMethod } from '../../../model/market'
import type { MetricsSummary } from '../../../model/metrics'
import type { VariantId } from '../../../model/variants'
import type { MarketKey } from '../../data/csv'
import { DEFAULT_MARKET_PREFERENCE } from '../../data/csv'
import type { PromotionDecision } from '../../tracking/promotion'
import type { TrackingStore } from '../../tracking/trackingStore'
import { registeredModelName } from '../../tracking/modelName'
import { EXPERIMENTS } from '../../tracking/pipelineRecorder'
import type { LeagueData } from '../leagueData'
import type { WorkerPool } from '../workerPool'
import type { SelectionMemo } from './selectionMemo'
import type { VariantChoice } from './storedSelection'

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

export { EXPERIMENTS }

/**
 * The experiment a pipeline's runs go to: the team's `dixon_coles_poisson`, under `prefix` when one is
 * configured (SCORELINE_EXPERIMENT_PREFIX; tests give each run its own, so a shared server's team
 * experiments never hold test runs).
 */
export const experimentNameOf = (prefix = ''): string => `${prefix}${EXPERIMENTS.poisson}`

/** The league's registered model (`scoreline-E0`): the one rule in tracking/modelName.ts. */
export const modelNameOf = (league: string): string => registeredModelName(league)

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
  /** With model 'auto': the choice's key, and the run it was reused from (storedSelection.ts, #23). */
  variantChoice?: VariantChoice | null
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
    /** What the label says (`shared/modelReport.ts` `decisionLabel`). */
    outcome: PromotionDecision['outcome']
    promoted: boolean
    /** One plain sentence (≤ 120 characters, 4 decimals). */
    reason: string
    /** The full account behind `reason`. */
    detail: string
    /** Both on `matches` when given (by match id). */
    candidateScore: number
    championScore: number | null
    previousChampion: string | null
    /** The matches both versions scored (null without a champion): n, and whether the sets were identical. */
    matches: { n: number; identical: boolean; candidateOnly: number; championOnly: number } | null
  } | null
  /** "served: market (blend off), 0.1971; model 0.2005; market 0.1971 (378 matches)" (shared/modelReport). */
  rpsSummary?: string | null
  /** Matches of the evaluation window, scored, and why the rest were left out. */
  counts?: { evaluation: number; scored: number; noOdds: number; noRating: number; note: string } | null
  /** Set when the data and settings are those of an existing version: nothing was trained or registered. */
  unchanged?: { version: string; runId: string | null } | null
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
  /**
   * The margin removal and opinion pool it was evaluated and registered with (its artifact's), so every
   * consumer prices it the same whatever the settings are now; absent: the consumer's own settings.
   */
  margin?: MarginMethod
  blend?: BlendKind
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
  /**
   * Train and register even when the newest version was trained on the same data with the same settings
   * (default false: such a league says "nothing changed since vN" and registers nothing).
   */
  force?: boolean
  /** Prefix of the experiment names the runs go to (`experimentNameOf`); default none: the team's names. */
  experimentPrefix?: string
  /** `--model auto` choices kept for the owner's life, before the tracking store is asked (#23). */
  selectionMemo?: SelectionMemo
}
