/**
 * zod schemas for the parts of MLflow's REST API (`/api/2.0/mlflow/...`) Scoreline uses, checked against
 * MLflow 3.x responses. Int64 fields are coerced (some proxies stringify them); metric values may be the
 * strings "NaN" / "Infinity" / "-Infinity", which MLflow uses for non-finite floats.
 */
import { z } from 'zod'

const int64 = z.coerce.number()
const optionalInt64 = z.coerce.number().optional()

const NON_FINITE: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
}

/**
 * Metric and key/value lists are the bulk of search responses (1,000 runs × dozens of metrics), so they are
 * checked by hand-written loops wrapped in zod (several times faster than per-item zod objects).
 */
function checkedList<T>(check: (item: unknown) => T | undefined, what: string) {
  return z
    .custom<unknown[]>((v) => Array.isArray(v), { message: `expected a list of ${what}` })
    .transform((list, ctx) => {
      const out: T[] = new Array(list.length)
      for (let i = 0; i < list.length; i++) {
        const item = check(list[i])
        if (item === undefined) {
          ctx.addIssue({ code: 'custom', message: `item ${i} is not a valid ${what}`, path: [i] })
          return z.NEVER
        }
        out[i] = item
      }
      return out
    })
}

export function toMetricValue(v: unknown): number | undefined {
  if (typeof v === 'number') return v
  if (typeof v === 'string' && v in NON_FINITE) return NON_FINITE[v]
  return undefined
}

export interface KeyValue {
  key: string
  value: string
}

function checkKeyValue(item: unknown): KeyValue | undefined {
  const o = item as { key?: unknown; value?: unknown }
  if (typeof o !== 'object' || o === null || typeof o.key !== 'string') return undefined
  if (o.value !== undefined && typeof o.value !== 'string') return undefined
  return { key: o.key, value: (o.value as string | undefined) ?? '' }
}

export interface MlflowMetric {
  key: string
  value: number
  timestamp: number
  step: number
}

function checkMetric(item: unknown): MlflowMetric | undefined {
  const o = item as { key?: unknown; value?: unknown; timestamp?: unknown; step?: unknown }
  if (typeof o !== 'object' || o === null || typeof o.key !== 'string') return undefined
  const value = toMetricValue(o.value)
  const timestamp = Number(o.timestamp)
  const step = o.step === undefined ? 0 : Number(o.step)
  if (value === undefined || !Number.isFinite(timestamp) || !Number.isFinite(step)) return undefined
  return { key: o.key, value, timestamp, step }
}

export const keyValueSchema = z.object({ key: z.string(), value: z.string().default('') })
export const keyValueList = checkedList(checkKeyValue, 'key/value pair')
export const metricList = checkedList(checkMetric, 'metric')
export const metricSchema = z.object({
  key: z.string(),
  value: z.custom<number>((v) => toMetricValue(v) !== undefined).transform((v) => toMetricValue(v)!),
  timestamp: int64,
  step: int64.default(0),
})

export const metricWithRunIdSchema = metricSchema.extend({ run_id: z.string() })

export const experimentSchema = z.object({
  experiment_id: z.string(),
  name: z.string(),
  artifact_location: z.string().optional(),
  lifecycle_stage: z.string().optional(),
  creation_time: optionalInt64,
  last_update_time: optionalInt64,
  tags: keyValueList.optional(),
})
export type MlflowExperiment = z.infer<typeof experimentSchema>

export const runStatusSchema = z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'])
export type RunStatus = z.infer<typeof runStatusSchema>

export const runInfoSchema = z.object({
  run_id: z.string(),
  experiment_id: z.string(),
  run_name: z.string().optional(),
  user_id: z.string().optional(),
  status: runStatusSchema,
  start_time: optionalInt64,
  end_time: optionalInt64,
  artifact_uri: z.string().optional(),
  lifecycle_stage: z.string().optional(),
})
export type MlflowRunInfo = z.infer<typeof runInfoSchema>

export const runSchema = z.object({
  info: runInfoSchema,
  data: z
    .object({
      metrics: metricList.optional(),
      params: keyValueList.optional(),
      tags: keyValueList.optional(),
    })
    .default({}),
})
export type MlflowRun = z.infer<typeof runSchema>

export const modelVersionSchema = z.object({
  name: z.string(),
  version: z.string(),
  creation_timestamp: optionalInt64,
  last_updated_timestamp: optionalInt64,
  current_stage: z.string().optional(),
  description: z.string().optional(),
  source: z.string().optional(),
  run_id: z.string().optional(),
  status: z.string().optional(),
  tags: keyValueList.optional(),
  aliases: z.array(z.string()).optional(),
  run_link: z.string().optional(),
})
export type MlflowModelVersion = z.infer<typeof modelVersionSchema>

export const registeredModelSchema = z.object({
  name: z.string(),
  creation_timestamp: optionalInt64,
  last_updated_timestamp: optionalInt64,
  description: z.string().optional(),
  latest_versions: z.array(modelVersionSchema).optional(),
  tags: keyValueList.optional(),
  aliases: z.array(z.object({ alias: z.string(), version: z.string() })).optional(),
})
export type MlflowRegisteredModel = z.infer<typeof registeredModelSchema>

export const fileInfoSchema = z.object({
  path: z.string(),
  is_dir: z.boolean().default(false),
  file_size: optionalInt64,
})

// ---- responses ----
export const empty = z.object({}).passthrough()
export const createExperimentResponse = z.object({ experiment_id: z.string() })
export const getExperimentResponse = z.object({ experiment: experimentSchema })
export const searchExperimentsResponse = z.object({
  experiments: z.array(experimentSchema).default([]),
  next_page_token: z.string().optional(),
})
export const runResponse = z.object({ run: runSchema })
export const updateRunResponse = z.object({ run_info: runInfoSchema })
export const searchRunsResponse = z.object({
  runs: z.array(runSchema).default([]),
  next_page_token: z.string().optional(),
})
export const metricHistoryResponse = z.object({
  metrics: metricList.default([]),
  next_page_token: z.string().optional(),
})
export const metricBulkResponse = z.object({ metrics: z.array(metricWithRunIdSchema).default([]) })
export const listArtifactsResponse = z.object({
  root_uri: z.string().optional(),
  files: z.array(fileInfoSchema).default([]),
})
export const registeredModelResponse = z.object({ registered_model: registeredModelSchema })
export const searchRegisteredModelsResponse = z.object({
  registered_models: z.array(registeredModelSchema).default([]),
  next_page_token: z.string().optional(),
})
export const modelVersionResponse = z.object({ model_version: modelVersionSchema })
export const searchModelVersionsResponse = z.object({
  model_versions: z.array(modelVersionSchema).default([]),
  next_page_token: z.string().optional(),
})
