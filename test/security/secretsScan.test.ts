/**
 * A day of use with every credential configured, then a scan for each secret in clear text.
 *
 * Credentials: a Postgres URL with a password, a Redis URL with a password, an MLflow token and
 * MLflow username/password (environment, as the CLI and the bridge take them), plus a second MLflow
 * token and password typed into Settings (encrypted by a stand-in for Electron's safeStorage: the
 * app's SecretCipher interface with AES-GCM), and URLs with passwords typed into Settings.
 * Against the real local services when SCORELINE_TEST_* URLs are set (Postgres in trust mode and a
 * password-less Redis accept and ignore the password), otherwise against closed loopback ports —
 * either way the point is what gets written.
 *
 * Also scanned, when the real services are used: the MLflow server's own store (MLFLOW_DIR, as
 * scripts/mlflow-server.sh prints it), every row of the team Postgres and every Redis key the
 * feature store wrote.
 *
 * The day: settings saved, connection tests (good and failing), app.info, import, sync, a pipeline
 * run tracked to MLflow, tracking queries and push, a feature rebuild, a jackpot exported to a file,
 * errors provoked on purpose, and the CLI (info, data status, runs list). Then every log file, every
 * file under the data folder (SQLite databases with their WAL, tracking artifacts), the exported
 * files, every Result returned (values and error messages), every event and the CLI's output are
 * searched for each secret (and the Basic-auth header value): none may appear.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScoreline, type Scoreline } from '../../main/core/scoreline'
import type { SecretCipher } from '../../main/core/secrets'
import { openAppDatabase } from '../../main/services/data/db'
import { importSimulatedLeagues } from '../../main/services/training/testing/simulatedStore'
import { createTestDatabase } from '../../main/services/data/testing/pgTestDatabase'
import { migratePostgres } from '../../main/services/data/postgres/migratePostgres'
import { writeSimulatedSeasons } from '../../main/cli/commands/modelCommands.testSupport'
import { runCli } from '../support/cli'
import { closedPort } from '../support/net'
import { serviceUrl } from '../support/services'
import { removeByPrefix, testNamePrefix } from '../support/mlflowHygiene'
import { MlflowClient } from '../../main/services/tracking/mlflowClient'
import { registeredModelName } from '../../main/services/tracking/modelName'

const tag = randomBytes(4).toString('hex')
const SECRETS = {
  pgPassword: `PgPw${tag}x91`,
  redisPassword: `RdPw${tag}x92`,
  mlflowToken: `MfTok${tag}x93`,
  mlflowPassword: `MfPw${tag}x94`,
  typedMlflowToken: `TypedTok${tag}x95`,
  typedMlflowPassword: `TypedPw${tag}x96`,
  typedPgPassword: `TypedPg${tag}x97`,
  typedRedisPassword: `TypedRd${tag}x98`,
  typedMlflowUriPassword: `TypedMfUri${tag}x99`,
}
const MLFLOW_USER = 'analyst'
// on a shared MLflow: this run's league (its model is never the production `scoreline-E0`) and experiments
const LEAGUE = `E0s${tag}`
const EXPERIMENT_PREFIX = `${testNamePrefix()}secrets-`

/** Stand-in for Electron safeStorage: real encryption with a key that lives only in this process. */
function testCipher(): SecretCipher {
  const key = randomBytes(32)
  return {
    unavailableReason: () => null,
    encrypt(plain) {
      const iv = randomBytes(12)
      const c = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()])
      return Buffer.concat([iv, c.getAuthTag(), body])
    },
    decrypt(blob) {
      const d = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12))
      d.setAuthTag(blob.subarray(12, 28))
      return Buffer.concat([d.update(blob.subarray(28)), d.final()]).toString('utf8')
    },
  }
}

function withPassword(url: string, password: string, username?: string): string {
  const u = new URL(url)
  if (username !== undefined) u.username = username
  else if (!u.username) u.username = u.protocol.startsWith('postgres') ? 'postgres' : 'default'
  u.password = password
  return u.toString()
}

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const p = path.join(dir, entry)
    if (statSync(p).isDirectory()) filesUnder(p, out)
    else out.push(p)
  }
  return out
}

