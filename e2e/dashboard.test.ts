/**
 * End to end: build the app, start the real `scoreline serve`, drive Debian's Chromium with
 * playwright-core, and check the Dashboard renders the real app.info reply with live backend
 * status. Services come from the same environment variables as the service suites.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serviceUrl, servicesRequired } from '../test/support/services'
import { buildApp, CHROMIUM, CHROMIUM_ARGS, repoRoot, serve, type Served } from './support/serve'
import { existsSync } from 'node:fs'

const haveChromium = existsSync(CHROMIUM)
if (!haveChromium) {
  const reason = `Chromium not found at ${CHROMIUM} (apt-get install chromium)`
  if (servicesRequired()) throw new Error(reason)
  console.warn(`[skipped] end-to-end suite: ${reason}`)
}

describe.skipIf(!haveChromium)('dashboard in the browser bridge', () => {
  let served: Served
  let browser: Browser
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: serviceUrl('postgres') ?? '',
    REDIS_URL: serviceUrl('redis') ?? '',
    MLFLOW_TRACKING_URI: serviceUrl('mlflow') ?? '',
  }

  beforeAll(async () => {
    buildApp()
    served = await serve(env)
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  })
  afterAll(async () => {
    await browser?.close()
    await served?.stop()
  })

  it('renders the real app.info reply with every backend', async () => {
    const page = await browser.newPage()
    const consoleErrors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text())
    })
    await page.goto(served.url)
    await page.getByTestId('app-version').waitFor()
    expect(await page.getByTestId('data-dir').textContent()).toBe(served.home)
    const pkg = (await import('../package.json')).default
    expect(await page.getByTestId('app-version').textContent()).toBe(pkg.version)
    expect(await page.getByTestId('backend-state-sqlite').textContent()).toBe('reachable')
    for (const [name, configured] of [
      ['postgres', env.DATABASE_URL],
      ['redis', env.REDIS_URL],
      ['mlflow', env.MLFLOW_TRACKING_URI],
    ] as const) {
      const state = await page.getByTestId(`backend-state-${name}`).textContent()
      expect(state, name).toBe(configured ? 'reachable' : 'not configured')
    }
    const dir = path.join(repoRoot, 'e2e', 'screenshots')
    mkdirSync(dir, { recursive: true })
    await page.screenshot({ path: path.join(dir, 'dashboard.png'), fullPage: true })
    expect(consoleErrors).toEqual([])
    await page.close()
  })

  it('shows the failure when a backend is unreachable', async () => {
    const broken = await serve({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' })
    try {
      const page = await browser.newPage()
      await page.goto(broken.url)
      const state = page.getByTestId('backend-state-postgres')
      await state.waitFor()
      expect(await state.textContent()).toMatch(/^unreachable: .*(ECONNREFUSED|refused)/)
      await page.close()
    } finally {
      await broken.stop()
    }
  })

  it('refuses API calls without the token and from a foreign Origin', async () => {
    const noToken = await fetch(`${served.origin}/api/app.info`, { method: 'POST', body: '{}' })
    expect(noToken.status).toBe(401)
    const foreign = await fetch(`${served.origin}/api/app.info`, {
      method: 'POST',
      body: '{}',
      headers: { 'x-scoreline-token': served.token, origin: 'http://evil.example' },
    })
    expect(foreign.status).toBe(403)
    // and a page on another origin cannot read the API from the browser either
    const page = await browser.newPage()
    await page.goto('data:text/html,<title>evil</title>')
    const outcome = await page.evaluate(async (origin) => {
      try {
        const r = await fetch(`${origin}/api/app.info`, { method: 'POST', body: '{}' })
        return `status ${r.status}`
      } catch (error) {
        return `blocked: ${(error as Error).message}`
      }
    }, served.origin)
    expect(outcome).not.toBe('status 200')
    await page.close()
  })

  it('navigates between pages with the keyboard-accessible sidebar', async () => {
    const page = await browser.newPage()
    await page.goto(served.url)
    await page.getByRole('link', { name: 'Jackpots' }).click()
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Jackpots')
    expect(page.url()).toContain('#/jackpots')
    await page.close()
  })
})
