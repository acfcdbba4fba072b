/**
 * End to end on the Fixtures screen, in Chromium through the browser bridge, on simulated seasons (invented
 * clubs and prices: main/services/data/testing): import three top-division seasons and a second division,
 * run the pipeline (a champion for the top division), download the fixtures to come from a loopback football-data
 * server (`fixtures.csv`, twice: the second a later snapshot with moved prices), see every fixture priced
 * with model, market, served and edge on the Fixtures screen, select three, make a jackpot from them and see
 * the same served numbers (and the carried-over odds) on the Jackpots screen; a pasted ticket without odds
 * priced with the latest snapshot; the Dashboard's Next round panel; the screen at 1024 px.
 * Screenshots go to e2e/screenshots/ (fixtures*.png).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { promotionSeasons, writeSimulatedSeasons } from '../main/services/data/testing/simulatedSeasonCsv'
import {
  simulatedFixtureLeagues,
  simulatedFixturesCsv,
} from '../main/services/data/testing/simulatedFixturesCsv'
import { startFootballDataServer } from '../main/services/data/testing/footballDataServer'
import type { FixturesPriceDto } from '../shared/api/domains/fixtures'
import type { JackpotAnalysisDto } from '../shared/api/domains/jackpots'
import { apiCaller, buildApp, CHROMIUM, CHROMIUM_ARGS, repoRoot, serve, type Served } from './support/serve'

const runnable = existsSync(CHROMIUM)
/** Simulated clubs that keep their strength from season to season (the fixtures are priced from it). */
const CLUBS = { persistentClubs: true }
if (!runnable) console.warn(`[skipped] fixtures e2e: no Chromium at ${CHROMIUM}`)

/** The loopback football-data server, serving the `fixtures.csv` the test writes (then replaces). */
async function startFixturesServer() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-e2e-fixtures-'))
  const server = await startFootballDataServer(dir)
  return {
    ...server,
    dir,
    set: (csv: string) => writeFileSync(path.join(dir, 'fixtures.csv'), csv),
  }
}

const addDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

