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
  /**
   * The filter's matches, read page by page (#23): `total` in all, `rows[i]` undefined until its page has
   * been read (the first page comes with the filter, the rest as the table scrolls to them).
   */
  matches: Loadable<MatchPages>
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
  /** Reads the pages of the rows [start, end) not read yet (the table's visible range). */
  loadMatchRange(api: ScorelineApi, start: number, end: number): Promise<void>
  importFiles(api: ScorelineApi, files: { name: string; bytes: ArrayBuffer }[]): Promise<void>
  runSync(api: ScorelineApi): Promise<void>
  addAlias(
    api: ScorelineApi,
    input: { team: string; alias: string; league?: string },
  ): Promise<ApiErrorShape | null>
  /** Subscribes to the events that change data (import, sync, alias) and refetches. */
  watch(api: ScorelineApi): () => void
}

export interface MatchPages {
  total: number
  rows: (MatchRow | undefined)[]
}

/** Rows per page of `data.matchPage`: a screenful many times over, small enough to arrive at once. */
export const MATCH_PAGE = 200

/** Pages being read, per filter object (so a range scrolled past twice is asked for once). */
const pagesInFlight = new WeakMap<MatchFilter, Set<number>>()

const cleanFilter = (filter: MatchFilter) =>
  Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined && v !== '')) as MatchFilter

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
    pagesInFlight.set(filter, new Set([0]))
    const result = await api.data.matchPage({ ...cleanFilter(filter), offset: 0, limit: MATCH_PAGE })
    if (get().filter !== filter) return // a newer filter superseded this one
    pagesInFlight.get(filter)?.delete(0)
    if (!result.ok) {
      set({ matches: { data: null, loading: false, error: result.error } })
      return
    }
    const rows = new Array<MatchRow | undefined>(result.value.total)
    result.value.rows.forEach((r, i) => (rows[i] = r))
    set({ matches: { data: { total: result.value.total, rows }, loading: false, error: null } })
  },

  async loadMatchRange(api, start, end) {
    const filter = get().filter
    const data = get().matches.data
    if (!data) return
    const inFlight = pagesInFlight.get(filter) ?? new Set<number>()
    pagesInFlight.set(filter, inFlight)
    const wanted: number[] = []
    const last = Math.min(end, data.total) - 1
    for (let page = Math.floor(Math.max(0, start) / MATCH_PAGE); page * MATCH_PAGE <= last; page++) {
      if (inFlight.has(page) || data.rows[page * MATCH_PAGE] !== undefined) continue
      inFlight.add(page)
      wanted.push(page)
    }
    await Promise.all(
      wanted.map(async (page) => {
        const result = await api.data.matchPage({
          ...cleanFilter(filter),
          offset: page * MATCH_PAGE,
          limit: MATCH_PAGE,
        })
        inFlight.delete(page)
        const current = get().matches.data
        if (get().filter !== filter || !current || !result.ok) return
        const rows = current.rows.slice()
        result.value.rows.forEach((r, i) => (rows[page * MATCH_PAGE + i] = r))
        set({ matches: { data: { total: current.total, rows }, loading: false, error: null } })
      }),
    )
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
