/**
 * zod schemas for the parts of MLflow's REST API (`/api/2.0/mlflow/...`) Scoreline uses, checked against
 * MLflow 3.x responses. Int64 fields are coerced (some proxies stringify them); metric values may be the
 * strings "NaN" / "Infinity" / "-Infinity", which MLflow uses for non-finite floats.
 */
import { z } from 'zod'

const int64 = z.coerce.number()
const optionalInt64 = z.coerce.number().optional()

export const metricValue = z.union([
  z.number(),
  z.enum(['NaN', 'Infinity', '-Infinity']).transform((s) => Number(s)),
])

export const keyValueSchema = z.object({ key: z.string(), value: z.string().default('') })
export type KeyValue = z.infer<typeof keyValueSchema>

export const metricSchema = z.object({
  key: z.string(),
  value: metricValue,
  timestamp: int64,
  step: int64.default(0),
})
export type MlflowMetric = z.infer<typeof metricSchema>

export const metricWithRunIdSchema = metricSchema.extend({ run_id: z.string() })

export const experimentSchema = z.object({
  experiment_id: z.string(),
  name: z.string(),
  artifact_location: z.string().optional(),
  lifecycle_stage: z.string().optional(),
  creation_time: optionalInt64,
  last_update_time: optionalInt64,
  tags: z.array(keyValueSchema).optional(),
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
      metrics: z.array(metricSchema).optional(),
      params: z.array(keyValueSchema).optional(),
      tags: z.array(keyValueSchema).optional(),
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
  tags: z.array(keyValueSchema).optional(),
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
  tags: z.array(keyValueSchema).optional(),
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
  metrics: z.array(metricSchema).default([]),
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