/** Every form a secret could be written in: as is, URL-encoded, base64, hex, UTF-16. */
function needles(): { name: string; bytes: Buffer }[] {
  const out: { name: string; bytes: Buffer }[] = []
  for (const [name, secret] of Object.entries(SECRETS)) {
    out.push({ name, bytes: Buffer.from(secret, 'utf8') })
    out.push({ name: `${name} (utf-16)`, bytes: Buffer.from(secret, 'utf16le') })
    out.push({ name: `${name} (hex)`, bytes: Buffer.from(Buffer.from(secret).toString('hex')) })
  }
  for (const pw of [SECRETS.mlflowPassword, SECRETS.typedMlflowPassword]) {
    const basic = Buffer.from(`${MLFLOW_USER}:${pw}`).toString('base64')
    out.push({ name: `Basic auth header for ${pw}`, bytes: Buffer.from(basic) })
  }
  return out
}

function findSecrets(haystack: Buffer, where: string): string[] {
  const found: string[] = []
  for (const n of needles()) if (haystack.includes(n.bytes)) found.push(`${n.name} in ${where}`)
  return found
}

describe('secrets never written in clear after a day of use', () => {
  let home: string
  let exportDir: string
  let csvDir: string
  let scoreline: Scoreline
  let dropPg: (() => Promise<void>) | null = null
  let pgTestUrl: string | null = null
  const results: { step: string; result: unknown }[] = []
  const events: unknown[] = []
  const cliOutput: string[] = []
  const steps: string[] = []
  let env: NodeJS.ProcessEnv

  const call = async (step: string, name: string, input: unknown = {}) => {
    const result = await scoreline.dispatch(name, input, { transport: 'test' })
    results.push({ step, result })
    steps.push(`${step}: ${result.ok ? 'ok' : (result as { error: { code: string } }).error.code}`)
    return result
  }

  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'scoreline-secrets-home-'))
    exportDir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-secrets-export-'))
    csvDir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-secrets-csv-'))

    // Postgres: a fresh migrated database on the real server when configured, else a closed port
    const pgBase = serviceUrl('postgres')
    let databaseUrl: string
    if (pgBase) {
      const db = await createTestDatabase(pgBase)
      dropPg = db.drop
      pgTestUrl = db.url
      await migratePostgres(db.url)
      databaseUrl = withPassword(db.url, SECRETS.pgPassword)
    } else {
      databaseUrl = `postgres://postgres:${SECRETS.pgPassword}@127.0.0.1:${await closedPort()}/scoreline`
    }
    const redisBase = serviceUrl('redis') ?? `redis://127.0.0.1:${await closedPort()}`
    const mlflowUri = serviceUrl('mlflow') ?? `http://127.0.0.1:${await closedPort()}`

    env = {
      SCORELINE_HOME: home,
      SCORELINE_LOG_LEVEL: 'debug',
      SCORELINE_FOOTBALL_DATA_URL: `http://127.0.0.1:${await closedPort()}`,
      DATABASE_URL: databaseUrl,
      REDIS_URL: withPassword(redisBase, SECRETS.redisPassword, ''),
      MLFLOW_TRACKING_URI: mlflowUri,
      SCORELINE_EXPERIMENT_PREFIX: EXPERIMENT_PREFIX,
      MLFLOW_TRACKING_TOKEN: SECRETS.mlflowToken,
      MLFLOW_TRACKING_USERNAME: MLFLOW_USER,
      MLFLOW_TRACKING_PASSWORD: SECRETS.mlflowPassword,
    }

    const appDb = openAppDatabase(path.join(home, 'scoreline.sqlite'))
    importSimulatedLeagues(appDb, [{ code: LEAGUE, teams: 8, seasons: 3, seed: 11 }])
    appDb.close()
    writeSimulatedSeasons(csvDir, { teams: 6, seasons: 1, seed: 5 })

    scoreline = createScoreline({
      shell: 'browser-bridge',
      env,
      secretCipher: testCipher(),
      featureKeyPrefix: `scoreline-secrets-${tag}:`,
    })
    scoreline.events.subscribe((event, payload) => events.push({ event, payload }))
  }, 120_000)

  afterAll(async () => {
    await scoreline?.close()
    await dropPg?.().catch(() => undefined)
    const mlflow = serviceUrl('mlflow')
    if (mlflow) {
      await new MlflowClient({ trackingUri: mlflow })
        .deleteRegisteredModel(registeredModelName(LEAGUE))
        .catch(() => undefined)
      await removeByPrefix(mlflow, EXPERIMENT_PREFIX)
    }
    // the feature keys the day wrote under this run's prefix (the pipeline's rebuild included)
    const redisUrl = serviceUrl('redis')
    if (redisUrl) {
      const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
      try {
        await redis.connect()
        const keys = await redis.keys(`scoreline-secrets-${tag}:*`)
        if (keys.length) await redis.del(...keys)
        expect(await redis.keys(`scoreline-secrets-${tag}:*`)).toEqual([])
      } finally {
        redis.disconnect()
      }
    }
    for (const dir of [home, exportDir, csvDir]) if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('runs the day, then finds no secret in logs, files, databases, exports, results, events or CLI output', async () => {
    // --- settings: secrets typed into the app, URLs with passwords typed into Settings
    await call('store typed MLflow token', 'settings.setSecret', {
      key: 'mlflowToken',
      value: SECRETS.typedMlflowToken,
    })
    await call('store typed MLflow password', 'settings.setSecret', {
      key: 'mlflowPassword',
      value: SECRETS.typedMlflowPassword,
    })
    await call('secret status', 'settings.secretStatus')
    await call('type a Postgres URL with a password', 'settings.set', {
      key: 'databaseUrl',
      value: `postgres://postgres:${SECRETS.typedPgPassword}@127.0.0.1:${await closedPort()}/x`,
    })
    await call('type a Redis URL with a password', 'settings.set', {
      key: 'redisUrl',
      value: `redis://:${SECRETS.typedRedisPassword}@127.0.0.1:${await closedPort()}`,
    })
    await call('type an MLflow URL with a password', 'settings.set', {
      key: 'mlflowTrackingUri',
      value: `http://${MLFLOW_USER}:${SECRETS.typedMlflowUriPassword}@127.0.0.1:${await closedPort()}`,
    })
    await call('read settings', 'settings.get')
    await call('effective settings', 'settings.effective')

    // --- connection tests, configured and typed (failing ones carry the URL into error text)
    for (const backend of ['postgres', 'redis', 'mlflow'] as const) {
      await call(`test ${backend} (configured)`, 'settings.testConnection', { backend })
    }
    await call('test postgres (typed, refused)', 'settings.testConnection', {
      backend: 'postgres',
      url: `postgresql://postgres:${SECRETS.typedPgPassword}@127.0.0.1:${await closedPort()}/db`,
    })
    await call('test redis (typed, refused)', 'settings.testConnection', {
      backend: 'redis',
      url: `redis://:${SECRETS.typedRedisPassword}@127.0.0.1:${await closedPort()}/0`,
    })
    await call('test mlflow (typed, refused)', 'settings.testConnection', {
      backend: 'mlflow',
      url: `http://${MLFLOW_USER}:${SECRETS.typedMlflowUriPassword}@127.0.0.1:${await closedPort()}`,
    })
    await call('app info', 'app.info')

    // --- data: import, sync, download (refused), status
    const files = readdirSync(csvDir).map((f) => ({ path: path.join(csvDir, f) }))
    await call('import CSV', 'data.importCsv', { files, league: 'SIM' })
    await call('sync from Postgres', 'data.sync', {})
    await call('download (unreachable)', 'data.download', { league: LEAGUE, seasons: ['2020-21'] })
    await call('data status', 'data.status')

    // --- training with tracking, then tracking and features
    const pipeline = await call('pipeline run', 'training.runPipeline', { leagues: [LEAGUE], wait: true })
    await call('training history', 'training.history')
    await call('tracking status', 'tracking.status')
    await call('tracking push', 'tracking.push')
    await call('search runs', 'tracking.searchRuns', {})
    await call('models', 'tracking.models')
    await call('feature rebuild', 'features.rebuild', {})
    await call('feature stats', 'features.stats')

    // --- jackpot export, written to a file as the Jackpots screen's download does
    const teams = await call('teams', 'data.teams', { league: LEAGUE })
    const names = teams.ok ? (teams.value as { name: string }[]).map((t) => t.name) : ['a', 'b']
    const created = await call('create jackpot', 'jackpots.create', {
      name: 'Saturday',
      league: LEAGUE,
      fixtures: [{ home: names[0], away: names[1] }],
    })
    if (created.ok) {
      const exported = await call('export jackpot', 'jackpots.exportCsv', {
        id: (created.value as { id: string }).id,
      })
      if (exported.ok) {
        const { fileName, csv } = exported.value as { fileName: string; csv: string }
        writeFileSync(path.join(exportDir, path.basename(fileName)), csv)
      }
    }
    await call('data sync again (push outbox)', 'data.sync', {})

    // --- errors provoked on purpose
    await call('unknown team', 'jackpots.create', {
      name: 'x',
      league: LEAGUE,
      fixtures: [{ home: 'Nope FC', away: names[0] }],
    })
    await call('bad run', 'tracking.getRun', { runId: 'does-not-exist' })

    // --- the CLI with the same credentials in its environment
    for (const argv of [['info', '--json'], ['data', 'status'], ['runs', 'list'], ['info']]) {
      const out = await runCli(argv, env)
      cliOutput.push(`$ scoreline ${argv.join(' ')}\n${out.stdout}\n${out.stderr}`)
    }

    await scoreline.close()

    // the day did happen (otherwise the scan proves nothing)
    expect(steps.length).toBeGreaterThan(25)
    expect(steps).toContain('import CSV: ok')
    expect(steps).toContain('store typed MLflow token: ok')
    // Postgres and Redis URLs typed with a password are stored without it, the password encrypted into its
    // secret; an MLflow URL with a password is refused (its password has its own secret)
    expect(steps).toContain('type a Postgres URL with a password: ok')
    expect(steps).toContain('type a Redis URL with a password: ok')
    expect(steps).toContain('type an MLflow URL with a password: INVALID_INPUT')
    expect(pipeline.ok, JSON.stringify(pipeline)).toBe(true)
    const logFiles = filesUnder(home).filter((f) => f.endsWith('.log'))
    expect(logFiles.length, 'log files written').toBeGreaterThan(0)
    if (serviceUrl('postgres')) expect(steps).toContain('sync from Postgres: ok')
    if (serviceUrl('mlflow')) expect(steps).toContain('tracking status: ok')

    // the detector is live: it does see the secrets where they are meant to be (the environment)
    expect(findSecrets(Buffer.from(JSON.stringify(env)), 'env').length).toBeGreaterThanOrEqual(4)
    const leaks: string[] = []
    for (const file of filesUnder(home))
      leaks.push(...findSecrets(readFileSync(file), path.relative(home, file)))
    for (const file of filesUnder(exportDir))
      leaks.push(...findSecrets(readFileSync(file), `export ${path.basename(file)}`))
    for (const { step, result } of results)
      leaks.push(...findSecrets(Buffer.from(JSON.stringify(result)), `result of "${step}"`))
    leaks.push(...findSecrets(Buffer.from(JSON.stringify(events)), 'events'))
    for (const out of cliOutput) leaks.push(...findSecrets(Buffer.from(out), out.split('\n')[0]))
    // what left the machine: the MLflow server's store (when this run started it: MLFLOW_DIR), the
    // team Postgres (synced jackpots) and every Redis key the feature store wrote
    const mlflowDir = process.env.MLFLOW_DIR
    if (serviceUrl('mlflow') && mlflowDir && existsSync(mlflowDir)) {
      for (const file of filesUnder(mlflowDir))
        leaks.push(...findSecrets(readFileSync(file), `MLflow server ${path.relative(mlflowDir, file)}`))
    }
    if (pgTestUrl) {
      const client = new pg.Client({ connectionString: pgTestUrl })
      await client.connect()
      try {
        const tables = await client.query(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
        )
        let rows = 0
        for (const { table_name: table } of tables.rows as { table_name: string }[]) {
          const dump = await client.query(
            `SELECT row_to_json(t)::text AS row FROM ${pg.escapeIdentifier(table)} t`,
          )
          rows += dump.rows.length
          const text = dump.rows.map((r: { row: string }) => r.row).join('\n')
          leaks.push(...findSecrets(Buffer.from(text), `Postgres table ${table}`))
        }
        expect(rows, 'rows in the team Postgres').toBeGreaterThan(0)
      } finally {
        await client.end()
      }
    }
    const redisUrl = serviceUrl('redis')
    if (redisUrl) {
      const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
      try {
        await redis.connect()
        let cursor = '0'
        let keys = 0
        do {
          const [next, batch] = await redis.scan(cursor, 'MATCH', `scoreline-secrets-${tag}:*`, 'COUNT', 500)
          cursor = next
          for (const key of batch) {
            keys++
            const dumped = await redis.dumpBuffer(key)
            if (dumped)
              leaks.push(...findSecrets(Buffer.concat([Buffer.from(key), dumped]), `Redis key ${key}`))
          }
        } while (cursor !== '0')
        expect(keys, 'feature keys written to Redis').toBeGreaterThan(0)
      } finally {
        redis.disconnect()
      }
    }
    expect(leaks, `steps: ${steps.join('; ')}`).toEqual([])

    // and the typed secrets are stored — encrypted — and still usable
    const sqlite = readFileSync(path.join(home, 'scoreline.sqlite'))
    expect(sqlite.includes(Buffer.from('secret.mlflowToken'))).toBe(true)
  }, 300_000)
})
