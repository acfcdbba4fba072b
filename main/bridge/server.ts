import http from 'node:http'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import fs from 'node:fs'
import type { AddressInfo } from 'node:net'
import type { Dispatch } from '../core/dispatch'
import type { EventBus } from '../core/eventBus'
import type { Logger } from '../core/logger'
import { silentLogger } from '../core/logger'
import { resolveStatic } from './staticFiles'
import { CONTENT_SECURITY_POLICY } from '../../shared/security'

export interface BridgeOptions {
  dispatch: Dispatch
  events: EventBus
  /** Folder of the built renderer (`out/renderer`); without it only the API is served. */
  rendererDir?: string | null
  host?: string
  port?: number
  /** Binding to a non-loopback host needs this explicit opt-in (the CLI's `--host`). */
  allowNonLoopback?: boolean
  token?: string
  logger?: Logger
  maxBodyBytes?: number
}

export interface BridgeServer {
  url: string
  /** The URL to open: carries the token so the page can authenticate. */
  urlWithToken: string
  token: string
  port: number
  close(): Promise<void>
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host)
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * The browser bridge: the same dispatch as Electron's IPC, over HTTP on loopback.
 * POST /api/<procedure> (JSON in, Result out), GET /events (server-sent events), and the built
 * renderer. Every API and event request needs the per-start token; a request whose Origin is not
 * this server's own is refused, and so is a Host header that is not ours (DNS rebinding).
 */
export async function startBridge(options: BridgeOptions): Promise<BridgeServer> {
  const host = options.host ?? '127.0.0.1'
  if (!isLoopbackHost(host) && !options.allowNonLoopback) {
    throw Object.assign(
      new Error(`Refusing to bind the bridge to ${host}: only loopback is allowed without --host.`),
      {
        code: 'CONFIG',
      },
    )
  }
  const token = options.token ?? randomBytes(24).toString('base64url')
  const logger = options.logger ?? silentLogger
  const maxBody = options.maxBodyBytes ?? 32 * 1024 * 1024
  const sseClients = new Set<http.ServerResponse>()
  let port = 0
  const allowedOrigins = () =>
    new Set([`http://${formatHost(host)}:${port}`, `http://localhost:${port}`, `http://127.0.0.1:${port}`])
  const allowedHosts = () =>
    new Set([`${formatHost(host)}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`])

  const unsubscribe = options.events.subscribe((event, payload) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`
    for (const client of sseClients) client.write(frame)
  })

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((error) => {
      logger.error(`bridge: ${(error as Error).message}`)
      if (!res.headersSent)
        sendJson(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'Bridge failure' } })
      else res.end()
    })
  })

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://bridge.invalid')
    res.setHeader('x-content-type-options', 'nosniff')
    res.setHeader('referrer-policy', 'no-referrer')
    res.setHeader('cross-origin-resource-policy', 'same-origin')

    if (req.headers.host && !allowedHosts().has(req.headers.host) && isLoopbackHost(host)) {
      return sendJson(res, 403, fail('FORBIDDEN', `Host "${req.headers.host}" is not this bridge.`))
    }
    const origin = req.headers.origin
    const isApi = url.pathname.startsWith('/api/') || url.pathname === '/events'
    if (isApi && origin !== undefined && !allowedOrigins().has(origin)) {
      logger.warn(`bridge: refused a request from foreign origin ${origin}`)
      return sendJson(res, 403, fail('FORBIDDEN', `Origin ${origin} may not call the Scoreline bridge.`))
    }

    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return sendJson(res, 405, fail('NOT_FOUND', 'Use POST for procedures.'))
      const presented = String(req.headers['x-scoreline-token'] ?? '')
      if (!presented || !sameToken(presented, token)) {
        return sendJson(
          res,
          401,
          fail('UNAUTHORIZED', 'Missing or wrong bridge token: open the URL printed by `scoreline serve`.'),
        )
      }
      let name: string
      try {
        name = decodeURIComponent(url.pathname.slice('/api/'.length))
      } catch {
        // malformed percent-encoding cannot name a procedure
        return sendJson(res, 404, fail('UNKNOWN_PROCEDURE', 'Unknown procedure (malformed name).'))
      }
      let input: unknown
      try {
        const body = await readBody(req, maxBody)
        input = body.length === 0 ? {} : JSON.parse(body)
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          res.setHeader('connection', 'close')
          return sendJson(res, 413, fail('INVALID_INPUT', error.message))
        }
        return sendJson(
          res,
          400,
          fail('INVALID_INPUT', `Request body is not valid JSON: ${(error as Error).message}`),
        )
      }
      const result = await options.dispatch(name, input, { transport: 'bridge' })
      return sendJson(res, 200, result)
    }

    if (url.pathname === '/events') {
      const presented = url.searchParams.get('token') ?? ''
      if (!presented || !sameToken(presented, token)) {
        return sendJson(res, 401, fail('UNAUTHORIZED', 'Missing or wrong bridge token.'))
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      })
      res.write(': connected\n\n')
      sseClients.add(res)
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000)
      req.on('close', () => {
        clearInterval(keepAlive)
        sseClients.delete(res)
      })
      return
    }

    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendJson(res, 405, fail('NOT_FOUND', 'Not found.'))
    if (!options.rendererDir) return sendJson(res, 404, fail('NOT_FOUND', 'This bridge serves the API only.'))
    const resolved = resolveStatic(options.rendererDir, url.pathname)
    if (!resolved) return sendJson(res, 404, fail('NOT_FOUND', `No such file: ${url.pathname}`))
    const headers: Record<string, string> = { 'content-type': resolved.type, 'cache-control': 'no-cache' }
    if (resolved.type.startsWith('text/html')) headers['content-security-policy'] = CONTENT_SECURITY_POLICY
    res.writeHead(200, headers)
    if (req.method === 'HEAD') return void res.end()
    fs.createReadStream(resolved.file).pipe(res)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port
  const url = `http://${formatHost(host)}:${port}/`
  logger.info(`bridge listening on ${url}`)
  return {
    url,
    urlWithToken: `${url}?token=${token}`,
    token,
    port,
    async close() {
      unsubscribe()
      for (const client of sseClients) client.end()
      sseClients.clear()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections?.()
    },
  }
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host
}

function fail(code: string, message: string) {
  return { ok: false as const, error: { code, message } }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
  res.end(text)
}

class BodyTooLargeError extends Error {}

/**
 * Reads a request body up to `limit` bytes. A larger one (announced or actual) is refused with a
 * BodyTooLargeError; the rest is drained, not kept, so the caller can still answer 413.
 */
function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new BodyTooLargeError(`Request body larger than ${limit} bytes.`)
    const declared = Number(req.headers['content-length'])
    if (Number.isFinite(declared) && declared > limit) {
      req.resume()
      reject(tooLarge())
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let refused = false
    req.on('data', (chunk: Buffer) => {
      if (refused) return
      size += chunk.length
      if (size > limit) {
        refused = true
        chunks.length = 0
        reject(tooLarge())
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}
