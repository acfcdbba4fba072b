/**
 * The app-level settings (data folder, offline mode, workers, modelling defaults): validated when stored,
 * resolved with flag > environment > stored setting > default, and read by the code that uses them.
 * Offline mode is checked against a loopback server that counts every connection made to it.
 */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createScoreline, type Scoreline } from './scoreline'
import { resolveConfig } from './config'
import { dataDirPointerPath } from './dataDirSetting'
import { importSimulatedLeagues } from '../services/training/testing/simulatedStore'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'scoreline-settings-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))
let counter = 0
const opened: Scoreline[] = []
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close()
})

/** A Scoreline in its own folder, with HOME and XDG_CONFIG_HOME sandboxed (the data-folder pointer lives there). */
function open(env: NodeJS.ProcessEnv = {}, home?: string) {
  const sandbox = home ?? path.join(root, `case-${++counter}`)
  fs.mkdirSync(sandbox, { recursive: true })
  const scoreline = createScoreline({
    shell: 'cli',
    env: { HOME: sandbox, XDG_CONFIG_HOME: path.join(sandbox, 'config'), ...env },
  })
  opened.push(scoreline)
  return { scoreline, sandbox }
}

async function call(s: Scoreline, name: string, input: unknown = {}) {
  return (await s.dispatch(name as never, input as never, { transport: 'cli' } as never)) as
    | { ok: true; value: any } // eslint-disable-line @typescript-eslint/no-explicit-any
    | { ok: false; error: { code: string; message: string } }
}

describe('resolveConfig: app-level settings', () => {
  it('uses stored defaults, lets the environment override offline mode and workers', () => {
    const none = resolveConfig({ env: {}, defaultDataDir: '/d' })
    expect(none.modelling).toEqual({
      margin: 'shin',
      blend: 'log',
      calibration: 'temperature',
      promotionMargin: 0.001,
    })
    expect(none.offline).toBe(false)
    expect(none.sources.margin).toBe('default')
    const stored = resolveConfig({
      env: {},
      defaultDataDir: '/d',
      settings: {
        marginMethod: 'power',
        blendType: 'linear',
        calibrationMethod: 'none',
        promotionMargin: 0.004,
        workers: 3,
        offline: true,
      },
    })
    expect(stored.modelling).toEqual({
      margin: 'power',
      blend: 'linear',
      calibration: 'none',
      promotionMargin: 0.004,
    })
    expect(stored.workers).toBe(3)
    expect(stored.sources).toMatchObject({ margin: 'setting', workers: 'setting', offline: 'setting' })
    const env = resolveConfig({
      env: { SCORELINE_OFFLINE: '0', SCORELINE_WORKERS: '2' },
      defaultDataDir: '/d',
      settings: { offline: true, workers: 3 },
    })
    expect(env.offline).toBe(false)
    expect(env.workers).toBe(2)
    expect(env.sources).toMatchObject({ offline: 'environment', workers: 'environment' })
  })

  it('offline mode drops the network URLs (the embedded stores open) but remembers them for display', () => {
    const config = resolveConfig({
      env: {
        DATABASE_URL: 'postgres://u:pw@db/x',
        REDIS_URL: 'redis://r:6379',
        MLFLOW_TRACKING_URI: 'http://m',
      },
      defaultDataDir: '/d',
      settings: { offline: true },
    })
    expect([config.databaseUrl, config.redisUrl, config.mlflow.trackingUri]).toEqual([null, null, null])
    expect(config.offlineTargets).toEqual({
      databaseUrl: 'postgres://u:pw@db/x',
      redisUrl: 'redis://r:6379',
      mlflowTrackingUri: 'http://m',
    })
  })

  it('data folder: SCORELINE_HOME over the stored folder over the default', () => {
    expect(resolveConfig({ env: {}, defaultDataDir: '/d', settings: { dataDir: '/stored' } }).dataDir).toBe(
      '/stored',
    )
    expect(
      resolveConfig({
        env: { SCORELINE_HOME: '/env' },
        defaultDataDir: '/d',
        settings: { dataDir: '/stored' },
      }).dataDir,
    ).toBe('/env')
  })
})

