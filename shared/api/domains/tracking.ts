import { z } from 'zod'
import { event, procedure } from '../define'

/**
 * Experiment tracking and the model registry as the screens and the CLI need them: runs with their params,
 * latest metrics and tags; a comparison of 2–10 runs (which params differ, min / max / last of every metric
 * with the best run marked, metric histories for the overlay chart); registered models with their versions,
 * aliases, the metrics each version was judged on and the promotion history; manual promote and rollback.
 */

const runStatusSchema = z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'])

export const trackingStatusSchema = z.object({
  kind: z.enum(['mlflow', 'local', 'outbox']),
  target: z.string().describe('MLflow host (never with credentials) or the local database path'),
  online: z.boolean(),
  pending: z.number(),
  failed: z.number(),
  oldestPendingAt: z.number().nullable(),
  lastError: z.string().nullable(),
})
export type TrackingStatusDto = z.infer<typeof trackingStatusSchema>

/** Where a list served from this desktop's mirror of the MLflow server stands (#23, #21). */
export const mirrorMarkSchema = z.object({
  asOf: z.number().nullable().describe('epoch ms of the last refresh that reached the server'),
  offline: z.boolean().describe('the last try did not reach the server: the list is the copy as of `asOf`'),
  refreshing: z
    .boolean()
    .describe('a refresh is under way; `tracking.runsRefreshed` follows if it changes the list'),
  lastError: z.string().nullable(),
})
export type MirrorMarkDto = z.infer<typeof mirrorMarkSchema>

export const experimentSchema = z.object({
  id: z.string(),
  name: z.string(),
  lifecycleStage: z.enum(['active', 'deleted']),
  creationTime: z.number().nullable(),
})
export type ExperimentDto = z.infer<typeof experimentSchema>

export const runSchema = z.object({
  runId: z.string(),
  experimentId: z.string(),
  runName: z.string(),
  status: runStatusSchema,
  startTime: z.number().describe('epoch ms'),
  endTime: z.number().nullable(),
  parentRunId: z.string().nullable().describe('set on nested child runs'),
  params: z.record(z.string(), z.string()),
  metrics: z.record(z.string(), z.number()).describe('latest value of each metric'),
  tags: z.record(z.string(), z.string()),
})
export type RunDto = z.infer<typeof runSchema>

const metricPointSchema = z.object({ step: z.number(), value: z.number(), timestamp: z.number() })
export type MetricPointDto = z.infer<typeof metricPointSchema>

const metricStatsSchema = z.object({
  min: z.number(),
  max: z.number(),
  last: z.number().describe("MLflow's latest value: highest step, then timestamp"),
  points: z.number(),
})
export type MetricStatsDto = z.infer<typeof metricStatsSchema>

export const runComparisonSchema = z.object({
  runs: z.array(
    z.object({
      runId: z.string(),
      runName: z.string(),
      experimentId: z.string(),
      experimentName: z.string().nullable(),
      status: runStatusSchema,
      startTime: z.number(),
    }),
  ),
  params: z.array(
    z.object({
      key: z.string(),
      values: z.array(z.string().nullable()).describe('one per run, in `runs` order; null: not logged'),
      differs: z.boolean(),
    }),
  ),
  metrics: z.array(
    z.object({
      key: z.string(),
      higherIsBetter: z.boolean(),
      stats: z.array(metricStatsSchema.nullable()).describe('one per run, in `runs` order'),
      best: z.string().nullable().describe('run id with the best last value'),
    }),
  ),
  histories: z
    .array(
      z.object({
        key: z.string(),
        series: z.array(z.object({ runId: z.string(), points: z.array(metricPointSchema) })),
      }),
    )
    .describe('full histories of the metrics some run logged at more than one step'),
})
export type RunComparisonDto = z.infer<typeof runComparisonSchema>

export const artifactEntrySchema = z.object({
  path: z.string(),
  isDir: z.boolean(),
  fileSize: z.number().nullable(),
})

