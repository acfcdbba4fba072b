/**
 * A wrong Redis password is named as such (#21), by the feature store and by the status probe, against a
 * real redis-server started here with --requirepass on a free port (the shared server is not touched).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { redisProbe } from '../status/backendProbes'
import { isFeatureStoreError } from './errors'
import { RedisFeatureStore } from './redisFeatureStore'
import { freePort } from './testing/throwawayRedis'

const haveRedisServer = spawnSyncOk()

function spawnSyncOk(): boolean {
  try {
    return spawnSync('redis-server', ['--version']).status === 0
  } catch {
    return false
  }
}

describe.skipIf(!haveRedisServer)('Redis with a password (redis-server --requirepass)', () => {
  let child: ChildProcess
  let port = 0
  beforeAll(async () => {
    port = await freePort()
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--requirepass', 'right-secret'],
      { stdio: 'ignore' },
    )
    const deadline = Date.now() + 5000
    for (;;) {
      const ok = await RedisFeatureStore.connect({ url: `redis://:right-secret@127.0.0.1:${port}` })
        .then(async (s) => (await s.close(), true))
        .catch(() => false)
      if (ok) break
      if (Date.now() > deadline) throw new Error('redis-server --requirepass did not start')
      await new Promise((r) => setTimeout(r, 50))
    }
  })
  afterAll(() => {
    child?.kill('SIGKILL')
  })

  it('the feature store says the password was rejected (WRONGPASS), naming host:port, never the password', async () => {
    const error = await RedisFeatureStore.connect({ url: `redis://:wrong-secret@127.0.0.1:${port}` }).then(
      () => null,
      (e: unknown) => e,
    )
    expect(isFeatureStoreError(error, 'REDIS_AUTH')).toBe(true)
    const message = (error as Error).message
    expect(message).toContain(`Redis at 127.0.0.1:${port} rejected the password (WRONGPASS)`)
    expect(message).not.toMatch(/Connection is closed|wrong-secret/)
  })

  it('without a password it says one is needed (NOAUTH)', async () => {
    const error = await RedisFeatureStore.connect({ url: `redis://127.0.0.1:${port}` }).then(
      () => null,
      (e: unknown) => e as Error,
    )
    expect(error?.message).toContain(
      `Redis at 127.0.0.1:${port} asks for a password and none was given (NOAUTH)`,
    )
  })

  it('the status probe (scoreline info, the Health screen) says the same', async () => {
    const status = await redisProbe(`redis://:wrong-secret@127.0.0.1:${port}`)()
    expect(status.state).toBe('unreachable')
    expect(status.detail).toContain(`Redis at 127.0.0.1:${port} rejected the password (WRONGPASS)`)
    expect(JSON.stringify(status)).not.toContain('wrong-secret')
  })
})
