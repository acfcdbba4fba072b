/**
 * Test helper: a loopback HTTP proxy in front of a REAL MLflow server that can inject the failures a
 * real deployment sees — the server going away (connection refused), 5xx/401/403 answers with non-JSON
 * bodies from middleware, and a request that lands on the server but whose answer is lost. Used only by
 * tests and benchmarks; it never fakes MLflow's behaviour, it only breaks the wire.
 */
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export interface InjectedAnswer {
  status: number
  body: string
  contentType?: string
  headers?: Record<string, string>
}

export interface FaultRule {
  /** Which requests this applies to (default: all). */
  match?: (method: string, path: string) => boolean
  /** How many matching requests it applies to. */
  times: number
  /** Answer without forwarding… */
  answer?: InjectedAnswer
  /** …or forward to the server, then drop the connection instead of passing the answer back. */
  dropAfterForward?: boolean
}

export class FaultProxy {
  private server: http.Server
  private sockets = new Set<Socket>()
  private rules: FaultRule[] = []
  private target: URL
  port = 0
  /** Every request seen (method, path, authorization header present). */
  readonly seen: { method: string; path: string; authorization?: string }[] = []

  private constructor(target: string) {
    this.target = new URL(target)
    this.server = this.createServer()
  }

  static async start(target: string): Promise<FaultProxy> {
    const proxy = new FaultProxy(target)
    await proxy.listen(0)
    return proxy
  }

  get listening(): boolean {
    return this.server.listening
  }

  get uri(): string {
    return `http://127.0.0.1:${this.port}`
  }

  inject(rule: FaultRule): void {
    this.rules.push({ ...rule })
  }

  clearRules(): void {
    this.rules = []
  }

  /** Stop accepting connections and cut open ones: clients see ECONNREFUSED / resets. */
  async down(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  /** Accept connections again on the same port. */
  async up(): Promise<void> {
    this.server = this.createServer()
    await this.listen(this.port)
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port
        resolve()
      })
    })
  }

  private createServer(): http.Server {
    const server = http.createServer((req, res) => this.handle(req, res))
    server.keepAliveTimeout = 1000
    server.on('connection', (socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
    return server
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const method = req.method ?? 'GET'
    const path = req.url ?? '/'
    this.seen.push({ method, path, authorization: req.headers.authorization })
    const rule = this.rules.find((r) => r.times > 0 && (!r.match || r.match(method, path)))
    if (rule) rule.times--
    if (rule?.answer) {
      req.resume()
      res.writeHead(rule.answer.status, {
        'content-type': rule.answer.contentType ?? 'text/html',
        ...rule.answer.headers,
      })
      res.end(rule.answer.body)
      return
    }
    const headers = { ...req.headers, host: this.target.host }
    const upstream = http.request(
      { hostname: this.target.hostname, port: this.target.port, path, method, headers },
      (up) => {
        if (rule?.dropAfterForward) {
          up.resume()
          up.on('end', () => req.socket.destroy())
          return
        }
        res.writeHead(up.statusCode ?? 502, up.headers)
        up.pipe(res)
      },
    )
    upstream.on('error', () => {
      res.writeHead(502, { 'content-type': 'text/plain' })
      res.end('bad gateway')
    })
    req.pipe(upstream)
  }
}