export const promotionRecordSchema = z.object({
  id: z.number(),
  decidedAt: z.number(),
  modelName: z.string(),
  action: z.enum(['promote', 'challenger', 'rollback', 'manual-promote']),
  alias: z.string(),
  version: z.string(),
  previousVersion: z.string().nullable(),
  metric: z.string().nullable(),
  candidateScore: z.number().nullable(),
  championScore: z.number().nullable(),
  margin: z.number().nullable(),
  evalWindow: z.string().nullable(),
  decidedBy: z.string(),
  reason: z.string(),
  outcome: z
    .string()
    .nullable()
    .optional()
    .describe('what the label says (shared/modelReport decisionLabel)'),
  detail: z.string().nullable().optional().describe('the full account behind the one-line reason'),
  matches: z.number().nullable().optional().describe('n: the matches both scores were taken on'),
  matchesIdentical: z
    .boolean()
    .nullable()
    .optional()
    .describe('both versions scored exactly those matches (false: re-scored on the ones both scored)'),
  state: z
    .enum(['queued', 'applied'])
    .optional()
    .describe('queued: decided while MLflow was unreachable, waiting in the outbox (served here already)'),
})
export type PromotionRecordDto = z.infer<typeof promotionRecordSchema>

/** What a version was judged on: its run's evaluation metrics and window. */
export const versionEvaluationSchema = z.object({
  runStatus: runStatusSchema.nullable(),
  runStartTime: z.number().nullable(),
  evalWindow: z.string().nullable().describe('id of the evaluation matches (same id = same matches)'),
  evalSeason: z.string().nullable(),
  evalFrom: z.string().nullable(),
  evalTo: z.string().nullable(),
  matches: z.number().nullable().describe('matches every metric was computed on (scored)'),
  evaluationMatches: z
    .number()
    .nullable()
    .optional()
    .describe('played matches in the evaluation window (≥ matches; countsNote says why they differ)'),
  countsNote: z
    .string()
    .nullable()
    .optional()
    .describe('"378 of 380 matches scored: 2 without odds" (runs since #20)'),
  scoredMatches: z
    .string()
    .nullable()
    .optional()
    .describe('id of the match ids the served forecast scored (equal id = identical matches)'),
  rpsSummary: z.string().nullable().optional().describe('which forecast each RPS is, in words'),
  metrics: z
    .record(z.string(), z.number())
    .describe(
      'rps (the promotion metric: calibrated RPS), market_rps, model_rps, blend_rps, log loss, Brier, …',
    ),
  params: z.record(z.string(), z.string()),
})

export const modelVersionSchema = z.object({
  name: z.string(),
  version: z.string(),
  runId: z.string().nullable(),
  source: z.string(),
  creationTime: z.number().nullable(),
  aliases: z.array(z.string()),
  stage: z.string(),
  tags: z.record(z.string(), z.string()),
  evaluation: versionEvaluationSchema.nullable().describe('null when the run cannot be read'),
  decision: z
    .object({
      action: z.string(),
      decidedBy: z.string().nullable(),
      decidedAt: z.string().nullable(),
      reason: z.string().nullable(),
      metric: z.string().nullable(),
      candidateScore: z.number().nullable(),
      championScore: z.number().nullable(),
      championVersion: z.string().nullable(),
      margin: z.number().nullable(),
      outcome: z
        .string()
        .nullable()
        .optional()
        .describe('what the label says: shared/modelReport.ts decisionLabel({ outcome, action })'),
      detail: z.string().nullable().optional().describe('the full account behind `reason` (one click away)'),
      matches: z.number().nullable().optional().describe('n: matches both scores were taken on'),
      matchSet: z
        .enum(['identical', 'common'])
        .nullable()
        .optional()
        .describe('identical: both scored the same matches; common: re-scored on the matches both scored'),
    })
    .nullable()
    .describe('the latest promotion decision recorded on the version (its tags)'),
})
export type ModelVersionDto = z.infer<typeof modelVersionSchema>

const aliasTargetSchema = z.object({
  version: z.string(),
  runId: z.string().nullable(),
  creationTime: z.number().nullable(),
  rps: z.number().nullable().describe("the version's promotion metric on its evaluation window"),
  marketRps: z.number().nullable().describe("the market's RPS on the same matches"),
  modelRps: z.number().nullable().optional().describe("the goal model's own RPS on the same matches"),
  served: z
    .string()
    .nullable()
    .optional()
    .describe(
      'which forecast `rps` scores, e.g. "market (blend off)" (shared/modelReport servedForecastLabel)',
    ),
  evalSeason: z.string().nullable(),
  evalFrom: z.string().nullable(),
  evalTo: z.string().nullable(),
  matches: z.number().nullable(),
  marginMethod: z.string().nullable(),
  evaluationMatches: z.number().nullable().optional().describe('played matches in the evaluation window'),
  countsNote: z.string().nullable().optional().describe('why matches < evaluationMatches, in words'),
  rpsSummary: z.string().nullable().optional().describe('which forecast each RPS is'),
})
export type AliasTargetDto = z.infer<typeof aliasTargetSchema>

