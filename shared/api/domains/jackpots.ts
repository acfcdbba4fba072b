import { z } from 'zod'
import { procedure } from '../define'
import { pricedFixtureSchema, pricingWarningSchema, servedExplanationSchema } from '../../pricing'

const triple = z.tuple([z.number().min(0).max(1), z.number().min(0).max(1), z.number().min(0).max(1)])
const letter = z.enum(['H', 'D', 'A'])
export const pickSchema = z.enum(['H', 'D', 'A', 'HD', 'HA', 'DA'])
const oddsSchema = z
  .object({ home: z.number().gt(1), draw: z.number().gt(1), away: z.number().gt(1) })
  .strict()
const leagueCode = z.string().min(1).max(16)

export const jackpotSchema = z.object({
  id: z.string(),
  name: z.string(),
  provider: z.string().nullable(),
  deadline: z.string().nullable(),
  origin: z.enum(['local', 'remote']),
  createdAt: z.string(),
  updatedAt: z.string(),
  fixtures: z.array(
    z.object({
      position: z.number(),
      league: z.string().nullable(),
      home: z.string(),
      away: z.string(),
      homeTeam: z.string().nullable(),
      awayTeam: z.string().nullable(),
      odds: oddsSchema.nullable(),
      pick: pickSchema.nullable(),
    }),
  ),
})
export type JackpotDto = z.infer<typeof jackpotSchema>

const metricsSchema = z.object({
  n: z.number(),
  rps: z.number(),
  log_loss: z.number(),
  brier: z.number(),
  accuracy: z.number(),
  ece: z.number(),
})

export const fixtureAnalysisSchema = z.object({
  position: z.number(),
  league: z.string().nullable(),
  home: z.string(),
  away: z.string(),
  model: z
    .object({
      probabilities: triple,
      lambda: z.number(),
      mu: z.number(),
      topScores: z.array(z.object({ home: z.number(), away: z.number(), probability: z.number() })),
    })
    .nullable(),
  market: z
    .object({
      probabilities: triple,
      method: z.string(),
      margin: z.number(),
      source: z.string(),
      bookmaker: z.string(),
      prices: z.tuple([z.number(), z.number(), z.number()]).readonly(),
      observedAt: z.string().nullable(),
    })
    .nullable(),
  blend: z.object({ probabilities: triple, kind: z.string(), alpha: z.number() }).nullable(),
  calibrated: z.object({ probabilities: triple, kind: z.string() }).nullable(),
  final: z
    .object({ probabilities: triple, stage: z.enum(['calibrated', 'blend', 'model', 'market']) })
    .nullable(),
  pick: z.object({ outcomes: z.array(letter), probability: z.number(), chosen: z.boolean() }).nullable(),
  /** Ends at the served number: the model's components, then the market / blend / calibration steps. */
  explanation: servedExplanationSchema.nullable(),
  warnings: z.array(pricingWarningSchema),
  /** The fixture as the one pricing rule gave it (edges, EV, over/under, Asian handicap, source). */
  priced: pricedFixtureSchema,
  problems: z.array(z.string()),
})
export type FixtureAnalysisDto = z.infer<typeof fixtureAnalysisSchema>

export const jackpotAnalysisSchema = z.object({
  id: z.string(),
  name: z.string(),
  fixtures: z.array(fixtureAnalysisSchema),
  summary: z
    .object({
      priced: z.number(),
      pAllCorrect: z.number(),
      expectedCorrect: z.number(),
      distribution: z.array(z.number()),
      atLeast: z.array(z.number()),
      riskiest: z.array(z.object({ position: z.number(), probability: z.number() })),
    })
    .nullable(),
  models: z.array(
    z.object({
      league: z.string(),
      description: z.string(),
      /** The promoted champion from the model registry, or a fit made now because there is none. */
      source: z.object({
        kind: z.enum(['champion', 'fitted-on-the-fly']),
        modelName: z.string().nullable(),
        version: z.string().nullable(),
        runId: z.string().nullable(),
        /** Why no champion was used (fitted on the fly). */
        reason: z.string().nullable(),
      }),
      marginMethod: z.string(),
      evaluation: z
        .object({
          model: metricsSchema,
          market: metricsSchema,
          blend: metricsSchema,
          calibrated: metricsSchema,
        })
        .partial()
        .passthrough()
        .nullable(),
    }),
  ),
})
export type JackpotAnalysisDto = z.infer<typeof jackpotAnalysisSchema>

/** Fixtures read from pasted text or a CSV file, with each name resolved (or suggestions when it is not). */
export const parsedFixturesSchema = z.object({
  fixtures: z.array(
    z.object({
      line: z.number(),
      home: z.string(),
      away: z.string(),
      odds: oddsSchema.nullable(),
      homeTeam: z.string().nullable(),
      awayTeam: z.string().nullable(),
      homeSuggestions: z.array(z.string()),
      awaySuggestions: z.array(z.string()),
    }),
  ),
  problems: z.array(
    z.object({ line: z.number(), message: z.string(), field: z.string().nullable().optional() }),
  ),
})
export type ParsedFixturesDto = z.infer<typeof parsedFixturesSchema>

