/**
 * Fixtures screen speed (issue 19): the first render of 500 priced fixtures (5 leagues × 100, invented
 * clubs and prices built to the contract's `pricedFixtureSchema`) ≤ 300 ms — the real `FixturesPage`, React
 * DOM in jsdom, production React, the store already holding the `fixtures.price` answer (the moment the data
 * arrives). Baseline in the same run: the same page with every one of the 500 rows in the DOM (the scroll box
 * made tall enough that the virtualiser draws them all), i.e. what the table would cost unvirtualised.
 * Also: re-ordering the 500 by |edge| with a minimum-edge filter (the pure row rule); and in Chromium through
 * the browser bridge (the built app, simulated seasons, an E0 champion, 500 simulated fixtures imported as one
 * fixtures.csv): the `fixtures.price` answer's end → the first fixture rows drawn, on a fresh page load.
 * Run directly: `npx tsx bench/fixturesScreen.bench.ts` prints the table.
 */
// @ts-expect-error -- jsdom ships no types and @types/jsdom is not a dependency
import { JSDOM as UntypedJSDOM } from 'jsdom'
import { existsSync, rmSync } from 'node:fs'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { buildApi } from '../shared/api/contract'
import { buildApp, CHROMIUM, CHROMIUM_ARGS, serve } from '../e2e/support/serve'
import { promotionSeasons, writeSimulatedSeasons } from '../main/services/data/testing/simulatedSeasonCsv'
import {
  simulatedFixtureLeagues,
  simulatedFixturesCsv,
} from '../main/services/data/testing/simulatedFixturesCsv'
import { isMain, median, printResults, timeMedian, type BenchResult } from './support'

const FIXTURES = 500
const LEAGUES = ['E0', 'E1', 'SP1', 'D1', 'I1']

const JSDOM = UntypedJSDOM as new (
  html: string,
  options?: { pretendToBeVisual?: boolean },
) => { window: Window & typeof globalThis }

/** jsdom globals React DOM needs, installed before react-dom is loaded; the scroll box gets a size. */
function installDom(viewHeight: { value: number }) {
  const dom = new JSDOM('<!doctype html><html><body><div id="root"></div></body></html>', {
    pretendToBeVisual: true,
  })
  const g = globalThis as Record<string, unknown>
  for (const key of ['window', 'document', 'navigator', 'HTMLElement', 'Node', 'Element', 'getComputedStyle'])
    g[key] =
      key === 'getComputedStyle' ? dom.window.getComputedStyle.bind(dom.window) : (dom.window as never)[key]
  g.IS_REACT_ACT_ENVIRONMENT = false
  Object.defineProperty(dom.window.HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get: () => viewHeight.value,
  })
  Object.defineProperty(dom.window.HTMLElement.prototype, 'clientWidth', {
    configurable: true,
    get: () => 740,
  })
  return dom
}

/** A seeded generator, so every run prices the same invented fixtures. */
function lcg(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0
    return a / 4294967296
  }
}

