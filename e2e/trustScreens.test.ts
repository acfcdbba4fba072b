/**
 * End to end for #20's screens, in Chromium through the browser bridge, on simulated seasons (invented clubs,
 * seeded prices): two pipeline runs of E0 (Dixon-Coles, then Poisson) give a champion and a second version,
 * and a jackpot is saved. Then every screen is visited three ways — light, Dark chosen in Settings while the OS
 * prefers light, and 1024 px wide — asserting the theme applied and that no page scrolls sideways; plus the
 * Experiments comparison's ★ (never on a count), the promote dialog's n (equal on both sides when it says "same
 * matches"), the market on the Model health charts and the jackpot prize tiers. Screenshots go to
 * e2e/screenshots/trust-*.png.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  promotionSeasons,
  simulatedSeasonCsv,
  SIMULATED_TEAM_NAMES,
} from '../main/services/data/testing/simulatedSeasonCsv'
import os from 'node:os'
import { apiCaller, buildApp, CHROMIUM, CHROMIUM_ARGS, repoRoot, serve, type Served } from './support/serve'

const runnable = existsSync(CHROMIUM)
if (!runnable) console.warn(`[skipped] trust-screens e2e: no Chromium at ${CHROMIUM}`)

/** Every page of the sidebar, with an element that says it has loaded. */
const SCREENS: { id: string; ready: string; prepare?: (page: Page) => Promise<void> }[] = [
  { id: 'dashboard', ready: '[data-testid="champions-table"]' },
  { id: 'data', ready: 'h1' },
  { id: 'training', ready: 'h1' },
  {
    id: 'jackpots',
    ready: '.jackpot-list button',
    prepare: async (page) => {
      const first = page.locator('.jackpot-list button').first()
      if ((await first.getAttribute('aria-pressed')) !== 'true') await first.click()
      await page.getByTestId('jackpot-analysis').waitFor({ timeout: 30_000 })
    },
  },
  { id: 'models', ready: '[data-testid="model-detail"]' },
  { id: 'experiments', ready: '[data-testid="runs-table"]' },
  { id: 'features', ready: 'h1' },
  { id: 'fixtures', ready: 'h1' },
  { id: 'health', ready: '[data-testid="health-report"]' },
  { id: 'settings', ready: 'h1' },
]

