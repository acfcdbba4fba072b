/**
 * End to end on the Experiments and Models screens: import two leagues of real seasons, run the training
 * pipeline twice through the contract (the second run on the same data registers challengers), see the runs
 * in the table, select three and compare them (differing params highlighted, best metric marked, histories
 * drawn), then promote a challenger on the Models screen and see the Dashboard's champion change.
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
  console.warn(
    `[skipped] experiments e2e: ${!dataDir ? SHARED_DATA_SKIP_REASON : `no Chromium at ${CHROMIUM}`}`,
  )

const SEASONS = ['2021-22', '2022-23', '2023-24']
const LEAGUES = ['E0', 'D1']

describe.skipIf(!runnable)('Experiments and Models screens in the browser bridge', () => {
  let served: Served
  let browser: Browser
  const shots = path.join(repoRoot, 'e2e', 'screenshots')

  const call = async (name: string, input: unknown) => {
    const response = await fetch(`${served.origin}/api/${name}`, {
      method: 'POST',
      headers: { 'x-scoreline-token': served.token, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    })
    const body = (await response.json()) as { ok: boolean; value?: unknown; error?: { message: string } }
    if (!body.ok) throw new Error(`${name}: ${body.error?.message}`)
    return body.value as Record<string, unknown>
  }

  beforeAll(async () => {
    buildApp()
    // the local tracking store: the table then holds exactly this test's runs
    served = await serve({ MLFLOW_TRACKING_URI: '' })
    await call('data.importCsv', {
      files: LEAGUES.flatMap((league) =>
        SEASONS.map((s) => ({ path: path.join(dataDir!, league, `${league}_${s}.csv`) })),
      ),
    })
    for (let i = 0; i < 2; i++) {
      // the second run is forced: on unchanged data and settings the pipeline registers nothing (#20)
      const out = await call('training.runPipeline', { leagues: LEAGUES, wait: true, force: i > 0 })
      const run = out.run as { state: string; summary: string }
      expect(run.state, run.summary).toBe('succeeded')
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
    mkdirSync(shots, { recursive: true })
  }, 600_000)
  afterAll(async () => {
    await browser?.close()
    await served?.stop()
  })

  it('shows the runs, compares three, promotes a challenger and the Dashboard follows', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${served.url}#/experiments`)

    // four pipeline (parent) runs: two leagues × two executions; nested runs are hidden by default
    const rows = page.getByTestId('run-row')
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(4)
    expect(await page.getByTestId('runs-count').textContent()).toMatch(/^4 of 16 runs/)
    await page.getByLabel('Nested runs').check()
    await expect.poll(() => page.getByTestId('runs-count').textContent()).toMatch(/^16 of 16 runs/)
    await page.getByLabel('Nested runs').uncheck()

    // the query language filters in place
    await page.getByTestId('run-query').fill('league = D1')
    await expect.poll(() => rows.count()).toBe(2)
    await page.getByTestId('run-query').fill('')
    await expect.poll(() => rows.count()).toBe(4)

    for (let i = 0; i < 3; i++) await rows.nth(i).getByRole('checkbox').check()
    await page.getByTestId('compare-button').click()
    const comparison = page.getByTestId('comparison')
    await comparison.waitFor()
    expect(await comparison.textContent()).toContain('Comparing 3 runs')
    // the three runs span both leagues: `league` differs, the margin method does not
    expect(await page.getByTestId('param-league').getAttribute('data-differs')).toBe('true')
    expect(await page.getByTestId('param-margin_method').getAttribute('data-differs')).toBe('false')
    expect(await page.getByTestId('metric-rps').locator('td[data-best]').count()).toBe(1)
    // ξ search: ten steps per run, one line per run
    expect(await page.getByTestId('history-chart').count()).toBe(1)
    expect(await page.getByTestId('history-series').count()).toBe(3)
    expect(await page.getByTestId('parallel-line').count()).toBe(3)
    await page.screenshot({ path: path.join(shots, 'experiments-compare.png'), fullPage: true })
    await page.getByTestId('differences-only').check()
    expect(await page.getByTestId('param-margin_method').count()).toBe(0)

    // open a run's artifacts inside the app
    await rows.first().getByRole('button').click()
    const detail = page.getByTestId('run-detail')
    await detail.getByRole('button', { name: 'reliability.svg' }).click()
    await detail.locator('img.artifact-image').waitFor()
    await page.screenshot({ path: path.join(shots, 'experiments-artifact.png'), fullPage: true })

    // Models: E0's second version did not beat the first on the same matches → challenger
    await page.getByRole('link', { name: 'Models' }).click()
    await page.getByTestId('models-table').waitFor()
    await page.getByRole('button', { name: 'scoreline-E0' }).click()
    const v2 = page.getByTestId('version-2')
    await v2.waitFor()
    expect(await v2.textContent()).toContain('challenger')
    await page.getByTestId('promote-2').click()
    const dialog = page.getByTestId('promotion-dialog')
    expect(await dialog.textContent()).toContain('moves from v1 to v2')
    expect(await dialog.getByTestId('promotion-comparison').textContent()).toContain('same matches')
    // "same matches" only with the same n on both sides (#20)
    expect(await dialog.getByTestId('target-n').textContent()).toBe(
      await dialog.getByTestId('champion-n').textContent(),
    )
    await page.screenshot({ path: path.join(shots, 'models-confirm.png'), fullPage: true })
    await dialog.getByLabel(/Reason/).fill('e2e: promote the challenger')
    await page.getByTestId('confirm-promotion').click()
    await page.getByTestId('promotion-notice').waitFor()
    await expect
      .poll(() => page.getByTestId('model-scoreline-E0').getByTestId('model-champion').textContent())
      .toBe('v2')
    expect(await page.getByTestId('promotion-history').textContent()).toContain('e2e: promote the challenger')
    await page.screenshot({ path: path.join(shots, 'models.png'), fullPage: true })

    await page.getByRole('link', { name: 'Dashboard' }).click()
    const champion = page.getByTestId('champion-E0')
    await champion.waitFor()
    expect(await champion.textContent()).toContain('scoreline-E0 v2')
    expect(await page.getByTestId('champion-D1').textContent()).toContain('scoreline-D1 v1')
    await page.screenshot({ path: path.join(shots, 'dashboard-champions.png'), fullPage: true })
    // the Dashboard's champion opens that model on the Models screen; the OS's dark theme is followed
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.getByRole('button', { name: 'scoreline-D1 v1' }).click()
    await page.getByTestId('model-detail').getByRole('heading', { name: 'scoreline-D1' }).waitFor()
    await page.screenshot({ path: path.join(shots, 'models-dark.png'), fullPage: true })
    await page.getByRole('link', { name: 'Experiments' }).click()
    await page.getByTestId('run-row').first().waitFor()
    await page.screenshot({ path: path.join(shots, 'experiments-dark.png'), fullPage: true })
    expect(errors).toEqual([])
    await page.close()
  }, 120_000)
})
