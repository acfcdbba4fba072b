/**
 * README "Troubleshooting" quotes the messages the app shows. These tests make the app's own code fail
 * the way a misconfigured desktop does, against local servers, and check the README quotes the result
 * (host names and ports replaced by `…`). The MLflow host-check text is checked in mlflow.test.ts; the
 * port-taken message is Docker's and Postgres' password check needs a server without trust auth.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openMemoryDatabase } from '../../main/services/data/db/openDatabase'
import { syncFromPostgres } from '../../main/services/data/sync/syncFromPostgres'
import { createFeatureStore } from '../../main/services/features/createFeatureStore'
import { describeWithService } from '../support/services'
import { dbUrl } from './initdb'
import { freePort, missingTool, randomName, root, startProcess, tempDir, waitFor } from './support'

const readme = (): string => readFileSync(path.join(root, 'README.md'), 'utf8')

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function hasRedis(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
const noRedis = missingTool('redis-server', hasRedis(), 'apt-get install redis-server')

describe.skipIf(noRedis)('troubleshooting: Redis password', () => {
  const dir = tempDir('redis-auth')
  let port = 0
  let server: ReturnType<typeof startProcess> | undefined
  beforeAll(async () => {
    port = await freePort()
    server = startProcess(
      [
        'redis-server',
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--requirepass',
        'right',
        '--dir',
        dir,
        '--save',
        '',
      ],
      {},
      dir,
    )
    await waitFor(
      'redis-server',
      async () => {
        execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'ignore' })
        return true
      },
      { timeoutMs: 20_000, child: server.child, log: server.output },
    )
  })
  afterAll(async () => {
    await server?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('the message for a missing or wrong password is the one README quotes', async () => {
    for (const url of [`redis://127.0.0.1:${port}`, `redis://:wrong@127.0.0.1:${port}`]) {
      const message = await createFeatureStore({
        redisUrl: url,
        localDbPath: path.join(dir, `features-${randomName('f')}.db`),
        connectTimeoutMs: 5000,
      }).then(async (store) => {
        await store.close()
        return 'connected'
      }, errorMessage)
      expect(message).not.toContain('wrong')
      expect(readme()).toContain(message.replace(`127.0.0.1:${port}`, '…:6379'))
    }
  })
})

describeWithService('postgres', 'troubleshooting: Postgres not initialised, wrong credentials', (baseUrl) => {
  const database = randomName('stack_empty')
  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: baseUrl })
    await admin.connect()
    await admin.query(`CREATE DATABASE "${database}"`)
    await admin.end()
  })
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: baseUrl })
    await admin.connect()
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
    await admin.end()
  })

  it('a sync from an empty database fails with the message README quotes', async () => {
    const url = dbUrl(new URL(baseUrl), database)
    const message = await syncFromPostgres(openMemoryDatabase(), { postgres: url }).then(
      () => 'synced',
      errorMessage,
    )
    const tail = message.slice(message.indexOf(' stopped after'))
    expect(tail).toBe(
      ' stopped after 0 rows: relation "leagues" does not exist; the cache is consistent and the next sync resumes',
    )
    expect(readme()).toContain(`sync from postgres://scoreline:***@…:5432/scoreline${tail}`)
  })

  it('a connection refused by the server has the shape README quotes (the reason is the server’s)', async () => {
    const u = new URL(dbUrl(new URL(baseUrl), database))
    u.username = randomName('nobody')
    u.password = 'secret'
    const message = await syncFromPostgres(openMemoryDatabase(), { postgres: u.toString() }).then(
      () => 'synced',
      errorMessage,
    )
    expect(message).not.toContain('secret')
    const reasonStart = message.indexOf(`/${database}: `) + database.length + 3
    const suffix = message.slice(message.indexOf('; check DATABASE_URL'))
    expect(message.slice(0, reasonStart)).toBe(
      `cannot reach Postgres at postgres://${u.username}:***@${u.host}/${database}: `,
    )
    expect(readme()).toContain(
      `cannot reach Postgres at postgres://scoreline:***@…:5432/scoreline: password authentication failed for user "scoreline"${suffix}`,
    )
  })
})
