import type Database from 'better-sqlite3'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type pg from 'pg'
import type { CallContext, Handlers } from '../core/dispatch'
import type { EventBus } from '../core/eventBus'
import type { ScorelineConfig } from '../core/config'
import { toApiErrorShape } from '../core/appError'
import { offlineError } from '../core/offline'
import { redactUrl } from '../core/redact'
import { ApiError } from '../../shared/api/errors'
import type { ProcedureOutput } from '../../shared/api/contract'
import type { FeatureRebuildOutcomeDto } from '../../shared/api/domains/fixtures'
import type { ModelUsed, PricedFixture } from '../../shared/pricing'
import {
  downloadFixtures,
  findUpcomingFixture,
  importFixturesContents,
  importFixturesFile,
  importFixturesToPostgres,
  listUpcomingFixtures,
  priceHistory,
  type FixturesImportResult,
} from '../services/data/fixtures'
import { connectPostgres } from '../services/data/postgres/pgConnection'
import { createTeamResolver } from '../services/data/teams'
import {
  fixtureToPrice,
  modelUsedOf,
  priceFixture,
  priceUpcoming,
  type FixtureToPrice,
} from '../services/pricing'
import {
  createLeagueModels,
  type LeagueModel,
  type LeagueModelProvider,
} from '../services/jackpots/leagueModel'
import { CHAMPION } from '../services/tracking/promotion'
import { modelNameOf } from '../services/training/pipeline'
import type { TrackingAccess } from './trackingHandlers'

type FixtureProcedures = Extract<keyof Handlers, `fixtures.${string}`>

export interface FixtureHandlerDeps {
  db: Database.Database
  config: () => ScorelineConfig
  events: EventBus
  /** Where the champions come from (shared with the jackpot handlers); default: the registry's champions. */
  leagueModels?: LeagueModelProvider
  /** The model registry the champions are read from. */
  trackingAccess?: TrackingAccess
  /**
   * Rebuilds the feature views (match_probabilities among them) of these leagues from their champions; the
   * merged handlers pass `features.rebuild`, so fixtures and a promotion rebuild the same way.
   */
  rebuildFeatures?: (leagues: string[], context: CallContext) => Promise<FeatureRebuildOutcomeDto>
  now?: () => Date
}

/** How to make a champion, said wherever one is missing. */
export function noChampionError(league: string, why?: string): ApiError {
  return new ApiError(
    'MODEL_NO_CHAMPION',
    `No champion model for ${league}${why ? ` (${why})` : ''}: make one with \`scoreline pipeline run --league ${league}\` (it trains on the league's matches, evaluates and promotes).`,
    { league },
  )
}

/**
 * The league's champion and nothing else: fixtures to come are priced with the promoted model, never with
 * a fit made on the fly. The registry is asked first (cheap) so a league without a champion fails before any
 * model is fitted.
 */
export function championModels(
  provider: LeagueModelProvider,
  tracking?: () => {
    getVersionByAlias(name: string, alias: string): Promise<{ runId?: string | null } | null>
  },
): LeagueModelProvider {
  return {
    async get(league, asOf) {
      if (tracking) {
        const version = await tracking().getVersionByAlias(modelNameOf(league), CHAMPION)
        if (!version?.runId) throw noChampionError(league)
      }
      const model = await provider.get(league, asOf)
      if (model.source.kind !== 'champion') throw noChampionError(league, model.source.reason)
      return model
    },
  }
}

/** `features.rebuild` (what a promotion does) as the rebuild that follows a fixtures import. */
export function rebuildThroughFeatures(
  featuresRebuild: Handlers['features.rebuild'],
): (leagues: string[], context: CallContext) => Promise<FeatureRebuildOutcomeDto> {
  return async (leagues, context) => {
    const result = await featuresRebuild({ leagues }, context)
    const rebuilt = result.champions.map((c) => `${c.league} v${c.modelVersion}`)
    const skipped = result.skipped.map((s) => s.reason)
    return {
      status: rebuilt.length ? 'rebuilt' : 'skipped',
      leagues: result.champions.map((c) => c.league),
      message: [
        rebuilt.length ? `${result.views.join(', ')} from the champions ${rebuilt.join(', ')}` : '',
        ...skipped,
        result.note ?? '',
      ]
        .filter(Boolean)
        .join('; '),
    }
  }
}

