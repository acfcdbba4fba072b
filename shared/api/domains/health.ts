/**
 * The `health.*` procedures: is each league's champion model still as good as when it was promoted?
 * Reliability diagrams with ECE, rolling RPS against the market across its evaluation and the matches played
 * since, and the alerts (main/services/health).
 */
import { z } from 'zod'
import { procedure } from '../define'
import { metricsSummarySchema } from './training'

const leagueCode = z.string().min(1).max(16).describe('league code, e.g. E0')
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
const reliabilitySeries = z.enum(['market', 'model', 'blend', 'calibrated'])

export const healthThresholdsSchema = z
  .object({
    rps: z.number().describe('alert when recent RPS exceeds evaluation RPS by more than this'),
    ece: z.number().describe('alert when recent ECE exceeds evaluation ECE by more than this'),
    minRecent: z.number().int().describe('recent matches needed before anything is judged'),
    window: z.number().int().describe('matches per rolling-RPS window'),
  })
  .describe(
    'stored settings health.rpsThreshold, health.eceThreshold, health.minRecentMatches, health.rollingWindow',
  )
export type HealthThresholdsDto = z.infer<typeof healthThresholdsSchema>

export const reliabilityDiagramSchema = z.object({
  series: reliabilitySeries,
  n: z.number().int(),
  ece: z.number().describe('expected calibration error, top-label, 10 equal-width bins'),
  bins: z.array(
    z.object({
      lo: z.number(),
      hi: z.number(),
      count: z.number().int(),
      confidence: z.number().nullable().describe('mean top-label probability; null for an empty bin'),
      accuracy: z.number().nullable().describe('share of arg-max picks that happened; null for an empty bin'),
    }),
  ),
})
export type ReliabilityDiagramDto = z.infer<typeof reliabilityDiagramSchema>

const phaseMetricsSchema = z.object({
  model: metricsSummarySchema.nullable(),
  market: metricsSummarySchema.nullable(),
  blend: metricsSummarySchema.nullable(),
  calibrated: metricsSummarySchema.nullable(),
})

const phaseReportSchema = z.object({
  n: z.number().int().describe('matches with every forecast (model, market, blend, calibrated)'),
  from: date.nullable(),
  to: date.nullable(),
  metrics: phaseMetricsSchema,
  reliability: z.array(reliabilityDiagramSchema),
})
export type PhaseReportDto = z.infer<typeof phaseReportSchema>

export const rollingPointSchema = z.object({
  index: z.number().int(),
  date,
  phase: z.enum(['evaluation', 'recent']),
  model: z.number(),
  market: z.number(),
  blend: z.number(),
  calibrated: z.number(),
})
export type RollingPointDto = z.infer<typeof rollingPointSchema>

export const healthAlertSchema = z.object({
  league: z.string(),
  modelVersion: z.string(),
  kind: z.enum(['rps', 'ece']),
  series: reliabilitySeries,
  evaluation: z.number(),
  recent: z.number(),
  change: z.number().describe('recent − evaluation'),
  threshold: z.number(),
  recentMatches: z.number().int(),
  message: z.string(),
})
export type HealthAlertDto = z.infer<typeof healthAlertSchema>

const verdictSchema = z.object({
  state: z.enum(['ok', 'alert', 'insufficient']),
  alerts: z.array(healthAlertSchema),
  message: z.string(),
})

const intervalSchema = z.object({
  mean: z.number(),
  lo: z.number(),
  hi: z.number(),
  shareBelowZero: z.number(),
  n: z.number().int(),
  clusters: z.number().int(),
})

export const valuePanelSchema = z
  .object({
    forecast: z.literal('model'),
    forecastLabel: z.string(),
    price: z.string().describe('the pre-match price bets are taken at'),
    closing: z.string().describe('the closing price of the closing-line value'),
    minEdge: z.number().describe('a bet when forecast p − 1/price ≥ this'),
    matches: z.number().int().describe('matches with a model forecast and the price'),
    priceMargin: z.number(),
    from: date.nullable(),
    to: date.nullable(),
    flat: z
      .object({
        bets: z.number().int(),
        wins: z.number().int(),
        hitRate: z.number(),
        profit: z.number(),
        roi: intervalSchema.describe('profit per 1-unit bet, bootstrap of bet dates'),
        expectedRoi: z.number(),
        meanPrice: z.number(),
        meanEdge: z.number(),
      })
      .nullable(),
    clv: z
      .object({
        n: z.number().int(),
        beat: z.number().int(),
        beatRate: z.number(),
        meanLogRatio: intervalSchema.describe('mean log(price taken / closing price)'),
      })
      .nullable(),
    kelly: z
      .object({
        fraction: z.number(),
        bets: z.number().int(),
        turnover: z.number(),
        growth: z.number(),
        growthLo: z.number(),
        growthHi: z.number(),
        roi: z.number(),
        roiLo: z.number(),
        roiHi: z.number(),
        maxDrawdown: z.number(),
      })
      .nullable(),
    bootstrap: z.object({
      resamples: z.number().int(),
      seed: z.number().int(),
      level: z.number(),
      unit: z.literal('bet date'),
    }),
  })
  .describe("does the model's edge pay? flat stakes, closing-line value and fractional Kelly (#22 §3)")
