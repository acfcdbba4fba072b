/**
 * Fixtures screen speed (issue 19): the first render of 500 priced fixtures (5 leagues × 100, invented
 * clubs and prices built to the contract's `pricedFixtureSchema`) ≤ 300 ms — the real `FixturesPage`, React
 * DOM in jsdom, production React, the store already holding the `fixtures.price` answer (the moment the data
 * arrives). Baseline in the same run: the same page with every one of the 500 rows in the DOM (the scroll box
 * made tall enough that the virtualiser draws them all), i.e. what the table would cost unvirtualised.
 * Also: re-ordering the 500 by |edge| with a minimum-edge filter (the pure row rule).
 * Run directly: `npx tsx bench/fixturesScreen.bench.ts` prints the table.
 */
// @ts-expect-error -- jsdom ships no types and @types/jsdom is not a dependency
import { JSDOM as UntypedJSDOM } from 'jsdom'
import { buildApi } from '../shared/api/contract'
import { isMain, printResults, timeMedian, type BenchResult } from './support'

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

  return [
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

if (isMain(import.meta.url)) printResults(await run())