export function createFixtureHandlers(deps: FixtureHandlerDeps): Pick<Handlers, FixtureProcedures> {
  const { db, events } = deps
  const now = deps.now ?? (() => new Date())
  const provider =
    deps.leagueModels ??
    createLeagueModels(db, {
      ...(deps.trackingAccess ? { tracking: () => deps.trackingAccess!.store() } : {}),
      defaults: () => deps.config().modelling,
    })
  const champions = championModels(
    provider,
    deps.trackingAccess && !deps.leagueModels ? () => deps.trackingAccess!.store() : undefined,
  )
  const resolver = createTeamResolver(db)

  const rebuild = async (leagues: string[], context: CallContext): Promise<FeatureRebuildOutcomeDto> => {
    if (leagues.length === 0)
      return { status: 'skipped', leagues, message: 'no fixture changed, nothing to rebuild' }
    if (!deps.rebuildFeatures)
      return { status: 'skipped', leagues, message: 'no feature store in this process' }
    try {
      return await deps.rebuildFeatures(leagues, context)
    } catch (error) {
      const shape = toApiErrorShape(error)
      // a missing champion or a running pipeline is not a failure of the import: say what to do instead
      const skipped = shape.code === 'FEATURES_NO_CHAMPION' || shape.code === 'FEATURES_BUSY'
      return { status: skipped ? 'skipped' : 'failed', leagues, message: shape.message }
    }
  }

  const changedLeagues = (results: FixturesImportResult[]) => [
    ...new Set(
      results.flatMap((r) =>
        r.leagues
          .filter((l) => l.inserted + l.updated + l.rescheduled > 0 || l.snapshots.added > 0)
          .map((l) => l.league),
      ),
    ),
  ]

  /**
   * `postgres: true` (the CLI's `--postgres URL`): the team's Postgres, connected for the work and closed
   * after, as `data import --postgres` imports season files there. The laptops pull the result with the sync.
   */
  const withPostgres = async <T>(work: (client: pg.Client, where: string) => Promise<T>): Promise<T> => {
    const config = deps.config()
    if (config.offline) throw offlineError("importing fixtures into the team's Postgres")
    const url = config.databaseUrl
    if (!url)
      throw new ApiError(
        'CONFIG',
        'No Postgres configured: pass --postgres URL, set DATABASE_URL or the Postgres URL in Settings.',
      )
    const client = await connectPostgres(url)
    try {
      return await work(client, redactUrl(url))
    } finally {
      await client.end().catch(() => undefined)
    }
  }

  /** After an import into Postgres this data folder is unchanged: nothing to rebuild here until a sync. */
  const pushedToPostgres = (results: FixturesImportResult[], where: string): FeatureRebuildOutcomeDto => {
    const leagues = changedLeagues(results).sort()
    return {
      status: 'skipped',
      leagues,
      message: `imported into the team's Postgres (${where}), not this data folder: \`scoreline data sync\` brings the fixtures and their price snapshots here, then \`scoreline features rebuild\` prices them into match_probabilities`,
    }
  }

  const afterImport = async (results: FixturesImportResult[], context: CallContext) => {
    const leagues = changedLeagues(results).sort()
    if (leagues.length > 0) events.emit('data.changed', { reason: 'import', leagues })
    return rebuild(leagues, context)
  }

  return {
    'fixtures.list': (window) => ({
      fixtures: listUpcomingFixtures(db, { ...window, now: now() }),
    }),

    'fixtures.price': (window) => priceUpcoming(db, champions, { ...window, now: now() }),

    'fixtures.priceNamed': async ({ fixtures }) => {
      const byLeague = new Map<string, LeagueModel>()
      const priced: PricedFixture[] = []
      for (const [i, f] of fixtures.entries()) {
        const where = fixtures.length > 1 ? `fixture ${i + 1} (${f.home} v ${f.away}): ` : ''
        let model = byLeague.get(f.league)
        if (!model) {
          model = await champions.get(f.league)
          byLeague.set(f.league, model)
        }
        const home = resolveTeam(resolver, f.home, f.league, where)
        const away = resolveTeam(resolver, f.away, f.league, where)
        if (home === away) throw new ApiError('INVALID_INPUT', `${where}${home} cannot play itself.`)
        // the scheduled match of this pairing, priced from exactly what `fixtures.price` prices it from
        const upcoming = findUpcomingFixture(db, { league: f.league, home, away, now: now() })
        const matched = upcoming && (!f.date || f.date === upcoming.date) ? upcoming : null
        const input: FixtureToPrice = matched
          ? fixtureToPrice(matched)
          : { league: f.league, home, away, date: f.date ?? null, snapshots: [] }
        priced.push(priceFixture(model, { ...input, enteredOdds: f.odds ?? null }, { now: now() }))
      }
      const models: ModelUsed[] = [...byLeague.values()].map((m) => modelUsedOf(m))
      return { fixtures: priced, models }
    },

    'fixtures.history': ({ matchId }) => {
      const exists = db.prepare('SELECT 1 FROM matches WHERE id = ? AND deleted = 0').get(matchId)
      if (!exists) throw new ApiError('NOT_FOUND', `No match with id ${matchId} in the local store.`)
      return { matchId, snapshots: priceHistory(db, matchId) }
    },

    'fixtures.import': async ({ paths, files, leagues, postgres }, context) => {
      const outcomes: ProcedureOutput<'fixtures.import'>['files'] = []
      const results: FixturesImportResult[] = []
      const opts = { observedAt: now().toISOString(), ...(leagues ? { leagues } : {}) }
      if (postgres) {
        // each file its own transaction on the server, one connection for them all
        return withPostgres(async (client, where) => {
          const inputs = [
            ...(paths ?? []).map((p) => ({ name: path.basename(p), contents: () => readFileSync(p) })),
            ...(files ?? []).map((f) => ({ name: f.name, contents: () => f.contents })),
          ]
          for (const input of inputs) {
            try {
              const result = await importFixturesToPostgres(client, input.name, input.contents(), opts)
              results.push(result)
              outcomes.push({ ok: true as const, file: input.name, result })
            } catch (error) {
              outcomes.push({ ok: false as const, file: input.name, error: postgresErrorShape(error, where) })
            }
          }
          return { files: outcomes, rebuild: pushedToPostgres(results, where) }
        })
      }
      for (const p of paths ?? []) {
        const name = path.basename(p)
        try {
          const result = await importFixturesFile(db, p, opts)
          results.push(result)
          outcomes.push({ ok: true as const, file: name, result })
        } catch (error) {
          outcomes.push({ ok: false as const, file: name, error: toApiErrorShape(error) })
        }
      }
      for (const f of files ?? []) {
        try {
          const result = importFixturesContents(db, f.name, f.contents, opts)
          results.push(result)
          outcomes.push({ ok: true as const, file: f.name, result })
        } catch (error) {
          outcomes.push({ ok: false as const, file: f.name, error: toApiErrorShape(error) })
        }
      }
      return { files: outcomes, rebuild: await afterImport(results, context) }
    },

    'fixtures.download': async ({ leagues, force, postgres }, context) => {
      const fetchAndImport = async (client?: pg.Client) => {
        // the download's ETag state stays in this data folder either way (downloadFixtures)
        const download = await downloadFixtures(db, {
          baseUrl: deps.config().footballDataUrl,
          ...(leagues ? { leagues } : {}),
          ...(force ? { force } : {}),
          ...(context.signal ? { signal: context.signal } : {}),
          ...(client ? { postgres: client } : {}),
          now,
        })
        const result = download.status === 'imported' ? (download.import ?? null) : null
        return {
          url: download.url,
          status: download.status,
          bytes: download.bytes ?? null,
          result,
          error: download.error ? { code: download.error.code, message: download.error.message } : null,
        }
      }
      if (postgres) {
        return withPostgres(async (client, where) => {
          const download = await fetchAndImport(client)
          return {
            ...download,
            rebuild: pushedToPostgres(download.result ? [download.result] : [], where),
          }
        })
      }
      const download = await fetchAndImport()
      const result = download.result
      return {
        ...download,
        rebuild: await (result ? afterImport([result], context) : rebuild([], context)),
      }
    },
  }
}

/** An import error from Postgres; a server without the fixtures tables (42P01) says how to migrate it. */
function postgresErrorShape(error: unknown, where: string) {
  if ((error as { code?: string })?.code === '42P01')
    return {
      code: 'CONFIG',
      message: `${(error as Error).message} in ${where}: its schema is older than this app's; migrate it with \`scoreline data migrate --postgres URL\`, then import again.`,
    }
  return toApiErrorShape(error)
}

/** A team name as the store knows it (aliases included), or UNKNOWN_TEAM with the close spellings. */
function resolveTeam(
  resolver: ReturnType<typeof createTeamResolver>,
  name: string,
  league: string,
  where: string,
): string {
  const found = resolver.lookup(name, league)
  if (found) return found.teamName
  const close = resolver.suggest(name, league, { limit: 3 }).map((s) => `"${s.name}"`)
  throw new ApiError(
    'UNKNOWN_TEAM',
    `${where}Unknown team "${name}" in ${league}.${close.length ? ` Did you mean ${close.join(', ')}?` : ' Check the spelling, or teach Scoreline the name: scoreline alias add "Team" "Name".'}`,
    { name, league, suggestions: close },
  )
}
