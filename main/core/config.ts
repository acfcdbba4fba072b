import { cpus } from 'node:os'
import { defaultDataDir } from './paths'
import type {
  blendTypeSchema,
  calibrationMethodSchema,
  marginMethodSchema,
} from '../../shared/api/domains/app'
import { SETTING_LIMITS } from '../../shared/api/domains/app'
import type { z } from 'zod'

export type SettingSource = 'flag' | 'environment' | 'setting' | 'default'

/** The defaults the pipeline, the walk-forward and the jackpot pricing use unless told otherwise. */
export interface ModellingDefaults {
  margin: z.infer<typeof marginMethodSchema>
  blend: z.infer<typeof blendTypeSchema>
  calibration: z.infer<typeof calibrationMethodSchema>
  /** A challenger must beat the champion's RPS by at least this much to be promoted. */
  promotionMargin: number
}

export const DEFAULT_MODELLING: ModellingDefaults = {
  margin: 'shin',
  blend: 'log',
  calibration: 'temperature',
  promotionMargin: 0.001,
}

/** Training pool size when nothing is configured: CPU cores − 1, at least 1. */
export const defaultWorkers = (): number => Math.max(1, cpus().length - 1)

/**
 * Resolved configuration. Precedence (GUIDE): CLI flag > environment variable > setting stored in
 * the app's SQLite > default. Secrets come from the environment (CLI) or safeStorage (app) only.
 */
export interface ScorelineConfig {
  dataDir: string
  databaseUrl: string | null
  redisUrl: string | null
  mlflow: {
    trackingUri: string | null
    token: string | null
    username: string | null
    password: string | null
    /** Prefix of the pipeline's experiment names (SCORELINE_EXPERIMENT_PREFIX; tests: one per run). */
    experimentPrefix?: string
  }
  /** Base of football-data.co.uk (season files are under /mmz4281/<yyyy>/<league>.csv). */
  footballDataUrl: string
  /**
   * Offline mode: never touch the network. Postgres, Redis and MLflow URLs above are then null (so every
   * store opens its embedded SQLite counterpart); the configured ones are kept in `offlineTargets` for display.
   */
  offline: boolean
  offlineTargets: { databaseUrl: string | null; redisUrl: string | null; mlflowTrackingUri: string | null }
  /** Training worker threads. */
  workers: number
  modelling: ModellingDefaults
  /** Where each of the app-level settings comes from. */
  sources: Record<'dataDir' | 'offline' | 'workers' | keyof ModellingDefaults, SettingSource>
}

export interface ConfigSources {
  flags?: Partial<{ home: string; postgres: string; redis: string; mlflow: string; offline: boolean }>
  env?: NodeJS.ProcessEnv
  /** Non-secret settings stored in the app database. */
  settings?: Partial<{
    databaseUrl: string | null
    redisUrl: string | null
    mlflowTrackingUri: string | null
    /** Read from the pointer file beside the default data folder (see dataDirSetting.ts). */
    dataDir: string | null
    offline: boolean | null
    workers: number | null
    marginMethod: ModellingDefaults['margin'] | null
    blendType: ModellingDefaults['blend'] | null
    calibrationMethod: ModellingDefaults['calibration'] | null
    promotionMargin: number | null
  }>
  /** Secrets from the app's encrypted store. */
  secrets?: Partial<{
    mlflowToken: string | null
    mlflowPassword: string | null
    /** The password of the Postgres / Redis URL saved in Settings (which is stored without it). */
    databasePassword: string | null
    redisPassword: string | null
  }>
  defaultDataDir?: string
}

const nonEmpty = (value: string | null | undefined): string | null =>
  value !== undefined && value !== null && value.trim() !== '' ? value.trim() : null