describe.skipIf(!runnable)('Fixtures screen in the browser bridge', () => {
  let served: Served
  let browser: Browser
  let fixturesServer: Awaited<ReturnType<typeof startFixturesServer>>
  let seasonFiles: string[] = []
  const shots = path.join(repoRoot, 'e2e', 'screenshots')

  const callApi = <T>(name: string, input: unknown) => apiCaller(served)<T>(name, input)

  let firstRound = ''
  beforeAll(async () => {
    buildApp()
    fixturesServer = await startFixturesServer()
    // local stores only (the shared MLflow, Redis and Postgres belong to other suites)
    served = await serve({
      REDIS_URL: '',
      MLFLOW_TRACKING_URI: '',
      DATABASE_URL: '',
      SCORELINE_FOOTBALL_DATA_URL: fixturesServer.url,
    })
    // clubs keep their strength across the three seasons, and the fixtures are priced from the same
    // strengths, so the champion and the market differ by a few points as on real fixtures
    seasonFiles = writeSimulatedSeasons(promotionSeasons(7, CLUBS))
    const imported = await callApi<{ ok: boolean }[]>('data.importCsv', {
      files: seasonFiles.map((p) => ({ path: p })),
    })
    expect(imported.every((f) => f.ok)).toBe(true)
    // a champion for the top division (three seasons); the second division has one season only: the
    // pipeline makes no champion there, and the screen says its fixtures are unpriced and why
    const { run } = await callApi<{ run: { state: string } }>('training.runPipeline', {
      leagues: ['E0'],
      wait: true,
    })
    expect(run.state).toBe('succeeded')
    // the next round: five days after the last simulated match, so the champions are fresh
    const leagues = await callApi<{ code: string; lastDate: string | null }[]>('data.leagues', {})
    const last = leagues
      .map((l) => l.lastDate ?? '')
      .sort()
      .at(-1)!
    firstRound = addDays(last, 5)
    fixturesServer.set(
      simulatedFixturesCsv({ leagues: simulatedFixtureLeagues(7, CLUBS), count: 20, startDate: firstRound }),
    )
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
    mkdirSync(shots, { recursive: true })
  }, 600_000)
  afterAll(async () => {
    await browser?.close()
    await served?.stop()
    await fixturesServer?.close()
    if (fixturesServer) rmSync(fixturesServer.dir, { recursive: true, force: true })
    for (const f of seasonFiles) rmSync(path.dirname(f), { recursive: true, force: true })
    if (served) rmSync(served.home, { recursive: true, force: true })
  })

  const servedTriple = async (page: Page, key: string) =>
    Promise.all([0, 1, 2].map((i) => page.getByTestId(`served-${key}-${i}`).textContent()))

  it('downloads the fixtures, prices them with edges, and makes a jackpot of three with the same numbers', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1100 } })
    const consoleErrors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text())
    })
    await page.goto(`${served.url}#/fixtures`)
    await page.getByTestId('fixtures-empty').waitFor()

    // first snapshot, then a later one with moved prices
    await page.getByRole('button', { name: 'Download latest fixtures' }).click()
    await expect
      .poll(() => page.getByTestId('fixtures-download-note').textContent(), { timeout: 60_000 })
      .toMatch(/^Fixtures downloaded: 20 new/)
    await expect
      .poll(() => page.getByTestId('fixtures-counts').textContent())
      .toMatch(
        /^20 fixtures to come · 10 priced · \d+ stale · 0 with an unrated team · 0 without a market · 10 without a model/,
      )
    fixturesServer.set(
      simulatedFixturesCsv({
        leagues: simulatedFixtureLeagues(7, CLUBS),
        count: 20,
        startDate: firstRound,
        drift: 0.08,
      }),
    )
    await page.getByRole('button', { name: 'Download latest fixtures' }).click()
    await expect
      .poll(() => page.getByTestId('fixtures-download-note').textContent(), { timeout: 60_000 })
      .toMatch(
        /^Fixtures downloaded: 0 new, \d+ updated|^Fixtures downloaded: 0 new, 0 updated, 20 unchanged; [1-9]\d* price snapshots added/,
      )
    expect(fixturesServer.log.filter((l) => l.startsWith('GET /fixtures.csv'))).toHaveLength(2)

    // what the screen shows is what fixtures.price answers: champion, market, served and edge per fixture
    const priced = await callApi<FixturesPriceDto>('fixtures.price', {})
    expect(priced.fixtures).toHaveLength(20)
    expect(priced.models.map((m) => `${m.league} ${m.kind}`)).toEqual(['E0 champion'])
    const withMarket = priced.fixtures.filter((f) => f.market && f.served && f.edge)
    expect(withMarket.map((f) => f.league)).toEqual(Array(10).fill('E0'))
    // the second division's fixtures: listed, unpriced, the reason beside them, but with their market (the
    // file has their prices): bookmaker, margin method, snapshot time, margin-free probabilities; no edge, no EV
    const unpriced = priced.fixtures.find((f) => f.league === 'E1')!
    expect(unpriced).toMatchObject({ model: null, served: null, edge: null, ev: null })
    expect(unpriced.warnings.map((w) => w.code)).toEqual(['no-model'])
    expect(unpriced.warnings[0].message).toMatch(/E1.*scoreline pipeline run --league E1/)
    expect(unpriced.market).toMatchObject({ bookmaker: 'PS', marginMethod: 'shin' })
    expect(unpriced.market!.observedAt).toBeTruthy()
    expect(priced.counts).toMatchObject({ total: 20, priced: 10, noModel: 10, noMarket: 0 })
    await page.getByLabel('League').selectOption('E1')
    await expect
      .poll(() => page.getByTestId('fixtures-counts').textContent())
      .toMatch(/^10 fixtures to come · 0 priced/)
    expect(await page.getByTestId(`warnings-${unpriced.matchId}`).textContent()).toContain(
      unpriced.warnings.find((w) => w.code === 'no-model')!.message,
    )
    expect(await page.getByTestId(`served-${unpriced.matchId}-H`).textContent()).toBe('—')
    expect(await page.getByTestId(`market-${unpriced.matchId}-0`).textContent()).toBe(
      (unpriced.market!.probabilities[0] * 100).toFixed(1),
    )
    await page.screenshot({ path: path.join(shots, 'fixtures-unpriced.png'), fullPage: true })
    await page.getByLabel('League').selectOption('')
    await expect.poll(() => page.getByTestId('fixtures-counts').textContent()).toMatch(/^20 fixtures to come/)
    expect(await page.getByTestId('fixtures-model-E0').textContent()).toContain('champion')
    const first = withMarket[0]
    const key = String(first.matchId)
    const row = page.getByTestId(`fixture-row-${key}`)
    await row.waitFor()
    // the edge the screen opens on: served − market, or the model's where every fixture is served by the market
    const basis = withMarket.every((f) => f.served!.stage === 'market') ? 'model' : 'served'
    const edgesOf = (f: (typeof withMarket)[number]) => (basis === 'model' ? f.edge!.model! : f.edge!.served)
    const largest = (f: (typeof withMarket)[number]) => Math.max(...edgesOf(f).map(Math.abs))
    const text = (await row.textContent())!
    expect(text).toContain(`${first.home}`)
    expect(text).toContain(`v ${first.away}`)
    expect(text).toContain(`${first.market!.bookmaker} · ${first.market!.marginMethod} · `)
    expect(text).toContain(`${basis} − market (points)`)
    expect(await servedTriple(page, key)).toEqual(
      first.served!.probabilities.map((p) => (p * 100).toFixed(1)),
    )
    const edgeText = await page.getByTestId(`edge-${key}-0`).textContent()
    const edge = edgesOf(first)[0] * 100
    expect(edgeText).toBe(`${edge >= 0 ? '+' : '−'}${Math.abs(edge).toFixed(1)}`)
    // the price moved between the two downloads: a sparkline of the snapshots
    await expect.poll(() => row.locator('svg.fx-spark').count()).toBe(1)
    expect(await row.locator('svg.fx-spark').getAttribute('aria-label')).toMatch(/over 2 snapshots/)
    await page.screenshot({ path: path.join(shots, 'fixtures.png'), fullPage: true })

    // the fixture's detail: over/under and the rest, and the explanation's waterfall ending at the served number
    const toggle = row.getByRole('button', { name: /^Details of / })
    await toggle.click()
    const detail = page.getByTestId(`detail-${key}`)
    await detail.waitFor()
    expect(await toggle.getAttribute('aria-expanded')).toBe('true')
    expect(await page.getByTestId(`detail-over-model-${key}`).textContent()).toBe(
      (first.model!.over25 * 100).toFixed(1),
    )
    expect(await page.getByTestId(`detail-scores-${key}`).locator('li').count()).toBe(
      Math.min(5, first.model!.topScores.length),
    )
    expect(await page.getByTestId(`detail-source-${key}`).textContent()).toContain(first.source!.dataAsOf)
    const j = ['H', 'D', 'A'].indexOf(first.explanation!.outcome)
    expect(await detail.locator('[data-testid^="wf-bar-"]').last().textContent()).toMatch(
      new RegExp(`^Served: .*${(first.served!.probabilities[j] * 100).toFixed(1)}%$`),
    )
    // the opened row is measured as drawn: no other row overlaps it
    const boxes = await page
      .locator('[data-testid^="fixture-row-"]')
      .evaluateAll((els) =>
        els.map((e) => ({ id: e.getAttribute('data-testid'), ...e.getBoundingClientRect().toJSON() })),
      )
    const opened = boxes.find((b) => b.id === `fixture-row-${key}`)!
    expect(opened.height).toBeGreaterThan(200)
    for (const b of boxes.filter((x) => x.id !== opened.id))
      expect(b.bottom <= opened.top + 1 || b.top >= opened.bottom - 1).toBe(true)
    await row.evaluate((e) => e.scrollIntoView({ block: 'start' }))
    await page.screenshot({ path: path.join(shots, 'fixtures-detail.png'), fullPage: true })
    // closed from the keyboard: the disclosure is a real button
    await toggle.focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => detail.count()).toBe(0)
    expect(await toggle.getAttribute('aria-expanded')).toBe('false')

    // sorted by the largest |edge|, with a minimum
    await page.getByLabel('Sort').selectOption('edge')
    await page.getByLabel('Minimum |edge| (points)').fill('0.5')
    const rowIds = async () =>
      page
        .locator('[data-testid^="fixture-row-"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))
    const byEdge = [...withMarket].filter((f) => largest(f) >= 0.005).sort((a, b) => largest(b) - largest(a))
    expect(byEdge.length).toBeGreaterThanOrEqual(3)
    expect((await rowIds()).slice(0, 5)).toEqual(byEdge.slice(0, 5).map((f) => `fixture-row-${f.matchId}`))
    await page.screenshot({ path: path.join(shots, 'fixtures-by-edge.png'), fullPage: true })

    // select the three largest edges → a new jackpot from them
    const three = byEdge.slice(0, 3)
    const shown: Record<string, (string | null)[]> = {}
    for (const f of three) {
      await page.getByLabel(`Select ${f.home} v ${f.away}`).check()
      shown[`${f.home} v ${f.away}`] = await servedTriple(page, String(f.matchId))
    }
    expect(await page.getByTestId('fixtures-selected').textContent()).toBe('3 selected')
    await page.getByRole('button', { name: 'New jackpot from these' }).click()
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Jackpots')
    await page.getByTestId('draft-fixtures').waitFor()
    expect(await page.getByRole('tab', { name: 'From Fixtures' }).getAttribute('aria-selected')).toBe('true')
    await page.screenshot({ path: path.join(shots, 'fixtures-to-jackpot.png'), fullPage: true })
    await page.getByRole('button', { name: 'Save 3 fixtures' }).click()
    await page.getByTestId('jackpot-analysis').waitFor({ timeout: 60_000 })

    // the same served numbers on the Jackpots screen, fixture by fixture
    const rows = page.getByTestId('fixtures-table').locator('tbody > tr[data-testid^="fixture-"]')
    expect(await rows.count()).toBe(3)
    for (let position = 1; position <= 3; position++) {
      const name = (await page.getByTestId(`fixture-${position}`).locator('th button').textContent())!
      const finals = await Promise.all(
        [0, 1, 2].map((i) => page.getByTestId(`final-${position}-${i}`).textContent()),
      )
      expect(finals.map((t) => t!.replace('%', ''))).toEqual(shown[name])
    }
    // and, below the display's rounding, bit-identical probabilities from the API (one pricing rule)
    const jackpots = await callApi<{ id: string; name: string }[]>('jackpots.list', {})
    const analysis = await callApi<JackpotAnalysisDto>('jackpots.analyse', { id: jackpots[0].id })
    for (const f of analysis.fixtures) {
      const fixture = three.find((t) => t.home === f.home && t.away === f.away)!
      expect(f.final!.probabilities).toEqual(fixture.served!.probabilities)
    }
    // the odds beside each market probability: the snapshot's prices, carried over as the jackpot's odds
    for (let position = 1; position <= 3; position++) {
      const name = (await page.getByTestId(`fixture-${position}`).locator('th button').textContent())!
      const fixture = three.find((t) => `${t.home} v ${t.away}` === name)!
      expect(await page.getByTestId(`odds-source-${position}`).textContent()).toBe(
        'odds entered on the jackpot',
      )
      for (let i = 0; i < 3; i++)
        expect(await page.getByTestId(`market-${position}-${i}`).textContent()).toMatch(
          new RegExp(`@ ${fixture.market!.prices[i].toFixed(2)}$`),
        )
    }
    await page.screenshot({ path: path.join(shots, 'fixtures-jackpot.png'), fullPage: true })

    // a pasted ticket without odds is priced with the fixture's latest snapshot, and says so
    const fourth = withMarket.find((f) => !three.includes(f))!
    await page.getByRole('button', { name: 'New jackpot' }).click()
    await page.getByLabel('Name').fill('Pasted, no odds')
    await page.getByLabel('League').selectOption('E0')
    await page.getByTestId('fixtures-text').fill(`${fourth.home} v ${fourth.away}`)
    const save = page.getByRole('button', { name: 'Save 1 fixture' })
    await expect.poll(() => save.isEnabled()).toBe(true)
    await save.click()
    await expect
      .poll(() => page.getByTestId('fixture-1').locator('th button').textContent(), { timeout: 60_000 })
      .toBe(`${fourth.home} v ${fourth.away}`)
    expect(await page.getByTestId('odds-source-1').textContent()).toMatch(/^odds from the latest snapshot: /)
    for (let i = 0; i < 3; i++) {
      expect(await page.getByTestId(`market-1-${i}`).textContent()).toMatch(
        new RegExp(`@ ${fourth.market!.prices[i].toFixed(2)}$`),
      )
      expect(await page.getByTestId(`final-1-${i}`).textContent()).toBe(
        `${(fourth.served!.probabilities[i] * 100).toFixed(1)}%`,
      )
    }
    const pasted = (await callApi<{ id: string; name: string }[]>('jackpots.list', {})).find(
      (j) => j.name === 'Pasted, no odds',
    )!
    const pastedAnalysis = await callApi<JackpotAnalysisDto>('jackpots.analyse', { id: pasted.id })
    expect(pastedAnalysis.fixtures[0].final!.probabilities).toEqual(fourth.served!.probabilities)
    expect(pastedAnalysis.fixtures[0].market!.prices).toEqual(fourth.market!.prices)
    await page.screenshot({ path: path.join(shots, 'fixtures-jackpot-snapshot-odds.png'), fullPage: true })
    expect(consoleErrors).toEqual([])
    await page.close()
  })

  it('shows the next round on the Dashboard, and the Fixtures screen fits 1024 px without sideways scrolling', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 900 } })
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    await page.goto(`${served.url}#/dashboard`)
    const panel = page.getByTestId('next-round')
    await panel
      .getByTestId('next-round-table')
      .waitFor({ timeout: 60_000 })
      .catch(async (error: Error) => {
        await page.screenshot({ path: path.join(shots, 'fixtures-next-round-failed.png'), fullPage: true })
        throw new Error(`${error.message}\npage errors: ${errors.join('\n')}`)
      })
    expect(await panel.getByTestId('next-round-counts').textContent()).toMatch(
      /^20 fixtures to come: 10 priced, \d+ stale, 0 with an unrated team, 0 without a market, 10 without a model\.$/,
    )
    expect(await panel.getByTestId('next-round-table').locator('tbody tr').count()).toBe(10)
    await panel.screenshot({ path: path.join(shots, 'fixtures-next-round.png') })

    await page.goto(`${served.url}#/fixtures`)
    await page.locator('[data-testid^="fixture-row-"]').first().waitFor()
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow).toBeLessThanOrEqual(0)
    await page.screenshot({ path: path.join(shots, 'fixtures-1024.png'), fullPage: true })
    await page.close()
  })
})