export const jackpotProcedures = {
  'jackpots.list': procedure({
    summary: 'Saved jackpots, newest deadline first.',
    input: z.object({}).strict(),
    output: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        provider: z.string().nullable(),
        deadline: z.string().nullable(),
        fixtures: z.number(),
        origin: z.string(),
        updatedAt: z.string(),
      }),
    ),
  }),
  'jackpots.get': procedure({
    summary: 'One jackpot with its fixtures.',
    input: z.object({ id: z.string().min(1) }).strict(),
    output: jackpotSchema,
  }),
  'jackpots.parseText': procedure({
    summary: 'Read pasted fixtures ("Home v Away [odds odds odds]" per line) and resolve the team names.',
    input: z.object({ text: z.string().max(20_000), league: leagueCode }).strict(),
    output: parsedFixturesSchema,
  }),
  'jackpots.parseCsv': procedure({
    summary:
      'Read fixtures from a CSV file (columns home, away, optional odds H, D, A) and resolve the team names; every problem names its line and field.',
    input: z.object({ csv: z.string().max(200_000), league: leagueCode }).strict(),
    output: parsedFixturesSchema,
  }),
  'jackpots.searchTeams': procedure({
    summary:
      'Team autocomplete: what the typed name resolves to (aliases resolve to the team) and the teams to offer, similar spellings last.',
    input: z
      .object({
        league: leagueCode,
        query: z.string().max(80),
        limit: z.number().int().min(1).max(40).optional(),
      })
      .strict(),
    output: z.object({
      query: z.string(),
      resolved: z.object({ team: z.string(), via: z.enum(['alias', 'normalized']) }).nullable(),
      options: z.array(
        z.object({
          team: z.string(),
          matched: z.string(),
          match: z.enum(['exact', 'prefix', 'contains', 'similar']),
          inLeague: z.boolean(),
        }),
      ),
    }),
  }),
  'jackpots.create': procedure({
    summary:
      'Save a jackpot locally (synced to Postgres through the outbox). Unknown teams are refused with suggestions.',
    input: z
      .object({
        name: z.string().min(1).max(120),
        provider: z.string().max(120).nullable().optional(),
        deadline: z.string().max(40).nullable().optional(),
        league: leagueCode,
        fixtures: z
          .array(
            z
              .object({
                home: z.string().min(1).max(80),
                away: z.string().min(1).max(80),
                odds: oddsSchema.nullable().optional(),
                league: leagueCode.optional(),
              })
              .strict(),
          )
          .min(1)
          .max(60),
      })
      .strict(),
    output: jackpotSchema,
  }),
  'jackpots.setPick': procedure({
    summary: 'Change the pick of one fixture (null goes back to the most probable outcome).',
    input: z
      .object({ id: z.string().min(1), position: z.number().int().min(1), pick: pickSchema.nullable() })
      .strict(),
    output: jackpotSchema,
  }),
  'jackpots.delete': procedure({
    summary: 'Delete a jackpot (the deletion is synced too).',
    input: z.object({ id: z.string().min(1) }).strict(),
    output: z.object({ id: z.string(), deleted: z.literal(true) }),
  }),
  'jackpots.plan': procedure({
    summary:
      'Ticket planning: with a budget of N combinations, which fixtures to double or triple so the chance one ticket is fully right is highest (exact under independence), and how that chance grows with the budget.',
    input: z.object({ id: z.string().min(1), budget: z.number().int().min(1).max(100_000) }).strict(),
    output: z.object({
      budget: z.number(),
      combinations: z.number(),
      pCovered: z.number(),
      legs: z.array(
        z.object({
          position: z.number(),
          home: z.string(),
          away: z.string(),
          outcomes: z.array(letter),
          probability: z.number(),
        }),
      ),
      curve: z.array(z.object({ budget: z.number(), pCovered: z.number(), combinations: z.number() })),
      unpriced: z.array(z.number()).describe('positions without probabilities, left out of the plan'),
    }),
  }),
  'jackpots.exportCsv': procedure({
    summary:
      'The jackpot with every probability and explanation as CSV (cells safe to open in a spreadsheet).',
    input: z.object({ id: z.string().min(1) }).strict(),
    output: z.object({ fileName: z.string(), csv: z.string() }),
  }),
  'jackpots.analyse': procedure({
    summary: 'Every probability of every fixture, where it comes from, and the coupon as a whole.',
    input: z.object({ id: z.string().min(1) }).strict(),
    output: jackpotAnalysisSchema,
  }),
}