describe('settings.set validates, settings.effective reports what is in use', () => {
  it('refuses invalid values with a message naming the setting', async () => {
    const { scoreline } = open({ SCORELINE_HOME: path.join(root, 'validate') })
    for (const [key, value, expected] of [
      ['workers', '0', /workers must be a whole number from 1 to 64/],
      ['workers', '2.5', /workers must be a whole number/],
      ['marginMethod', 'median', /marginMethod must be multiplicative, additive, power, shin/],
      ['blendType', 'geometric', /blendType must be log or linear/],
      ['calibrationMethod', 'platt', /calibrationMethod must be temperature, isotonic, none/],
      ['promotionMargin', '0.5', /promotionMargin must be an RPS difference from 0 to 0.05/],
      ['offline', 'maybe', /offline must be true or false/],
      ['dataDir', 'relative/folder', /absolute path/],
      [
        'jackpotPrizeTiers',
        '{"Pools": [0, 0]}',
        /jackpotPrizeTiers must be JSON naming each provider's tiers/,
      ],
      ['jackpotPrizeTiers', '{"Pools": [9]}', /jackpotPrizeTiers must be JSON/],
    ] as const) {
      const result = await call(scoreline, 'settings.set', { key, value })
      expect(result.ok, `${key}=${value}`).toBe(false)
      if (!result.ok) expect(result.error.message).toMatch(expected)
    }
    const stored = await call(scoreline, 'settings.get')
    expect(stored.ok && stored.value).toMatchObject({ workers: null, marginMethod: null, offline: null })
  })

  it('stores prize tiers per jackpot provider and reads them back (#20)', async () => {
    const { scoreline } = open({ SCORELINE_HOME: path.join(root, 'tiers') })
    const value = JSON.stringify({ 'Invented Pools': [0, 1, 2], 'Other Pools': [0] })
    const result = await call(scoreline, 'settings.set', { key: 'jackpotPrizeTiers', value })
    expect(result.ok).toBe(true)
    const stored = await call(scoreline, 'settings.get')
    expect(stored.ok && stored.value.jackpotPrizeTiers).toEqual({
      'Invented Pools': [0, 1, 2],
      'Other Pools': [0],
    })
  })

  it('stores defaults, reports them with their source, and the pipeline runs with them', async () => {
    const { scoreline } = open({ SCORELINE_HOME: path.join(root, 'pipeline') })
    for (const [key, value] of [
      ['marginMethod', 'power'],
      ['blendType', 'linear'],
      ['calibrationMethod', 'isotonic'],
      ['promotionMargin', '0.004'],
      ['workers', '1'],
    ])
      expect((await call(scoreline, 'settings.set', { key, value })).ok).toBe(true)
    const effective = await call(scoreline, 'settings.effective')
    expect(effective.ok && effective.value).toMatchObject({
      marginMethod: { value: 'power', source: 'setting' },
      blendType: { value: 'linear', source: 'setting' },
      calibrationMethod: { value: 'isotonic', source: 'setting' },
      promotionMargin: { value: 0.004, source: 'setting' },
      workers: { value: 1, source: 'setting', variable: 'SCORELINE_WORKERS' },
      offline: { value: false, source: 'default' },
    })

    // the training pipeline reads the stored defaults when a run starts
    importSimulatedLeagues(scoreline.db, [{ code: 'E0', seed: 3, seasons: 2, teams: 6 }])
    const started = await call(scoreline, 'training.runPipeline', { leagues: ['E0'], wait: false })
    expect(started.ok).toBe(true)
    const history = await call(scoreline, 'training.history', { limit: 1 })
    expect(history.ok && history.value[0].settings).toMatchObject({
      margin: 'power',
      blend: 'linear',
      calibration: 'isotonic',
      promotionMargin: 0.004,
    })
    // the jackpot pricing (no champion yet: fitted on the fly) removes the margin with the stored method
    const teams = scoreline.db.prepare('SELECT name FROM teams ORDER BY name').pluck().all() as string[]
    const jackpot = await call(scoreline, 'jackpots.create', {
      name: 'Defaults',
      league: 'E0',
      fixtures: [{ home: teams[0], away: teams[1], odds: { home: 2.2, draw: 3.4, away: 3.3 } }],
    })
    expect(jackpot.ok).toBe(true)
    const analysis = await call(scoreline, 'jackpots.analyse', { id: jackpot.ok && jackpot.value.id })
    expect(analysis.ok && analysis.value.fixtures[0].market.method).toBe('power')
    expect(analysis.ok && analysis.value.models[0].source.kind).toBe('fitted-on-the-fly')

    await call(scoreline, 'training.cancel', {})
    await expect
      .poll(
        async () => {
          const status = await call(scoreline, 'training.status')
          return status.ok && status.value.state
        },
        { timeout: 60_000 },
      )
      .toBe('idle')
  }, 90_000)

  it('worker count: the training pool started after the change uses it', async () => {
    const home = path.join(root, 'workers')
    const { scoreline } = open({ SCORELINE_HOME: home }, path.join(root, 'workers-sandbox'))
    expect((await call(scoreline, 'settings.set', { key: 'workers', value: '3' })).ok).toBe(true)
    const before = await call(scoreline, 'settings.effective')
    expect(before.ok && before.value.workers).toMatchObject({ value: 3, source: 'setting' })
    await scoreline.close()
    opened.splice(opened.indexOf(scoreline), 1)
    const { scoreline: restarted } = open({ SCORELINE_HOME: home }, path.join(root, 'workers-sandbox'))
    const status = await call(restarted, 'training.status')
    expect(status.ok && status.value.workers.size).toBe(3)
    const after = await call(restarted, 'settings.effective')
    expect(after.ok && after.value.workers).toMatchObject({ value: 3, running: 3 })
  })

  it('data folder: stored beside the default folder, pending until the next start, then used', async () => {
    const sandbox = path.join(root, 'datadir')
    const { scoreline } = open({}, sandbox)
    const target = path.join(sandbox, 'elsewhere')
    const before = await call(scoreline, 'settings.effective')
    expect(before.ok && before.value.dataDir).toMatchObject({ source: 'default', pending: null })
    const current = before.ok ? before.value.dataDir.value : ''
    expect((await call(scoreline, 'settings.set', { key: 'dataDir', value: target })).ok).toBe(true)
    expect(fs.existsSync(dataDirPointerPath(path.join(sandbox, 'config', 'Scoreline')))).toBe(true)
    const after = await call(scoreline, 'settings.effective')
    expect(after.ok && after.value.dataDir).toMatchObject({ value: current, pending: target })
    expect(scoreline.config.dataDir).toBe(current) // nothing moves under the running app
    await scoreline.close()
    opened.splice(opened.indexOf(scoreline), 1)

    const { scoreline: restarted } = open({}, sandbox)
    expect(restarted.config.dataDir).toBe(target)
    expect(restarted.paths.appDb).toBe(path.join(target, 'scoreline.sqlite'))
    const next = await call(restarted, 'settings.effective')
    expect(next.ok && next.value.dataDir).toMatchObject({ value: target, source: 'setting', pending: null })
  })
})

