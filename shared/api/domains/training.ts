import { z } from 'zod'
import { MODEL_VARIANTS } from '../../modelVariants'
import { DECISION_OUTCOMES } from '../../modelReport'
import { event, procedure } from '../define'

/**
 * A pipeline run's goal-model variant (`shared/modelVariants.ts`, the model registry's own list), or 'auto': per
 * league, the one with the best walk-forward RPS over the year before the evaluation window.
 */
export { MODEL_VARIANTS }
export const modelChoiceSchema = z.enum([...MODEL_VARIANTS, 'auto'])
export type ModelChoice = z.infer<typeof modelChoiceSchema>

const leagueCode = z.string().min(1).max(16)

export const metricsSummarySchema = z.object({
  n: z.number(),
  rps: z.number(),
  log_loss: z.number(),
  brier: z.number(),
  accuracy: z.number(),
  ece: z.number(),
})

export const trainingErrorSchema = z.object({ code: z.string(), message: z.string() })

export const leagueOutcomeSchema = z.object({
  league: z.string(),
  state: z.enum(['succeeded', 'failed', 'cancelled']),
  error: trainingErrorSchema.nullable(),
  steps: z.array(z.object({ step: z.string(), ms: z.number() })).describe('per-step timings, in start order'),
  evaluation: z
    .object({ season: z.string(), from: z.string(), to: z.string(), matches: z.number() })
    .nullable()
    .describe('the evaluation window: the latest season in the store'),
  xi: z.number().nullable().describe('chosen time decay per day'),
  xiGrid: z.array(z.object({ xi: z.number(), rps: z.number().nullable() })),
  metrics: z
    .object({
      model: metricsSummarySchema.nullable(),
      market: metricsSummarySchema.nullable(),
      blend: metricsSummarySchema.nullable(),
      calibrated: metricsSummarySchema.nullable(),
    })
    .nullable()
    .describe('walk-forward metrics on the evaluation window, on the same matches for all four'),
  alpha: z.number().nullable().describe('blend weight on the model'),
  logLikelihood: z.number().nullable(),
  runId: z.string().nullable().describe('tracking parent run'),
  modelName: z.string(),
  version: z.string().nullable().describe('registered model version'),
  decision: z
    .object({
      action: z.enum(['promote', 'challenger', 'rollback', 'manual-promote', 'unchanged']),
      outcome: z
        .enum(DECISION_OUTCOMES)
        .optional()
        .describe('what the label says: shared/modelReport.ts decisionLabel (absent on runs before #20)'),
      promoted: z.boolean(),
      reason: z.string().describe('one plain sentence, ≤ 120 characters, 4 decimals'),
      detail: z.string().optional().describe('the full account behind `reason` (one click away)'),
      candidateScore: z.number().describe('on `matches` when given'),
      championScore: z.number().nullable(),
      previousChampion: z.string().nullable(),
      matches: z
        .object({
          n: z.number(),
          identical: z.boolean(),
          candidateOnly: z.number(),
          championOnly: z.number(),
        })
        .nullable()
        .optional()
        .describe('the matches both versions scored, by match id (null: no champion to compare with)'),
    })
    .nullable(),
  unchanged: z
    .object({ version: z.string(), runId: z.string().nullable() })
    .nullable()
    .optional()
    .describe('same data and settings as this registered version: nothing trained or registered'),
  rpsSummary: z
    .string()
    .nullable()
    .optional()
    .describe('"served: market (blend off), 0.1971; model 0.2005; market 0.1971 (378 matches)"'),
  counts: z
    .object({
      evaluation: z.number().describe('played matches in the evaluation window'),
      scored: z.number().describe('matches every metric is computed on'),
      noOdds: z.number().describe('left out: no market odds'),
      noRating: z.number().describe('left out: a team the model had no rating for'),
      note: z.string().describe('why scored < evaluation, in words'),
    })
    .nullable()
    .optional(),
  features: z
    .object({ rebuilt: z.boolean(), views: z.array(z.string()), note: z.string().nullable() })
    .nullable(),
})
export type LeagueOutcomeDto = z.infer<typeof leagueOutcomeSchema>

export const pipelineRunSchema = z.object({
  id: z.string(),
  trigger: z.enum(['manual', 'cli', 'schedule']),
  state: z.enum(['running', 'succeeded', 'partial', 'failed', 'cancelled']),
  startedAt: z.number().describe('epoch ms'),
  endedAt: z.number().nullable(),
  leagues: z.array(leagueOutcomeSchema),
  features: z.object({
    rebuilt: z.boolean(),
    views: z.array(z.string()),
    note: z.string().nullable(),
    ms: z.number().nullable(),
    error: z.string().nullable(),
  }),
  settings: z.record(z.string(), z.unknown()),
  summary: z.string(),
})
export type PipelineRunDto = z.infer<typeof pipelineRunSchema>

