/**
 * End to end on the Training screen: with three Premier League seasons imported, train from the
 * screen, watch live progress and log lines arrive as events, and find the run in the history with
 * its per-league outcome; then change the weekly schedule.
 */
import { existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../test/support/sharedData'
import { buildApp, CHROMIUM, CHROMIUM_ARGS, repoRoot, serve, type Served } from './support/serve'

const dataDir = footballDataDir()
const runnable = existsSync(CHROMIUM) && dataDir !== undefined
if (!runnable)
  console.warn(`[skipped] training e2e: ${!dataDir ? SHARED_DATA_SKIP_REASON : `no Chromium at ${CHROMIUM}`}`)

describe.skipIf(!runnable)('Training screen in the browser bridge', () => {
  let served: Served
  let browser: Browser

  beforeAll(async () => {
    buildApp()
    served = await serve()
    const response = await fetch(`${served.origin}/api/data.importCsv`, {
      method: 'POST',
      headers: { 'x-scoreline-token': served.token, 'content-type': 'application/json' },
      body: JSON.stringify({
        files: ['2021-22', '2022-23', '2023-24'].map((s) => ({
          path: path.join(dataDir!, 'E0', `E0_${s}.csv`),
        })),
      }),
    })
    expect((await response.json()).ok).toBe(true)
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  })
  afterAll(async () => {
    await browser?.close()
    await served?.stop()
  })

  it('trains from the screen with live progress, then lists the run', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } })
    await page.goto(`${served.url}#/training`)
    await page.getByRole('button', { name: 'Train now' }).click()
    await page.getByTestId('training-progress').waitFor()
    await page.getByTestId('training-log').waitFor({ timeout: 60_000 })
    const history = page.getByTestId('training-history')
    await expect.poll(() => history.textContent(), { timeout: 120_000, interval: 500 }).toMatch(/succeeded/)
    expect(await history.textContent()).toContain('manual')
    await history.getByRole('button').first().click()
    expect(await history.textContent()).toMatch(/E0.*scoreline-E0 v1/s)

    const dir = path.join(repoRoot, 'e2e', 'screenshots')
    mkdirSync(dir, { recursive: true })
    await page.screenshot({ path: path.join(dir, 'training.png'), fullPage: true })

    await page.getByLabel('Cron expression').fill('30 7 * * 2')
    await page.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => page.getByTestId('schedule-description').textContent()).toMatch(/07:30|Tue/i)
    await page.close()
  }, 180_000)
})
