/**
 * Experiments screen speed (issue 8), measured in Chromium with the Performance API through the browser
 * bridge, on 1,000 pipeline-like runs in the local tracking store (35 metrics, 17 params each; the first ten
 * with a 10-step metric history):
 *  - first render: click "Experiments" (runs already cached by an earlier visit) → the table's rows drawn;
 *  - cold open: navigate to the screen → rows drawn (includes fetching the 1,000 runs through the bridge);
 *  - filter keystroke → the count and rows updated;
 *  - opening a 5-run comparison with full metric histories (click → comparison drawn).
 * These are the local store's figures (no MLflow configured). With a team MLflow server the list comes from
 * this desktop's mirror of its runs: experimentsMirror.bench.ts measures that open beside the server's
 * search on 1,000 runs of the test server (#23).
 */
import { existsSync, rmSync } from 'node:fs'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { createTrackingStore } from '../main/services/tracking/createTrackingStore'
import { TAGS } from '../main/services/tracking/trackingStore'
import { buildApp, CHROMIUM, CHROMIUM_ARGS, serve } from '../e2e/support/serve'
import type { BenchResult } from './support'
import { median } from './support'

const RUNS = 1000
const REPEAT = 5

async function seed(trackingDb: string): Promise<void> {
  const store = createTrackingStore({ localDbPath: trackingDb }, { autoFlushMs: false })
  try {
    const exp = await store.ensureExperiment('dixon_coles_poisson')
    for (let b = 0; b < RUNS; b += 50) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, k) => {
          const i = b + k
          const league = ['E0', 'E1', 'D1', 'SP1'][i % 4]
          const run = await store.startRun({
            experimentId: exp.id,
            runName: `${league} pipeline bench-${i}`,
            tags: { 'scoreline.league': league, [TAGS.evalWindow]: `${league}:w${i % 3}` },
            startTime: 1_700_000_000_000 + i * 60_000,
          })
          const params: Record<string, string | number> = {
            league,
            xi: [0.001, 0.0019, 0.003][i % 3],
            blend: i % 2 ? 'log' : 'linear',
            calibration: 'temperature',
            margin_method: ['shin', 'power'][i % 2],
          }
          for (let p = 0; p < 12; p++) params[`setting_${p}`] = (i + p) % 5
          const metrics: Record<string, number> = { rps: 0.18 + (i % 97) / 5000, market_rps: 0.185 }
          for (const prefix of ['model_', 'market_', 'blend_', 'calibrated_'])
            for (const m of ['rps', 'log_loss', 'brier', 'accuracy', 'ece', 'n'])
              metrics[`${prefix}${m}`] = m === 'n' ? 380 : 0.2 + ((i * 7 + m.length) % 13) / 100
          metrics.log_likelihood = -1000 - i
          await store.log(run.runId, { params, metrics })
          if (i < 10)
            await store.log(run.runId, {
              metrics: Array.from({ length: 10 }, (_, step) => ({
                key: 'xi_search_rps',
                value: 0.19 + ((step - 4) ** 2 + i) / 10_000,
                timestamp: 1_700_000_000_000 + step,
                step,
              })),
            })
          await store.endRun(run.runId)
        }),
      )
    }
  } finally {
    store.close()
  }
}

/**
 * An expression for page.evaluate (the DevTools protocol evaluates it; the page's CSP forbids eval inside it):
 * runs `action`, then resolves with the ms until `selector` matches and, when `notText` is given, its text
 * differs from it — polled every animation frame, so the figure includes rendering.
 */
function timeUntil(action: string, selector: string, notText: string | null = null): string {
  return `(async () => {
    const done = () => {
      const el = document.querySelector(${JSON.stringify(selector)})
      return el !== null && (${JSON.stringify(notText)} === null || el.textContent !== ${JSON.stringify(notText)})
    }
    const start = performance.now();
    ${action}
    while (!done()) await new Promise((r) => requestAnimationFrame(() => r(undefined)))
    return performance.now() - start
  })()`
}

