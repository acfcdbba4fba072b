import { create } from 'zustand'
import type { ScorelineApi } from '../../../shared/api/contract'
import type { ApiErrorShape } from '../../../shared/api/errors'
import type { SecretKey, SettingKey, Settings } from '../../../shared/api/domains/app'

export interface SecretStatus {
  available: boolean
  reason: string | null
  stored: SecretKey[]
  fromEnvironment: SecretKey[]
}

export interface SettingsState {
  settings: Settings | null
  secrets: SecretStatus | null
  error: ApiErrorShape | null
  saving: SettingKey | SecretKey | null
  load(api: ScorelineApi): Promise<void>
  save(api: ScorelineApi, key: SettingKey, value: string | null): Promise<ApiErrorShape | null>
  saveSecret(api: ScorelineApi, key: SecretKey, value: string | null): Promise<ApiErrorShape | null>
}

export const useSettingsStore = create<SettingsState>((set, get) => ({
  settings: null,
  secrets: null,
  error: null,
  saving: null,
  async load(api) {
    const [settings, secrets] = await Promise.all([api.settings.get(), api.settings.secretStatus()])
    set({
      settings: settings.ok ? settings.value : get().settings,
      secrets: secrets.ok ? secrets.value : get().secrets,
      error: (!settings.ok && settings.error) || (!secrets.ok && secrets.error) || null,
    })
  },
  async save(api, key, value) {
    set({ saving: key })
    const result = await api.settings.set({ key, value })
    set({ saving: null, ...(result.ok ? { settings: result.value } : {}) })
    return result.ok ? null : result.error
  },
  async saveSecret(api, key, value) {
    set({ saving: key })
    const result = await api.settings.setSecret({ key, value })
    set({ saving: null })
    await get().load(api)
    return result.ok ? null : result.error
  },
}))

/** Applies the theme: 'system' follows the OS (prefers-color-scheme), the others force it. */
export function applyTheme(theme: Settings['theme']): void {
  const root = document.documentElement
  if (!theme || theme === 'system') root.removeAttribute('data-theme')
  else root.setAttribute('data-theme', theme)
}
