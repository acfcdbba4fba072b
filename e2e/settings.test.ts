/**
 * End to end on Settings: each connection's Test button against the real services (reachable, with
 * latency and version) and against a wrong port (a clear unreachable message); saving a URL shows on
 * the Dashboard. A changed modelling default is still there after a reload; offline mode turns the
 * connection tests into a clear "offline mode is on" and back.
 */
import { existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serviceUrl, servicesRequired } from '../test/support/services'
import { buildApp, CHROMIUM, CHROMIUM_ARGS, repoRoot, serve, type Served } from './support/serve'
import { closedPort } from '../test/support/net'

const runnable = existsSync(CHROMIUM)

async function test(page: Page, label: string, url: string): Promise<string> {
  const input = page.getByLabel(label, { exact: true })
  await input.fill(url)
  const row = input.locator('xpath=..')
  await row.getByRole('button', { name: 'Test' }).click()
  const field = row.locator('xpath=..')
  const message = field.locator('[role=status], [role=alert]')
  await message.waitFor({ timeout: 20_000 })
  return (await message.textContent()) ?? ''
}

if (!runnable) console.warn(`[skipped] settings e2e: no Chromium at ${CHROMIUM}`)

describe.skipIf(!runnable)(
  `Settings in the browser bridge${runnable ? '' : ` — skipped: no Chromium at ${CHROMIUM}`}`,
  () => {
    let served: Served
    let browser: Browser
    beforeAll(async () => {
      buildApp()
      served = await serve()
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
    })
    afterAll(async () => {
      await browser?.close()
      await served?.stop()
    })

    it('Test buttons: a wrong port says unreachable and why', async () => {
      const page = await browser.newPage()
      await page.goto(`${served.url}#/settings`)
      const port = await closedPort()
      expect(await test(page, 'Team Postgres', `postgres://postgres@127.0.0.1:${port}/x`)).toMatch(
        /^Unreachable .*(ECONNREFUSED|refused)/,
      )
      expect(await test(page, 'Redis feature store', `redis://127.0.0.1:${port}`)).toMatch(
        /^Unreachable .*(ECONNREFUSED|refused)/,
      )
      expect(await test(page, 'MLflow tracking server', `http://127.0.0.1:${port}`)).toMatch(
        /^Unreachable .*(ECONNREFUSED|refused)/,
      )
      await page.close()
    })

    const services = {
      postgres: serviceUrl('postgres'),
      redis: serviceUrl('redis'),
      mlflow: serviceUrl('mlflow'),
    }
    const noServices = (!services.postgres || !services.redis || !services.mlflow) && !servicesRequired()
    const noServicesReason =
      'needs SCORELINE_TEST_DATABASE_URL, SCORELINE_TEST_REDIS_URL and SCORELINE_TEST_MLFLOW_URI'
    if (noServices) console.warn(`[skipped] settings e2e against the real services: ${noServicesReason}`)
    it.skipIf(noServices)(
      `Test buttons against the real services report reachable with version; a saved URL reaches the Dashboard${noServices ? ` — skipped: ${noServicesReason}` : ''}`,
      async () => {
        const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } })
        await page.goto(`${served.url}#/settings`)
        expect(await test(page, 'Team Postgres', services.postgres!)).toMatch(
          /^Reachable in [\d.]+ ms — PostgreSQL \d+/,
        )
        expect(await test(page, 'Redis feature store', services.redis!)).toMatch(
          /^Reachable in [\d.]+ ms — Redis \d/,
        )
        expect(await test(page, 'MLflow tracking server', services.mlflow!)).toMatch(
          /^Reachable in [\d.]+ ms — MLflow/,
        )
        const dir = path.join(repoRoot, 'e2e', 'screenshots')
        mkdirSync(dir, { recursive: true })
        await page.screenshot({ path: path.join(dir, 'settings.png'), fullPage: true })

        const redisInput = page.getByLabel('Redis feature store', { exact: true })
        await redisInput.locator('xpath=..').getByRole('button', { name: 'Save' }).click()
        await page.getByRole('link', { name: 'Dashboard' }).click()
        await expect
          .poll(() => page.getByTestId('backend-state-redis').textContent(), { timeout: 20_000 })
          .toBe('reachable')
        await page.close()
      },
    )

    it('a changed default survives a reload; offline mode answers the Test buttons without contacting anything', async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } })
      await page.goto(`${served.url}#/settings`)
      const margin = page.getByLabel(/^Margin method/)
      await margin.waitFor()
      expect(await margin.inputValue()).toBe('shin')
      await margin.selectOption('power')
      await page.getByText('Saved: Power.').waitFor()
      const promotion = page.getByLabel(/^Promotion margin/)
      await promotion.fill('0.002')
      await promotion.locator('xpath=..').getByRole('button', { name: 'Save' }).click()
      await page.getByText('Saved: used by the next pipeline run.').waitFor()

      await page.reload()
      await page.getByLabel(/^Margin method/).waitFor()
      expect(await page.getByLabel(/^Margin method/).inputValue()).toBe('power')
      expect(await page.getByLabel(/^Promotion margin/).inputValue()).toBe('0.002')
      expect(await page.locator('label[for="setting-marginMethod"]').textContent()).toContain('(saved here)')
      // the data folder in use is shown, with its source
      expect(await page.getByTestId('data-folder').textContent()).toBe(served.home)

      // offline mode: the Test buttons say so instead of connecting
      const offline = page.getByLabel(/Never touch the network/)
      await offline.check()
      await expect
        .poll(() => page.getByTestId('offline-state').textContent())
        .toMatch(/^Offline mode is on: downloads, Postgres sync, MLflow and Redis are not contacted/)
      const port = await closedPort()
      expect(await test(page, 'Redis feature store', `redis://127.0.0.1:${port}`)).toMatch(
        /^Offline mode is on: testing the Redis connection needs the network/,
      )
      const info = await fetch(`${served.origin}/api/app.info`, {
        method: 'POST',
        headers: { 'x-scoreline-token': served.token, 'content-type': 'application/json' },
        body: '{}',
      })
      expect((await info.json()).value.offline).toBe(true)
      await page.screenshot({
        path: path.join(repoRoot, 'e2e', 'screenshots', 'settings-offline.png'),
        fullPage: true,
      })

      await page.reload()
      await page.getByLabel(/Never touch the network/).waitFor()
      expect(await page.getByLabel(/Never touch the network/).isChecked()).toBe(true)
      await page.getByLabel(/Never touch the network/).uncheck()
      await expect
        .poll(() => page.getByTestId('offline-state').textContent())
        .toMatch(/^Scoreline contacts the services/)
      expect(await test(page, 'Redis feature store', `redis://127.0.0.1:${port}`)).toMatch(
        /^Unreachable .*(ECONNREFUSED|refused)/,
      )
      await page.close()
    })
  },
)
