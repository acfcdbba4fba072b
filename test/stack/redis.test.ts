/**
 * The compose file's Redis, run here: its exact command line (from `docker-compose config`) with the
 * local redis-server, plus only the port and data folder a test needs. Checks the password is required,
 * the health check passes with REDISCLI_AUTH, append-only persistence survives a restart, and the
 * REDIS_URL the README tells analysts to use works with the app's client (ioredis).
 */
import { execFile, execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import Redis from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  COMPOSE_FILE,
  commandOf,
  composeCommand,
  composeConfig,
  envExample,
  freePort,
  missingTool,
  startProcess,
  tempDir,
  unescapeDollars,
  waitFor,
  writeEnvFile,
} from './support'

const run = promisify(execFile)
const compose = composeCommand()
function hasBinary(name: string): boolean {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
const skip =
  missingTool('docker-compose', compose !== undefined, 'apt-get install docker-compose') ??
  missingTool(
    'redis-server',
    hasBinary('redis-server') && hasBinary('redis-cli'),
    'apt-get install redis-server',
  )

const PASSWORD = 'stack-test-password'

describe.skipIf(skip)("the compose file's Redis, run with the local redis-server", () => {
  const dataDir = tempDir('redis')
  let port = 0
  let argv: string[] = []
  let env: Record<string, string> = {}
  let healthcheck = ''
  let server: ReturnType<typeof startProcess> | undefined

  async function start(): Promise<void> {
    server = startProcess(
      [...argv, '--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir],
      {},
      dataDir,
    )
    await waitFor(
      'redis-server',
      async () => (await run('redis-cli', ['-p', String(port), 'ping'])).stdout !== '',
      {
        timeoutMs: 20_000,
        child: server.child,
        log: server.output,
      },
    )
  }

  beforeAll(async () => {
    const model = composeConfig(
      compose as string[],
      [COMPOSE_FILE],
      writeEnvFile(new Map([...envExample(), ['REDIS_PASSWORD', PASSWORD]])),
    )
    const redis = model.services.redis
    argv = commandOf(redis)
    env = Object.fromEntries(Object.entries(redis.environment ?? {}).map(([k, v]) => [k, v ?? '']))
    const test = redis.healthcheck?.test
    expect(Array.isArray(test) && test[0] === 'CMD-SHELL').toBe(true)
    healthcheck = unescapeDollars((test as string[])[1])
    port = await freePort()
    await start()
  })
  afterAll(async () => {
    await server?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  /** The health check as the container runs it, with the test's port. */
  async function health(extraEnv: Record<string, string>): Promise<boolean> {
    const command = healthcheck.replace('redis-cli ', `redis-cli -p ${port} `)
    return run('sh', ['-c', command], { env: { PATH: process.env.PATH, ...extraEnv } }).then(
      () => true,
      () => false,
    )
  }

  it('requires the password from the environment', async () => {
    expect(env.REDISCLI_AUTH).toBe(PASSWORD)
    const { stdout } = await run('redis-cli', ['-p', String(port), 'ping'])
    expect(stdout).toMatch(/NOAUTH/)
  })

  it('is healthy by its own health check with REDISCLI_AUTH, and not with a wrong password', async () => {
    expect(await health(env)).toBe(true)
    expect(await health({ REDISCLI_AUTH: 'wrong' })).toBe(false)
  })

  it('accepts the REDIS_URL form the README documents (ioredis, the app client)', async () => {
    const client = new Redis(`redis://:${PASSWORD}@127.0.0.1:${port}`, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
    })
    await client.connect()
    expect(await client.ping()).toBe('PONG')
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes'])
    await client.set('scoreline:stack-test', 'kept')
    await client.quit()
  })

  it('keeps data across a restart (append-only file on the data folder)', async () => {
    await server?.stop()
    const aofDir = path.join(dataDir, 'appendonlydir')
    const aof = readdirSync(aofDir).map((f) => readFileSync(path.join(aofDir, f), 'latin1'))
    expect(aof.join('')).toContain('scoreline:stack-test')
    await start()
    const client = new Redis(`redis://:${PASSWORD}@127.0.0.1:${port}`, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
    })
    await client.connect()
    expect(await client.get('scoreline:stack-test')).toBe('kept')
    await client.quit()
  })
})