export async function run(): Promise<BenchResult[]> {
  const viewHeight = { value: 640 }
  installDom(viewHeight)
  process.env.NODE_ENV ??= 'production'
  const reactMode = process.env.NODE_ENV === 'production' ? 'production' : 'development'
  const { createElement } = await import('react')
  const { createRoot } = await import('react-dom/client')
  const { flushSync } = await import('react-dom')
  const { FixturesPage } = await import('../renderer/src/pages/fixtures/FixturesPage')
  const { useFixturesStore } = await import('../renderer/src/pages/fixtures/fixturesStore')
  const { visibleFixtures } = await import('../renderer/src/pages/fixtures/fixtureRows')
  const { pricedFixture, priceResult } = await import('../renderer/src/pages/fixtures/pricedFixtures.fixture')

  const rng = lcg(19)
  const fixtures = Array.from({ length: FIXTURES }, (_, i) => {
    const h = 0.3 + 0.3 * rng()
    const d = 0.22 + 0.08 * rng()
    const market = [h, d, 1 - h - d] as const
    const tilt = (rng() - 0.5) * 0.12
    const model = [h + tilt, d, 1 - h - d - tilt] as const
    const day = Math.floor(i / 40)
    const warn = rng()
    return pricedFixture({
      matchId: 1000 + i,
      league: LEAGUES[i % LEAGUES.length],
      home: `Home club ${i}`,
      away: `Away club ${i}`,
      kickoffUtc: new Date(Date.UTC(2031, 8, 13 + day, 12 + (i % 8), 0)).toISOString(),
      model,
      market: i % 25 === 0 ? null : market,
      alpha: 0.35,
      warnings:
        warn < 0.1
          ? [{ code: 'stale', message: 'stale: last match used 2031-05-20' }]
          : warn < 0.15
            ? [{ code: 'few-matches', message: `Away club ${i} rated on 4 matches` }]
            : [],
    })
  })
  const result = priceResult(fixtures)
  const history = {
    snapshots: [
      {
        bookmaker: 'B365',
        market: '1x2',
        line: null,
        prices: [2.3, 3.4, 3.3],
        observedAt: '2031-09-09T09:00:00Z',
        source: 'fixtures',
      },
      {
        bookmaker: 'B365',
        market: '1x2',
        line: null,
        prices: [2.2, 3.4, 3.4],
        observedAt: '2031-09-11T09:00:00Z',
        source: 'fixtures',
      },
    ],
  }
  const api = buildApi({
    invoke: async (name, input) =>
      name === 'fixtures.price'
        ? { ok: true, value: result }
        : name === 'fixtures.history'
          ? { ok: true, value: { matchId: (input as { matchId: number }).matchId, ...history } }
          : name === 'data.leagues'
            ? { ok: true, value: [] }
            : { ok: false, error: { code: 'INTERNAL', message: `${name}: not in the bench` } },
    subscribe: () => () => {},
  })
  const container = document.getElementById('root')!

  /** Mounts the page with the answer already in the store and counts the fixture rows drawn. */
  const renderOnce = (expectAll: boolean) => {
    useFixturesStore.setState({ query: {}, result, loading: false, error: null, history: {} })
    const root = createRoot(container)
    flushSync(() => root.render(createElement(FixturesPage, { api })))
    const rows = container.querySelectorAll('[data-testid^="fixture-row-"]').length
    if (expectAll ? rows !== FIXTURES : rows === 0 || rows >= FIXTURES)
      throw new Error(`drew ${rows} fixture rows (expected ${expectAll ? FIXTURES : 'the visible ones'})`)
    root.unmount()
    return rows
  }

  viewHeight.value = 640
  const drawn = renderOnce(false)
  const virtualMs = timeMedian(() => renderOnce(false), 15, 3)
  viewHeight.value = 200_000 // every row "in view": the unvirtualised baseline
  const allMs = timeMedian(() => renderOnce(true), 7, 2)
  viewHeight.value = 640

  const sortMs = timeMedian(
    () => visibleFixtures(fixtures, { minEdge: 0.02, basis: 'served', sort: 'edge' }),
    25,
    5,
  )
  const kept = visibleFixtures(fixtures, { minEdge: 0.02, basis: 'served', sort: 'edge' }).length

  const inChromium = await chromiumRender()
  return [
    ...inChromium,
    {
      name: `Fixtures screen: first render of ${FIXTURES} priced fixtures (virtualised, React DOM in jsdom)`,
      median_ms: virtualMs,
      runs: 15,
      target_ms: 300,
      note: `React ${reactMode} build; ${drawn} rows in a 640 px scroll box drawn, day headings, filters, counts`,
    },
    {
      name: `baseline: the same page with all ${FIXTURES} rows in the DOM`,
      median_ms: allMs,
      runs: 7,
      note: `unvirtualised cost (×${(allMs / virtualMs).toFixed(1)} the virtualised render)`,
    },
    {
      name: `order ${FIXTURES} by |edge| with a 2-point minimum`,
      median_ms: sortMs,
      runs: 25,
      note: `${kept} kept`,
    },
  ]
}

const REPEAT = 7

