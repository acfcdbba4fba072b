/**
 * End to end on the Features screen: import three Premier League seasons, open Features (empty), run the
 * training pipeline through the bridge (`training.runPipeline`; the promotion builds team_ratings and
 * team_form in the local feature store; the open screen refreshes on training.finished) and read real values: the active versions and their
 * lineage (the champion's model version and run), the league table and chart, one team now and across
 * versions after a rebuild, the store figures and the validation reports.
 */
import { existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../test/support/sharedData'
import { apiCaller, buildApp, CHROMIUM, CHROMIUM_ARGS, repoRoot, serve, type Served } from './support/serve'

const dataDir = footballDataDir()
const runnable = existsSync(CHROMIUM) && dataDir !== undefined
if (!runnable)
  console.warn(`[skipped] features e2e: ${!dataDir ? SHARED_DATA_SKIP_REASON : `no Chromium at ${CHROMIUM}`}`)

describe.skipIf(!runnable)('Features screen in the browser bridge', () => {
  let served: Served
  let browser: Browser
  let run: {
    state: string
    features: { rebuilt: boolean; views: string[] }
    leagues: { league: string; version: string | null; runId: string | null }[]
  }

  const callApi = <T>(name: string, input: unknown) => apiCaller(served)<T>(name, input)

  beforeAll(async () => {
    buildApp()
    // Local stores only: the pipeline's own feature store would write the shared Redis' default keys.
    served = await serve({ REDIS_URL: '', MLFLOW_TRACKING_URI: '', DATABASE_URL: '' })
    await callApi('data.importCsv', {
      files: ['2021-22', '2022-23', '2023-24'].map((s) => ({
        path: path.join(dataDir!, 'E0', `E0_${s}.csv`),
      })),
    })
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  }, 240_000)
  afterAll(async () => {
    await browser?.close()
    await served?.stop()
  })

  it('shows the views the pipeline built, the league, a team across versions, the store and the reports', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
    const consoleErrors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text())
    })
    await page.goto(`${served.url}#/features`)
    const dir = path.join(repoRoot, 'e2e', 'screenshots')
    mkdirSync(dir, { recursive: true })

    // before any model: the empty state says how to get features
    await page.getByTestId('features-empty').waitFor()
    expect(await page.getByTestId('features-empty').textContent()).toContain('scoreline pipeline run')
    await page.screenshot({ path: path.join(dir, 'features-empty.png'), fullPage: true })

    // the pipeline promotes a champion and builds the views; the open screen refreshes on training.finished
    run = (await callApi<{ run: typeof run }>('training.runPipeline', { leagues: ['E0'], wait: true })).run
    expect(run.state).toBe('succeeded')
    expect(run.features.rebuilt).toBe(true)
    const champion = run.leagues[0]

    // views, versions, lineage: the champion that produced them
    await page.getByTestId('active-team_ratings').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('active-team_ratings').textContent()).toBe('active @1')
    const v1 = page.getByTestId('version-team_ratings-1')
    expect(await v1.getByTestId('lineage-model').textContent()).toBe(`E0@${champion.version}`)
    expect(await v1.textContent()).toContain(champion.runId!.slice(0, 12))
    expect(await v1.textContent()).toContain('scoreline:pipeline')

    // the league: every team of the three seasons, sortable, and the chart with whiskers
    const table = page.getByTestId('league-table')
    await table.waitFor()
    const teams = await table.locator('tbody tr').count()
    expect(teams).toBeGreaterThanOrEqual(20)
    const firstTeam = async () => (await table.locator('tbody tr th').first().textContent())?.trim()
    const topAttack = await firstTeam() // sorted by attack, strongest first
    expect(['Man City', 'Arsenal', 'Liverpool']).toContain(topAttack)
    await table.getByRole('button', { name: /^attack [▲▼]$/ }).click()
    expect(await firstTeam()).not.toBe(topAttack) // now weakest attack first
    const points = await page.getByTestId('ratings-chart').locator('.fs-point').count()
    expect(points).toBeGreaterThanOrEqual(20)
    expect(points).toBeLessThanOrEqual(teams)
    expect(await page.getByTestId('ratings-chart').locator('.whisker').count()).toBeGreaterThanOrEqual(20)

    // rebuild from the champion: a second version, so the team has a history
    await page.getByRole('button', { name: 'Rebuild from champions' }).click()
    await expect
      .poll(() =>
        page
          .getByTestId('rebuild-result')
          .textContent()
          .catch(() => ''),
      )
      .toContain('team_ratings@2, team_form@2')
    await expect.poll(() => page.getByTestId('active-team_ratings').textContent()).toBe('active @2')

    // keyboard: the chart's points are buttons (the table's team names are too)
    await page.getByTestId('point-Arsenal').focus()
    await page.keyboard.press('Enter')
    const team = page.getByTestId('team-features')
    await team.waitFor()
    const attack = team.getByTestId('feature-team_ratings-attack')
    const current = Number(await attack.getByTestId('current-value').textContent())
    expect(current).toBeGreaterThan(0.1) // Arsenal score more than the average side
    expect(current).toBeLessThan(1)
    expect(await attack.textContent()).toContain('-5 … 5')
    expect(await attack.locator('.fs-spark').count()).toBe(1) // @1 and @2
    const ppg = Number(
      await team.getByTestId('feature-team_form-points_per_game').getByTestId('current-value').textContent(),
    )
    expect(ppg).toBeGreaterThanOrEqual(0)
    expect(ppg).toBeLessThanOrEqual(3)

    // store figures and reports
    expect(await page.getByTestId('fs-backend').textContent()).toMatch(/^local SQLite at .*features\.sqlite$/)
    await page.getByRole('button', { name: 'Refresh' }).click()
    await expect.poll(() => page.getByTestId('fs-reads').textContent()).toMatch(/hit rate \d+\.\d%/)
    expect(await page.getByTestId('fs-last-write').textContent()).toContain('scoreline:features-rebuild')
    expect(await page.getByTestId('validation-reports').locator('[data-testid="report-row"]').count()).toBe(4)

    await page.screenshot({ path: path.join(dir, 'features.png'), fullPage: true })
    expect(consoleErrors).toEqual([])
    await page.close()
  })
})