describe.skipIf(!runnable)('#20 screens: themes, 1024 px, ★best, promote dialog, health, prize tiers', () => {
  let served: Served
  let browser: Browser
  const shots = path.join(repoRoot, 'e2e', 'screenshots')

  const callApi = <T>(name: string, input: unknown) => apiCaller(served)<T>(name, input)

  beforeAll(async () => {
    buildApp()
    // local stores only (the shared MLflow and Redis belong to other suites)
    served = await serve({ REDIS_URL: '', MLFLOW_TRACKING_URI: '', DATABASE_URL: '' })
    const dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-e2e-trust-'))
    const files = promotionSeasons(11)
      .filter((s) => s.league === 'E0')
      .map((s) => {
        const file = path.join(dir, `${s.league}_${s.startYear}.csv`)
        writeFileSync(file, simulatedSeasonCsv(s))
        return { path: file }
      })
    await callApi('data.importCsv', { files })
    for (const model of ['dixon-coles', 'poisson'] as const) {
      const { run } = await callApi<{ run: { state: string } }>('training.runPipeline', {
        leagues: ['E0'],
        wait: true,
        model,
      })
      expect(run.state).toBe('succeeded')
    }
    await callApi('jackpots.create', {
      name: 'Midweek 6',
      provider: 'Invented Pools',
      league: 'E0',
      fixtures: [
        [0, 1],
        [2, 3],
        [4, 5],
        [6, 7],
        [8, 9],
        [10, 11],
      ].map(([h, a]) => ({ home: SIMULATED_TEAM_NAMES[h], away: SIMULATED_TEAM_NAMES[a] })),
    })
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
    mkdirSync(shots, { recursive: true })
  }, 600_000)
  afterAll(async () => {
    await browser?.close()
    await served?.stop()
  })

  const open = async (page: Page, screen: (typeof SCREENS)[number]) => {
    await page.goto(`${served.url}#/${screen.id}`)
    await page.locator(screen.ready).first().waitFor({ timeout: 30_000 })
    await screen.prepare?.(page)
    await page.waitForTimeout(300) // charts and late panels settle
  }
  const horizontalOverflow = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  const luminance = (rgb: string) => {
    const [r, g, b] = (rgb.match(/\d+/g) ?? ['0', '0', '0']).map(Number)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
  }

  it('every screen in light, in dark with a light OS, and at 1024 px without sideways scroll', async () => {
    const setTheme = (theme: 'light' | 'dark' | 'system') =>
      callApi('settings.set', { key: 'theme', value: theme })
    const variants = [
      { name: 'light', theme: 'light' as const, width: 1360 },
      { name: 'dark', theme: 'dark' as const, width: 1360 },
      { name: '1024', theme: 'system' as const, width: 1024 },
    ]
    const sideways: string[] = []
    for (const v of variants) {
      await setTheme(v.theme)
      const context = await browser.newContext({
        viewport: { width: v.width, height: 900 },
        colorScheme: 'light',
      })
      const page = await context.newPage()
      await page.emulateMedia({ colorScheme: 'light' })
      for (const screen of SCREENS) {
        await open(page, screen)
        if (v.theme !== 'system')
          await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(v.theme)
        const bg = luminance(
          await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor),
        )
        if (v.theme === 'dark') expect(bg, `${screen.id} background in dark`).toBeLessThan(60)
        else expect(bg, `${screen.id} background in light`).toBeGreaterThan(200)
        const overflow = await horizontalOverflow(page)
        if (overflow > 0) sideways.push(`${screen.id} at ${v.width} px (${v.name}): ${overflow} px`)
        await page.screenshot({ path: path.join(shots, `trust-${screen.id}-${v.name}.png`), fullPage: true })
      }
      await context.close()
    }
    expect(sideways, 'pages that scroll sideways').toEqual([])
  }, 300_000)

  it('the Dark setting chosen on the Settings screen applies while the OS prefers light', async () => {
    await callApi('settings.set', { key: 'theme', value: 'system' })
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' })
    await page.emulateMedia({ colorScheme: 'light' })
    await page.goto(`${served.url}#/settings`)
    await page.getByRole('radio', { name: 'Dark' }).click()
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)
    expect(luminance(bg)).toBeLessThan(60)
    expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: light)').matches)).toBe(true)
    await page.screenshot({ path: path.join(shots, 'trust-settings-dark-chosen.png'), fullPage: true })
    await page.getByRole('radio', { name: 'Follow the system' }).click()
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme ?? null)).toBeNull()
    expect(
      luminance(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)),
    ).toBeGreaterThan(200)
    await page.close()
  })

  it('Experiments: RPS and market RPS first beside readable run labels; no ★ on counts in a comparison', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 900 } })
    await page.goto(`${served.url}#/experiments`)
    await page.getByTestId('run-row').first().waitFor()
    const headers = await page.getByTestId('runs-table').getByRole('columnheader').allTextContents()
    expect(headers.slice(1, 4).map((h) => h.replace(/[▲▼]/g, '').trim())).toEqual([
      'Run',
      'RPS',
      'Market RPS',
    ])
    const label = await page.getByTestId('run-label').first().textContent()
    expect(label).toMatch(/^E0 · (dixon-coles|poisson) · /)
    const durations = await page.getByTestId('run-duration').allTextContents()
    expect(durations.every((d) => d === '—' || /^\d/.test(d))).toBe(true)
    // durations are real: each stage's run starts when its work started, inside its pipeline run
    const { runs } = await callApi<{
      runs: { runId: string; parentRunId: string | null; startTime: number; endTime: number | null }[]
    }>('tracking.searchRuns', {})
    const parents = new Map(runs.filter((r) => !r.parentRunId).map((r) => [r.runId, r]))
    expect(parents.size).toBeGreaterThan(0)
    for (const p of parents.values()) expect(p.endTime! - p.startTime).toBeGreaterThan(0)
    for (const child of runs.filter((r) => r.parentRunId)) {
      const parent = parents.get(child.parentRunId!)!
      expect(child.startTime).toBeGreaterThanOrEqual(parent.startTime)
      expect(child.endTime! - child.startTime).toBeLessThanOrEqual(parent.endTime! - parent.startTime)
    }
    // the key columns stay in view when the table scrolls sideways
    const scroller = page.locator('.runs-scroll')
    await scroller.evaluate((el) => (el.scrollLeft = el.scrollWidth))
    const rpsCell = page.getByTestId('run-row').first().locator('.pinned.num').first()
    const box = await rpsCell.boundingBox()
    const area = await scroller.boundingBox()
    expect(box!.x).toBeGreaterThanOrEqual(area!.x)
    expect(box!.x + box!.width).toBeLessThanOrEqual(area!.x + area!.width)
    await page.screenshot({ path: path.join(shots, 'trust-experiments-scrolled-1024.png'), fullPage: true })

    await scroller.evaluate((el) => (el.scrollLeft = 0))
    const boxes = page.getByTestId('run-row').locator('input[type=checkbox]')
    await boxes.nth(0).check()
    await boxes.nth(1).check()
    await page.getByTestId('compare-button').click()
    const metrics = page.getByTestId('compare-metrics')
    await metrics.waitFor()
    const starred = await metrics
      .locator('tr')
      .evaluateAll((rows) =>
        rows
          .filter((r) => r.querySelector('[data-best]'))
          .map((r) => r.getAttribute('data-testid')!.replace(/^metric-/, '')),
      )
    expect(starred.length).toBeGreaterThan(0)
    for (const key of starred)
      expect(key, `★ on ${key}`).not.toMatch(/(^|_)(n|rows|alpha|iterations|served)$|log_likelihood/)
    expect(await metrics.getByTestId('metric-rps').getAttribute('data-testid')).toBe('metric-rps')
    expect(await metrics.getByTestId('metric-rps').locator('th').getAttribute('title')).toBe(
      'lower is better',
    )
    const counts = await metrics.locator('tr[data-testid$="_n"] [data-best]').count()
    expect(counts).toBe(0)
    await page
      .getByTestId('comparison')
      .screenshot({ path: path.join(shots, 'trust-experiments-comparison.png') })
    await page.close()
  })

  it('Models: the promote dialog shows n for both, equal when it says "same matches"; RPS says which forecast', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 900 } })
    await page.goto(`${served.url}#/models`)
    await page.getByTestId('models-table').waitFor()
    expect(await page.getByTestId('models-table').getByTestId('rps-forecast').first().textContent()).toMatch(
      /^served: (market \(blend off\)|model \(no market\)|blend \(α [\d.]+\))/,
    )
    await page.getByTestId('model-detail').waitFor()
    const promote = page.locator('[data-testid^="promote-"]').first()
    await promote.click()
    const dialog = page.getByTestId('promotion-dialog')
    await dialog.waitFor()
    const championN = await dialog.getByTestId('champion-n').textContent()
    const targetN = await dialog.getByTestId('target-n').textContent()
    const verdict = await dialog.getByTestId('match-set').textContent()
    expect(championN).toMatch(/^\d+ matches$/)
    expect(targetN).toMatch(/^\d+ matches$/)
    if (verdict === 'same matches') expect(targetN).toBe(championN)
    else expect(await dialog.getByTestId('window-warning').isVisible()).toBe(true)
    await page.screenshot({ path: path.join(shots, 'trust-models-promote-dialog-1024.png'), fullPage: true })
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
    await page.getByRole('button', { name: 'Cancel' }).click()
    // decisions: a label, a short sentence, the detail one click away
    const decision = page.getByTestId('decision').first()
    expect((await decision.getByTestId('decision-label').textContent())!.length).toBeGreaterThan(0)
    await page.close()
  })

  it('Model health: the market is on the reliability chart and its rolling line is drawn on top', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 900 } })
    await page.goto(`${served.url}#/health`)
    await page.getByTestId('health-report').waitFor({ timeout: 30_000 })
    const reliability = page.getByTestId('reliability-evaluation')
    expect(await reliability.getByTestId('reliability-market').locator('circle').count()).toBeGreaterThan(0)
    expect(await reliability.getByTestId('ece-market').textContent()).toMatch(/^\s*Market ECE \d\.\d{4}/)
    const paths = await page
      .getByTestId('rolling-chart')
      .locator('path[data-testid^="rolling-"]')
      .evaluateAll((ps) => ps.map((p) => p.getAttribute('data-testid')))
    if (paths.length > 0) expect(paths.at(-1)).toBe('rolling-market')
    await page.screenshot({ path: path.join(shots, 'trust-health-market-1024.png'), fullPage: true })
    await page.close()
  })

  it('Jackpots: prize tiers as the provider pays, with "1 in N", stored for the provider', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 900 } })
    await page.goto(`${served.url}#/jackpots`)
    await page.locator('.jackpot-list button').first().click()
    const tiers = page.getByTestId('prize-tiers')
    await tiers.waitFor({ timeout: 30_000 })
    expect(await tiers.getByTestId('tier-0').textContent()).toMatch(/all 6 right.*1 in [\d,.]+/)
    await tiers.getByText('Change the tiers Invented Pools pays').click()
    await tiers.getByLabel('n−1').click()
    await tiers.getByRole('button', { name: 'Save tiers' }).click()
    await tiers.getByTestId('tier-1').waitFor()
    expect(await tiers.getByTestId('tier-1').textContent()).toMatch(/5 of 6 \(n−1\).*1 in [\d,.]+/)
    const settings = await callApi<{ jackpotPrizeTiers: Record<string, number[]> }>('settings.get', {})
    expect(settings.jackpotPrizeTiers).toEqual({ 'Invented Pools': [0, 1] })
    await page.screenshot({ path: path.join(shots, 'trust-jackpot-prize-tiers-1024.png'), fullPage: true })
    await page.close()
  })
})