export const jobInfoSchema = z.object({
  id: z.string(),
  kind: z.string(),
  label: z.string().nullable(),
  state: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
  progress: z
    .object({
      stage: z.string(),
      fraction: z.number(),
      message: z.string().optional(),
      logLikelihood: z.number().optional(),
    })
    .nullable(),
  submittedAt: z.number(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }).nullable(),
  workerId: z.number().nullable(),
})

const progressSchema = z.object({
  league: z.string().nullable(),
  stage: z.string(),
  fraction: z.number().min(0).max(1),
  message: z.string(),
})

export const scheduleSchema = z.object({
  enabled: z.boolean(),
  cron: z.string().describe('5-field cron expression in local time, e.g. "0 6 * * 1" (Monday 06:00)'),
  description: z.string(),
  lastRunAt: z.number().nullable(),
  nextRunAt: z.number().nullable(),
})
export type ScheduleDto = z.infer<typeof scheduleSchema>

export const trainingStatusSchema = z.object({
  state: z.enum(['idle', 'running']),
  current: z
    .object({
      id: z.string(),
      trigger: z.enum(['manual', 'cli', 'schedule']),
      startedAt: z.number(),
      leagues: z.array(z.string()),
      progress: progressSchema.nullable(),
      cancelling: z.boolean(),
    })
    .nullable(),
  elsewhere: z
    .object({
      runId: z.string(),
      pid: z.number(),
      hostname: z.string(),
      instance: z.string(),
      acquiredAt: z.number(),
    })
    .nullable()
    .describe('a run held by another process (another app instance or the CLI)'),
  jobs: z.array(jobInfoSchema),
  workers: z.object({ size: z.number(), live: z.number() }),
  lastRun: pipelineRunSchema.nullable(),
  schedule: scheduleSchema.nullable(),
})
export type TrainingStatusDto = z.infer<typeof trainingStatusSchema>

export const trainingProcedures = {
  'training.runPipeline': procedure({
    summary:
      'Run the training pipeline for some leagues (default: every configured league). Returns at once with the run id, or with the finished run when `wait` is true.',
    input: z
      .object({
        leagues: z.array(leagueCode).max(64).optional(),
        wait: z.boolean().optional(),
        trigger: z.enum(['manual', 'cli']).optional(),
        /** Goal-model variant for this run only (default: the stored setting, Dixon-Coles). */
        model: modelChoiceSchema.optional(),
        /**
         * Train and register even when a league's newest version was trained on the same data with the same
         * settings (default: such a league says "nothing changed since vN" and registers nothing).
         */
        force: z.boolean().optional(),
      })
      .strict(),
    output: z.object({ id: z.string(), leagues: z.array(z.string()), run: pipelineRunSchema.nullable() }),
  }),
  'training.status': procedure({
    summary: 'Whether a pipeline is running, its progress, the worker jobs, the last run and the schedule.',
    input: z.object({}).strict(),
    output: trainingStatusSchema,
  }),
  'training.history': procedure({
    summary: 'Past pipeline runs, newest first.',
    input: z.object({ limit: z.number().int().min(1).max(50).optional() }).strict(),
    output: z.array(pipelineRunSchema),
  }),
  'training.cancel': procedure({
    summary: 'Cancel the running pipeline (stops within a second).',
    input: z.object({ id: z.string().optional() }).strict(),
    output: z.object({ cancelled: z.boolean() }),
  }),
  'training.schedule': procedure({
    summary: 'Read or change the weekly schedule (cron expression in local time, or off).',
    input: z
      .object({ cron: z.string().min(1).max(100).optional(), enabled: z.boolean().optional() })
      .strict(),
    output: scheduleSchema,
  }),
}

export const trainingEvents = {
  'training.progress': event({
    summary: 'Pipeline progress: league, stage, fraction of the whole run, message.',
    payload: progressSchema.extend({ runId: z.string() }),
  }),
  'training.log': event({
    summary: 'A pipeline log line for the Training screen.',
    payload: z.object({
      runId: z.string(),
      league: z.string().nullable(),
      level: z.enum(['info', 'warn', 'error']),
      message: z.string(),
      at: z.number(),
    }),
  }),
  'training.finished': event({
    summary: 'A pipeline run ended (notify the analyst with its summary).',
    payload: pipelineRunSchema,
  }),
}
