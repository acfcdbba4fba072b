import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../test/support/cli'
import { closedPort } from '../../../test/support/net'

const home = mkdtempSync(path.join(os.tmpdir(), 'scoreline-cli-outbox-'))
afterAll(() => rmSync(home, { recursive: true, force: true }))

describe('scoreline runs status|push', () => {
  it('without a server: the local store, online, nothing queued', async () => {
    const status = await runCli(['runs', 'status', '--json'], { SCORELINE_HOME: home })
    expect(status.code).toBe(0)
    expect(JSON.parse(status.stdout)).toMatchObject({ kind: 'local', online: true, pending: 0 })
  })

  it('with an unreachable MLflow: offline, the host named, no secret shown; push leaves nothing behind', async () => {
    const port = await closedPort()
    const env = {
      SCORELINE_HOME: home,
      MLFLOW_TRACKING_URI: `http://127.0.0.1:${port}`,
      MLFLOW_TRACKING_TOKEN: 'tok-secret-123',
    }
    const status = await runCli(['runs', 'status', '--json'], env)
    expect(status.code).toBe(0)
    const s = JSON.parse(status.stdout)
    expect(s).toMatchObject({ kind: 'outbox', online: false, pending: 0 })
    expect(s.lastError).toContain(`127.0.0.1:${port}`)
    expect(status.stdout).not.toContain('tok-secret-123')
    const push = await runCli(['runs', 'push', '--json'], env)
    expect(JSON.parse(push.stdout)).toMatchObject({ replayed: 0, pending: 0, failed: 0 })
  }, 60_000)
})
