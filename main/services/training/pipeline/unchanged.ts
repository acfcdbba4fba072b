/**
 * "Nothing changed since vN" (#20): a pipeline rerun on the same data (the data fingerprint of every match it
 * reads) with the same settings (the config fingerprint below) would train the same model bit for bit, so it
 * registers no new version and says which version already holds that result.
 */
import { createHash } from 'node:crypto'
import type { MetricsSummary } from '../../../model/metrics'
import { TAGS, type Run, type TrackingStore } from '../../tracking/trackingStore'
import type { LeagueData } from '../leagueData'
import { settingsRecord } from './records'
import type { LeagueOutcome, PipelineSettings } from './types'

/** Run tags the screens read beside the metrics. */
export const RUN_TAGS = {
  /** "served: market (blend off), 0.1971; model 0.2005; market 0.1971 (378 matches)". */
  rpsSummary: 'scoreline.rps_summary',
  /** Why fewer matches were scored than the evaluation window holds. */
  countsNote: 'scoreline.counts_note',
} as const

/**
 * Bumped when the pipeline's maths or scoring protocol changes, so a rerun after such a change trains again
 * even on unchanged data and settings. 'pipeline/20': teams with few matches shrunk toward a prior (#20).
 */
export const PIPELINE_PROTOCOL = 'pipeline/20'

/** sha256 (hex) of the settings that decide a league's result (not the job timeout) and the protocol. */
export function configFingerprint(s: PipelineSettings): string {
  const { jobTimeoutMs: _timeout, ...rest } = settingsRecord(s)
  void _timeout
  const canonical = JSON.stringify(
    Object.fromEntries(
      Object.entries({ ...rest, protocol: PIPELINE_PROTOCOL }).sort(([a], [b]) => a.localeCompare(b)),
    ),
  )
  return createHash('sha256').update(canonical).digest('hex')
}

/**
 * The newest registered version of `modelName` whose run trained on exactly this data with these settings
 * (and finished), or null.
 */
export async function unchangedVersion(
  tracking: TrackingStore,
  modelName: string,
  data: Pick<LeagueData, 'dataFingerprint'>,
  s: PipelineSettings,
): Promise<{ version: string; runId: string; run: Run } | null> {
  const model = await tracking.getRegisteredModel(modelName).catch(() => null)
  if (!model) return null
  const page = await tracking.searchModelVersions({ name: modelName, maxResults: 1000 }).catch(() => null)
  const newest = (page?.items ?? [])
    .filter((v) => v.runId)
    .sort((a, b) => Number(b.version) - Number(a.version))[0]
  if (!newest?.runId) return null
  const run = await tracking.getRun(newest.runId).catch(() => null)
  if (!run || run.info.status !== 'FINISHED') return null
  const same =
    run.tags[TAGS.dataFingerprint] === data.dataFingerprint &&
    run.tags[TAGS.configFingerprint] === configFingerprint(s)
  return same ? { version: newest.version, runId: newest.runId, run } : null
}

const STAGES = ['model', 'market', 'blend', 'calibrated'] as const

/** The four walk-forward summaries as a run logged them (`metricRecord`), for a league that did not retrain. */
export function metricsFromRun(run: Run): NonNullable<LeagueOutcome['metrics']> {
  const m = run.metrics
  const stage = (p: string): MetricsSummary | null =>
    Number.isFinite(m[`${p}_rps`]) && Number.isFinite(m[`${p}_n`])
      ? {
          n: m[`${p}_n`],
          rps: m[`${p}_rps`],
          log_loss: m[`${p}_log_loss`],
          brier: m[`${p}_brier`],
          accuracy: m[`${p}_accuracy`],
          ece: m[`${p}_ece`],
        }
      : null
  return Object.fromEntries(STAGES.map((p) => [p, stage(p)])) as NonNullable<LeagueOutcome['metrics']>
}