describe('offline mode never opens a socket', () => {
  let server: net.Server
  let port = 0
  let connections = 0
  beforeAll(async () => {
    server = net.createServer((socket) => {
      connections++
      socket.destroy()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    port = (server.address() as net.AddressInfo).port
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  it('download, sync, MLflow, Redis and the connection tests answer "offline mode is on"; turned off, they connect', async () => {
    const { scoreline } = open({
      SCORELINE_HOME: path.join(root, 'offline'),
      SCORELINE_FOOTBALL_DATA_URL: `http://127.0.0.1:${port}`,
    })
    for (const [key, value] of [
      ['databaseUrl', `postgres://postgres@127.0.0.1:${port}/x`],
      ['redisUrl', `redis://127.0.0.1:${port}`],
      ['mlflowTrackingUri', `http://127.0.0.1:${port}`],
      ['offline', 'true'],
    ])
      expect((await call(scoreline, 'settings.set', { key, value })).ok).toBe(true)
    importSimulatedLeagues(scoreline.db, [{ code: 'E0', seed: 3, seasons: 2, teams: 6 }])

    const offline = [
      await call(scoreline, 'data.download', { league: 'E0', seasons: ['2023-24'] }),
      await call(scoreline, 'data.sync', {}),
      await call(scoreline, 'tracking.push', {}),
      await call(scoreline, 'settings.testConnection', { backend: 'postgres' }),
      await call(scoreline, 'settings.testConnection', {
        backend: 'redis',
        url: `redis://127.0.0.1:${port}`,
      }),
      await call(scoreline, 'settings.testConnection', { backend: 'mlflow' }),
    ]
    for (const result of offline) {
      expect(result.ok).toBe(false)
      if (!result.ok) {
        expect(result.error.code).toBe('OFFLINE')
        expect(result.error.message).toMatch(/^Offline mode is on/)
      }
    }
    // the embedded stores answer instead
    const info = await call(scoreline, 'app.info')
    expect(info.ok && info.value.offline).toBe(true)
    expect(info.ok && info.value.backends.filter((b: { name: string }) => b.name !== 'sqlite')).toEqual(
      ['postgres', 'redis', 'mlflow'].map((name) =>
        expect.objectContaining({
          name,
          configured: true,
          detail: expect.stringMatching(/^Offline mode is on/),
        }),
      ),
    )
    expect((await call(scoreline, 'tracking.experiments', {})).ok).toBe(true)
    expect((await call(scoreline, 'features.stats', {})).ok).toBe(true)
    expect((await call(scoreline, 'data.status', { probe: true })).ok).toBe(true)
    expect(connections).toBe(0)

    // the same calls with offline mode off do reach the loopback server (so the count above means something)
    expect((await call(scoreline, 'settings.set', { key: 'offline', value: 'false' })).ok).toBe(true)
    await call(scoreline, 'settings.testConnection', { backend: 'redis' })
    await call(scoreline, 'app.info')
    expect(connections).toBeGreaterThan(0)
  }, 60_000)
})

describe('Postgres and Redis passwords typed into Settings', () => {
  /** Stand-in for Electron safeStorage (reversible, so the test can see what is stored). */
  const cipher = {
    unavailableReason: () => null,
    encrypt: (plain: string) => Buffer.from(`enc:${Buffer.from(plain).toString('hex')}`),
    decrypt: (blob: Buffer) => Buffer.from(blob.toString().slice(4), 'hex').toString(),
  }

  it('stores the URL without its password, encrypts the password, and connects with both', async () => {
    const sandbox = path.join(root, `case-${++counter}`)
    fs.mkdirSync(sandbox, { recursive: true })
    const s = createScoreline({
      shell: 'cli', // the secret store encrypts whenever a cipher is given
      env: { HOME: sandbox, XDG_CONFIG_HOME: path.join(sandbox, 'config') },
      secretCipher: cipher,
    })
    opened.push(s)
    const set = await call(s, 'settings.set', {
      key: 'databaseUrl',
      value: 'postgres://analyst:p%40ss w0rd@db.example:5432/scoreline',
    })
    expect(set.ok).toBe(true)
    const stored = await call(s, 'settings.get')
    if (!stored.ok) throw new Error(stored.error.message)
    expect(stored.value.databaseUrl).toBe('postgres://analyst@db.example:5432/scoreline')
    expect(JSON.stringify(stored.value)).not.toContain('w0rd')
    const status = await call(s, 'settings.secretStatus')
    if (!status.ok) throw new Error(status.error.message)
    expect(status.value.stored).toContain('databasePassword')
    // the connection string the services get has the password back, percent-encoded
    expect(s.config.databaseUrl).toBe('postgres://analyst:p%40ss%20w0rd@db.example:5432/scoreline')
    await call(s, 'settings.set', { key: 'redisUrl', value: 'redis://:r3d!s@cache.example:6379/0' })
    expect(s.config.redisUrl).toBe('redis://:r3d!s@cache.example:6379/0')
    // clearing the URL forgets its password
    await call(s, 'settings.set', { key: 'databaseUrl', value: null })
    const after = await call(s, 'settings.secretStatus')
    if (!after.ok) throw new Error(after.error.message)
    expect(after.value.stored).not.toContain('databasePassword')
    expect(s.config.databaseUrl).toBeNull()
  })

  it('without secret storage (CLI / browser) a URL with a password is refused and says where it can go', async () => {
    const { scoreline } = open()
    const r = await call(scoreline, 'settings.set', {
      key: 'databaseUrl',
      value: 'postgres://analyst:secret@db.example/x',
    })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe('INVALID_INPUT')
    expect(r.error.message).toMatch(/DATABASE_URL/)
    expect(r.error.message).not.toContain('secret@')
  })

  it('an environment URL wins over the stored one and its password', () => {
    const c = resolveConfig({
      env: { DATABASE_URL: 'postgres://env@h/db' },
      settings: { databaseUrl: 'postgres://analyst@db.example/x' },
      secrets: { databasePassword: 'pw' },
    })
    expect(c.databaseUrl).toBe('postgres://env@h/db')
  })
})
