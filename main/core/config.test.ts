import { describe, expect, it } from 'vitest'
import { configSecrets, resolveConfig } from './config'
import { defaultDataDir } from './paths'
import { redactSecrets, redactUrl } from './redact'

describe('configuration precedence: flag > environment > stored setting > default', () => {
  it('takes the flag over the environment over the setting', () => {
    const settings = { databaseUrl: 'postgres://setting/db' }
    const env = { DATABASE_URL: 'postgres://env/db' }
    expect(resolveConfig({ settings, env: {}, defaultDataDir: '/d' }).databaseUrl).toBe(
      'postgres://setting/db',
    )
    expect(resolveConfig({ settings, env, defaultDataDir: '/d' }).databaseUrl).toBe('postgres://env/db')
    expect(
      resolveConfig({ settings, env, flags: { postgres: 'postgres://flag/db' }, defaultDataDir: '/d' })
        .databaseUrl,
    ).toBe('postgres://flag/db')
  })

  it('treats empty values as unset and defaults to nothing configured', () => {
    const config = resolveConfig({ env: { REDIS_URL: '  ', MLFLOW_TRACKING_URI: '' }, defaultDataDir: '/d' })
    expect(config.redisUrl).toBeNull()
    expect(config.mlflow.trackingUri).toBeNull()
    expect(config.dataDir).toBe('/d')
  })

  it('reads SCORELINE_HOME and the MLflow variables MLflow users know', () => {
    const config = resolveConfig({
      env: {
        SCORELINE_HOME: '/data',
        MLFLOW_TRACKING_URI: 'http://mlflow:5000',
        MLFLOW_TRACKING_TOKEN: 'tok-123',
        MLFLOW_TRACKING_USERNAME: 'ana',
        MLFLOW_TRACKING_PASSWORD: 'pw-456',
      },
    })
    expect(config.dataDir).toBe('/data')
    expect(config.mlflow).toEqual({
      trackingUri: 'http://mlflow:5000',
      token: 'tok-123',
      username: 'ana',
      password: 'pw-456',
    })
    expect(configSecrets(config).sort()).toEqual(['pw-456', 'tok-123'])
  })

  it('reads the pipeline experiments\' name prefix (tests: one per run), none by default', () => {
    const env = { SCORELINE_EXPERIMENT_PREFIX: ' t1x- ' }
    expect(resolveConfig({ env }).mlflow.experimentPrefix).toBe('t1x-')
    expect(resolveConfig({ env: {} }).mlflow.experimentPrefix).toBeUndefined()
  })

  it('computes the same data folder as Electron userData per platform', () => {
    expect(defaultDataDir({ HOME: '/home/a' }, 'linux')).toBe('/home/a/.config/Scoreline')
    expect(defaultDataDir({ HOME: '/home/a', XDG_CONFIG_HOME: '/x' }, 'linux')).toBe('/x/Scoreline')
    expect(defaultDataDir({ HOME: '/Users/a' }, 'darwin')).toBe(
      '/Users/a/Library/Application Support/Scoreline',
    )
  })
})

describe('redaction', () => {
  it('masks URL passwords and token parameters but keeps host and user', () => {
    expect(redactUrl('postgres://ana:s3cret@db:5432/x')).toBe('postgres://ana:***@db:5432/x')
    expect(redactUrl('http://h/?token=abc&x=1')).toBe('http://h/?token=***&x=1')
    expect(redactSecrets('failed with s3cret-token inside', ['s3cret-token'])).toBe('failed with *** inside')
  })
})
