import { z } from 'zod'
import { event, procedure } from '../define'

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
const season = z.string().regex(/^\d{4}-\d{2}$/, 'expected a season like 2023-24')
const leagueCode = z.string().min(1).max(16)
const matchStatus = z.enum(['scheduled', 'played', 'postponed', 'abandoned'])

export const leagueSummarySchema = z.object({
  code: z.string(),
  name: z.string(),
  country: z.string().nullable(),
  tier: z.number().nullable(),
  seasons: z.number(),
  matches: z.number(),
  teams: z.number(),
  firstDate: z.string().nullable(),
  lastDate: z.string().nullable(),
})

export const seasonSummarySchema = z.object({
  league: z.string(),
  season: z.string(),
  matches: z.number(),
  played: z.number(),
  scheduled: z.number(),
  teams: z.number(),
  withOdds: z.number(),
  playedWithOdds: z.number(),
  firstDate: z.string().nullable(),
  lastDate: z.string().nullable(),
  lastPlayedDate: z.string().nullable(),
})

export const teamSummarySchema = z.object({
  id: z.number(),
  name: z.string(),
  country: z.string().nullable(),
  leagues: z.array(z.string()),
  matches: z.number(),
  aliases: z.array(z.object({ alias: z.string(), league: z.string(), source: z.string() })),
})

export const oddsRowSchema = z.object({
  bookmaker: z.string(),
  kind: z.enum(['pre-match', 'closing']),
  home: z.number().nullable(),
  draw: z.number().nullable(),
  away: z.number().nullable(),
  capturedAt: z.string().nullable(),
})

export const matchRowSchema = z.object({
  id: z.number(),
  league: z.string(),
  season: z.string(),
  date: z.string(),
  time: z.string().nullable(),
  homeTeamId: z.number(),
  homeTeam: z.string(),
  awayTeamId: z.number(),
  awayTeam: z.string(),
  homeGoals: z.number().nullable(),
  awayGoals: z.number().nullable(),
  htHomeGoals: z.number().nullable(),
  htAwayGoals: z.number().nullable(),
  homeShots: z.number().nullable(),
  awayShots: z.number().nullable(),
  homeShotsOnTarget: z.number().nullable(),
  awayShotsOnTarget: z.number().nullable(),
  referee: z.string().nullable(),
  status: matchStatus,
  neutral: z.boolean(),
  source: z.string(),
  updatedAt: z.string(),
  odds: z.array(oddsRowSchema),
})
export type MatchRowDto = z.infer<typeof matchRowSchema>

export const tableRowSchema = z.object({
  position: z.number(),
  teamId: z.number(),
  team: z.string(),
  played: z.number(),
  won: z.number(),
  drawn: z.number(),
  lost: z.number(),
  goalsFor: z.number(),
  goalsAgainst: z.number(),
  goalDifference: z.number(),
  points: z.number(),
})

export const dataQualitySchema = z.object({
  matches: z.number(),
  missingOdds: z.object({
    total: z.number(),
    bySeason: z.array(
      z.object({ league: z.string(), season: z.string(), matches: z.number(), missing: z.number() }),
    ),
    sample: z.array(
      z.object({
        id: z.number(),
        league: z.string(),
        season: z.string(),
        date: z.string(),
        homeTeam: z.string(),
        awayTeam: z.string(),
      }),
    ),
  }),
  missingResults: z.number(),
  duplicateCandidates: z.array(
    z.object({
      reason: z.enum(['same-pairing-in-season', 'team-twice-on-a-day']),
      league: z.string(),
      season: z.string(),
      description: z.string(),
      matchIds: z.array(z.number()),
    }),
  ),
  unresolvedNames: z.array(
    z.object({
      league: z.string(),
      name: z.string(),
      source: z.string(),
      suggestions: z.array(z.unknown()),
      lastSeenAt: z.string(),
    }),
  ),
})

export const dataStatusSchema = z.object({
  lastSuccessfulSyncAt: z.string().nullable(),
  lastSync: z
    .object({
      startedAt: z.string(),
      finishedAt: z.string().nullable(),
      status: z.enum(['running', 'ok', 'failed']),
      rowsApplied: z.number(),
      error: z.string().nullable(),
    })
    .nullable(),
  tables: z.record(z.string(), z.number()),
  outbox: z.object({ pending: z.number(), conflicts: z.number(), failed: z.number() }),
  postgres: z.object({
    configured: z.boolean(),
    reachable: z.boolean().nullable(),
    error: z.string().optional(),
    checkedAt: z.string().optional(),
  }),
  schemaVersion: z.number(),
})

const importCounts = z.object({
  inserted: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  rejected: z.number(),
})

export const importResultSchema = z.object({
  file: z.string(),
  league: z.string(),
  season: z.string(),
  rows: z.number(),
  matches: importCounts,
  odds: importCounts.omit({ rejected: true }),
  teamsCreated: z.array(z.string()),
  aliasesAdded: z.array(z.object({ alias: z.string(), teamId: z.number() })),
  warnings: z.array(z.object({ line: z.number(), message: z.string() })),
  durationMs: z.number(),
})

/** One file's outcome in a multi-file import: imported, or rejected whole with the reasons. */
export const importFileOutcomeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), file: z.string(), result: importResultSchema }),
  z.object({
    ok: z.literal(false),
    file: z.string(),
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  }),
])

export const importFileInputSchema = z.union([
  z.object({ path: z.string().min(1) }).strict(),
  z
    .object({
      name: z.string().min(1).max(255),
      /** File contents, base64 (the browser's file input gives bytes, not paths). */
      contentBase64: z.string().max(64 * 1024 * 1024),
    })
    .strict(),
])

