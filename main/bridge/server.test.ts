import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBridge, type BridgeServer } from './server'
import { createDispatch, type Handlers } from '../core/dispatch'
import { createEventBus } from '../core/eventBus'
import { procedureNames } from '../../shared/api/contract'
import { ApiError } from '../../shared/api/errors'
import { createBridgeClient } from '../../shared/api/bridgeClient'

function testHandlers(): Handlers {
  const all: Record<string, unknown> = {
    'app.ping': ({ message }: { message: string }) => {
      if (message === 'fail') throw new ApiError('UNKNOWN_TEAM', 'No such team', { suggestions: ['Arsenal'] })
      return { message, receivedAt: new Date(0).toISOString() }
    },
  }
  for (const name of procedureNames) all[name] ??= () => Promise.reject(new Error('unused'))
  return all as Handlers
}

describe('browser bridge', () => {
  let bridge: BridgeServer
  let rendererDir: string
  const events = createEventBus()

  beforeAll(async () => {
    rendererDir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-renderer-'))
    writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Scoreline</title>')
    writeFileSync(path.join(os.tmpdir(), 'scoreline-secret.txt'), 'secret')
    bridge = await startBridge({ dispatch: createDispatch(testHandlers()), events, rendererDir })
  })
  afterAll(async () => {
    await bridge.close()
    rmSync(rendererDir, { recursive: true, force: true })
  })

  const post = (name: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${bridge.url}api/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    })

  it('binds to loopback and prints a URL carrying the token', () => {
    expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(bridge.urlWithToken).toBe(`${bridge.url}?token=${bridge.token}`)
    expect(bridge.token.length).toBeGreaterThanOrEqual(32)
  })

  it('refuses a call without the token', async () => {
    const response = await post('app.ping', { message: 'hi' })
    expect(response.status).toBe(401)
    expect((await response.json()).error.code).toBe('UNAUTHORIZED')
  })

  it('refuses a call with a wrong token', async () => {
    const response = await post(
      'app.ping',
      { message: 'hi' },
      { 'x-scoreline-token': bridge.token.replace(/./, 'x') + 'x' },
    )
    expect(response.status).toBe(401)
  })

  it('refuses a call from a foreign Origin even with the token', async () => {
    const response = await post(
      'app.ping',
      { message: 'hi' },
      { 'x-scoreline-token': bridge.token, origin: 'https://evil.example' },
    )
    expect(response.status).toBe(403)
    expect((await response.json()).error.code).toBe('FORBIDDEN')
  })

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const http = await import('node:http')
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        `${bridge.url}api/app.ping`,
        {
          method: 'POST',
          headers: {
            host: 'evil.example',
            'x-scoreline-token': bridge.token,
            'content-type': 'application/json',
          },
        },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        },
      )
      req.on('error', reject)
      req.end(JSON.stringify({ message: 'hi' }))
    })
    expect(status).toBe(403)
  })

  it('serves a call from our own origin with the token', async () => {
    const origin = bridge.url.replace(/\/$/, '')
    const response = await post('app.ping', { message: 'hi' }, { 'x-scoreline-token': bridge.token, origin })
    expect(await response.json()).toEqual({
      ok: true,
      value: { message: 'hi', receivedAt: '1970-01-01T00:00:00.000Z' },
    })
  })

  it('carries a service error code across the transport unchanged', async () => {
    const client = createBridgeClient(
      { origin: bridge.url.replace(/\/$/, ''), search: `?token=${bridge.token}`, hash: '' },
      { storage: null },
    )
    const result = await client.app.ping({ message: 'fail' })
    expect(result).toEqual({
      ok: false,
      error: { code: 'UNKNOWN_TEAM', message: 'No such team', details: { suggestions: ['Arsenal'] } },
    })
  })

  it('names the invalid field through the bridge', async () => {
    const response = await post('app.ping', { message: 7 }, { 'x-scoreline-token': bridge.token })
    const body = await response.json()
    expect(body.ok).toBe(false)
    expect(body.error.code).toBe('INVALID_INPUT')
    expect(body.error.message).toContain('message')
  })

  it('answers malformed JSON with INVALID_INPUT', async () => {
    const response = await fetch(`${bridge.url}api/app.ping`, {
      method: 'POST',
      headers: { 'x-scoreline-token': bridge.token },
      body: '{nope',
    })
    expect(response.status).toBe(400)
    expect((await response.json()).error.code).toBe('INVALID_INPUT')
  })

  it('serves the renderer with a CSP header and refuses path traversal', async () => {
    const page = await fetch(bridge.url)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    const traversal = await fetch(`${bridge.url}..%2Fscoreline-secret.txt`)
    expect(traversal.status).toBe(404)
  })

  it('streams events to a subscriber with the token and refuses one without', async () => {
    const refused = await fetch(`${bridge.url}events`)
    expect(refused.status).toBe(401)

    const controller = new AbortController()
    const response = await fetch(`${bridge.url}events?token=${bridge.token}`, { signal: controller.signal })
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    const reader = response.body!.getReader()
    await reader.read() // ": connected"
    events.emit('app.log', {
      level: 'info',
      time: new Date(0).toISOString(),
      scope: 'test',
      message: 'hello',
    })
    const { value } = await reader.read()
    const text = new TextDecoder().decode(value)
    expect(text).toContain('event: app.log')
    expect(text).toContain('"message":"hello"')
    controller.abort()
  })

  it('refuses to bind to a non-loopback address without explicit opt-in', async () => {
    await expect(
      startBridge({ dispatch: createDispatch(testHandlers()), events, host: '0.0.0.0' }),
    ).rejects.toThrow(/only loopback/)
  })
})
