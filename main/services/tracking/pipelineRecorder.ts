/**
 * What a training run records, in the shape the team's MLflow already has: one parent run per pipeline
 * execution in the experiment `dixon_coles_poisson`, with its child runs nested under it in the same
 * experiment (MLflow nests only within one), each child tagged with the team's stage name
 * (`scoreline.stage` = `dixon_coles_poisson` / `dixon_coles_blending` / `dixon_coles_calibration`, the
 * experiments they once had) so MLflow users filter on it; params, metrics, the data fingerprint tag and
 * artifacts (model JSON, predictions CSV, team ratings CSV, reliability SVG). The pipeline computes the
 * content; this logs it.
 */
import { TAGS } from './trackingStore'
import type { MetricPoint, RunStatus, TrackingStore } from './trackingStore'

export { registeredModelName } from './modelName'

/** The team's stage names: the pipeline's experiment is `poisson`; each names its runs' `scoreline.stage`. */
export const EXPERIMENTS = {
  poisson: 'dixon_coles_poisson',
  blending: 'dixon_coles_blending',
  calibration: 'dixon_coles_calibration',
} as const

/** Run tag naming a run's stage: `pipeline` for a parent, an EXPERIMENTS name for a child (#21). */
export const STAGE_TAG = 'scoreline.stage'
export const PIPELINE_STAGE = 'pipeline'
export type Stage = (typeof EXPERIMENTS)[keyof typeof EXPERIMENTS]

export interface RecordedRunInput {
  runName: string
  /** A child's stage (`scoreline.stage`); the parent is always `pipeline`. */
  stage?: Stage
  params?: Record<string, string | number | boolean>
  /** Final values (step 0) or full points. */
  metrics?: Record<string, number> | Array<Omit<MetricPoint, 'step'> & { step?: number }>
  tags?: Record<string, string>
  /** path → content, e.g. `model/model.json`, `predictions.csv`, `team_ratings.csv`, `reliability.svg`. */
  artifacts?: Record<string, string | Uint8Array>
  status?: Exclude<RunStatus, 'RUNNING' | 'SCHEDULED'>
}

export interface PipelineRunInput extends RecordedRunInput {
  experiment: string
  /** Hash of the training matches (`scoreline.data_fingerprint`). */
  dataFingerprint?: string
  /** Id of the evaluation window (its matches) the metrics were computed on (`scoreline.eval_window`). */
  evalWindow?: string
  /** Client key of the pipeline execution, so a retried recording never duplicates the parent run. */
  clientKey?: string
  children?: RecordedRunInput[]
}

export interface RecordedPipelineRun {
  experimentId: string
  parentRunId: string
  childRunIds: string[]
}

/** Log a pipeline execution: the parent run, each child run nested under it, then end them all. */
export async function recordPipelineRun(
  store: TrackingStore,
  input: PipelineRunInput,
): Promise<RecordedPipelineRun> {
  const experiment = await store.ensureExperiment(input.experiment)
  const tags: Record<string, string> = { ...input.tags, [STAGE_TAG]: PIPELINE_STAGE }
  if (input.dataFingerprint) tags[TAGS.dataFingerprint] = input.dataFingerprint
  if (input.evalWindow) tags[TAGS.evalWindow] = input.evalWindow
  const parent = await store.startRun({
    experimentId: experiment.id,
    runName: input.runName,
    tags,
    clientKey: input.clientKey,
  })
  const children = input.children ?? []
  const childRunIds: string[] = new Array(children.length)
  try {
    // The parent's data and each child (start → log → end) are independent: send them concurrently.
    // Order within a run is kept (a child is logged only after it exists), which is all the outbox needs.
    await Promise.all([
      logOne(store, parent.runId, { ...input, tags: {} }),
      ...children.map(async (child, i) => {
        const run = await store.startRun({
          experimentId: experiment.id,
          runName: child.runName,
          parentRunId: parent.runId,
          tags: { ...tags, ...child.tags, [STAGE_TAG]: child.stage ?? EXPERIMENTS.poisson },
          clientKey: input.clientKey ? `${input.clientKey}/${i}` : undefined,
        })
        childRunIds[i] = run.runId
        await logOne(store, run.runId, { ...child, tags: {} })
        await store.endRun(run.runId, child.status ?? 'FINISHED')
      }),
    ])
    await store.endRun(parent.runId, input.status ?? 'FINISHED')
  } catch (error) {
    await store.endRun(parent.runId, 'FAILED').catch(() => undefined)
    throw error
  }
  return { experimentId: experiment.id, parentRunId: parent.runId, childRunIds }
}

async function logOne(store: TrackingStore, runId: string, run: RecordedRunInput): Promise<void> {
  if (run.params || run.metrics || run.tags) {
    await store.log(runId, { params: run.params, metrics: run.metrics, tags: run.tags })
  }
  for (const [path, content] of Object.entries(run.artifacts ?? {}))
    await store.logArtifact(runId, path, content)
}
