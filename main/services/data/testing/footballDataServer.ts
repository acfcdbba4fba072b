import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'

export interface FootballDataServer {
  /** Base URL to pass as SCORELINE_FOOTBALL_DATA_URL / baseUrl. */
  url: string
  /** Requests seen, e.g. 'GET /mmz4281/2324/E0.csv 200'. */
  log: string[]
  /** Make the next `n` requests fail with `status` (default 503). */
  failNext(n: number, status?: number): void
  close(): Promise<void>
}

/**
 * A loopback stand-in for football-data.co.uk serving `<dir>/<league>/<league>_<season>.csv` at
 * `/mmz4281/<yyyy>/<league>.csv` and `<dir>/fixtures.csv` at `/fixtures.csv`, with ETag / Last-Modified and
 * 304s. Tests never touch the internet.
 */
export async function startFootballDataServer(dir: string): Promise<FootballDataServer> {
  const log: string[] = []
  let failures = 0
  let failStatus = 503
  const server = http.createServer(async (req, res) => {
    const reply = (status: number, body?: Buffer | string, headers: Record<string, string> = {}) => {
      log.push(`${req.method} ${req.url} ${status}`)
      res.writeHead(status, headers)
      res.end(body)
    }
    if (failures > 0) {
      failures--
      return reply(failStatus, 'try later', { 'retry-after': '0' })
    }
    const m = /^\/mmz4281\/(\d{2})(\d{2})\/([A-Za-z0-9]+)\.csv$/.exec(req.url ?? '')
    if (!m && req.url !== '/fixtures.csv') return reply(404, 'not found')
    const file = m
      ? path.join(dir, m[3], `${m[3]}_${2000 + Number(m[1])}-${m[2]}.csv`)
      : path.join(dir, 'fixtures.csv')
    try {
      const [bytes, info] = await Promise.all([readFile(file), stat(file)])
      const etag = `"${createHash('sha1').update(bytes).digest('hex')}"`
      const lastModified = info.mtime.toUTCString()
      if (req.headers['if-none-match'] === etag)
        return reply(304, undefined, { etag, 'last-modified': lastModified })
      return reply(200, bytes, { 'content-type': 'text/csv', etag, 'last-modified': lastModified })
    } catch {
      return reply(404, 'not found')
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    failNext(n, status = 503) {
      failures = n
      failStatus = status
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
