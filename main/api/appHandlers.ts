import { MAX_MISSES, parsePrizeTiers } from '../../shared/jackpotPrizeTiers'
import type { Handlers } from '../core/dispatch'
import {
  blendTypeSchema,
  calibrationMethodSchema,
  marginMethodSchema,
  SETTING_LIMITS,
  settingKeySchema,
  type EffectiveSettings,
  type Settings,
  type SecretKey,
  type SettingKey,
} from '../../shared/api/domains/app'
import { splitPassword, type ScorelineConfig, type SettingSource } from '../core/config'
import { ApiError } from '../../shared/api/errors'
import { offlineBackendStatus, offlineError } from '../core/offline'
import { readDataDirSetting, writeDataDirSetting } from '../core/dataDirSetting'
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
  /** The platform's default data folder, where the data-folder setting is kept (absent: not changeable). */
  defaultDataDir?: string
  /** Data folder and workers this process started with (changes to them take effect after a restart). */
  startup?: { dataDir: string; workers: number }
}

const SETTING_KEYS: readonly SettingKey[] = settingKeySchema.options

const enumValue = <T extends string>(options: readonly T[], raw: string | null): T | null =>
  raw !== null && (options as readonly string[]).includes(raw) ? (raw as T) : null
const numberValue = (raw: string | null, min: number, max: number, integer: boolean): number | null => {
  if (raw === null || raw.trim() === '') return null
  const n = Number(raw)
  return Number.isFinite(n) && n >= min && n <= max && (!integer || Number.isInteger(n)) ? n : null
}

/** The stored settings; values that no longer validate read as not set. */
export function readSettings(store: SettingsStore, defaultDataDir?: string): Settings {
  const all = store.all()
  const value = (key: SettingKey) => all[`app.${key}`] ?? null
  const offline = value('offline')
  return {
    databaseUrl: value('databaseUrl'),
    redisUrl: value('redisUrl'),
    mlflowTrackingUri: value('mlflowTrackingUri'),
    theme: enumValue(['system', 'light', 'dark'], value('theme')),
    dataDir: defaultDataDir ? readDataDirSetting(defaultDataDir) : null,
    offline: offline === 'true' ? true : offline === 'false' ? false : null,
    workers: numberValue(value('workers'), SETTING_LIMITS.workers.min, SETTING_LIMITS.workers.max, true),
    marginMethod: enumValue(marginMethodSchema.options, value('marginMethod')),
    blendType: enumValue(blendTypeSchema.options, value('blendType')),
    calibrationMethod: enumValue(calibrationMethodSchema.options, value('calibrationMethod')),
    promotionMargin: numberValue(
      value('promotionMargin'),
      SETTING_LIMITS.promotionMargin.min,
      SETTING_LIMITS.promotionMargin.max,
      false,
    ),
    jackpotPrizeTiers: parsePrizeTiers(value('jackpotPrizeTiers')),
  }
}

const PASSWORD_HOME: Record<string, string> = {
  databaseUrl:
    'secret storage is unavailable here, so set DATABASE_URL (with the password) in the environment instead',
  redisUrl:
    'secret storage is unavailable here, so set REDIS_URL (with the password) in the environment instead',
  mlflowTrackingUri:
    'store the password as the MLflow password secret (encrypted) or set MLFLOW_TRACKING_PASSWORD instead',
}

/** Settings whose URL password goes to an encrypted secret instead of the (unencrypted) settings table. */
const URL_PASSWORD_SECRET: Partial<Record<SettingKey, SecretKey>> = {
  databaseUrl: 'databasePassword',
  redisUrl: 'redisPassword',
}

/**
 * A Postgres or Redis URL typed with its password: the password is encrypted into its secret and the URL
 * stored without it (config puts it back). Without secret storage the URL is left as typed, so
 * `refusePassword` explains where the password can go instead.
 */
function storeUrlPassword(key: SettingKey, value: string, secrets: SecretStore): string {
  const secret = URL_PASSWORD_SECRET[key]
  if (!secret || !secrets.status().available) return value
  const { url, password } = splitPassword(value)
  if (password === null) return value
  secrets.set(secret, password)
  return url
}

/**
 * Settings are stored unencrypted, so a URL carrying a password is refused (the message never
 * repeats the URL): secrets live in the encrypted secret store or the environment only.
 */
function refusePassword(key: SettingKey, value: string): void {
  let password = ''
  try {
    password = new URL(value).password
  } catch {
    password = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]+@/i.test(value) ? 'yes' : ''
  }
  if (password) {
    throw new ApiError(
      'INVALID_INPUT',
      `Setting ${key} may not contain a password (settings are stored unencrypted): ${PASSWORD_HOME[key]}.`,
      { key },
    )
  }
}

