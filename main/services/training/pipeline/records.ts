/** Small pure helpers the pipeline's steps share: run metrics and params as records, walk-forward options. */
import { yearsBefore, type StageEvidence, type WalkForwardOptions } from '../../../model/backtest'
import type { MetricsSummary } from '../../../model/metrics'
import type { VariantId } from '../../../model/variants'
import { TrainingError } from '../errors'
import type { LeagueData } from '../leagueData'
import {
  modelNameOf,
  type LeagueOutcome,
  type LeagueState,
  type PipelineRunRecord,
  type PipelineSettings,
} from './types'

export const round = (ms: number) => Math.round(ms * 10) / 10

export function checkAborted(signal: AbortSignal | undefined, league: string) {
  if (signal?.aborted) throw new TrainingError('JOB_CANCELLED', `The pipeline was cancelled during ${league}`)
}

export function metricRecord(prefix: string, m: MetricsSummary | null): Record<string, number> {
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

export function settingsRecord(s: PipelineSettings): PipelineRunRecord['settings'] {
  const { marketPreference, xiGrid, ...rest } = s
  return {
    ...rest,
    xiGrid: [...xiGrid],
    market: marketPreference.map((k) => (k.kind === 'closing' ? `${k.bookmaker}C` : k.bookmaker)),
  }
}

/** The first date the walk-forward forecasts (unscored) so α, the calibrator and their gates have evidence. */
export const warmUpFromOf = (data: Pick<LeagueData, 'evaluation'>) => yearsBefore(data.evaluation.from, 1)

export function walkOptions(
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

/**
 * A stage's out-of-sample evidence as run metrics: served (1/0) at the end, the sequential test's e-value
 * (served at ≥ 1/level, #22), the scored matches it was served for, and its RPS against what it replaces over
 * the walk-forward's earlier rows (walkForward `gate`).
 */
export function gateRecord(e: StageEvidence | undefined): Record<string, number> {
  if (!e) return {}
  return {
    served: e.open ? 1 : 0,
    gate_e_value: e.eValue,
    served_matches: e.servedMatches,
    gate_rows: e.rows,
    ...(e.candidateRps !== null ? { gate_rps: e.candidateRps } : {}),
    ...(e.baseRps !== null ? { gate_replaced_rps: e.baseRps } : {}),
  }
}

export function parseParams(text: string): Record<string, number> {
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

export function emptyOutcome(
  league: string,
  state: LeagueState,
  error: LeagueOutcome['error'],
): LeagueOutcome {
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
