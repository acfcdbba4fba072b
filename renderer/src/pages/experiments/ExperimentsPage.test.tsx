import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildApi, type Transport } from '../../../../shared/api/contract'
import type { RunComparisonDto, RunDto } from '../../../../shared/api/domains/tracking'
import { DEFAULT_RUNS_VIEW, useTrackingStore } from '../../stores/trackingStore'
import { ticks } from './Charts'
import { bestCells, Comparison, visibleParams } from './Comparison'
import { ExperimentsPage } from './ExperimentsPage'
import { orderColumns, runLabel, RunsTable } from './RunsTable'
import { fmtDuration, fmtTime } from '../models/format'
import { axisPositions, comparisonAxes } from './ParallelCoordinates'
import { EMPTY_FILTER, defaultColumns, filterRuns, parseQuery, sortRuns } from './runsView'

const run = (i: number, over: Partial<RunDto> = {}): RunDto => ({
  runId: `run${i}`,
  experimentId: i % 2 ? '1' : '2',
  runName: `E${i % 3} pipeline ${i}`,
  status: 'FINISHED',
  startTime: 1_700_000_000_000 + i * 1000,
  endTime: 1_700_000_000_000 + i * 1000 + 500,
  parentRunId: null,
  params: { league: `E${i % 3}`, xi: String(0.001 + (i % 5) / 1000), blend: i % 2 ? 'log' : 'linear' },
  metrics: { rps: 0.2 + (i % 7) / 1000, market_rps: 0.2 },
  tags: { 'scoreline.trigger': i % 4 ? 'manual' : 'schedule' },
  ...over,
})

describe('runs table logic', () => {
  const runs = Array.from({ length: 1200 }, (_, i) => run(i))

  it('reads a query of params, metrics and tags joined by and', () => {
    expect(parseQuery("rps < 0.203 and params.league = 'E1' and tags.scoreline.trigger != schedule")).toEqual(
      {
        conditions: [
          { kind: 'any', key: 'rps', op: '<', value: '0.203' },
          { kind: 'param', key: 'league', op: '=', value: 'E1' },
          { kind: 'tag', key: 'scoreline.trigger', op: '!=', value: 'schedule' },
        ],
      },
    )
    expect(parseQuery('rps')).toHaveProperty('error')
    expect(parseQuery('  ')).toEqual({ conditions: [] })
  })

  it('filters 1,200 runs by query, search, status and date, and hides nested runs', () => {
    const q = parseQuery('rps < 0.202 and league = E1 and blend ~ LO') as { conditions: never[] }
    const out = filterRuns(runs, { ...EMPTY_FILTER, conditions: q.conditions })
    expect(out.length).toBeGreaterThan(0)
    for (const r of out) {
      expect(r.metrics.rps).toBeLessThan(0.202)
      expect(r.params.league).toBe('E1')
      expect(r.params.blend).toBe('log')
    }
    expect(filterRuns(runs, { ...EMPTY_FILTER, search: 'pipeline 1199' }).map((r) => r.runId)).toEqual([
      'run1199',
    ])
    expect(
      filterRuns(runs, { ...EMPTY_FILTER, from: 1_700_000_000_000 + 1000 * 1000, to: null }).length,
    ).toBe(200)
    const nested = [run(1), run(2, { parentRunId: 'run1' })]
    expect(filterRuns(nested, EMPTY_FILTER).map((r) => r.runId)).toEqual(['run1'])
    expect(filterRuns(nested, { ...EMPTY_FILTER, hideNested: false })).toHaveLength(2)
    const started = performance.now()
    filterRuns(runs, { ...EMPTY_FILTER, search: 'e1 log', conditions: q.conditions })
    expect(performance.now() - started).toBeLessThan(50)
  })

  it('sorts numerically on params and metrics, missing values last', () => {
    const some = [run(1), run(2), run(3, { metrics: {} }), run(4)]
    expect(sortRuns(some, { by: { kind: 'metric', key: 'rps' }, desc: false }).map((r) => r.runId)).toEqual([
      'run1',
      'run2',
      'run4',
      'run3',
    ])
    expect(sortRuns(some, { by: { kind: 'metric', key: 'rps' }, desc: true }).at(-1)?.runId).toBe('run3')
    // RPS and market RPS first (#20), then the pipeline's key params
    expect(defaultColumns(some).map((c) => c.key)).toEqual(['rps', 'market_rps', 'league', 'xi', 'blend'])
    // Runs that record their goal-model variant (#12) show it next to the league.
    const withVariant = [run(1, { params: { league: 'E0', model_variant: 'shots', xi: '0.0019' } }), run(2)]
    expect(
      defaultColumns(withVariant)
        .map((c) => c.key)
        .slice(0, 4),
    ).toEqual(['rps', 'market_rps', 'league', 'model_variant'])
  })

  it('chooses round chart ticks', () => {
    expect(ticks(0, 9)).toEqual([0, 2, 4, 6, 8])
    expect(ticks(0.198, 0.2031)).toEqual([0.198, 0.2, 0.202])
  })
})