/** Checks one setting's text before it is stored; returns the text to store. */
function validateSetting(key: SettingKey, value: string): string {
  const refuse = (expected: string) => {
    throw new ApiError('INVALID_INPUT', `Setting ${key} must be ${expected}; got "${value}".`, { key, value })
  }
  switch (key) {
    case 'theme':
      return enumValue(['system', 'light', 'dark'], value) ?? refuse('system, light or dark')
    case 'offline':
      return value === 'true' || value === 'false' ? value : refuse('true or false')
    case 'workers': {
      const { min, max } = SETTING_LIMITS.workers
      return numberValue(value, min, max, true) !== null
        ? String(Number(value))
        : refuse(`a whole number from ${min} to ${max}`)
    }
    case 'promotionMargin': {
      const { min, max } = SETTING_LIMITS.promotionMargin
      return numberValue(value, min, max, false) !== null
        ? String(Number(value))
        : refuse(`an RPS difference from ${min} to ${max} (e.g. 0.001)`)
    }
    case 'marginMethod':
      return enumValue(marginMethodSchema.options, value) ?? refuse(marginMethodSchema.options.join(', '))
    case 'blendType':
      return enumValue(blendTypeSchema.options, value) ?? refuse(blendTypeSchema.options.join(' or '))
    case 'calibrationMethod':
      return (
        enumValue(calibrationMethodSchema.options, value) ??
        refuse(calibrationMethodSchema.options.join(', '))
      )
    case 'jackpotPrizeTiers': {
      const tiers = parsePrizeTiers(value)
      return tiers
        ? JSON.stringify(tiers)
        : refuse(
            `JSON naming each provider's tiers as the misses it pays for, e.g. {"Pools": [0, 1, 2]} (0 = all right, at most ${MAX_MISSES})`,
          )
    }
    case 'databaseUrl':
    case 'redisUrl':
    case 'mlflowTrackingUri':
      refusePassword(key, value)
      return value
    default:
      return value
  }
}

const VARIABLES: Partial<Record<keyof EffectiveSettings, string>> = {
  dataDir: 'SCORELINE_HOME',
  offline: 'SCORELINE_OFFLINE',
  workers: 'SCORELINE_WORKERS',
}

export function effectiveSettings(
  config: ScorelineConfig,
  stored: Settings,
  startup: { dataDir: string; workers: number },
): EffectiveSettings {
  const entry = <T>(key: keyof EffectiveSettings, value: T, source: SettingSource) => ({
    value,
    source,
    variable: VARIABLES[key] ?? null,
  })
  const m = config.modelling
  const s = config.sources
  return {
    dataDir: {
      ...entry('dataDir', startup.dataDir, s.dataDir),
      pending: stored.dataDir && stored.dataDir !== startup.dataDir ? stored.dataDir : null,
    },
    offline: entry('offline', config.offline, s.offline),
    workers: { ...entry('workers', config.workers, s.workers), running: startup.workers },
    marginMethod: entry('marginMethod', m.margin, s.margin),
    blendType: entry('blendType', m.blend, s.blend),
    calibrationMethod: entry('calibrationMethod', m.calibration, s.calibration),
    promotionMargin: entry('promotionMargin', m.promotionMargin, s.promotionMargin),
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
      const sqlite = sqliteProbe(deps.appDbPath, () => ({ schemaVersion: deps.schemaVersion() }))
      const backends = config.offline
        ? [
            ...(await checkBackends([sqlite])),
            offlineBackendStatus('postgres', "The team's shared database", config.offlineTargets.databaseUrl),
            offlineBackendStatus('redis', 'Feature store', config.offlineTargets.redisUrl),
            offlineBackendStatus('mlflow', 'Experiment tracking', config.offlineTargets.mlflowTrackingUri),
          ]
        : await checkBackends([
            sqlite,
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
        offline: config.offline,
        checkedAt: new Date().toISOString(),
      }
    },
    'app.ping': ({ message }) => ({ message, receivedAt: new Date().toISOString() }),
    'settings.get': () => readSettings(deps.settings, deps.defaultDataDir),
    'settings.set': ({ key, value }) => {
      if (!SETTING_KEYS.includes(key)) throw new ApiError('INVALID_INPUT', `Unknown setting ${key}`)
      const text = value === null || value.trim() === '' ? null : value.trim()
      if (key === 'dataDir') {
        if (!deps.defaultDataDir)
          throw new ApiError('CONFIG', 'The data folder cannot be changed here: set SCORELINE_HOME instead.')
        writeDataDirSetting(deps.defaultDataDir, text)
      } else if (text === null) {
        deps.settings.delete(`app.${key}`)
        const secret = URL_PASSWORD_SECRET[key]
        if (secret) deps.secrets.set(secret, null) // the password belonged to the URL that is gone
      } else deps.settings.set(`app.${key}`, validateSetting(key, storeUrlPassword(key, text, deps.secrets)))
      deps.onSettingsChanged()
      return readSettings(deps.settings, deps.defaultDataDir)
    },
    'settings.effective': () => {
      const config = deps.config()
      return effectiveSettings(
        config,
        readSettings(deps.settings, deps.defaultDataDir),
        deps.startup ?? { dataDir: config.dataDir, workers: config.workers },
      )
    },
    'settings.testConnection': async ({ backend, url }) => {
      const config = deps.config()
      if (config.offline)
        throw offlineError(
          `testing the ${backend === 'postgres' ? 'Postgres' : backend === 'redis' ? 'Redis' : 'MLflow'} connection`,
        )
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
          ...(env.DATABASE_URL && splitPassword(env.DATABASE_URL).password
            ? (['databasePassword'] as const)
            : []),
          ...(env.REDIS_URL && splitPassword(env.REDIS_URL).password ? (['redisPassword'] as const) : []),
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
