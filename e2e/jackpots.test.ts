/**
 * End to end on the Jackpots screen: with four Premier League seasons imported, paste a 13-fixture
 * ticket (one misspelt team, fixed with a suggestion), save it, and read every probability, the
 * explanation waterfall and the coupon summary; then change a pick and see the summary move.
 * Then: type fixtures with team autocomplete (an alias resolves to its team, a misspelling is flagged
 * with suggestions), import fixtures from a CSV file (problems named by line and field), and see the
 * note say "fitted on the fly: no champion yet" before a pipeline run and "priced with champion … vN" after.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
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

  const post = async (name: string, input: unknown) => {
    const response = await fetch(`${served.origin}/api/${name}`, {
      method: 'POST',
      headers: { 'x-scoreline-token': served.token, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    })
    return (await response.json()) as { ok: boolean; value: any; error?: { message: string } } // eslint-disable-line @typescript-eslint/no-explicit-any
  }
  const shots = path.join(repoRoot, 'e2e', 'screenshots')

  beforeAll(async () => {
    buildApp()
    served = await serve()
    const imported = await post('data.importCsv', {
      files: ['2020-21', '2021-22', '2022-23', '2023-24'].map((s) => ({
        path: path.join(dataDir!, 'E0', `E0_${s}.csv`),
      })),
    })
    expect(imported.ok).toBe(true)
    mkdirSync(shots, { recursive: true })
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
    // no pipeline has run: the league's model is fitted on the fly, and the page says so
    expect(await page.getByTestId('model-source-E0').textContent()).toMatch(
      /^E0: fitted on the fly: no champion yet — Dixon-Coles fitted now/,
    )

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

  it('types fixtures with team autocomplete: an alias resolves, a misspelling is flagged with suggestions', async () => {
    expect((await post('data.addAlias', { team: 'Arsenal', alias: 'The Gunners', league: 'E0' })).ok).toBe(
      true,
    )
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
    await page.goto(`${served.url}#/jackpots`)
    await page.getByRole('button', { name: 'New jackpot' }).click()
    await page.getByLabel('Name').fill('Typed 2')
    await page.getByRole('tab', { name: 'Type fixtures' }).click()

    // an alias: "The Gunn" offers Arsenal (matched by its alias); picking it fills the canonical name
    const home1 = page.getByRole('combobox', { name: 'Home team, fixture 1' })
    await home1.fill('The Gunn')
    const option = page.getByRole('option', { name: /^Arsenal \(The Gunners\)/ })
    await option.waitFor()
    expect(await home1.getAttribute('aria-expanded')).toBe('true')
    await option.click()
    expect(await home1.inputValue()).toBe('Arsenal')
    // typing the alias in full resolves it too, shown beside the box
    const away1 = page.getByRole('combobox', { name: 'Away team, fixture 1' })
    await away1.fill('Man Utd')
    await expect.poll(() => page.getByTestId('typed-1-away-resolved').textContent()).toBe('→ Man United')
    // keyboard: arrow down + Enter picks the first offer
    await page.getByRole('button', { name: 'Add fixture' }).click()
    const home2 = page.getByRole('combobox', { name: 'Home team, fixture 2' })
    await home2.fill('Chels')
    await page.getByRole('option', { name: /^Chelsea/ }).waitFor()
    await home2.press('ArrowDown')
    await home2.press('Enter')
    expect(await home2.inputValue()).toBe('Chelsea')
    // an unknown name is flagged once the box is left, with suggestions
    const away2 = page.getByRole('combobox', { name: 'Away team, fixture 2' })
    await away2.fill('Tottenhm')
    await away2.blur()
    const flagged = page.getByTestId('typed-2-away').getByRole('alert')
    await flagged.waitFor()
    expect(await flagged.textContent()).toMatch(/^Unknown team: did you mean Tottenham\?/)
    expect(await away2.getAttribute('aria-invalid')).toBe('true')
    await page.screenshot({ path: path.join(shots, 'jackpots-typed.png'), fullPage: true })
    await flagged.getByRole('button', { name: 'Tottenham?' }).click()
    expect(await away2.inputValue()).toBe('Tottenham')
    await page.getByLabel('Home odds, fixture 2').fill('1.95')
    await page.getByLabel('Draw odds, fixture 2').fill('3.60')
    await page.getByLabel('Away odds, fixture 2').fill('3.90')

    const save = page.getByRole('button', { name: 'Save 2 fixtures' })
    await expect.poll(() => save.isEnabled()).toBe(true)
    await save.click()
    await page.getByTestId('jackpot-analysis').waitFor({ timeout: 60_000 })
    expect(await page.getByRole('button', { name: 'Arsenal v Man United' }).count()).toBe(1)
    expect(await page.getByRole('button', { name: 'Chelsea v Tottenham' }).count()).toBe(1)
    await page.close()
  })

  it('imports fixtures from a CSV file: problems name the line and field, then it saves', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-e2e-csv-'))
    const bad = path.join(dir, 'midweek-bad.csv')
    writeFileSync(
      bad,
      'home,away,H,D,A\nArsenal,Chelsea,2.10,3.50,3.40\nLiverpool,,1.50,4.20,6.00\nEverton,Fulham,2.6,x,2.9\n',
    )
    const good = path.join(dir, 'midweek.csv')
    writeFileSync(
      good,
      'home,away,H,D,A\nArsenal,Chelsea,2.10,3.50,3.40\nLiverpool,Manchester Utd,1.50,4.20,6.00\nEverton,Fulham,2.6,3.2,2.9\nBrightn,West Ham,,,\n',
    )
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
    await page.goto(`${served.url}#/jackpots`)
    await page.getByRole('button', { name: 'New jackpot' }).click()
    await page.getByLabel('Name').fill('From CSV')
    await page.getByRole('tab', { name: 'Import CSV' }).click()
    await page.getByTestId('fixtures-csv').setInputFiles(bad)
    const preview = page.getByTestId('csv-preview')
    await preview.waitFor()
    await expect.poll(() => preview.textContent()).toContain('line 3, away: the away team is empty')
    expect(await preview.textContent()).toContain('line 4, D: odds D must be decimal odds above 1, got "x"')
    expect(await page.getByRole('button', { name: /^Save/ }).isDisabled()).toBe(true)

    await page.getByTestId('fixtures-csv').setInputFiles(good)
    await expect.poll(() => preview.textContent()).toContain('Brightn')
    // the alias spelling resolved; the misspelt one is fixed with a suggestion
    expect(await preview.textContent()).toContain('Liverpool v Man United')
    await preview.getByRole('button', { name: 'Brightn → Brighton?' }).click()
    await page.screenshot({ path: path.join(shots, 'jackpots-csv.png'), fullPage: true })
    const save = page.getByRole('button', { name: 'Save 4 fixtures' })
    await expect.poll(() => save.isEnabled()).toBe(true)
    await save.click()
    await page.getByTestId('jackpot-analysis').waitFor({ timeout: 60_000 })
    expect(
      await page.getByTestId('fixtures-table').locator('tbody > tr[data-testid^="fixture-"]').count(),
    ).toBe(4)
    await page.close()
  })

  it('after a pipeline run promotes a champion, the coupon is priced with it and says which', async () => {
    const run = await post('training.runPipeline', { leagues: ['E0'], wait: true })
    expect(run.ok, run.error?.message).toBe(true)
    const league = run.value.run.leagues[0]
    expect(league.state).toBe('succeeded')
    expect(league.decision.promoted).toBe(true)
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
    await page.goto(`${served.url}#/jackpots`)
    await page.getByRole('button', { name: /^Midweek 13/ }).click()
    const note = page.getByTestId('model-source-E0')
    await note.waitFor({ timeout: 60_000 })
    expect(await note.textContent()).toMatch(
      new RegExp(`^E0: priced with champion scoreline-E0 v${league.version} — Champion scoreline-E0`),
    )
    await page.screenshot({ path: path.join(shots, 'jackpots-champion.png'), fullPage: true })
    await page.close()
  }, 600_000)
})