export type ValuePanelDto = z.infer<typeof valuePanelSchema>

export const goalsPanelSchema = z
  .object({
    margin: z
      .enum(['multiplicative', 'additive', 'power', 'shin'])
      .describe('how the market price was made margin-free'),
    rows: z.array(
      z.object({
        phase: z
          .enum(['evaluation', 'recent'])
          .describe(
            "evaluation: the run's walk-forward season; recent: the champion on matches played since",
          ),
        market: z.string().describe("which prices, e.g. 'Pinnacle closing O/U 2.5 (PC>2.5, PC<2.5)'"),
        forecast: z.enum(['ou25', 'ah']).describe("over 2.5 goals, or the home side's Asian-handicap cover"),
        n: z.number().int().describe('matches scored (AH: with a settled stake)'),
        modelBrier: z.number(),
        marketBrier: z.number(),
        diff: z.number().describe('mean model − market Brier per match'),
        lo: z.number().nullable(),
        hi: z.number().nullable(),
      }),
    ),
  })
  .describe("the champion's goals-market forecasts against Pinnacle's prices (#22 §2)")
export type GoalsPanelDto = z.infer<typeof goalsPanelSchema>

export const healthReportSchema = z.object({
  league: z.string(),
  state: z.enum(['no-champion', 'ready']),
  message: z.string(),
  thresholds: healthThresholdsSchema,
  champion: z
    .object({
      modelName: z.string(),
      version: z.string(),
      runId: z.string(),
      trainedTo: date.describe("the model's as-of date: recent matches are played after it"),
      evaluation: z.object({
        season: z.string().nullable(),
        from: z.string().nullable(),
        to: z.string().nullable(),
      }),
      blend: z.object({ kind: z.string(), alpha: z.number().nullable() }),
      calibration: z.string().nullable(),
      margin: z.enum(['multiplicative', 'additive', 'power', 'shin']),
      market: z.string().describe('the market preference, in order'),
    })
    .nullable(),
  evaluation: phaseReportSchema.nullable(),
  recent: phaseReportSchema
    .extend({ skipped: z.object({ count: z.number().int(), teams: z.array(z.string()) }) })
    .nullable(),
  rolling: z
    .object({ window: z.number().int(), boundaryDate: date.nullable(), points: z.array(rollingPointSchema) })
    .nullable(),
  verdict: verdictSchema.nullable(),
  value: valuePanelSchema.nullable().optional(),
  goals: goalsPanelSchema.nullable().optional(),
})
export type HealthReportDto = z.infer<typeof healthReportSchema>

export const healthLeagueSchema = z.object({
  league: z.string(),
  champion: z.object({ version: z.string(), trainedTo: date }).nullable(),
  matchesAfter: z.number().int(),
})
export type HealthLeagueDto = z.infer<typeof healthLeagueSchema>

export const healthAlertsSchema = z.object({
  thresholds: healthThresholdsSchema,
  alerts: z.array(healthAlertSchema),
  leagues: z.array(
    z.object({
      league: z.string(),
      modelVersion: z.string().nullable(),
      state: z.enum(['ok', 'alert', 'insufficient', 'no-champion', 'error']),
      message: z.string(),
    }),
  ),
  checkedAt: z.string(),
})
export type HealthAlertsDto = z.infer<typeof healthAlertsSchema>

export const healthProcedures = {
  'health.leagues': procedure({
    summary:
      'Leagues in the local store, each with its champion (if any) and the matches played since it was trained.',
    input: z.object({}).strict(),
    output: z.array(healthLeagueSchema),
  }),
  'health.report': procedure({
    summary:
      "One league's champion: reliability and ECE of model, blend and calibrated forecasts on its evaluation and on the matches played since, rolling RPS against the market, and its alerts.",
    input: z.object({ league: leagueCode }).strict(),
    output: healthReportSchema,
  }),
  'health.alerts': procedure({
    summary:
      "Every league's champion judged: recent RPS or ECE worse than its evaluation by more than the thresholds.",
    input: z.object({}).strict(),
    output: healthAlertsSchema,
  }),
}