export async function run(): Promise<BenchResult[]> {
  if (!existsSync(CHROMIUM))
    return [{ name: `skipped — no Chromium at ${CHROMIUM}`, median_ms: Number.NaN, runs: 0 }]
  buildApp()
  const served = await serve({ MLFLOW_TRACKING_URI: '' })
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  try {
    await seed(path.join(served.home, 'tracking.sqlite'))
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
    const measure = (action: string, selector: string, notText: string | null = null) =>
      page.evaluate(timeUntil(action, selector, notText)) as Promise<number>

    const cold: number[] = []
    for (let i = 0; i < REPEAT; i++) {
      await page.goto(`${served.url}#/experiments`)
      await page.getByTestId('run-row').first().waitFor({ timeout: 60_000 })
      cold.push(
        await page.evaluate(() => {
          const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
          return performance.now() - nav.startTime
        }),
      )
    }
    const count = await page.getByTestId('runs-count').textContent()
    if (!count?.startsWith(`${RUNS} of ${RUNS}`)) throw new Error(`expected ${RUNS} runs, saw "${count}"`)

    const warm: number[] = []
    for (let i = 0; i < REPEAT; i++) {
      await page.getByRole('link', { name: 'Models' }).click()
      await page.getByRole('heading', { name: 'Models' }).waitFor()
      warm.push(
        await measure(
          `[...document.querySelectorAll('nav a')].find((a) => a.textContent === 'Experiments').click()`,
          '[data-testid="run-row"]',
        ),
      )
    }

    // type into the query box: each keystroke re-filters the 1,000 runs
    const keystroke: number[] = []
    const queries = ['league = E0', 'league = E1', 'rps < 0.19', 'blend = log', 'xi = 0.003', 'league = D1']
    for (const q of queries) {
      await page.getByTestId('run-query').fill('')
      await page
        .getByTestId('runs-count')
        .filter({ hasText: `${RUNS} of ${RUNS}` })
        .waitFor()
      const before = await page.getByTestId('runs-count').textContent()
      keystroke.push(
        await measure(
          `const input = document.querySelector('[data-testid="run-query"]');
           Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, ${JSON.stringify(q)});
           input.dispatchEvent(new Event('input', { bubbles: true }))`,
          '[data-testid="runs-count"]',
          before,
        ),
      )
    }
    await page.getByTestId('run-query').fill('')

    // a 5-run comparison with the histories of every metric
    const compare: number[] = []
    for (let i = 0; i < REPEAT; i++) {
      const clear = page.getByRole('button', { name: 'Clear selection' })
      if (await clear.isEnabled()) await clear.click()
      const rows = page.getByTestId('run-row')
      for (let k = 0; k < 5; k++)
        await rows
          .nth(k + i)
          .getByRole('checkbox')
          .check()
      if (await page.getByTestId('comparison').count())
        await page.getByRole('button', { name: 'Close comparison' }).click()
      compare.push(
        await measure(
          `document.querySelector('[data-testid="compare-button"]').click()`,
          '[data-testid="comparison"] [data-testid="compare-metrics"]',
        ),
      )
    }
    return [
      {
        name: `${RUNS} runs: first render (cached runs)`,
        median_ms: median(warm),
        runs: warm.length,
        target_ms: 300,
      },
      {
        name: `${RUNS} runs: cold open incl. loading the page and the runs`,
        median_ms: median(cold),
        runs: cold.length,
        note: 'navigation start → rows drawn',
      },
      {
        name: `filter keystroke → rows updated (${RUNS} runs)`,
        median_ms: median(keystroke),
        runs: keystroke.length,
        target_ms: 50,
      },
      {
        name: 'open a 5-run comparison with full metric histories',
        median_ms: median(compare),
        runs: compare.length,
        target_ms: 500,
        note: 'local tracking store',
      },
    ]
  } finally {
    await browser.close()
    await served.stop()
    rmSync(served.home, { recursive: true, force: true })
  }
}
