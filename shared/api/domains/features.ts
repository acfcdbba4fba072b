/**
 * The `features.*` procedures: inspect the feature store (views, versions and their lineage, a team's or a
 * match's values, a league's teams, a team's values across versions, store stats, validation reports) and
 * rebuild the views from the current champion models.
 *
 * These schemas are the single definition: the feature store (main/services/features/views.ts and
 * featureSchemas.ts) imports them, so the store and the contract cannot drift apart.
 */
import { z } from 'zod'
import { procedure } from '../define'

const identifier = z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower_snake_case identifier')
const league = z.string().min(1).max(16).describe('league code, e.g. E0')
const viewName = z.string().min(1).describe('feature view, e.g. team_ratings')
const epochMs = z.number().describe('epoch milliseconds')
const versionState = z.enum(['writing', 'ready', 'active', 'retired', 'expired'])
const featureValue = z.union([z.number(), z.string()])

export const featureSpecSchema = z
  .object({
    name: identifier.describe('feature name, lower_snake_case'),
    type: z.enum(['number', 'integer', 'string']).describe('value type'),
    min: z.number().optional().describe('smallest valid value (numbers only, inclusive)'),
    max: z.number().optional().describe('largest valid value (numbers only, inclusive)'),
    required: z.boolean().describe('a row without this feature is rejected'),
    description: z.string().min(1).describe('what the number means, with its unit'),
  })
  .describe('one feature of a view')

export const ttlPolicySchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('fixed'), ms: z.number().int().positive() }),
    z.object({ kind: z.literal('afterKickoff'), ms: z.number().int().nonnegative() }),
    z.object({ kind: z.literal('whileActive') }),
  ])
  .describe(
    'entity time-to-live: fixed from the write, measured from the kickoff of the match, or whileActive: ' +
      'no expiry while the version is active (a standing champion stays readable), the retired grace once superseded',
  )

export const validationPolicySchema = z
  .enum(['strict', 'lenient'])
  .describe('strict: one invalid row rejects the batch; lenient: valid rows are written, failures recorded')

export const viewDefinitionSchema = z
  .object({
    name: identifier,
    entity: z.enum(['team', 'match']).describe('team: (league, team); match: (league, date, home, away)'),
    description: z.string().min(1),
    params: z
      .record(z.string(), z.union([z.number(), z.string()]))
      .describe('view parameters, e.g. { n: 6 }'),
    features: z.array(featureSpecSchema).min(1),
    ttl: ttlPolicySchema,
    validation: validationPolicySchema,
    sumsToOne: z
      .array(z.array(identifier).min(2))
      .describe('groups of features that must sum to 1 within 1e-6 when all are present'),
  })
  .describe('a feature view')

export const lineageSchema = z
  .object({
    modelVersion: z.string().nullable().describe('model registry version that produced the values, if any'),
    runId: z.string().nullable().describe('tracking run id of the training / scoring run, if any'),
    dataFingerprint: z.string().min(1).describe('hash of the match data the values were computed from'),
    params: z
      .record(z.string(), z.union([z.number(), z.string()]))
      .optional()
      .describe('view parameters used'),
    note: z.string().optional(),
  })
  .describe('where a view version came from')

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
  expiresAt: epochMs.nullable().describe('null: no expiry while its version is active'),
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

/** Inputs of the store's read procedures (the same as featureSchemas.ts `featureInputs`). */
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

export const featureRebuildInputSchema = z.object({
  leagues: z
    .array(league)
    .optional()
    .describe('leagues whose champion is read; default every league in the store that has a champion'),
})

export const featureRebuildResultSchema = z.object({
  views: z.array(z.string()).describe('view@version labels now active, e.g. team_ratings@4'),
  note: z.string().nullable(),
  champions: z
    .array(z.object({ league: z.string(), modelVersion: z.string(), runId: z.string() }))
    .describe('the champion model each league was rebuilt from'),
  skipped: z
    .array(z.object({ league: z.string(), reason: z.string() }))
    .describe('leagues asked for (or in the store) without a champion model'),
  ms: z.number(),
})

export type FeatureSpecDto = z.infer<typeof featureSpecSchema>
export type ViewDefinitionDto = z.infer<typeof viewDefinitionSchema>
export type LineageDto = z.infer<typeof lineageSchema>
export type VersionInfoDto = z.infer<typeof versionInfoSchema>
export type ViewInfoDto = z.infer<typeof viewInfoSchema>
export type EntityHitDto = z.infer<typeof entityHitSchema>
export type EntityReadDto = z.infer<typeof entityReadSchema>
export type LeagueReadDto = z.infer<typeof leagueReadSchema>
export type HistoryEntryDto = z.infer<typeof historyEntrySchema>
export type ValidationReportDto = z.infer<typeof validationReportSchema>
export type FeatureStoreStatsDto = z.infer<typeof featureStoreStatsSchema>
export type FeatureRebuildResultDto = z.infer<typeof featureRebuildResultSchema>

export const featureProcedures = {
  'features.views': procedure({
    summary: 'Every feature view with its definition, its versions (newest first) and their lineage',
    input: featureInputs.views,
    output: z.array(viewInfoSchema),
  }),
  'features.stats': procedure({
    summary:
      'Keys and approximate memory per view version, hit / miss counters and read latency of this process, last write and writer',
    input: featureInputs.stats,
    output: featureStoreStatsSchema,
  }),
  'features.getTeam': procedure({
    summary: "A team's values in the active version of a team view (or why there are none)",
    input: featureInputs.getTeam,
    output: entityReadSchema,
  }),
  'features.getTeams': procedure({
    summary: 'Every team of a league in the active version of a view, in one read',
    input: featureInputs.getTeams,
    output: leagueReadSchema,
  }),
  'features.getMatch': procedure({
    summary: "A fixture's values in the active version of a match view (default match_probabilities)",
    input: featureInputs.getMatch,
    output: entityReadSchema,
  }),
  'features.history': procedure({
    summary: "An entity's values in every version still stored, newest version first",
    input: featureInputs.history,
    output: z.array(historyEntrySchema),
  }),
  'features.validationReports': procedure({
    summary: 'Validation reports of recent writes (newest first), optionally of one view',
    input: featureInputs.validationReports,
    output: z.array(validationReportSchema),
  }),
  'features.rebuild': procedure({
    summary:
      "Rebuild team_ratings and team_form from every league's champion model and switch them atomically",
    input: featureRebuildInputSchema,
    output: featureRebuildResultSchema,
  }),
}