export const registeredModelSchema = z.object({
  name: z.string(),
  league: z.string().nullable(),
  description: z.string().nullable(),
  aliases: z.record(z.string(), z.string()).describe('alias → version'),
  lastUpdatedTime: z.number().nullable(),
  champion: aliasTargetSchema.nullable(),
  challenger: aliasTargetSchema.nullable(),
  offlineAsOf: z
    .number()
    .nullable()
    .optional()
    .describe('set when MLflow is unreachable: this is the list as this desktop last read it (epoch ms)'),
})
export type RegisteredModelDto = z.infer<typeof registeredModelSchema>

export const modelDetailSchema = z.object({
  model: registeredModelSchema,
  versions: z.array(modelVersionSchema).describe('newest first'),
  history: z.array(promotionRecordSchema).describe('promotion log, newest first'),
  historySource: z
    .string()
    .optional()
    .describe("where the history was read: the team's shared history (Postgres) or this desktop's copy"),
})
export type ModelDetailDto = z.infer<typeof modelDetailSchema>

export const promotionResultSchema = z.object({
  action: z.enum(['promote', 'challenger', 'rollback', 'manual-promote', 'unchanged']),
  promoted: z.boolean(),
  modelName: z.string(),
  version: z.string(),
  previousChampion: z.string().nullable(),
  decidedBy: z.string(),
  reason: z.string(),
  record: promotionRecordSchema.nullable(),
})
export type PromotionResultDto = z.infer<typeof promotionResultSchema>

export const versionComparisonSchema = z.object({
  name: z.string(),
  base: z.string().describe('usually the champion'),
  other: z.string().describe('usually the challenger / candidate'),
  comparable: z.boolean(),
  reason: z.string().nullable().describe('why not comparable'),
  comparison: z
    .object({
      n: z.number().describe('matches both scored with their served forecast'),
      modelN: z.number(),
      identical: z.boolean().describe('both scored exactly the same matches'),
      candidateN: z.number().describe('matches `other` scored'),
      championN: z.number().describe('matches `base` scored'),
      candidateOnly: z.number(),
      championOnly: z.number(),
      candidate: z.object({ served: z.number().nullable(), model: z.number().nullable() }),
      champion: z.object({ served: z.number().nullable(), model: z.number().nullable() }),
      matchSet: z.string(),
    })
    .nullable()
    .describe('candidate = `other`, champion = `base`; RPS means on the n common matches'),
  note: z.string().describe('"378 same matches", "377 common matches (…)" or why not comparable'),
})
export type VersionComparisonDto = z.infer<typeof versionComparisonSchema>

const modelName = z.string().min(1).max(250)
const versionId = z.string().regex(/^\d+$/, 'a version number, e.g. "3"')

