/**
 * End to end on the Jackpots screen: with four Premier League seasons imported, paste a 13-fixture
 * ticket (one misspelt team, fixed with a suggestion), save it, and read every probability, the
 * explanation waterfall and the coupon summary; then change a pick and see the summary move.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../test/support/sharedData'
import { buildApp, CHROMIUM, CHROMIUM_ARGS, repoRoot, serve, type Served } from './support/serve'

const dataDir = footballDataDir()
const runnable = existsSync(CHROMIUM) && dataDir !== undefined
if (!runnable)
  console.warn(`[skipped] jackpots e2e: ${!dataDir ? SHARED_DATA_SKIP_REASON : `no Chromium at ${CHROMIUM}`}`)

const TICKET = [
  'Arsenal v Chelsea 2.10 3.50 3.40',
  'Liverpool v Manchester Utd',
  'Man City v Tottenhm',
  'Newcastle v Aston Villa',
  'Brighton v West Ham',
  'Everton v Fulham',
  'Brentford v Crystal Palace',
  "Wolves v Nott'm Forest",
  'Bournemouth v Chelsea',
  'Tottenham v Arsenal',
  'Man United v Man City',
  'Aston Villa v Liverpool',
  'West Ham v Newcastle',
].join('\n')

describe.skipIf(!runnable)('Jackpots screen in the browser bridge', () => {
  let served: Served
  let browser: Browser

  beforeAll(async () => {
    buildApp()
    served = await serve()
    const response = await fetch(`${served.origin}/api/data.importCsv`, {
      method: 'POST',
      headers: { 'x-scoreline-token': served.token, 'content-type': 'application/json' },
      body: JSON.stringify({
        files: ['2020-21', '2021-22', '2022-23', '2023-24'].map((s) => ({
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

  it('builds a ticket from pasted text and explains every fixture', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true })
    await page.goto(`${served.url}#/jackpots`)
    await page.getByRole('button', { name: 'New jackpot' }).click()
    await page.getByLabel('Name').fill('Midweek 13')
    await page.getByTestId('fixtures-text').fill(TICKET)
    // "Tottenhm" does not resolve: a suggestion fixes it
    const suggestion = page.getByRole('button', { name: 'Tottenhm → Tottenham?' })
    await suggestion.waitFor()
    await suggestion.click()
    const save = page.getByRole('button', { name: 'Save 13 fixtures' })
    await expect.poll(() => save.isEnabled()).toBe(true)
    await save.click()

    await page.getByTestId('jackpot-analysis').waitFor({ timeout: 60_000 })
    expect(
      await page.getByTestId('fixtures-table').locator('tbody > tr[data-testid^="fixture-"]').count(),
    ).toBe(13)
    const expected = await page.getByTestId('expected-correct').textContent()
    expect(expected).toMatch(/^\d+\.\d\d of 13$/)
    expect(await page.getByTestId('prize-tiers').textContent()).toContain('all 13')

    await page.getByRole('button', { name: 'Arsenal v Chelsea' }).click()
    const detail = page.getByTestId('explanation-1')
    await detail.waitFor()
    expect(await detail.textContent()).toMatch(/margin .* removed with the shin method/)
    expect(await detail.getByTestId('waterfall').count()).toBe(1)

    const dir = path.join(repoRoot, 'e2e', 'screenshots')
    mkdirSync(dir, { recursive: true })
    await page.screenshot({ path: path.join(dir, 'jackpots.png'), fullPage: true })

    // plan a 4-ticket budget: more than one combination's worth of cover, never more than 4 tickets
    const planner = page.getByTestId('ticket-planner')
    await planner.getByLabel('Budget (combinations)').fill('4')
    await planner.getByRole('button', { name: 'Plan' }).click()
    await planner.getByTestId('plan-summary').waitFor()
    expect(await planner.getByTestId('plan-summary').textContent()).toMatch(
      /^[1-4] combinations?: chance one is fully right/,
    )
    expect(await planner.getByTestId('plan-curve').count()).toBe(1)

    // export the CSV and read it back
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('Midweek_13.csv')
    const csv = readFileSync((await download.path())!, 'utf8')
    const lines = csv.split('\r\n')
    expect(lines[0]).toContain('final_home')
    expect(lines.filter((l) => /^\d+,E0,/.test(l))).toHaveLength(13)

    const before = await page.getByTestId('p-all').textContent()
    await page.getByLabel('Pick for Liverpool v Man United').selectOption('HD')
    await expect.poll(() => page.getByTestId('p-all').textContent()).not.toBe(before)
    await page.close()
  })
})
