import { create } from 'zustand'
import type { AppInfo } from '../../../shared/api/domains/app'
import type { ScorelineApi } from '../../../shared/api/contract'

export interface AppInfoState {
  info: AppInfo | null
  loading: boolean
  error: { code: string; message: string } | null
  refresh(api: ScorelineApi): Promise<void>
}

/** App info and backend status, shared by the shell (status dots) and the Dashboard. */
export const useAppInfoStore = create<AppInfoState>((set, get) => ({
  info: null,
  loading: false,
  error: null,
  async refresh(api) {
    if (get().loading) return
    set({ loading: true })
    const result = await api.app.info()
    if (result.ok) set({ info: result.value, loading: false, error: null })
    else set({ loading: false, error: result.error })
  },
}))