export const trackingProcedures = {
  'tracking.status': procedure({
    summary:
      'Which tracking store is in use (MLflow with an outbox, or local), whether it answers, pending items.',
    input: z.object({}).strict(),
    output: trackingStatusSchema,
  }),
  'tracking.push': procedure({
    summary: 'Replay runs queued while the MLflow server was unreachable (each exactly once), now.',
    input: z.object({}).strict(),
    output: z.object({
      replayed: z.number(),
      pending: z.number(),
      failed: z.number(),
      errors: z.array(z.string()),
      notes: z
        .array(z.string())
        .optional()
        .describe('queued promotions re-decided on replay because the server champion had changed'),
    }),
  }),
  'tracking.experiments': procedure({
    summary: 'Experiments (active ones), by name.',
    input: z.object({ nameLike: z.string().max(200).optional() }).strict(),
    output: z.array(experimentSchema),
  }),
  'tracking.searchRuns': procedure({
    summary:
      "Runs of some experiments (default: every active experiment) with params, latest metrics and tags; an optional MLflow filter string and order. Follows MLflow's pages up to `limit`.",
    input: z
      .object({
        experimentIds: z.array(z.string().min(1)).max(50).optional(),
        filter: z
          .string()
          .max(2000)
          .optional()
          .describe("MLflow syntax, e.g. metrics.rps < 0.2 and params.league = 'E0'"),
        orderBy: z.array(z.string().max(200)).max(5).optional(),
        limit: z.number().int().min(1).max(10_000).optional().describe('default 2000'),
        includeDeleted: z.boolean().optional(),
        refresh: z
          .enum(['background', 'wait', 'full'])
          .optional()
          .describe(
            "MLflow: answer from the local mirror and refresh it after ('background', default), refresh it first ('wait'), or re-read every run first ('full')",
          ),
      })
      .strict(),
    output: z.object({
      runs: z.array(runSchema),
      experiments: z.array(experimentSchema),
      truncated: z.boolean().describe('more runs matched than `limit`'),
      mirror: mirrorMarkSchema
        .nullable()
        .optional()
        .describe('set when the list came from the mirror of an MLflow server'),
    }),
  }),
  'tracking.getRun': procedure({
    summary: 'One run with its params, latest metrics, tags and top-level artifacts.',
    input: z.object({ runId: z.string().min(1) }).strict(),
    output: z.object({ run: runSchema, artifacts: z.array(artifactEntrySchema) }),
  }),
  'tracking.compareRuns': procedure({
    summary:
      'Compare 2–10 runs: params side by side (which differ), min / max / last of every metric with the best run marked, and the histories of metrics logged at several steps.',
    input: z.object({ runIds: z.array(z.string().min(1)).min(2).max(10) }).strict(),
    output: runComparisonSchema,
  }),
  'tracking.artifacts': procedure({
    summary: "List a run's artifacts (one folder level).",
    input: z.object({ runId: z.string().min(1), path: z.string().max(500).optional() }).strict(),
    output: z.array(artifactEntrySchema),
  }),
  'tracking.readArtifact': procedure({
    summary: 'Read one artifact (≤ 5 MB): text for JSON/CSV/SVG/text files, base64 otherwise.',
    input: z.object({ runId: z.string().min(1), path: z.string().min(1).max(500) }).strict(),
    output: z.object({
      path: z.string(),
      size: z.number(),
      contentType: z.string(),
      text: z.string().nullable(),
      base64: z.string().nullable(),
    }),
  }),
  'tracking.models': procedure({
    summary:
      'Registered models with their aliases and what the champion and challenger scored (RPS vs the market).',
    input: z.object({ nameLike: z.string().max(200).optional() }).strict(),
    output: z.array(registeredModelSchema),
  }),
  'tracking.model': procedure({
    summary:
      'One registered model: every version with its aliases, the metrics it was judged on and its promotion decision, plus the promotion history.',
    input: z.object({ name: modelName }).strict(),
    output: modelDetailSchema,
  }),
  'tracking.compareVersions': procedure({
    summary:
      'Two versions of a model scored on the IDENTICAL matches (joined by match id): n, whether both scored exactly the same matches, and both RPS (served and model) on the matches both scored; or why they cannot be compared.',
    input: z.object({ name: modelName, base: versionId, other: versionId }).strict(),
    output: versionComparisonSchema,
  }),
  'tracking.promote': procedure({
    summary:
      'Make a version the champion by hand (recorded with who decided and why, like automatic promotion).',
    input: z.object({ name: modelName, version: versionId, reason: z.string().max(500).optional() }).strict(),
    output: promotionResultSchema,
  }),
  'tracking.rollback': procedure({
    summary:
      'Point the champion back at the version it replaced (from the promotion log), or at `toVersion`; recorded like a promotion.',
    input: z
      .object({ name: modelName, toVersion: versionId.optional(), reason: z.string().max(500).optional() })
      .strict(),
    output: promotionResultSchema,
  }),
  'tracking.migrateNames': procedure({
    summary:
      'Re-register the versions of models named before one-model-per-league (`scoreline-dc-E0`) under `scoreline-E0`, with their tags, variant and aliases; idempotent.',
    input: z.object({}).strict(),
    output: z.object({
      migrations: z.array(
        z.object({
          from: z.string(),
          to: z.string(),
          registered: z.array(z.object({ from: z.string(), to: z.string(), variant: z.string() })),
          already: z.number().int(),
          aliases: z.record(z.string(), z.string()),
          keptAliases: z.array(z.string()),
        }),
      ),
      /** One line per model saying what was done. */
      lines: z.array(z.string()),
    }),
  }),
}

export const trackingEvents = {
  'tracking.runsRefreshed': event({
    summary:
      'A background refresh of the run mirror changed the list, or found MLflow unreachable (or back): run lists should refetch.',
    payload: z.object({ changed: z.number(), offline: z.boolean(), asOf: z.number().nullable() }),
  }),
  'tracking.changed': event({
    summary: 'The registry changed (promote, rollback): screens showing models should refetch.',
    payload: z.object({ modelName: z.string(), action: z.string(), version: z.string() }),
  }),
}
