/**
 * A loopback TCP proxy for fault injection in front of any server (Postgres, Redis, MLflow): it speaks
 * no protocol, it only delays, cuts or refuses the bytes. Modes can change while clients are connected.
 *
 * - `pass`: forward both ways;
 * - `delay`: every chunk, both ways, is held `ms` before it is forwarded (order kept);
 * - `dropAfter`: a connection is cut (both sockets destroyed) once `bytes` have crossed it, either way;
 * - `refuse`: the listening socket is closed, so new connections get ECONNREFUSED (open ones are cut);
 * - `stall`: connections are accepted and nothing is ever answered (a hung server, for timeouts).
 */
import net from 'node:net'

export type ProxyMode =
  | { kind: 'pass' }
  | { kind: 'delay'; ms: number }
  | { kind: 'dropAfter'; bytes: number }
  | { kind: 'refuse' }
  | { kind: 'stall' }

export class TcpFaultProxy {
  port = 0
  private server: net.Server | null = null
  private mode: ProxyMode = { kind: 'pass' }
  private readonly sockets = new Set<net.Socket>()
  /** Connections accepted and connections cut by `dropAfter`, for assertions. */
  accepted = 0
  cut = 0

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static async start(
    target: { host: string; port: number },
    mode: ProxyMode = { kind: 'pass' },
  ): Promise<TcpFaultProxy> {
    const proxy = new TcpFaultProxy(target.host, target.port)
    proxy.mode = mode
    if (mode.kind !== 'refuse') await proxy.listen(0)
    else {
      // reserve a port, then close it: refusing from the start
      await proxy.listen(0)
      await proxy.stopListening()
    }
    return proxy
  }

  /** The target's URL with host:port replaced by the proxy's. */
  urlFor(targetUrl: string): string {
    const u = new URL(targetUrl)
    u.hostname = '127.0.0.1'
    u.port = String(this.port)
    return u.toString().replace(/\/$/, targetUrl.endsWith('/') ? '/' : '')
  }

  async setMode(mode: ProxyMode): Promise<void> {
    this.mode = mode
    if (mode.kind === 'refuse') {
      this.cutAll()
      await this.stopListening()
    } else if (!this.server) {
      await this.listen(this.port)
    }
  }

  /** Destroys every open connection (a network cut), leaving the listener as it is. */
  cutAll(): void {
    for (const s of this.sockets) s.destroy()
    this.sockets.clear()
  }

  async close(): Promise<void> {
    this.cutAll()
    await this.stopListening()
  }

  private async stopListening(): Promise<void> {
    const server = this.server
    this.server = null
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  private listen(port: number): Promise<void> {
    const server = net.createServer((client) => this.handle(client))
    return new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => {
        this.port = (server.address() as net.AddressInfo).port
        this.server = server
        resolve()
      })
    })
  }

  private handle(client: net.Socket): void {
    this.accepted++
    this.sockets.add(client)
    client.on('close', () => this.sockets.delete(client))
    client.on('error', () => undefined)
    if (this.mode.kind === 'stall') {
      client.resume() // read and ignore
      return
    }
    const upstream = net.connect({ host: this.targetHost, port: this.targetPort })
    this.sockets.add(upstream)
    upstream.on('close', () => {
      this.sockets.delete(upstream)
      client.destroy()
    })
    upstream.on('error', () => client.destroy())
    client.on('close', () => upstream.destroy())
    let crossed = 0
    const pipe = (from: net.Socket, to: net.Socket) => {
      let chain = Promise.resolve()
      from.on('data', (chunk: Buffer) => {
        const mode = this.mode
        if (mode.kind === 'dropAfter') {
          crossed += chunk.length
          if (crossed > mode.bytes) {
            const keep = chunk.length - (crossed - mode.bytes)
            if (keep > 0) to.write(chunk.subarray(0, keep))
            this.cut++
            client.destroy()
            upstream.destroy()
            return
          }
        }
        if (mode.kind === 'delay') {
          from.pause()
          chain = chain
            .then(() => new Promise((r) => setTimeout(r, mode.ms)))
            .then(() => {
              if (!to.destroyed) to.write(chunk)
              from.resume()
            })
          return
        }
        if (mode.kind === 'stall') return
        chain = chain.then(() => {
          if (!to.destroyed) to.write(chunk)
        })
      })
      from.on('end', () => void chain.then(() => to.end()))
    }
    pipe(client, upstream)
    pipe(upstream, client)
  }
}

/** What a garbage server answers on every connection. */
export type GarbageKind = 'wrong-protocol' | 'malformed-json' | 'html-200' | 'silent'

/**
 * A loopback server that answers garbage in place of a real service: random bytes that look like no
 * protocol, an HTTP 200 with a truncated JSON body, an HTTP 200 HTML page (a captive portal), or nothing.
 */
export async function startGarbageServer(
  kind: GarbageKind,
): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
    const http = (type: string, body: string) =>
      `HTTP/1.1 200 OK\r\ncontent-type: ${type}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
    const answer = () => {
      if (kind === 'silent') return
      if (kind === 'wrong-protocol') {
        socket.end(Buffer.from('SSH-2.0-OpenSSH_9.6\r\n\x00\xff\xfe garbage \x01\x02\x03\r\n', 'latin1'))
      } else if (kind === 'malformed-json') {
        socket.end(http('application/json', '{"runs": [{"info": {"run_id": "abc", '))
      } else {
        socket.end(
          http('text/html', '<!doctype html><html><body><h1>Welcome to the hotel Wi-Fi</h1></body></html>'),
        )
      }
    }
    // Answer when the client has said something (HTTP, Redis) or after a short pause (Postgres waits
    // for the server only after its startup packet, which it sends first, so both paths are covered).
    socket.once('data', answer)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
