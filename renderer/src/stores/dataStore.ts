import { create } from 'zustand'
import type { z } from 'zod'
import type { ScorelineApi } from '../../../shared/api/contract'
import type { ApiErrorShape } from '../../../shared/api/errors'
import type {
  dataQualitySchema,
  dataStatusSchema,
  importFileOutcomeSchema,
  leagueSummarySchema,
  matchRowSchema,
  seasonSummarySchema,
  syncResultSchema,
} from '../../../shared/api/domains/data'

export type LeagueSummary = z.infer<typeof leagueSummarySchema>
export type SeasonSummary = z.infer<typeof seasonSummarySchema>
export type MatchRow = z.infer<typeof matchRowSchema>
export type DataQuality = z.infer<typeof dataQualitySchema>
export type DataStatus = z.infer<typeof dataStatusSchema>
export type ImportOutcome = z.infer<typeof importFileOutcomeSchema>
export type SyncResult = z.infer<typeof syncResultSchema>

export interface MatchFilter {
  league?: string
  season?: string
  team?: string
  from?: string
  to?: string
}

type Loadable<T> = { data: T | null; loading: boolean; error: ApiErrorShape | null }
const idle = <T>(): Loadable<T> => ({ data: null, loading: false, error: null })

export interface DataState {
  overview: Loadable<{ leagues: LeagueSummary[]; seasons: SeasonSummary[]; status: DataStatus }>
  quality: Loadable<DataQuality>
  matches: Loadable<MatchRow[]>
  filter: MatchFilter
  imports: { running: boolean; outcomes: ImportOutcome[] }
  sync: {
    running: boolean
    progress: { appliedAll: number; totalAll: number; table: string } | null
    result: SyncResult | null
    error: ApiErrorShape | null
  }
  loadOverview(api: ScorelineApi): Promise<void>
  loadQuality(api: ScorelineApi): Promise<void>
  setFilter(api: ScorelineApi, filter: MatchFilter): Promise<void>
  importFiles(api: ScorelineApi, files: { name: string; bytes: ArrayBuffer }[]): Promise<void>
  runSync(api: ScorelineApi): Promise<void>
  addAlias(
    api: ScorelineApi,
    input: { team: string; alias: string; league?: string },
  ): Promise<ApiErrorShape | null>
  /** Subscribes to the events that change data (import, sync, alias) and refetches. */
  watch(api: ScorelineApi): () => void
}

const MATCH_LIMIT = 20_000

function toBase64(bytes: ArrayBuffer): string {
  const view = new Uint8Array(bytes)
  let binary = ''
  for (let i = 0; i < view.length; i += 0x8000) binary += String.fromCharCode(...view.subarray(i, i + 0x8000))
  return btoa(binary)
}

/** Data screen state: server data cached here, invalidated explicitly by data.changed events. */
export const useDataStore = create<DataState>((set, get) => ({
  overview: idle(),
  quality: idle(),
  matches: idle(),
  filter: {},
  imports: { running: false, outcomes: [] },
  sync: { running: false, progress: null, result: null, error: null },

  async loadOverview(api) {
    set((s) => ({ overview: { ...s.overview, loading: true } }))
    const [leagues, seasons, status] = await Promise.all([
      api.data.leagues(),
      api.data.seasons({}),
      api.data.status({ probe: true }),
    ])
    if (!leagues.ok || !seasons.ok || !status.ok) {
      const error =
        (!leagues.ok && leagues.error) ||
        (!seasons.ok && seasons.error) ||
        (!status.ok && status.error) ||
        null
      set({ overview: { data: null, loading: false, error } })
      return
    }
    set({
      overview: {
        data: { leagues: leagues.value, seasons: seasons.value, status: status.value },
        loading: false,
        error: null,
      },
    })
  },

  async loadQuality(api) {
    set((s) => ({ quality: { ...s.quality, loading: true } }))
    const result = await api.data.quality({})
    set({
      quality: result.ok
        ? { data: result.value, loading: false, error: null }
        : { data: null, loading: false, error: result.error },
    })
  },

  async setFilter(api, filter) {
    set((s) => ({ filter, matches: { ...s.matches, loading: true } }))
    const clean = Object.fromEntries(
      Object.entries(filter).filter(([, v]) => v !== undefined && v !== ''),
    ) as MatchFilter
    const result = await api.data.matches({ ...clean, limit: MATCH_LIMIT })
    if (get().filter !== filter) return // a newer filter superseded this one
    set({
      matches: result.ok
        ? { data: result.value, loading: false, error: null }
        : { data: null, loading: false, error: result.error },
    })
  },

  async importFiles(api, files) {
    set({ imports: { running: true, outcomes: [] } })
    const result = await api.data.importCsv({
      files: files.map((f) => ({ name: f.name, contentBase64: toBase64(f.bytes) })),
    })
    if (result.ok) set({ imports: { running: false, outcomes: result.value } })
    else
      set({
        imports: {
          running: false,
          outcomes: files.map((f) => ({ ok: false as const, file: f.name, error: result.error })),
        },
      })
  },

  async runSync(api) {
    set({ sync: { running: true, progress: null, result: null, error: null } })
    const result = await api.data.sync({})
    set((s) => ({
      sync: {
        ...s.sync,
        running: false,
        result: result.ok ? result.value : null,
        error: result.ok ? null : result.error,
      },
    }))
  },

  async addAlias(api, input) {
    const result = await api.data.addAlias(input)
    return result.ok ? null : result.error
  },

  watch(api) {
    const offChanged = api.on('data.changed', () => {
      void get().loadOverview(api)
      void get().loadQuality(api)
      void get().setFilter(api, get().filter)
    })
    const offProgress = api.on('data.syncProgress', (p) =>
      set((s) => ({
        sync: { ...s.sync, progress: { appliedAll: p.appliedAll, totalAll: p.totalAll, table: p.table } },
      })),
    )
    return () => {
      offChanged()
      offProgress()
    }
  },
}))