const comparison: RunComparisonDto = {
  runs: ['a', 'b', 'c'].map((id, i) => ({
    runId: id,
    runName: `run ${id}`,
    experimentId: '1',
    experimentName: 'dixon_coles_poisson',
    status: 'FINISHED',
    startTime: i,
  })),
  params: [
    { key: 'blend', values: ['log', 'log', 'linear'], differs: true },
    { key: 'margin_method', values: ['shin', 'shin', 'shin'], differs: false },
    { key: 'xi', values: ['0.0019', '0.0025', null], differs: true },
  ],
  metrics: [
    {
      key: 'rps',
      higherIsBetter: false,
      best: 'b',
      stats: [
        { min: 0.2, max: 0.2, last: 0.2, points: 1 },
        { min: 0.1985, max: 0.1985, last: 0.1985, points: 1 },
        null,
      ],
    },
    {
      key: 'xi_search_rps',
      higherIsBetter: false,
      best: 'a',
      stats: [
        { min: 0.199, max: 0.21, last: 0.2, points: 3 },
        { min: 0.2, max: 0.22, last: 0.205, points: 3 },
        { min: 0.2, max: 0.22, last: 0.21, points: 3 },
      ],
    },
  ],
  histories: [
    {
      key: 'xi_search_rps',
      series: ['a', 'b', 'c'].map((runId) => ({
        runId,
        points: [0, 1, 2].map((step) => ({ step, value: 0.2 + step / 100, timestamp: step })),
      })),
    },
  ],
}

describe('comparison', () => {
  afterEach(cleanup)

  it('highlights differing params, hides equal ones on demand, marks the best run and draws histories', () => {
    render(<Comparison data={comparison} onClose={() => {}} />)
    expect(screen.getByTestId('param-blend').className).toBe('differs')
    expect(screen.getByTestId('param-margin_method').className).toBe('')
    expect(screen.getByTestId('param-xi').textContent).toContain('—')
    fireEvent.click(screen.getByTestId('differences-only'))
    expect(screen.queryByTestId('param-margin_method')).toBeNull()
    expect(visibleParams(comparison.params, true).map((p) => p.key)).toEqual(['blend', 'xi'])

    const rps = within(screen.getByTestId('metric-rps')).getAllByRole('cell')
    expect(rps.map((c) => c.getAttribute('data-best'))).toEqual([null, 'true', null])
    expect(rps[1].textContent).toContain('★')
    const xi = within(screen.getByTestId('metric-xi_search_rps')).getAllByRole('cell')
    expect(xi[0].textContent).toContain('0.1990 – 0.2100 (3)')
    expect(screen.getAllByTestId('history-series')).toHaveLength(3)
    // parallel coordinates: by default the differing params and the RPS, one line per run
    expect(screen.getByTestId('parallel-chart').getAttribute('aria-label')).toBe(
      'Parallel coordinates over blend, xi, rps',
    )
    expect(screen.getAllByTestId('parallel-line')).toHaveLength(3)
  })

  it('places numeric and categorical values on parallel axes', () => {
    const axes = comparisonAxes(comparison)
    const blend = axisPositions(axes.find((a) => a.id === 'params.blend')!)
    expect(blend.positions).toEqual([1, 1, 0])
    expect(blend.ticks.map((t) => t.label)).toEqual(['linear', 'log'])
    const xi = axisPositions(axes.find((a) => a.id === 'params.xi')!)
    expect(xi.positions).toEqual([0, 1, null])
  })

  it('marks every run tied for best, and none when all agree or the metric is a count', () => {
    const stat = (last: number) => ({ min: last, max: last, last, points: 1 })
    const row = (key: string, values: number[], best = 'a') => ({
      key,
      higherIsBetter: false,
      best,
      stats: values.map(stat),
    })
    expect(bestCells(row('rps', [0.2, 0.19, 0.19], 'b'), comparison.runs)).toEqual([false, true, true])
    expect(bestCells(row('rps', [0.2, 0.2, 0.2]), comparison.runs)).toEqual([false, false, false])
    expect(bestCells(row('calibrated_n', [300, 377, 300]), comparison.runs)).toEqual([false, false, false])
    expect(bestCells(row('alpha', [0, 0.2, 0.3]), comparison.runs)).toEqual([false, false, false])
    expect(bestCells(row('served', [0, 1, 1]), comparison.runs)).toEqual([false, false, false])
    expect(bestCells(row('gate_rows', [120, 300, 300]), comparison.runs)).toEqual([false, false, false])
    expect(bestCells(row('gate_rps', [0.2, 0.19, 0.2], 'b'), comparison.runs)).toEqual([false, true, false])
  })
})