export const syncResultSchema = z.object({
  tables: z.record(z.string(), z.object({ applied: z.number(), deleted: z.number() })),
  rowsApplied: z.number(),
  /** Local jackpots written to Postgres before the pull (null when nothing was queued). */
  pushed: z
    .object({
      pushed: z.number(),
      alreadyThere: z.number(),
      conflicts: z.array(z.object({ jackpotId: z.string(), message: z.string() })),
      pending: z.number(),
    })
    .nullable(),
  conflicts: z.array(z.object({ jackpotId: z.string(), message: z.string() })),
  durationMs: z.number(),
})

export const seasonDownloadSchema = z.object({
  season: z.string(),
  url: z.string(),
  status: z.enum(['imported', 'not-modified', 'failed']),
  bytes: z.number().optional(),
  import: importResultSchema.optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
})

/** The filter of `data.matches` and `data.matchPage`. */
const matchFilterFields = {
  league: leagueCode.optional(),
  season: season.optional(),
  team: z.union([z.number().int(), z.string().min(1)]).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  status: matchStatus.optional(),
  withOdds: z.boolean().optional(),
}

export const dataProcedures = {
  'data.status': procedure({
    summary: 'Last sync, rows per table, pending outbox items and whether Postgres is reachable.',
    input: z.object({ probe: z.boolean().optional() }).strict(),
    output: dataStatusSchema,
  }),
  'data.leagues': procedure({
    summary: 'Leagues in the local store with counts.',
    input: z.object({}).strict(),
    output: z.array(leagueSummarySchema),
  }),
  'data.seasons': procedure({
    summary: 'Seasons (optionally of one league) with counts.',
    input: z.object({ league: leagueCode.optional() }).strict(),
    output: z.array(seasonSummarySchema),
  }),
  'data.teams': procedure({
    summary: 'Teams with their aliases (optionally of one league).',
    input: z.object({ league: leagueCode.optional() }).strict(),
    output: z.array(teamSummarySchema),
  }),
  'data.matches': procedure({
    summary: 'Matches by league, season, team and date range, with odds.',
    input: z
      .object({
        ...matchFilterFields,
        limit: z.number().int().min(1).max(50_000).optional(),
        offset: z.number().int().min(0).optional(),
      })
      .strict(),
    output: z.array(matchRowSchema),
  }),
  'data.matchPage': procedure({
    summary:
      'One page of the matches of a filter (date order) and how many there are in all: the Data screen reads its table page by page.',
    input: z
      .object({
        ...matchFilterFields,
        offset: z.number().int().min(0),
        limit: z.number().int().min(1).max(1000),
      })
      .strict(),
    output: z.object({ total: z.number().int(), offset: z.number().int(), rows: z.array(matchRowSchema) }),
  }),
  'data.leagueTable': procedure({
    summary: 'League table (points, goal difference) as of a date.',
    input: z.object({ league: leagueCode, season, asOf: isoDate.optional() }).strict(),
    output: z.array(tableRowSchema),
  }),
  'data.quality': procedure({
    summary: 'Data-quality report: missing odds, duplicate candidates, unresolved names.',
    input: z.object({ league: leagueCode.optional(), season: season.optional() }).strict(),
    output: dataQualitySchema,
  }),
  'data.importCsv': procedure({
    summary: 'Import football-data.co.uk CSV files; each file is imported whole or rejected whole.',
    input: z
      .object({
        files: z.array(importFileInputSchema).min(1).max(500),
        league: leagueCode.optional(),
        season: season.optional(),
      })
      .strict(),
    output: z.array(importFileOutcomeSchema),
  }),
  'data.addAlias': procedure({
    summary: 'Teach Scoreline another spelling of a team (per league, or global).',
    input: z
      .object({
        team: z.union([z.number().int(), z.string().min(1)]),
        alias: z.string().min(1).max(120),
        league: leagueCode.optional(),
      })
      .strict(),
    output: z.object({
      id: z.number(),
      teamId: z.number(),
      teamName: z.string(),
      league: z.string(),
      alias: z.string(),
      created: z.boolean(),
    }),
  }),
  'data.download': procedure({
    summary: 'Download seasons from football-data.co.uk (conditional requests, retries) and import them.',
    input: z
      .object({
        league: leagueCode,
        /** Season labels, or one range like "2019-20..2024-25". */
        seasons: z
          .array(z.string().regex(/^\d{4}-\d{2}(\.\.\d{4}-\d{2})?$/, 'expected 2023-24 or 2019-20..2024-25'))
          .min(1)
          .max(40),
        force: z.boolean().optional(),
      })
      .strict(),
    output: z.array(seasonDownloadSchema),
  }),
  'data.sync': procedure({
    summary: 'Pull the shared Postgres into the local cache (incremental, resumable); progress as events.',
    input: z.object({ full: z.boolean().optional() }).strict(),
    output: syncResultSchema,
  }),
}

export const dataEvents = {
  'data.downloadProgress': event({
    summary: 'Progress of a season download.',
    payload: z.object({
      league: z.string(),
      season: z.string(),
      index: z.number(),
      total: z.number(),
      state: z.enum(['fetching', 'retrying', 'not-modified', 'imported', 'failed']),
      attempt: z.number().optional(),
      bytes: z.number().optional(),
    }),
  }),
  'data.syncProgress': event({
    summary: 'Progress of a running sync.',
    payload: z.object({
      table: z.string(),
      applied: z.number(),
      total: z.number(),
      appliedAll: z.number(),
      totalAll: z.number(),
    }),
  }),
  'data.changed': event({
    summary: 'The local data changed (import, sync, alias): screens holding data should refetch.',
    payload: z.object({
      reason: z.enum(['import', 'sync', 'alias', 'download']),
      leagues: z.array(z.string()),
    }),
  }),
}
