import type { Handlers } from '../core/dispatch'
import type { Settings, SettingKey } from '../../shared/api/domains/app'
import type { ScorelineConfig } from '../core/config'
import type { SettingsStore } from '../services/data/db'
import {
  checkBackends,
  mlflowProbe,
  postgresProbe,
  redisProbe,
  sqliteProbe,
} from '../services/status/backendProbes'
import { APP_NAME, APP_VERSION } from '../core/version'
import type { SecretStore } from '../core/secrets'

type AppProcedures = Extract<keyof Handlers, `app.${string}` | `settings.${string}`>

export interface AppHandlerDeps {
  shell: 'electron' | 'browser-bridge' | 'cli'
  electronVersion: string | null
  config: () => ScorelineConfig
  appDbPath: string
  schemaVersion: () => number
  settings: SettingsStore
  /** Called after a setting changed so the composition root can rebuild its config. */
  onSettingsChanged: () => void
  secrets: SecretStore
  fetch?: typeof fetch
}

const SETTING_KEYS: SettingKey[] = ['databaseUrl', 'redisUrl', 'mlflowTrackingUri', 'theme']

export function readSettings(store: SettingsStore): Settings {
  const all = store.all()
  const value = (key: SettingKey) => all[`app.${key}`] ?? null
  const theme = value('theme')
  return {
    databaseUrl: value('databaseUrl'),
    redisUrl: value('redisUrl'),
    mlflowTrackingUri: value('mlflowTrackingUri'),
    theme: theme === 'light' || theme === 'dark' || theme === 'system' ? theme : null,
  }
}

function mlflowAuthHeaders(config: ScorelineConfig): Record<string, string> {
  if (config.mlflow.token) return { authorization: `Bearer ${config.mlflow.token}` }
  if (config.mlflow.username && config.mlflow.password) {
    return {
      authorization: `Basic ${Buffer.from(`${config.mlflow.username}:${config.mlflow.password}`).toString('base64')}`,
    }
  }
  return {}
}

export function createAppHandlers(deps: AppHandlerDeps): Pick<Handlers, AppProcedures> {
  return {
    'app.info': async () => {
      const config = deps.config()
      const mlflowHeaders = mlflowAuthHeaders(config)
      const backends = await checkBackends([
        sqliteProbe(deps.appDbPath, () => ({ schemaVersion: deps.schemaVersion() })),
        postgresProbe(config.databaseUrl),
        redisProbe(config.redisUrl),
        mlflowProbe(config.mlflow.trackingUri, { fetch: deps.fetch, headers: mlflowHeaders }),
      ])
      return {
        name: APP_NAME,
        version: APP_VERSION,
        dataDir: config.dataDir,
        runtime: {
          shell: deps.shell,
          node: process.versions.node,
          electron: deps.electronVersion,
          platform: `${process.platform}-${process.arch}`,
        },
        backends,
        checkedAt: new Date().toISOString(),
      }
    },
    'app.ping': ({ message }) => ({ message, receivedAt: new Date().toISOString() }),
    'settings.get': () => readSettings(deps.settings),
    'settings.set': ({ key, value }) => {
      if (!SETTING_KEYS.includes(key)) throw new Error(`Unknown setting ${key}`)
      if (value === null || value.trim() === '') deps.settings.delete(`app.${key}`)
      else deps.settings.set(`app.${key}`, value.trim())
      deps.onSettingsChanged()
      return readSettings(deps.settings)
    },
    'settings.testConnection': async ({ backend, url }) => {
      const config = deps.config()
      const target = url?.trim() || null
      if (backend === 'postgres') return postgresProbe(target ?? config.databaseUrl)()
      if (backend === 'redis') return redisProbe(target ?? config.redisUrl)()
      return mlflowProbe(target ?? config.mlflow.trackingUri, {
        fetch: deps.fetch,
        headers: mlflowAuthHeaders(config),
      })()
    },
    'settings.secretStatus': () => {
      const env = process.env
      return {
        ...deps.secrets.status(),
        fromEnvironment: [
          ...(env.MLFLOW_TRACKING_TOKEN ? (['mlflowToken'] as const) : []),
          ...(env.MLFLOW_TRACKING_PASSWORD ? (['mlflowPassword'] as const) : []),
        ],
      }
    },
    'settings.setSecret': ({ key, value }) => {
      deps.secrets.set(key, value)
      deps.onSettingsChanged()
      return { key, stored: value !== null }
    },
  }
}
