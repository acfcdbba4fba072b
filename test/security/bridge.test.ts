/**
 * The browser bridge under attack, against a real in-process backend (createScoreline on a temp
 * data folder): every refused request is refused with a status AND leaves no trace (the setting it
 * tried to change is unchanged). Complements main/bridge/server.test.ts (which covers the happy
 * paths and the basic refusals with a stub dispatch).
 */
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { mkdtempSync, rmSync } from 'node:fs'
import fc from 'fast-check'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startBridge, type BridgeServer } from '../../main/bridge/server'
import { createScoreline, type Scoreline } from '../../main/core/scoreline'
import { createEventBus } from '../../main/core/eventBus'
import { createDispatch } from '../../main/core/dispatch'
import { procedureNames } from '../../shared/api/contract'

interface Reply {
  status: number
  body: string
  headers: http.IncomingHttpHeaders
}

/** A raw request (so Host and Origin are exactly what we say); resolves with status and body, or rejects on reset. */
function request(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'POST',
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers,
          }),
        )
        res.on('error', reject)
      },
    )
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end(options.body)
  })
}

describe('bridge security (real backend)', () => {
  let home: string
  let scoreline: Scoreline
  let bridge: BridgeServer
  let small: BridgeServer
  const LIMIT = 4096

  // read straight from the app database: what a refused request must not have changed
  const themeNow = async () => scoreline.settings.get('app.theme') ?? null
  const own = () => `127.0.0.1:${bridge.port}`
  const setDark = JSON.stringify({ key: 'theme', value: 'dark' })

  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'scoreline-bridge-sec-'))
    scoreline = createScoreline({ shell: 'browser-bridge', env: { SCORELINE_HOME: home } })
    bridge = await startBridge({ dispatch: scoreline.dispatch, events: scoreline.events })
    small = await startBridge({ dispatch: scoreline.dispatch, events: scoreline.events, maxBodyBytes: LIMIT })
  })
  afterAll(async () => {
    await bridge?.close()
    await small?.close()
    await scoreline?.close()
    rmSync(home, { recursive: true, force: true })
  })
  beforeEach(async () => {
    scoreline.settings.set('app.theme', 'light')
    expect(await themeNow()).toBe('light')
  })

  it('sanity: the same request with the token, our Host and our Origin does change the setting', async () => {
    const reply = await request(bridge.port, {
      path: '/api/settings.set',
      headers: {
        host: own(),
        origin: `http://${own()}`,
        'x-scoreline-token': bridge.token,
        'content-type': 'application/json',
      },
      body: setDark,
    })
    expect(reply.status).toBe(200)
    expect(await themeNow()).toBe('dark')
  })

  const refusals: [string, () => Record<string, string>, number, string][] = [
    ['no token', () => ({ host: own() }), 401, 'UNAUTHORIZED'],
    ['an empty token', () => ({ host: own(), 'x-scoreline-token': '' }), 401, 'UNAUTHORIZED'],
    [
      'a wrong token of the same length',
      () => ({ host: own(), 'x-scoreline-token': flip(bridge.token) }),
      401,
      'UNAUTHORIZED',
    ],
    [
      'a prefix of the token',
      () => ({ host: own(), 'x-scoreline-token': bridge.token.slice(0, -1) }),
      401,
      'UNAUTHORIZED',
    ],
    [
      'the token plus a suffix',
      () => ({ host: own(), 'x-scoreline-token': bridge.token + 'x' }),
      401,
      'UNAUTHORIZED',
    ],
    [
      'a foreign Origin with the token',
      () => ({ host: own(), origin: 'https://evil.example', 'x-scoreline-token': bridge.token }),
      403,
      'FORBIDDEN',
    ],
    [
      'the opaque "null" Origin (sandboxed iframe, file://) with the token',
      () => ({ host: own(), origin: 'null', 'x-scoreline-token': bridge.token }),
      403,
      'FORBIDDEN',
    ],
    [
      'our host on another port as Origin',
      () => ({
        host: own(),
        origin: `http://127.0.0.1:${bridge.port + 1}`,
        'x-scoreline-token': bridge.token,
      }),
      403,
      'FORBIDDEN',
    ],
    [
      'a DNS-rebinding Host (evil.example:PORT) with the token',
      () => ({ host: `evil.example:${bridge.port}`, 'x-scoreline-token': bridge.token }),
      403,
      'FORBIDDEN',
    ],
    [
      'a DNS-rebinding Host and matching Origin with the token',
      () => ({
        host: `evil.example:${bridge.port}`,
        origin: `http://evil.example:${bridge.port}`,
        'x-scoreline-token': bridge.token,
      }),
      403,
      'FORBIDDEN',
    ],
    [
      'a Host that merely starts like ours',
      () => ({ host: `127.0.0.1.evil.example:${bridge.port}`, 'x-scoreline-token': bridge.token }),
      403,
      'FORBIDDEN',
    ],
    [
      'a Host without the port',
      () => ({ host: 'evil.example', 'x-scoreline-token': bridge.token }),
      403,
      'FORBIDDEN',
    ],
  ]

  for (const [what, headers, status, code] of refusals) {
    it(`refuses a call with ${what}, and nothing changes`, async () => {
      const reply = await request(bridge.port, {
        path: '/api/settings.set',
        headers: { 'content-type': 'application/json', ...headers() },
        body: setDark,
      })
      expect(reply.status).toBe(status)
      const body = JSON.parse(reply.body)
      expect(body.ok).toBe(false)
      expect(body.error.code).toBe(code)
      expect(reply.headers['access-control-allow-origin']).toBeUndefined()
      expect(reply.body).not.toContain(bridge.token)
      expect(await themeNow()).toBe('light')
    })
  }

  it('does not accept the token from the query string for a procedure call', async () => {
    const reply = await request(bridge.port, {
      path: `/api/settings.set?token=${bridge.token}`,
      headers: { host: own(), 'content-type': 'application/json' },
      body: setDark,
    })
    expect(reply.status).toBe(401)
    expect(await themeNow()).toBe('light')
  })

  it('refuses a GET to a procedure (no side effect through a link or an <img>)', async () => {
    const reply = await request(bridge.port, {
      method: 'GET',
      path: `/api/settings.set?key=theme&value=dark&token=${bridge.token}`,
      headers: { host: own(), 'x-scoreline-token': bridge.token },
    })
    expect(reply.status).toBe(405)
    expect(await themeNow()).toBe('light')
  })

  it('answers a foreign CORS preflight without any Access-Control-Allow-* header', async () => {
    const reply = await request(bridge.port, {
      method: 'OPTIONS',
      path: '/api/settings.set',
      headers: {
        host: own(),
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-scoreline-token, content-type',
      },
    })
    expect(reply.status).toBeGreaterThanOrEqual(400)
    expect(Object.keys(reply.headers).filter((h) => h.startsWith('access-control-allow'))).toEqual([])
  })

  it('refuses the event stream without the token, with a wrong one, and to a foreign Origin or Host', async () => {
    const cases: [string, Record<string, string>, number][] = [
      ['/events', { host: own() }, 401],
      [`/events?token=${flip(bridge.token)}`, { host: own() }, 401],
      [`/events?token=${bridge.token}`, { host: own(), origin: 'https://evil.example' }, 403],
      [`/events?token=${bridge.token}`, { host: `evil.example:${bridge.port}` }, 403],
    ]
    for (const [p, headers, status] of cases) {
      const reply = await request(bridge.port, { method: 'GET', path: p, headers })
      expect(reply.status, `${p} ${JSON.stringify(headers)}`).toBe(status)
      expect(reply.headers['content-type']).not.toContain('text/event-stream')
    }
  })

  it('refuses an oversized body with 413 and changes nothing', async () => {
    const padding = 'x'.repeat(LIMIT * 4)
    const reply = await request(small.port, {
      path: '/api/settings.set',
      headers: {
        host: `127.0.0.1:${small.port}`,
        'x-scoreline-token': small.token,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ key: 'theme', value: 'dark', padding }),
    })
    expect(reply.status).toBe(413)
    expect(JSON.parse(reply.body).error.code).toBe('INVALID_INPUT')
    expect(await themeNow()).toBe('light')
    // and the bridge still serves the next, normal call
    const next = await request(small.port, {
      path: '/api/settings.set',
      headers: { host: `127.0.0.1:${small.port}`, 'x-scoreline-token': small.token },
      body: setDark,
    })
    expect(next.status).toBe(200)
    expect(await themeNow()).toBe('dark')
  })

  it('refuses an oversized body announced by Content-Length before reading it', async () => {
    const reply = await request(small.port, {
      path: '/api/settings.set',
      headers: {
        host: `127.0.0.1:${small.port}`,
        'x-scoreline-token': small.token,
        'content-length': String(LIMIT * 10),
      },
      body: Buffer.alloc(LIMIT * 10, 0x20),
    })
    expect(reply.status).toBe(413)
    expect(await themeNow()).toBe('light')
  })

  it('has a finite default body limit', async () => {
    // 33 MB of JSON whitespace: above the 32 MB default
    const body = Buffer.alloc(33 * 1024 * 1024, 0x20)
    const reply = await request(bridge.port, {
      path: '/api/settings.set',
      headers: { host: own(), 'x-scoreline-token': bridge.token },
      body,
    })
    expect(reply.status).toBe(413)
    expect(await themeNow()).toBe('light')
  })

  it('answers random bodies and procedure names with a typed Result or 4xx, never a 500 (property)', async () => {
    const name = fc.oneof(
      fc.constantFrom(...procedureNames),
      fc.constantFrom(
        '',
        '..%2F..%2Fetc%2Fpasswd',
        '%00',
        'app.ping%00',
        '__proto__',
        'constructor',
        'x'.repeat(5000),
        '%E0%A4%A',
      ),
      fc.string({ maxLength: 40 }).map(encodeURIComponent),
    )
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.constantFrom('', '{', '[]', 'null', '{"__proto__":{"polluted":1}}', '\u0000', '{"message":"x"}'),
    )
    let typed = 0
    await fc.assert(
      fc.asyncProperty(name, body, async (n, b) => {
        const reply = await request(bridge.port, {
          path: `/api/${n}`,
          headers: { host: own(), 'x-scoreline-token': bridge.token, 'content-type': 'application/json' },
          body: b,
        })
        expect(reply.status, `${n} ${b.slice(0, 60)} → ${reply.body.slice(0, 200)}`).toBeLessThan(500)
        const parsed = JSON.parse(reply.body) as { ok: boolean; error?: { code: string } }
        expect(typeof parsed.ok).toBe('boolean')
        if (!parsed.ok) {
          expect(parsed.error!.code).toMatch(/^[A-Z][A-Z0-9_]+$/)
          expect(['INTERNAL', 'INVALID_OUTPUT']).not.toContain(parsed.error!.code)
          typed++
        }
      }),
      { numRuns: 150, seed: 1161 },
    )
    expect(typed).toBeGreaterThan(50)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(await themeNow()).toBe('light')
  }, 60_000)

  it('listens on loopback only: not reachable on any other local address', async () => {
    expect(new URL(bridge.url).hostname).toBe('127.0.0.1')
    const others = Object.values(os.networkInterfaces())
      .flat()
      .filter((a): a is os.NetworkInterfaceInfo => !!a && !a.internal && a.family === 'IPv4')
      .map((a) => a.address)
    for (const address of others) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = net.connect({ host: address, port: bridge.port })
        socket.setTimeout(2000, () => {
          socket.destroy()
          resolve('timeout')
        })
        socket.once('connect', () => {
          socket.destroy()
          resolve('connected')
        })
        socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'))
      })
      expect(outcome, `bridge port reachable on ${address}`).not.toBe('connected')
    }
  })

  it('refuses to bind beyond loopback without the explicit opt-in', async () => {
    const events = createEventBus()
    const dispatch = createDispatch(scoreline.handlers)
    for (const host of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '127.0.0.1.nip.io']) {
      await expect(startBridge({ dispatch, events, host }), host).rejects.toMatchObject({ code: 'CONFIG' })
    }
  })
})

function flip(token: string): string {
  const last = token.at(-1) === 'A' ? 'B' : 'A'
  return token.slice(0, -1) + last
}