function fakeApi(runs: RunDto[]) {
  const calls: { name: string; input: unknown }[] = []
  const transport: Transport = {
    invoke: async (name, input) => {
      calls.push({ name, input })
      if (name === 'tracking.searchRuns')
        return {
          ok: true,
          value: {
            runs,
            experiments: [
              { id: '1', name: 'dixon_coles_poisson', lifecycleStage: 'active', creationTime: null },
              { id: '2', name: 'dixon_coles_blending', lifecycleStage: 'active', creationTime: null },
            ],
            truncated: false,
          },
        }
      if (name === 'tracking.compareRuns') return { ok: true, value: comparison }
      return { ok: false, error: { code: 'INTERNAL', message: `${name} not in test` } }
    },
    subscribe: () => () => {},
  }
  return { api: buildApi(transport), calls }
}

describe('Experiments screen', () => {
  // jsdom lays nothing out: give the virtualised table's scroll box a size so it renders rows
  const sizes = ['clientHeight', 'clientWidth'] as const
  beforeAll(() => {
    Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 480 })
    Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1000 })
  })
  afterAll(() => {
    sizes.forEach((k) => delete (HTMLElement.prototype as unknown as Record<string, unknown>)[k])
  })
  afterEach(() => {
    cleanup()
    useTrackingStore.setState({
      runs: { data: null, loading: false, error: null },
      selection: [],
      comparison: { data: null, loading: false, error: null },
      view: DEFAULT_RUNS_VIEW,
    })
  })

  it('lists runs, filters them, and compares the three selected', async () => {
    const runs = Array.from({ length: 30 }, (_, i) => run(i))
    const { api, calls } = fakeApi(runs)
    await act(async () => {
      render(<ExperimentsPage api={api} />)
    })
    expect(screen.getByTestId('runs-count').textContent).toContain('30 of 30 runs')
    fireEvent.change(screen.getByTestId('run-query'), { target: { value: 'league = E1' } })
    expect(screen.getByTestId('runs-count').textContent).toContain('10 of 30 runs')
    fireEvent.change(screen.getByTestId('run-query'), { target: { value: 'league' } })
    expect(screen.getByRole('alert').textContent).toContain('Cannot read "league"')
    fireEvent.change(screen.getByTestId('run-query'), { target: { value: '' } })

    expect(screen.getAllByTestId('run-row').length).toBeGreaterThanOrEqual(15) // virtualised: the visible ones
    const compare = screen.getByTestId('compare-button') as HTMLButtonElement
    expect(compare.disabled).toBe(true)
    for (const name of ['E2 pipeline 29', 'E1 pipeline 28', 'E0 pipeline 27'])
      fireEvent.click(screen.getByLabelText(`Select ${name}`))
    expect(compare.disabled).toBe(false)
    await act(async () => {
      fireEvent.click(compare)
    })
    expect(calls.find((c) => c.name === 'tracking.compareRuns')?.input).toEqual({
      runIds: ['run29', 'run28', 'run27'],
    })
    expect(screen.getByTestId('comparison').textContent).toContain('Comparing 3 runs')
  })

  it('keeps the filters and sort when the analyst comes back to the screen', async () => {
    const { api } = fakeApi(Array.from({ length: 12 }, (_, i) => run(i)))
    await act(async () => {
      render(<ExperimentsPage api={api} />)
    })
    fireEvent.change(screen.getByTestId('run-query'), { target: { value: 'league = E2' } })
    fireEvent.click(screen.getByRole('button', { name: 'RPS' }))
    cleanup()
    await act(async () => {
      render(<ExperimentsPage api={api} />)
    })
    expect((screen.getByTestId('run-query') as HTMLInputElement).value).toBe('league = E2')
    expect(screen.getByTestId('runs-count').textContent).toContain('4 of 12 runs')
    expect(screen.getByRole('columnheader', { name: /RPS ▲/ }).getAttribute('aria-sort')).toBe('ascending')
  })

  it('says how to get runs when there are none, and shows the error with a retry', async () => {
    const { api } = fakeApi([])
    await act(async () => {
      render(<ExperimentsPage api={api} />)
    })
    expect(screen.getByTestId('no-runs').textContent).toContain('No tracked run yet')
  })
})