export function resolveConfig(sources: ConfigSources = {}): ScorelineConfig {
  const env = sources.env ?? process.env
  const flags = sources.flags ?? {}
  const settings = sources.settings ?? {}
  const secrets = sources.secrets ?? {}
  const pick = (...values: (string | null | undefined)[]) => {
    for (const value of values) {
      const v = nonEmpty(value)
      if (v) return v
    }
    return null
  }
  const dataDir = pick(flags.home)
    ? { value: pick(flags.home)!, source: 'flag' as const }
    : pick(env.SCORELINE_HOME)
      ? { value: pick(env.SCORELINE_HOME)!, source: 'environment' as const }
      : pick(settings.dataDir)
        ? { value: pick(settings.dataDir)!, source: 'setting' as const }
        : { value: sources.defaultDataDir ?? defaultDataDir(env), source: 'default' as const }
  const offline =
    flags.offline !== undefined
      ? { value: flags.offline, source: 'flag' as const }
      : parseBoolean(env.SCORELINE_OFFLINE) !== null
        ? { value: parseBoolean(env.SCORELINE_OFFLINE)!, source: 'environment' as const }
        : settings.offline !== undefined && settings.offline !== null
          ? { value: settings.offline, source: 'setting' as const }
          : { value: false, source: 'default' as const }
  const envWorkers = parseWorkers(env.SCORELINE_WORKERS)
  const workers =
    envWorkers !== null
      ? { value: envWorkers, source: 'environment' as const }
      : settings.workers !== undefined && settings.workers !== null
        ? { value: settings.workers, source: 'setting' as const }
        : { value: defaultWorkers(), source: 'default' as const }
  const fromSetting = <T>(value: T | null | undefined, fallback: T) =>
    value !== undefined && value !== null
      ? { value, source: 'setting' as const }
      : { value: fallback, source: 'default' as const }
  const margin = fromSetting(settings.marginMethod, DEFAULT_MODELLING.margin)
  const blend = fromSetting(settings.blendType, DEFAULT_MODELLING.blend)
  const calibration = fromSetting(settings.calibrationMethod, DEFAULT_MODELLING.calibration)
  const promotionMargin = fromSetting(settings.promotionMargin, DEFAULT_MODELLING.promotionMargin)

  // A URL saved in Settings is stored without its password; the encrypted secret puts it back. A flag or
  // the environment gives the whole URL and wins.
  const databaseUrl =
    pick(flags.postgres, env.DATABASE_URL) ??
    withPassword(pick(settings.databaseUrl), secrets.databasePassword)
  const redisUrl =
    pick(flags.redis, env.REDIS_URL) ?? withPassword(pick(settings.redisUrl), secrets.redisPassword)
  const trackingUri = pick(flags.mlflow, env.MLFLOW_TRACKING_URI, settings.mlflowTrackingUri)
  const online = !offline.value
  return {
    dataDir: dataDir.value,
    databaseUrl: online ? databaseUrl : null,
    redisUrl: online ? redisUrl : null,
    mlflow: {
      trackingUri: online ? trackingUri : null,
      token: pick(env.MLFLOW_TRACKING_TOKEN, secrets.mlflowToken),
      username: pick(env.MLFLOW_TRACKING_USERNAME),
      password: pick(env.MLFLOW_TRACKING_PASSWORD, secrets.mlflowPassword),
      experimentPrefix: pick(env.SCORELINE_EXPERIMENT_PREFIX) ?? undefined,
    },
    footballDataUrl: pick(env.SCORELINE_FOOTBALL_DATA_URL) ?? 'https://www.football-data.co.uk',
    offline: offline.value,
    offlineTargets: offline.value
      ? { databaseUrl, redisUrl, mlflowTrackingUri: trackingUri }
      : { databaseUrl: null, redisUrl: null, mlflowTrackingUri: null },
    workers: workers.value,
    modelling: {
      margin: margin.value,
      blend: blend.value,
      calibration: calibration.value,
      promotionMargin: promotionMargin.value,
    },
    sources: {
      dataDir: dataDir.source,
      offline: offline.source,
      workers: workers.source,
      margin: margin.source,
      blend: blend.source,
      calibration: calibration.source,
      promotionMargin: promotionMargin.source,
    },
  }
}

/** `url` with `password` set (percent-encoded by the URL API); unchanged without a password or a parsable URL. */
export function withPassword(url: string | null, password: string | null | undefined): string | null {
  if (!url || !password) return url
  try {
    const u = new URL(url)
    if (u.password) return url
    u.password = password
    return u.toString()
  } catch {
    return url
  }
}

/** `url` without its password, and the password (decoded); null password when it had none. */
export function splitPassword(url: string): { url: string; password: string | null } {
  try {
    const u = new URL(url)
    if (!u.password) return { url, password: null }
    const password = decodeURIComponent(u.password)
    u.password = ''
    return { url: u.toString(), password }
  } catch {
    return { url, password: null }
  }
}

function parseBoolean(value: string | undefined): boolean | null {
  const v = value?.trim().toLowerCase()
  if (!v) return null
  if (['1', 'true', 'yes', 'on'].includes(v)) return true
  if (['0', 'false', 'no', 'off'].includes(v)) return false
  return null
}

function parseWorkers(value: string | undefined): number | null {
  const n = Number(value?.trim() || NaN)
  return Number.isInteger(n) && n >= SETTING_LIMITS.workers.min && n <= SETTING_LIMITS.workers.max ? n : null
}

/** The secret values of a config, for redaction. */
export function configSecrets(config: ScorelineConfig): string[] {
  const out: string[] = []
  if (config.mlflow.token) out.push(config.mlflow.token)
  if (config.mlflow.password) out.push(config.mlflow.password)
  for (const url of [
    config.databaseUrl,
    config.redisUrl,
    config.mlflow.trackingUri,
    ...Object.values(config.offlineTargets),
  ]) {
    if (!url) continue
    try {
      const password = new URL(url).password
      if (password) out.push(decodeURIComponent(password))
    } catch {
      // not a URL: nothing to extract
    }
  }
  return out
}
