import { z } from 'zod'
import { procedure } from '../define'
import { modelUsedSchema, priceCountsSchema, pricedFixtureSchema } from '../../pricing'

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
const leagueCode = z.string().min(1).max(16)
const teamName = z.string().min(1).max(80)
const oddsSchema = z
  .object({ home: z.number().gt(1), draw: z.number().gt(1), away: z.number().gt(1) })
  .strict()

/** One observation of a fixture's prices, with the time it was taken (never overwritten). */
export const priceSnapshotSchema = z.object({
  bookmaker: z.string(),
  market: z.string().describe("'1x2' | 'ou25' | 'ah'"),
  line: z.number().nullable(),
  prices: z.array(z.number()),
  observedAt: z.string(),
  source: z.string(),
})
export type PriceSnapshotDto = z.infer<typeof priceSnapshotSchema>

/** A match without a result yet, with its latest prices per bookmaker and market before kick-off. */
export const upcomingFixtureSchema = z.object({
  matchId: z.number(),
  league: z.string(),
  season: z.string(),
  date: z.string(),
  time: z.string().nullable(),
  kickoffUtc: z.string(),
  home: z.string(),
  away: z.string(),
  snapshots: z.array(priceSnapshotSchema),
  snapshotCount: z.number(),
})
export type UpcomingFixtureDto = z.infer<typeof upcomingFixtureSchema>

/** What happened to the `match_probabilities` feature view after fixtures changed. */
export const featureRebuildOutcomeSchema = z.object({
  status: z.enum(['rebuilt', 'skipped', 'failed']),
  leagues: z.array(z.string()),
  message: z.string(),
})
export type FeatureRebuildOutcomeDto = z.infer<typeof featureRebuildOutcomeSchema>

const fixtureCounts = {
  inserted: z.number(),
  updated: z.number(),
  rescheduled: z.number(),
  unchanged: z.number(),
}
const snapshotCounts = z.object({ added: z.number(), unchanged: z.number() })

/** What one fixtures file brought: fixtures new, changed, moved or unchanged, and price snapshots added. */
export const fixturesImportResultSchema = z.object({
  file: z.string(),
  rows: z.number(),
  observedAt: z.string(),
  leagues: z.array(
    z.object({
      league: z.string(),
      seasons: z.array(z.string()),
      rows: z.number(),
      ...fixtureCounts,
      snapshots: snapshotCounts,
    }),
  ),
  matches: z.object(fixtureCounts),
  snapshots: snapshotCounts,
  teamsCreated: z.array(z.string()),
  skipped: z.array(
    z.object({ line: z.number().nullable(), league: z.string().nullable(), reason: z.string() }),
  ),
  skippedLeagues: z.array(z.object({ league: z.string(), rows: z.number(), reason: z.string() })),
  warnings: z.array(z.object({ line: z.number(), message: z.string() })),
  durationMs: z.number(),
})
export type FixturesImportResultDto = z.infer<typeof fixturesImportResultSchema>

/** One file's outcome: imported, or rejected whole with the reason. */
export const fixturesImportOutcomeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), file: z.string(), result: fixturesImportResultSchema }),
  z.object({
    ok: z.literal(false),
    file: z.string(),
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  }),
])

const fixtureWindow = {
  league: leagueCode.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
}

export const fixturesPriceOutputSchema = z.object({
  fixtures: z.array(pricedFixtureSchema),
  models: z.array(modelUsedSchema),
  counts: priceCountsSchema,
})
export type FixturesPriceDto = z.infer<typeof fixturesPriceOutputSchema>

export const fixtureProcedures = {
  'fixtures.list': procedure({
    summary:
      'Fixtures to come (scheduled matches from today on, optionally of one league and a date range) with their latest prices.',
    input: z.object(fixtureWindow).strict(),
    output: z.object({ fixtures: z.array(upcomingFixtureSchema) }),
  }),
  'fixtures.price': procedure({
    summary:
      "Every fixture to come priced with its league's champion through the served-forecast rule (model, market, blend, calibrator): model, market, served, edge, expected value at the best price and warnings.",
    input: z.object(fixtureWindow).strict(),
    output: fixturesPriceOutputSchema,
  }),
  'fixtures.priceNamed': procedure({
    summary:
      "Fixtures named by their teams priced with their league's champion (the latest price snapshot of the scheduled match where there is one; entered odds win). Refused, saying how to make one, where a league has no champion.",
    input: z
      .object({
        fixtures: z
          .array(
            z
              .object({
                league: leagueCode,
                home: teamName,
                away: teamName,
                date: isoDate.nullable().optional(),
                odds: oddsSchema.nullable().optional(),
              })
              .strict(),
          )
          .min(1)
          .max(100),
      })
      .strict(),
    output: z.object({ fixtures: z.array(pricedFixtureSchema), models: z.array(modelUsedSchema) }),
  }),
  'fixtures.history': procedure({
    summary: 'Every price snapshot of one fixture, oldest first (how the price moved between imports).',
    input: z.object({ matchId: z.number().int().positive() }).strict(),
    output: z.object({ matchId: z.number(), snapshots: z.array(priceSnapshotSchema) }),
  }),
  'fixtures.import': procedure({
    summary:
      "Import fixtures files (football-data fixtures.csv or any football-data-shaped CSV without results): each file whole or not at all, prices kept as new snapshots; then the match_probabilities view is rebuilt (with postgres: into the team's Postgres instead, nothing rebuilt here until a data sync).",
    input: z
      .object({
        paths: z.array(z.string().min(1).max(4096)).max(100).optional(),
        files: z
          .array(
            z
              .object({ name: z.string().min(1).max(255), contents: z.string().max(16 * 1024 * 1024) })
              .strict(),
          )
          .max(100)
          .optional(),
        /** Leagues to import (others are skipped); default: the leagues that already have matches in the store. */
        leagues: z.array(leagueCode).max(60).optional(),
        /** Import into the team's Postgres (the configured DATABASE_URL) instead of this data folder. */
        postgres: z.boolean().optional(),
      })
      .strict()
      .refine((i) => (i.paths?.length ?? 0) + (i.files?.length ?? 0) > 0, {
        message: 'give at least one file: paths or files',
      }),
    output: z.object({ files: z.array(fixturesImportOutcomeSchema), rebuild: featureRebuildOutcomeSchema }),
  }),
  'fixtures.download': procedure({
    summary:
      "Download football-data's fixtures.csv (conditional request, retries), import the leagues asked for (default: every league in the store), then rebuild the match_probabilities view (with postgres: import into the team's Postgres instead; the ETag state stays here).",
    input: z
      .object({
        leagues: z.array(leagueCode).max(60).optional(),
        force: z.boolean().optional(),
        /** Import into the team's Postgres (the configured DATABASE_URL) instead of this data folder. */
        postgres: z.boolean().optional(),
      })
      .strict(),
    output: z.object({
      url: z.string(),
      status: z.enum(['imported', 'not-modified', 'failed']),
      bytes: z.number().nullable(),
      result: fixturesImportResultSchema.nullable(),
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
      rebuild: featureRebuildOutcomeSchema,
    }),
  }),
}
