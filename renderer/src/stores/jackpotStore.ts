import { create } from 'zustand'
import type { ScorelineApi, ProcedureOutput } from '../../../shared/api/contract'
import type { ApiErrorShape } from '../../../shared/api/errors'
import type { JackpotAnalysisDto } from '../../../shared/api/domains/jackpots'

export type JackpotSummary = ProcedureOutput<'jackpots.list'>[number]
export type ParsedText = ProcedureOutput<'jackpots.parseText'>
export type Pick = 'H' | 'D' | 'A' | 'HD' | 'HA' | 'DA'

export interface JackpotState {
  list: JackpotSummary[] | null
  listError: ApiErrorShape | null
  selectedId: string | null
  analysis: JackpotAnalysisDto | null
  analysing: boolean
  analysisError: ApiErrorShape | null
  loadList(api: ScorelineApi): Promise<void>
  select(api: ScorelineApi, id: string | null): Promise<void>
  setPick(api: ScorelineApi, position: number, pick: Pick | null): Promise<void>
  remove(api: ScorelineApi, id: string): Promise<void>
}

/** Jackpot list and the analysis of the selected one; a pick change re-analyses the coupon. */
export const useJackpotStore = create<JackpotState>((set, get) => ({
  list: null,
  listError: null,
  selectedId: null,
  analysis: null,
  analysing: false,
  analysisError: null,
  async loadList(api) {
    const result = await api.jackpots.list()
    set(result.ok ? { list: result.value, listError: null } : { listError: result.error })
  },
  async select(api, id) {
    set({ selectedId: id, analysis: null, analysisError: null, analysing: id !== null })
    if (!id) return
    const result = await api.jackpots.analyse({ id })
    if (get().selectedId !== id) return
    set(
      result.ok
        ? { analysis: result.value, analysing: false }
        : { analysisError: result.error, analysing: false },
    )
  },
  async setPick(api, position, pick) {
    const id = get().selectedId
    if (!id) return
    const result = await api.jackpots.setPick({ id, position, pick })
    if (!result.ok) {
      set({ analysisError: result.error })
      return
    }
    const analysis = await api.jackpots.analyse({ id })
    if (analysis.ok) set({ analysis: analysis.value })
  },
  async remove(api, id) {
    const result = await api.jackpots.delete({ id })
    if (result.ok) {
      set({ selectedId: null, analysis: null })
      await get().loadList(api)
    }
  },
}))
