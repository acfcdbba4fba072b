import { defaultDataDir } from './paths'

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
  }
  /** Base of football-data.co.uk (season files are under /mmz4281/<yyyy>/<league>.csv). */
  footballDataUrl: string
}

export interface ConfigSources {
  flags?: Partial<{ home: string; postgres: string; redis: string; mlflow: string }>
  env?: NodeJS.ProcessEnv
  /** Non-secret settings stored in the app database. */
  settings?: Partial<{
    databaseUrl: string | null
    redisUrl: string | null
    mlflowTrackingUri: string | null
  }>
  /** Secrets from the app's encrypted store. */
  secrets?: Partial<{ mlflowToken: string | null; mlflowPassword: string | null }>
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
  return {
    dataDir: pick(flags.home, env.SCORELINE_HOME) ?? sources.defaultDataDir ?? defaultDataDir(env),
    databaseUrl: pick(flags.postgres, env.DATABASE_URL, settings.databaseUrl),
    redisUrl: pick(flags.redis, env.REDIS_URL, settings.redisUrl),
    mlflow: {
      trackingUri: pick(flags.mlflow, env.MLFLOW_TRACKING_URI, settings.mlflowTrackingUri),
      token: pick(env.MLFLOW_TRACKING_TOKEN, secrets.mlflowToken),
      username: pick(env.MLFLOW_TRACKING_USERNAME),
      password: pick(env.MLFLOW_TRACKING_PASSWORD, secrets.mlflowPassword),
    },
    footballDataUrl: pick(env.SCORELINE_FOOTBALL_DATA_URL) ?? 'https://www.football-data.co.uk',
  }
}

/** The secret values of a config, for redaction. */
export function configSecrets(config: ScorelineConfig): string[] {
  const out: string[] = []
  if (config.mlflow.token) out.push(config.mlflow.token)
  if (config.mlflow.password) out.push(config.mlflow.password)
  for (const url of [config.databaseUrl, config.redisUrl, config.mlflow.trackingUri]) {
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
