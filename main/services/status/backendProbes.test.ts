import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { describeWithService } from '../../../test/support/services'
import { mlflowProbe, postgresProbe, redisProbe } from './backendProbes'
import { closedPort } from '../../../test/support/net'

describe('backend probes without services', () => {
  it('reports "not configured" when no URL is set', async () => {
    for (const probe of [postgresProbe(null), redisProbe(null), mlflowProbe(null)]) {
      const status = await probe()
      expect(status.state).toBe('not-configured')
      expect(status.configured).toBe(false)
    }
  })

  it('reports a refused connection as unreachable with the reason', async () => {
    const port = await closedPort()
    const [pgStatus, redisStatus, mlflowStatus] = await Promise.all([
      postgresProbe(`postgres://postgres:pw@127.0.0.1:${port}/x`)(),
      redisProbe(`redis://127.0.0.1:${port}`)(),
      mlflowProbe(`http://127.0.0.1:${port}`)(),
    ])
    for (const status of [pgStatus, redisStatus, mlflowStatus]) {
      expect(status.state).toBe('unreachable')
      expect(status.detail).toMatch(/ECONNREFUSED|refused/i)
    }
    expect(pgStatus.target).not.toContain('pw')
  })

  it('does not mistake a server that answers garbage for MLflow', async () => {
    const server = http.createServer((_req, res) => res.end('<html>not mlflow</html>'))
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const { port } = server.address() as AddressInfo
    try {
      const status = await mlflowProbe(`http://127.0.0.1:${port}`)()
      expect(status.state).toBe('unreachable')
      expect(status.detail).toContain('not an MLflow server')
    } finally {
      server.close()
    }
  })

  it('times out on a server that never answers', async () => {
    const sockets: net.Socket[] = []
    const server = net.createServer((socket) => sockets.push(socket)) // accepts, never replies
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const { port } = server.address() as AddressInfo
    try {
      const started = Date.now()
      const status = await redisProbe(`redis://127.0.0.1:${port}`, 300)()
      expect(status.state).toBe('unreachable')
      expect(Date.now() - started).toBeLessThan(3000)
    } finally {
      for (const s of sockets) s.destroy()
      server.close()
    }
  })
})

describeWithService('postgres', 'postgres probe against the real server', (url) => {
  it('is reachable and reports the server version', async () => {
    const status = await postgresProbe(url)()
    expect(status.state).toBe('reachable')
    expect(status.detail).toMatch(/^PostgreSQL \d+/)
  })
})

describeWithService('redis', 'redis probe against the real server', (url) => {
  it('is reachable and reports the server version', async () => {
    const status = await redisProbe(url)()
    expect(status.state).toBe('reachable')
    expect(status.detail).toMatch(/^Redis \d+\.\d+/)
  })
})

describeWithService('mlflow', 'mlflow probe against the real server', (uri) => {
  it('is reachable and reports the server version', async () => {
    const status = await mlflowProbe(uri)()
    expect(status.state).toBe('reachable')
    expect(status.detail).toMatch(/^MLflow/)
  })
})
