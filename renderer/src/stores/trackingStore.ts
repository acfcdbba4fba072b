import { create } from 'zustand'
import type { ScorelineApi } from '../../../shared/api/contract'
import type { ApiErrorShape } from '../../../shared/api/errors'
import type {
  ExperimentDto,
  MirrorMarkDto,
  ModelDetailDto,
  PromotionResultDto,
  RegisteredModelDto,
  RunComparisonDto,
  RunDto,
} from '../../../shared/api/domains/tracking'
import type { Column, Sort } from '../pages/experiments/runsView'

export type Loadable<T> = { data: T | null; loading: boolean; error: ApiErrorShape | null }
const idle = <T>(): Loadable<T> => ({ data: null, loading: false, error: null })
/** A transport that answered something else than the contract's shape (e.g. a stub in a test). */
const unexpected = (name: string): ApiErrorShape => ({
  code: 'INVALID_OUTPUT',
  message: `${name} answered in an unexpected shape`,
})

export const MAX_COMPARE = 10
/** How many runs the Experiments screen loads (then filters and sorts in memory). */
export const RUN_LIMIT = 5000

export interface RunsData {
  runs: RunDto[]
  experiments: ExperimentDto[]
  truncated: boolean
  /** Set when the list came from this desktop's mirror of an MLflow server (offline: as of when). */
  mirror?: MirrorMarkDto | null
}

/** The Experiments table's view (filters, sort, columns, scatter axes): kept while the analyst looks elsewhere. */
export interface RunsView {
  search: string
  query: string
  status: string
  experimentId: string
  from: string
  to: string
  showNested: boolean
  sort: Sort
  columns: Column[] | null
  scatter: { x: string; y: string } | null
}

export const DEFAULT_RUNS_VIEW: RunsView = {
  search: '',
  query: '',
  status: '',
  experimentId: '',
  from: '',
  to: '',
  showNested: false,
  sort: { by: { kind: 'attr', key: 'startTime' }, desc: true },
  columns: null,
  scatter: null,
}

export interface TrackingState {
  models: Loadable<RegisteredModelDto[]>
  selectedModel: string | null
  detail: Loadable<ModelDetailDto>
  runs: Loadable<RunsData>
  /** Experiments the runs are loaded from; empty = every experiment. */
  experimentIds: string[]
  selection: string[]
  comparison: Loadable<RunComparisonDto>
  view: RunsView

  setView(patch: Partial<RunsView> | ((view: RunsView) => Partial<RunsView>)): void
  loadModels(api: ScorelineApi): Promise<void>
  openModel(api: ScorelineApi, name: string | null): Promise<void>
  promote(
    api: ScorelineApi,
    input: { name: string; version: string; reason?: string },
  ): Promise<{ ok: true; value: PromotionResultDto } | { ok: false; error: ApiErrorShape }>
  rollback(
    api: ScorelineApi,
    input: { name: string; toVersion?: string; reason?: string },
  ): Promise<{ ok: true; value: PromotionResultDto } | { ok: false; error: ApiErrorShape }>
  loadRuns(api: ScorelineApi, experimentIds?: string[]): Promise<void>
  toggleRun(runId: string): void
  setSelection(runIds: string[]): void
  compare(api: ScorelineApi): Promise<void>
  closeComparison(): void
  /** Refetch what a finished pipeline or a registry change makes stale. Returns the unsubscribe. */
  watch(api: ScorelineApi): () => void
}

/**
 * Experiments and the model registry, shared by the Dashboard, Experiments and Models screens. Server data
 * is cached here and invalidated explicitly: `training.finished` (new runs, versions, maybe a new champion)
 * and `tracking.changed` (a promote or rollback, from this window or another).
 */
