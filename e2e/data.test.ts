/**
 * End to end on the Data screen: import two real season files through the browser's file input,
 * see them counted, filter the matches table, and see a malformed file rejected whole.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../test/support/sharedData'
import { buildApp, CHROMIUM, CHROMIUM_ARGS, repoRoot, serve, type Served } from './support/serve'
import { startFootballDataServer } from '../main/services/data/testing/footballDataServer'

const dataDir = footballDataDir()
const runnable = existsSync(CHROMIUM) && dataDir !== undefined
if (!runnable)
  console.warn(`[skipped] data e2e: ${!dataDir ? SHARED_DATA_SKIP_REASON : `no Chromium at ${CHROMIUM}`}`)

describe.skipIf(!runnable)('Data screen in the browser bridge', () => {
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

  it('imports two leagues, lists them and filters matches by team', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await page.goto(`${served.url}#/data`)
    await page.getByTestId('no-data').waitFor()
    await page
      .getByTestId('import-input')
      .setInputFiles([
        path.join(dataDir!, 'E0', 'E0_2023-24.csv'),
        path.join(dataDir!, 'SP1', 'SP1_2023-24.csv'),
      ])
    await page.getByTestId('import-results').waitFor()
    const results = await page.getByTestId('import-results').textContent()
    expect(results).toContain('E0_2023-24.csv: E0 2023-24 — 380 inserted')
    expect(results).toContain('SP1_2023-24.csv: SP1 2023-24 — 380 inserted')
    await expect.poll(() => page.getByTestId('leagues-table').locator('tbody tr').count()).toBe(2)
    await expect.poll(() => page.getByTestId('matches-count').textContent()).toBe('760 matches')

    await page.getByRole('searchbox', { name: 'Team' }).fill('Arsenal')
    await expect.poll(() => page.getByTestId('matches-count').textContent()).toBe('38 matches')
    expect(await page.getByTestId('matches-table').textContent()).toContain('Arsenal')

    const dir = path.join(repoRoot, 'e2e', 'screenshots')
    mkdirSync(dir, { recursive: true })
    await page.screenshot({ path: path.join(dir, 'data.png'), fullPage: true })
    await page.close()
  })

  it('downloads a season range from a loopback football-data server, then finds it unchanged', async () => {
    const server = await startFootballDataServer(dataDir!)
    const own = await serve({ SCORELINE_FOOTBALL_DATA_URL: server.url })
    try {
      const page = await browser.newPage()
      await page.goto(`${own.url}#/data`)
      await page.getByLabel('League', { exact: true }).first().waitFor()
      const form = page.locator('form', { has: page.getByRole('button', { name: 'Download' }) })
      await form.getByLabel('League').fill('D1')
      await form.getByLabel('Seasons (one, or a range)').fill('2022-23..2023-24')
      await form.getByRole('button', { name: 'Download' }).click()
      await page.getByTestId('download-results').waitFor({ timeout: 60_000 })
      expect(await page.getByTestId('download-results').textContent()).toMatch(
        /D1 2022-23: imported — 306 inserted.*D1 2023-24: imported — 306 inserted/s,
      )
      await form.getByRole('button', { name: 'Download' }).click()
      await expect
        .poll(() => page.getByTestId('download-results').textContent())
        .toMatch(/2022-23: unchanged on the server.*2023-24: unchanged on the server/s)
      await page.close()
    } finally {
      await own.stop()
      await server.close()
    }
  })

  it('rejects a malformed file whole and names file, line and field', async () => {
    const bad = path.join(os.tmpdir(), `scoreline-bad-${process.pid}.csv`)
    writeFileSync(bad, 'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR\nE0,12/08/2023,Arsenal,Chelsea,x,1,H\n')
    const page = await browser.newPage()
    await page.goto(`${served.url}#/data`)
    await page.getByTestId('import-input').setInputFiles(bad)
    await page.getByTestId('import-results').waitFor()
    expect(await page.getByTestId('import-results').textContent()).toMatch(
      /rejected, nothing imported .*:2: FTHG "x" is not a number/,
    )
    await page.close()
  })
})
