/**
 * zod schemas of what the feature store returns and of the `features.*` procedures' inputs, for the API
 * contract. Only zod is imported (and views.ts, which imports only zod), so the file can move to
 * shared/api/domains/features.ts unchanged. featureSchemas.test.ts parses real store outputs with them.
 */
import { z } from 'zod'
import { lineageSchema, validationPolicySchema, viewDefinitionSchema } from './views'

const league = z.string().min(1).max(16).describe('league code, e.g. E0')
const viewName = z.string().min(1).describe('feature view, e.g. team_ratings')
const epochMs = z.number().describe('epoch milliseconds')
const versionState = z.enum(['writing', 'ready', 'active', 'retired', 'expired'])
const featureValue = z.union([z.number(), z.string()])

export const versionInfoSchema = z.object({
  view: z.string(),
  version: z.number().int(),
  state: versionState,
  lineage: lineageSchema,
  createdAt: epochMs,
  createdBy: z.string(),
  sealedAt: epochMs.nullable(),
  activatedAt: epochMs.nullable(),
  retiredAt: epochMs.nullable(),
  expiresAt: epochMs.nullable().describe('when a retired version disappears'),
  entityCount: z.number().int(),
  lastWriteAt: epochMs.nullable(),
  lastWriteBy: z.string().nullable(),
})

export const viewInfoSchema = z.object({
  definition: viewDefinitionSchema,
  activeVersion: z.number().int().nullable(),
  versions: z.array(versionInfoSchema).describe('newest first'),
})

export const entityHitSchema = z.object({
  status: z.literal('hit'),
  view: z.string(),
  version: z.number().int(),
  league: z.string(),
  entity: z.string().describe('team, or date:home:away for a match'),
  values: z.record(z.string(), featureValue),
  eventTime: epochMs,
  expiresAt: epochMs,
})

export const entityMissSchema = z.object({
  status: z.enum(['missing', 'expired', 'no_active_version']),
  view: z.string(),
  version: z.number().int().nullable(),
  league: z.string(),
  entity: z.string(),
  expiredAt: epochMs.optional(),
  message: z.string(),
})

export const entityReadSchema = z.discriminatedUnion('status', [entityHitSchema, entityMissSchema])

export const leagueReadSchema = z.object({
  view: z.string(),
  version: z.number().int().nullable(),
  league: z.string(),
  entities: z.array(entityHitSchema),
  expired: z.array(z.object({ entity: z.string(), expiredAt: epochMs })),
})

export const historyEntrySchema = z.object({
  version: z.number().int(),
  state: versionState,
  lineage: lineageSchema,
  read: entityReadSchema,
})

export const validationReportSchema = z.object({
  id: z.string(),
  view: z.string(),
  version: z.number().int(),
  policy: validationPolicySchema,
  at: epochMs,
  writtenBy: z.string(),
  total: z.number().int(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  written: z.boolean(),
  failures: z.array(
    z.object({
      league: z.string(),
      entity: z.string(),
      issues: z.array(
        z.object({
          feature: z.string(),
          problem: z.enum([
            'missing',
            'not_finite',
            'wrong_type',
            'not_integer',
            'out_of_range',
            'unknown_feature',
            'sum_not_one',
          ]),
          value: z.string().optional(),
          message: z.string(),
        }),
      ),
    }),
  ),
})

const latency = z.object({
  samples: z.number().int(),
  p50Ms: z.number().nullable(),
  p90Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  maxMs: z.number().nullable(),
})

export const featureStoreStatsSchema = z.object({
  backend: z.enum(['redis', 'sqlite']),
  location: z.string().describe('host:port/db or the SQLite file; never credentials'),
  views: z.array(
    z.object({
      view: z.string(),
      activeVersion: z.number().int().nullable(),
      versions: z.array(
        z.object({
          version: z.number().int(),
          state: versionState,
          keys: z.number().int(),
          approxBytes: z.number(),
          lastWriteAt: epochMs.nullable(),
          lastWriteBy: z.string().nullable(),
          lineage: lineageSchema,
        }),
      ),
    }),
  ),
  reads: z.object({ hits: z.number(), misses: z.number(), expired: z.number(), latency }),
  writes: z.object({
    entities: z.number(),
    ignoredOlder: z.number(),
    rejected: z.number(),
    lastWriteAt: epochMs.nullable(),
    lastWriteBy: z.string().nullable(),
  }),
})

/** Inputs of the `features.*` procedures (outputs: the schemas above). */
export const featureInputs = {
  views: z.object({}),
  stats: z.object({}),
  getTeam: z.object({ view: viewName, league, team: z.string().min(1) }),
  getTeams: z.object({ view: viewName, league }),
  getMatch: z.object({
    view: viewName.default('match_probabilities'),
    league,
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    home: z.string().min(1),
    away: z.string().min(1),
  }),
  history: z.object({ view: viewName, league, entity: z.string().min(1) }),
  validationReports: z.object({
    view: viewName.optional(),
    limit: z.number().int().min(1).max(200).optional(),
  }),
}