export const useTrackingStore = create<TrackingState>((set, get) => ({
  models: idle(),
  selectedModel: null,
  detail: idle(),
  runs: idle(),
  experimentIds: [],
  selection: [],
  comparison: idle(),
  view: DEFAULT_RUNS_VIEW,

  setView(patch) {
    set((s) => ({ view: { ...s.view, ...(typeof patch === 'function' ? patch(s.view) : patch) } }))
  },

  async loadModels(api) {
    set((s) => ({ models: { ...s.models, loading: true } }))
    const result = await api.tracking.models({})
    set((s) => ({
      models:
        result.ok && Array.isArray(result.value)
          ? { data: result.value, loading: false, error: null }
          : {
              data: s.models.data,
              loading: false,
              error: result.ok ? unexpected('tracking.models') : result.error,
            },
    }))
  },

  async openModel(api, name) {
    set((s) => ({
      selectedModel: name,
      detail:
        name === s.selectedModel
          ? { ...s.detail, loading: name !== null }
          : { ...idle(), loading: name !== null },
    }))
    if (!name) return
    const result = await api.tracking.model({ name })
    if (get().selectedModel !== name) return
    set((s) => ({
      detail: result.ok
        ? { data: result.value, loading: false, error: null }
        : { data: s.detail.data, loading: false, error: result.error },
    }))
  },

  async promote(api, input) {
    const result = await api.tracking.promote(input)
    if (result.ok) await Promise.all([get().loadModels(api), get().openModel(api, input.name)])
    return result
  },

  async rollback(api, input) {
    const result = await api.tracking.rollback(input)
    if (result.ok) await Promise.all([get().loadModels(api), get().openModel(api, input.name)])
    return result
  },

  async loadRuns(api, experimentIds) {
    const ids = experimentIds ?? get().experimentIds
    set((s) => ({ experimentIds: ids, runs: { ...s.runs, loading: true } }))
    const result = await api.tracking.searchRuns({
      ...(ids.length ? { experimentIds: ids } : {}),
      limit: RUN_LIMIT,
    })
    if (get().experimentIds !== ids) return // a newer choice of experiments superseded this one
    set((s) => {
      if (!result.ok) return { runs: { data: s.runs.data, loading: false, error: result.error } }
      if (!Array.isArray(result.value?.runs))
        return { runs: { data: s.runs.data, loading: false, error: unexpected('tracking.searchRuns') } }
      const known = new Set(result.value.runs.map((r) => r.runId))
      return {
        runs: { data: result.value, loading: false, error: null },
        selection: s.selection.filter((id) => known.has(id)),
      }
    })
  },

  toggleRun(runId) {
    set((s) => {
      if (s.selection.includes(runId)) return { selection: s.selection.filter((id) => id !== runId) }
      if (s.selection.length >= MAX_COMPARE) return {}
      return { selection: [...s.selection, runId] }
    })
  },

  setSelection(runIds) {
    set({ selection: [...new Set(runIds)].slice(0, MAX_COMPARE) })
  },

  async compare(api) {
    const runIds = get().selection
    if (runIds.length < 2) return
    set((s) => ({ comparison: { ...s.comparison, loading: true, error: null } }))
    const result = await api.tracking.compareRuns({ runIds })
    if (get().selection.join() !== runIds.join()) return
    set({
      comparison: result.ok
        ? { data: result.value, loading: false, error: null }
        : { data: null, loading: false, error: result.error },
    })
  },

  closeComparison() {
    set({ comparison: idle() })
  },

  watch(api) {
    const refresh = () => {
      const s = get()
      if (s.models.data || s.models.error) void s.loadModels(api)
      if (s.selectedModel) void s.openModel(api, s.selectedModel)
    }
    const offTraining = api.on('training.finished', () => {
      refresh()
      const s = get()
      if (s.runs.data || s.runs.error) void s.loadRuns(api)
    })
    const offTracking = api.on('tracking.changed', refresh)
    // the run mirror's background refresh changed the list, or found MLflow gone or back (#23, #21)
    const offMirror = api.on('tracking.runsRefreshed', () => {
      const s = get()
      if (s.runs.data || s.runs.error) void s.loadRuns(api)
    })
    return () => {
      offTraining()
      offTracking()
      offMirror()
    }
  },
}))