/**
 * The built app in Chromium through the bridge: simulated seasons, the pipeline (E0 champion), 500 simulated
 * fixtures imported, then each of REPEAT fresh loads of #/fixtures timed from the end of the `fixtures.price`
 * response to the first fixture rows in the DOM (a MutationObserver installed before the page's scripts).
 */
async function chromiumRender(): Promise<BenchResult[]> {
  if (!existsSync(CHROMIUM))
    return [{ name: 'Chromium render: skipped', median_ms: NaN, runs: 0, note: `no Chromium at ${CHROMIUM}` }]
  buildApp()
  const served = await serve({ REDIS_URL: '', MLFLOW_TRACKING_URI: '', DATABASE_URL: '' })
  const files = writeSimulatedSeasons(promotionSeasons())
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  try {
    const post = async <T>(name: string, input: unknown): Promise<T> => {
      const response = await fetch(`${served.origin}/api/${name}`, {
        method: 'POST',
        headers: { 'x-scoreline-token': served.token, 'content-type': 'application/json' },
        body: JSON.stringify(input),
      })
      const body = (await response.json()) as { ok: boolean; value: T; error?: unknown }
      if (!body.ok) throw new Error(`${name}: ${JSON.stringify(body.error)}`)
      return body.value
    }
    await post('data.importCsv', { files: files.map((p) => ({ path: p })) })
    await post('training.runPipeline', { leagues: ['E0'], wait: true })
    const leagues = await post<{ lastDate: string | null }[]>('data.leagues', {})
    const last = leagues
      .map((l) => l.lastDate ?? '')
      .sort()
      .at(-1)!
    const start = new Date(Date.parse(`${last}T00:00:00Z`) + 5 * 86_400_000).toISOString().slice(0, 10)
    const csv = simulatedFixturesCsv({
      leagues: simulatedFixtureLeagues(),
      count: FIXTURES,
      startDate: start,
    })
    await post('fixtures.import', { files: [{ name: 'fixtures.csv', contents: csv }] })
    const priced = await post<{ fixtures: unknown[]; counts: { priced: number } }>('fixtures.price', {})
    if (priced.fixtures.length !== FIXTURES)
      throw new Error(`expected ${FIXTURES} fixtures to come, fixtures.price has ${priced.fixtures.length}`)

    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
    // tsx (esbuild keepNames) wraps named arrow functions in __name(); give the page one
    await page.addInitScript({ content: 'globalThis.__name = (f) => f' })
    await page.addInitScript(() => {
      const w = window as unknown as { __rowsAt?: number }
      new MutationObserver((_, observer) => {
        if (document.querySelector('[data-testid^="fixture-row-"]')) {
          w.__rowsAt = performance.now()
          observer.disconnect()
        }
      }).observe(document, { childList: true, subtree: true })
    })
    const times: number[] = []
    let drawn = 0
    for (let i = 0; i < REPEAT; i++) {
      await page.goto(`${served.url}#/fixtures`)
      await page.locator('[data-testid^="fixture-row-"]').first().waitFor({ timeout: 60_000 })
      const t = await page.evaluate(() => {
        const entry = performance
          .getEntriesByType('resource')
          .filter((e) => e.name.includes('fixtures.price'))
          .pop() as PerformanceResourceTiming | undefined
        const rowsAt = (window as unknown as { __rowsAt?: number }).__rowsAt
        return {
          ms: entry && rowsAt !== undefined ? rowsAt - entry.responseEnd : NaN,
          rows: document.querySelectorAll('[data-testid^="fixture-row-"]').length,
        }
      })
      times.push(t.ms)
      drawn = t.rows
    }
    await page.close()
    return [
      {
        name: `Chromium: ${FIXTURES} fixtures drawn after the fixtures.price answer arrives`,
        median_ms: median(times),
        runs: times.length,
        target_ms: 300,
        note: `built app through the bridge, fresh page load each run; ${priced.counts.priced} priced (E0 champion, E1 without one); ${drawn} rows in the DOM (virtualised)`,
      },
    ]
  } finally {
    await browser.close()
    await served.stop()
    rmSync(served.home, { recursive: true, force: true })
    for (const f of files) rmSync(path.dirname(f), { recursive: true, force: true })
  }
}

if (isMain(import.meta.url)) printResults(await run())
