/**
 * The Electron window's hardening decisions, tested without Electron (only main/app may import it):
 * navigation stays on our page, new windows are always denied, only https links to allow-listed
 * hosts leave for the system browser, and no permission is ever granted. A source check proves
 * main/app/security.ts actually routes Electron's handlers through these functions.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  allowNavigation,
  externalLinkTarget,
  grantPermission,
  isOwnPage,
  windowOpenAction,
} from '../../main/core/windowPolicy'
import { EXTERNAL_LINK_ALLOW_LIST } from '../../shared/security'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const FILE_RENDERER = 'file:///opt/Scoreline/resources/app.asar/out/renderer/index.html'
const DEV_RENDERER = 'http://localhost:5173/'

describe('window policy: navigation', () => {
  it('allows our own page (file build and dev server) and nothing else', () => {
    expect(allowNavigation(FILE_RENDERER, FILE_RENDERER)).toBe(true)
    expect(allowNavigation(`${FILE_RENDERER}#/jackpots`, FILE_RENDERER)).toBe(true)
    expect(allowNavigation('http://localhost:5173/experiments', DEV_RENDERER)).toBe(true)
    for (const hostile of [
      'https://evil.example/',
      'file:///etc/passwd',
      'file:///opt/Scoreline/resources/app.asar/out/renderer/other.html',
      'http://localhost:5174/',
      'http://localhost.evil.example:5173/',
      'http://127.0.0.1:5173/', // same server, different origin: still refused
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'chrome://settings',
      'about:blank',
      '',
      'not a url',
    ]) {
      expect(allowNavigation(hostile, FILE_RENDERER), hostile).toBe(false)
      expect(allowNavigation(hostile, DEV_RENDERER), hostile).toBe(false)
    }
  })

  it('never allows a URL on another origin (property, seeded)', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const own = new URL(url).origin === new URL(DEV_RENDERER).origin
        expect(isOwnPage(url, DEV_RENDERER)).toBe(own)
        expect(allowNavigation(url, FILE_RENDERER)).toBe(false)
      }),
      { numRuns: 300, seed: 1101 },
    )
  })

  it('never throws on random strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        expect(typeof allowNavigation(s, FILE_RENDERER)).toBe('boolean')
        expect(externalLinkTarget(s) === null || typeof externalLinkTarget(s) === 'string').toBe(true)
      }),
      { numRuns: 300, seed: 1102 },
    )
  })
})

describe('window policy: new windows and external links', () => {
  it('denies every window.open inside the app', () => {
    expect(windowOpenAction()).toEqual({ action: 'deny' })
  })

  it('lets only https links to allow-listed hosts reach the system browser', () => {
    for (const host of EXTERNAL_LINK_ALLOW_LIST) {
      expect(externalLinkTarget(`https://${host}/page?x=1`)).toBe(`https://${host}/page?x=1`)
    }
    for (const hostile of [
      'http://www.football-data.co.uk/', // not https
      'https://evil.example/',
      'https://github.com.evil.example/',
      'https://evil.example/github.com',
      'https://user:pw@github.com/', // credentials in a link
      'file:///etc/passwd',
      'smb://attacker/share',
      'javascript:alert(1)',
      'ms-msdt:/id PCWDiagnostic',
      'https://xn--github-9ja.com/',
    ]) {
      expect(externalLinkTarget(hostile), hostile).toBeNull()
    }
  })

  it('sends no random web URL outside the allow-list (property, seeded)', () => {
    fc.assert(
      fc.property(fc.webUrl(), (url) => {
        const target = externalLinkTarget(url)
        if (target !== null) {
          const parsed = new URL(target)
          expect(parsed.protocol).toBe('https:')
          expect(EXTERNAL_LINK_ALLOW_LIST).toContain(parsed.hostname)
        }
      }),
      { numRuns: 300, seed: 1103 },
    )
  })
})

describe('window policy: permissions', () => {
  it('grants no permission', () => {
    for (const p of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'hid',
      'usb',
    ]) {
      expect(grantPermission(p)).toBe(false)
    }
  })
})

describe('window policy is what the Electron glue uses', () => {
  const source = readFileSync(path.join(root, 'main/app/security.ts'), 'utf8')
  const mainSource = readFileSync(path.join(root, 'main/app/main.ts'), 'utf8')

  it('routes navigation, redirects, window.open and permissions through main/core/windowPolicy', () => {
    expect(source).toContain("from '../core/windowPolicy'")
    expect(source).toMatch(/'will-navigate',[^]*?allowNavigation\(/)
    expect(source).toMatch(/'will-redirect',[^]*?allowNavigation\(/)
    expect(source).toMatch(/setWindowOpenHandler\([^]*?windowOpenAction\(\)/)
    expect(source).toMatch(/setPermissionRequestHandler\([^]*?grantPermission\(/)
    expect(source).toMatch(/setPermissionCheckHandler\([^]*?grantPermission\(/)
    expect(source).toMatch(/openExternal\(target\)/)
  })

  it('creates the window isolated, sandboxed and without Node, and hardens it', () => {
    for (const setting of [
      'contextIsolation: true',
      'sandbox: true',
      'nodeIntegration: false',
      'nodeIntegrationInWorker: false',
      'nodeIntegrationInSubFrames: false',
      'webSecurity: true',
      'webviewTag: false',
    ]) {
      expect(mainSource).toContain(setting)
    }
    expect(mainSource).toMatch(/hardenWindow\(window, rendererUrl\)/)
    expect(mainSource).toMatch(/hardenSession\(\)/)
  })
})