describe('★best (#20)', () => {
  afterEach(cleanup)
  const stat = (last: number) => ({ min: last, max: last, last, points: 1 })
  const metric = (key: string, values: number[]) => ({
    key,
    higherIsBetter: false,
    best: 'a',
    stats: values.map(stat),
  })

  it('shows no ★ on counts, α, iterations, nor log-likelihoods of different model types; states the direction', () => {
    const data: RunComparisonDto = {
      ...comparison,
      params: [{ key: 'model_variant', values: ['dixon-coles', 'poisson', 'dixon-coles'], differs: true }],
      metrics: [
        metric('rps', [0.2, 0.19, 0.21]),
        metric('calibrated_n', [300, 377, 302]),
        metric('model_n', [300, 377, 302]),
        metric('alpha', [0, 0.2, 0.3]),
        metric('iterations', [40, 12, 30]),
        metric('log_likelihood', [-1200, -1100, -1150]),
        metric('accuracy', [0.5, 0.52, 0.51]),
      ],
      histories: [],
    }
    render(<Comparison data={data} onClose={() => {}} />)
    const stars = (key: string) => within(screen.getByTestId(`metric-${key}`)).queryAllByText(/★/).length
    expect(stars('rps')).toBe(1)
    expect(stars('accuracy')).toBe(1)
    for (const key of ['calibrated_n', 'model_n', 'alpha', 'iterations', 'log_likelihood'])
      expect(stars(key), key).toBe(0)
    const direction = (key: string) =>
      within(screen.getByTestId(`metric-${key}`)).getByTestId('metric-direction').textContent
    expect(direction('rps')).toBe('↓')
    expect(direction('accuracy')).toBe('↑')
    expect(direction('calibrated_n')).toBe('')
    expect(screen.getByTestId('metric-rps').querySelector('th')!.title).toBe('lower is better')
  })
})

describe('runs table at 1024 px (#20)', () => {
  beforeAll(() => {
    Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 480 })
    Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1000 })
  })
  afterAll(() => {
    for (const k of ['clientHeight', 'clientWidth'])
      delete (HTMLElement.prototype as unknown as Record<string, unknown>)[k]
  })
  afterEach(cleanup)

  it('labels runs by league, variant (and stage) and time instead of "E0 pipeline <id>"', () => {
    const parent = run(1, {
      params: { league: 'E0', model_variant: 'dixon-coles' },
      runName: 'E0 pipeline 7f3a9c',
    })
    expect(runLabel(parent)).toBe(`E0 · dixon-coles · ${fmtTime(parent.startTime)}`)
    const child = run(2, {
      params: { league: 'E0', model: 'poisson' },
      runName: 'E0 fit',
      parentRunId: 'run1',
    })
    expect(runLabel(child)).toBe(`E0 · poisson · fit · ${fmtTime(child.startTime)}`)
    expect(runLabel(run(3, { params: {}, runName: 'adhoc', tags: {} }))).toBe('adhoc')
  })

  it('puts RPS and market RPS first and pins them beside the run; durations read end − start', async () => {
    const columns = [
      { kind: 'param' as const, key: 'league' },
      { kind: 'metric' as const, key: 'market_rps' },
      { kind: 'metric' as const, key: 'model_rps' },
      { kind: 'metric' as const, key: 'rps' },
    ]
    expect(orderColumns(columns).pinned.map((c) => c.key)).toEqual(['rps', 'market_rps'])
    expect(orderColumns(columns).rest.map((c) => c.key)).toEqual(['league', 'model_rps'])
    const runs = [
      run(1, { startTime: 1_700_000_000_000, endTime: 1_700_000_095_000 }),
      run(2, { startTime: Date.now() - 3_000, endTime: null, status: 'RUNNING' }),
      run(3, { startTime: 1_700_000_000_000, endTime: null, status: 'KILLED' }),
    ]
    render(
      <RunsTable
        rows={runs}
        columns={columns}
        sort={{ by: { kind: 'attr', key: 'startTime' }, desc: true }}
        onSort={() => {}}
        selection={[]}
        onToggle={() => {}}
        maxSelection={10}
        experimentNames={new Map()}
        onOpen={() => {}}
      />,
    )
    const headers = screen.getAllByRole('columnheader')
    expect(headers.slice(0, 4).map((h) => h.textContent)).toEqual(['Select', 'Run', 'RPS', 'Market RPS'])
    expect(headers.slice(0, 4).every((h) => h.classList.contains('pinned'))).toBe(true)
    expect(headers[4].classList.contains('pinned')).toBe(false)
    const durations = (await screen.findAllByTestId('run-duration')).map((d) => d.textContent)
    expect(durations[0]).toBe(fmtDuration(95_000))
    // a run still going shows the time so far, one without an end and not running shows none
    expect(durations[1]).toMatch(/^\d+(\.\d)? s so far$/)
    expect(durations[2]).toBe('—')
    expect(fmtDuration(95_000)).toBe('1 min 35 s')
  })
})
