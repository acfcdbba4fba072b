/**
 * What pricing a fixture gives back (`main/services/pricing`): the model, the market, the served forecast
 * (the one rule: model → market → blend α → calibrator), edges, expected values, warnings, the explanation
 * that ends at the served number, and the model's source. Zod only, so the renderer can import it.
 */
import { z } from 'zod'

const probability = z.number().min(0).max(1)
export const tripleSchema = z.tuple([probability, probability, probability]).readonly()
/** Differences of probabilities (edges, explanation steps): any sign. */
const deltaSchema = z.tuple([z.number(), z.number(), z.number()]).readonly()
const outcomeSchema = z.enum(['H', 'D', 'A'])

export const servedStageSchema = z.enum(['model', 'market', 'blend', 'calibrated'])
export type ServedStage = z.infer<typeof servedStageSchema>

export const pricingWarningSchema = z.object({
  code: z.enum(['stale', 'few-matches', 'promoted-prior', 'no-market', 'no-model']),
  message: z.string(),
})
export type PricingWarning = z.infer<typeof pricingWarningSchema>

/** Where the prices come from: the league's champion, or a fit made now because there is none. */
export const modelUsedSchema = z.object({
  league: z.string(),
  kind: z.enum(['champion', 'fitted-on-the-fly']),
  modelName: z.string().nullable(),
  version: z.string().nullable(),
  runId: z.string().nullable(),
  /** Last match date the model was fitted on. */
  dataAsOf: z.string(),
  /** Time decay per day. */
  xi: z.number(),
  /** Matches in the model's window. */
  matches: z.number(),
  /** Why no champion was used (fitted on the fly), else null. */
  reason: z.string().nullable(),
  marginMethod: z.string(),
  blend: z.object({ kind: z.string(), alpha: z.number().nullable() }).nullable(),
  calibrator: z.string().nullable(),
  /** One line: "champion scoreline-E0 v3 (run 1a2b3c), data as of 2026-05-24, ξ 0.0019, 1140 matches". */
  summary: z.string(),
  /** The longer description (evaluation window, blend, calibration, margin method). */
  description: z.string(),
})
export type ModelUsed = z.infer<typeof modelUsedSchema>

export const explanationStepSchema = z.object({
  /** homeAdvantage … lowScoreCorrection (the model's Shapley components), then market | blend | calibration. */
  key: z.string(),
  kind: z.enum(['model', 'stage']),
  /** In words an analyst reads: "Arsenal attack", "Market (Pinnacle, Shin)", "Blend with market (α 0.35)". */
  label: z.string(),
  delta: deltaSchema,
})
export type ExplanationStep = z.infer<typeof explanationStepSchema>

/** baseline + Σ model steps = model; baseline + Σ all steps = served (each within 1e-12). */
export const servedExplanationSchema = z.object({
  outcome: outcomeSchema,
  baseline: tripleSchema,
  steps: z.array(explanationStepSchema),
  model: tripleSchema,
  served: tripleSchema,
  stage: servedStageSchema,
  /** "Defence: goals conceded, higher = leakier." */
  note: z.string(),
  /** Where the served number comes from ("The market sets this price …; the model alone would say 63.4 %."). */
  source: z.string(),
  /** The model's largest drivers of `outcome` ("Arsenal's attack adds +7 points to the home win; …"). */
  sentence: z.string(),
})
export type ServedExplanationDto = z.infer<typeof servedExplanationSchema>

export const asianHandicapSchema = z.object({
  /** The home side's handicap (−0.75: home gives three quarters of a goal). */
  line: z.number(),
  /** Probability the home bet wins, counting a push as neither: W / (W + L), half stakes as halves. */
  homeCover: probability,
  /** Stake-weighted shares of the outcomes (sum 1): win, half win, push, half loss, loss. */
  win: probability,
  halfWin: probability,
  push: probability,
  halfLoss: probability,
  loss: probability,
})

const twoWayMarketSchema = z.object({
  bookmaker: z.string(),
  line: z.number(),
  prices: z.tuple([z.number(), z.number()]).readonly(),
  /** Margin-free: [over, under] or [home, away]. */
  probabilities: z.tuple([probability, probability]).readonly(),
  observedAt: z.string(),
})

export const marketPriceSchema = z.object({
  /** Normalised id ('PS', 'B365', 'Avg', 'entered'). */
  bookmaker: z.string(),
  /** "Pinnacle", "market average", "odds entered on the jackpot". */
  label: z.string(),
  source: z.string(),
  marginMethod: z.string(),
  margin: z.number(),
  observedAt: z.string().nullable(),
  prices: z.tuple([z.number(), z.number(), z.number()]).readonly(),
  probabilities: tripleSchema,
  overUnder25: twoWayMarketSchema.nullable(),
  asianHandicap: twoWayMarketSchema.nullable(),
})
export type MarketPrice = z.infer<typeof marketPriceSchema>

export const pricedFixtureSchema = z.object({
  league: z.string(),
  home: z.string(),
  away: z.string(),
  date: z.string().nullable(),
  kickoffUtc: z.string().nullable(),
  matchId: z.number().nullable(),
  model: z
    .object({
      probabilities: tripleSchema,
      lambda: z.number(),
      mu: z.number(),
      over25: probability,
      btts: probability,
      topScores: z.array(z.object({ home: z.number(), away: z.number(), probability })),
      /** At the market's quoted line (null when the snapshot has no Asian handicap). */
      asianHandicap: asianHandicapSchema.nullable(),
      /** Matches each side was rated on in the model's window (0 for a promoted-team prior). */
      ratedOn: z.object({ home: z.number(), away: z.number() }),
    })
    .nullable(),
  market: marketPriceSchema.nullable(),
  served: z
    .object({
      probabilities: tripleSchema,
      stage: servedStageSchema,
      /** The blend stage's output (the market when α is 0, the model without a market), before calibration. */
      beforeCalibration: tripleSchema,
      /** Weight on the model: 0 serves the market, 1 the model (no market). */
      alpha: z.number(),
      blendKind: z.string().nullable(),
      calibrator: z.string().nullable(),
    })
    .nullable(),
  /** served − market and model − market per outcome; null without a market. */
  edge: z.object({ served: deltaSchema, model: deltaSchema.nullable() }).nullable(),
  /** Expected value p·o − 1 of each outcome (served probability) at the best price in the snapshot. */
  ev: z
    .array(
      z.object({
        outcome: outcomeSchema,
        price: z.number(),
        bookmaker: z.string(),
        observedAt: z.string().nullable(),
        ev: z.number(),
      }),
    )
    .nullable(),
  warnings: z.array(pricingWarningSchema),
  explanation: servedExplanationSchema.nullable(),
  source: modelUsedSchema.nullable(),
})
export type PricedFixture = z.infer<typeof pricedFixtureSchema>

export const priceCountsSchema = z.object({
  total: z.number(),
  priced: z.number(),
  stale: z.number(),
  /** Fixtures with a team priced from the promoted-team prior. */
  unrated: z.number(),
  /** Fixtures without a price in any snapshot (a fixture without a model still shows its market). */
  noMarket: z.number(),
  /** Fixtures whose league has no model (no champion): market shown, nothing served. */
  noModel: z.number(),
})
export type PriceCounts = z.infer<typeof priceCountsSchema>
