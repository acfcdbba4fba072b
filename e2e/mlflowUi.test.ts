/**
 * What MLflow users see (#21), in MLflow's own UI against the test server: a small pipeline on simulated
 * data (two runs: Dixon-Coles, then Poisson) logged under this run's unique names, then Chromium opens
 * the experiment's runs, a parent run with its children nested under it, and the league's one registered
 * model with both variants' versions and their aliases. Screenshots go to e2e/screenshots/mlflow-*.png.
 */
import { existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { removeByPrefix } from '../test/support/mlflowHygiene'
import { describeWithService } from '../test/support/services'
import { MlflowClient } from '../main/services/tracking/mlflowClient'
import { registeredModelName } from '../main/services/tracking/modelName'
import { osUserName } from '../main/services/training/pipeline/mlflowView'
import { CHROMIUM, CHROMIUM_ARGS, repoRoot } from './support/serve'
import { seedPipelineRuns, type Seeded } from './support/mlflowSeed'

const shots = path.join(repoRoot, 'e2e', 'screenshots')

describeWithService('mlflow', "MLflow's own UI shows the pipeline's runs and registered model", (uri) => {
  if (!existsSync(CHROMIUM)) {
    it.skip(`no Chromium at ${CHROMIUM}`, () => {})
    return
  }
  let browser: Browser
  let page: Page
  let seeded: Seeded
  let experimentId: string
  let parentRunId: string
  const client = new MlflowClient({ trackingUri: uri })

  beforeAll(async () => {
    seeded = await seedPipelineRuns(uri)
    for (const r of seeded.runs) expect(r.state, r.summary).toBe('succeeded')
    const exp = await client.getExperimentByName(`${seeded.prefix}dixon_coles_poisson`)
    experimentId = exp!.experiment_id
    parentRunId = seeded.runs[0].leagues[0].runId!
    mkdirSync(shots, { recursive: true })
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
  }, 300_000)
  afterAll(async () => {
    await browser?.close()
    // a failed test leaves nothing behind either
    if (seeded) await removeByPrefix(uri, seeded.league, { anywhere: true })
  })

  const league = () => seeded.league
  /** MLflow's model-training view (not GenAI), without the assistant panel over the page. */
  async function open(hash: string) {
    await page.goto(`${uri}/#${hash}`)
    // MLflow 3.17's GenAI / Model training switch (kept per browser) decides the view, whatever the
    // experiment's mlflow.experimentKind: a fresh browser opens experiments on the GenAI overview
    await page.getByText('Model training', { exact: true }).click()
    const close = page.getByRole('button', { name: /close/i })
    if (await close.count()) await close.first().click()
  }
  const runRow = (name: string) => page.getByRole('gridcell').filter({ hasText: name })
  /** The +/− button left of a parent run's name. */
  const expand = (run: string) => runRow(`${league()} pipeline ${run}`).locator('button').first().click()

  it('the experiment lists one row per pipeline run, its children nested under it, filterable by stage', async () => {
    await open(`/experiments/${experimentId}/runs`)
    await runRow(`${league()} pipeline ui1`).waitFor()
    await expect
      .poll(() => page.getByText(/\d+ matching runs/).textContent(), { timeout: 20_000 })
      .toBe('8 matching runs')
    // collapsed: the children sit under their parent, not beside it
    expect(await runRow(`${league()} blend`).count()).toBe(0)
    await expand('ui1')
    for (const child of ['fit', 'blend', 'calibration']) await runRow(`${league()} ${child}`).waitFor()
    await page.screenshot({ path: path.join(shots, 'mlflow-runs.png') })

    // the team's three experiment names are the scoreline.stage tag: one search finds a stage's runs
    const search = page.getByPlaceholder(/metrics\.rmse/)
    await search.fill(`tags.scoreline.stage = 'dixon_coles_blending'`)
    await search.press('Enter')
    await expect.poll(() => runRow(`${league()} fit`).count(), { timeout: 20_000 }).toBe(0)
    // ui1 was expanded above (the table may keep it so); expand ui2 as well
    if ((await runRow(`${league()} blend`).count()) === 0) await expand('ui1')
    await expand('ui2')
    await expect.poll(() => runRow(`${league()} blend`).count(), { timeout: 20_000 }).toBe(2)
    expect(await runRow(`${league()} calibration`).count()).toBe(0)
    await page.screenshot({ path: path.join(shots, 'mlflow-runs-stage.png') })
  })

  it('a parent run names its nested children, its stage, source, user and registered version', async () => {
    await open(`/experiments/${experimentId}/runs/${parentRunId}`)
    // the children's links load after the run itself
    const children = page.getByRole('link', { name: new RegExp(`^${league()} (fit|blend|calibration)$`) })
    await expect
      .poll(async () => (await children.allTextContents()).sort(), { timeout: 20_000 })
      .toEqual([`${league()} blend`, `${league()} calibration`, `${league()} fit`])
    const body = await page.locator('body').innerText()
    expect(body).toContain('scoreline pipeline run')
    expect(body).toMatch(new RegExp(`Created by\\s+${osUserName()}\\b`))
    expect(body).toMatch(/scoreline\.stage\s*:\s*pipeline/)
    expect(body).toMatch(new RegExp(`${registeredModelName(league())}\\s*v1`))
    await page.screenshot({ path: path.join(shots, 'mlflow-parent-run.png') })
  })

  it("the league's one registered model holds both variants' versions with their aliases", async () => {
    const name = registeredModelName(league())
    const promoted = seeded.runs[1].leagues[0].decision?.promoted === true
    await open(`/models/${encodeURIComponent(name)}`)
    await page.getByRole('link', { name: 'Version 2' }).waitFor()
    const row = (v: string) =>
      page.getByRole('row').filter({ has: page.getByRole('link', { name: `Version ${v}` }) })
    expect(await row('2').innerText()).toContain(promoted ? 'champion' : 'challenger')
    expect(await row('1').innerText()).toContain(promoted ? 'challenger' : 'champion')
    // one model, two variants: each version says which it is
    expect(await row('2').innerText()).toMatch(/scoreline\.model_variant\s*:\s*poisson/)
    expect(await row('1').innerText()).toMatch(/scoreline\.model_variant\s*:\s*dixon-coles/)
    expect(await page.locator('body').innerText()).toContain('one registered model per league')
    await page.screenshot({ path: path.join(shots, 'mlflow-registered-model.png') })

    await open(`/models/${encodeURIComponent(name)}/versions/2`)
    const variant = page.getByRole('row').filter({ hasText: 'scoreline.model_variant' })
    await variant.waitFor()
    expect(await variant.innerText()).toContain('poisson')
    await page.screenshot({ path: path.join(shots, 'mlflow-model-version.png') })
  })

  it('removes what it created', async () => {
    expect(await removeByPrefix(uri, seeded.league, { anywhere: true })).toEqual({
      models: 1,
      experiments: 1,
    })
    const exp = await client.getExperimentByName(`${seeded.prefix}dixon_coles_poisson`)
    expect(exp?.lifecycle_stage ?? 'deleted').toBe('deleted')
  })
})
