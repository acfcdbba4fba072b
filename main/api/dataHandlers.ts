import type Database from 'better-sqlite3'
import path from 'node:path'
import type { Handlers } from '../core/dispatch'
import type { EventBus } from '../core/eventBus'
import type { ScorelineConfig } from '../core/config'
import { toApiErrorShape } from '../core/appError'
import { ApiError } from '../../shared/api/errors'
import { importFile, importFileContents, type ImportResult } from '../services/data/import'
import { addTeamAlias } from '../services/data/teams'
import {
  dataQuality,
  dataStatus,
  leagueTable,
  listLeagues,
  listMatches,
  listSeasons,
  listTeams,
  matchPage,
} from '../services/data/queries'
import { syncFromPostgres } from '../services/data/sync/syncFromPostgres'
import { downloadSeasons, parseSeasonRange } from '../services/data/download'
import { postgresProbe } from '../services/status/backendProbes'

type DataProcedures = Extract<keyof Handlers, `data.${string}`>

export interface DataHandlerDeps {
  db: Database.Database
  config: () => ScorelineConfig
  events: EventBus
}

export function createDataHandlers(deps: DataHandlerDeps): Pick<Handlers, DataProcedures> {
  const { db, events } = deps
  let runningSync: Promise<unknown> | null = null

  return {
    'data.status': async ({ probe }) => {
      const url = deps.config().databaseUrl
      if (!url) return dataStatus(db, { configured: false, reachable: null })
      if (!probe) return dataStatus(db, { configured: true, reachable: null })
      const status = await postgresProbe(url)()
      return dataStatus(db, {
        configured: true,
        reachable: status.state === 'reachable',
        ...(status.state === 'unreachable' && status.detail ? { error: status.detail } : {}),
        checkedAt: new Date().toISOString(),
      })
    },
    'data.leagues': () => listLeagues(db),
    'data.seasons': ({ league }) => listSeasons(db, { league }),
    'data.teams': ({ league }) => listTeams(db, league === undefined ? {} : { league }),
    'data.matches': (filter) => listMatches(db, filter),
    'data.matchPage': ({ offset, limit, ...filter }) => matchPage(db, filter, { offset, limit }),
    'data.leagueTable': (input) => leagueTable(db, input),
    'data.quality': (filter) => dataQuality(db, filter),
    'data.importCsv': async ({ files, league, season }) => {
      const outcomes = []
      const leagues = new Set<string>()
      for (const file of files) {
        const name = 'path' in file ? path.basename(file.path) : file.name
        try {
          let result: ImportResult
          if ('path' in file) result = await importFile(db, file.path, { league, season })
          else
            result = importFileContents(db, Buffer.from(file.contentBase64, 'base64'), file.name, {
              league,
              season,
            })
          leagues.add(result.league)
          outcomes.push({ ok: true as const, file: name, result })
        } catch (error) {
          outcomes.push({ ok: false as const, file: name, error: toApiErrorShape(error) })
        }
      }
      if (leagues.size > 0) events.emit('data.changed', { reason: 'import', leagues: [...leagues] })
      return outcomes
    },
    'data.addAlias': (input) => {
      const record = addTeamAlias(db, { ...input, source: 'user' })
      events.emit('data.changed', { reason: 'alias', leagues: record.league ? [record.league] : [] })
      return record
    },
    'data.download': async ({ league, seasons, force }, context) => {
      const list = seasons.flatMap((s) => (s.includes('..') ? parseSeasonRange(s) : [s]))
      const results = await downloadSeasons(db, {
        league,
        seasons: list,
        baseUrl: deps.config().footballDataUrl,
        force,
        signal: context.signal,
        onProgress: (progress) => events.emit('data.downloadProgress', progress),
      })
      if (results.some((r) => r.status === 'imported'))
        events.emit('data.changed', { reason: 'download', leagues: [league] })
      return results
    },
    'data.sync': async ({ full }, context) => {
      const url = deps.config().databaseUrl
      if (!url)
        throw new ApiError(
          'CONFIG',
          'No Postgres configured: set DATABASE_URL or the Postgres URL in Settings.',
        )
      if (runningSync) throw new ApiError('CONFLICT', 'A sync is already running; wait for it to finish.')
      const run = syncFromPostgres(db, {
        postgres: url,
        full,
        signal: context.signal,
        onProgress: (progress) => events.emit('data.syncProgress', progress),
      })
      runningSync = run
      try {
        const result = await run
        events.emit('data.changed', { reason: 'sync', leagues: [] })
        return result
      } finally {
        runningSync = null
      }
    },
  }
}
