/**
 * Model health in jsdom: the chart data (on seeded forecasts whose bins, ECE and rolling RPS the fixture
 * computes independently — the renderer may not import main/), and the screen's states — ready with an alert, not enough recent matches,
 * no champion, an error — through the same `buildApi` the app uses, over an in-memory transport.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { fakeApi } from '../../testing/fakeApi'
import type {
  HealthAlertDto,
  HealthAlertsDto,
  HealthLeagueDto,
  HealthReportDto,
} from '../../../../shared/api/domains/health'
import { useHealthStore } from '../../stores/healthStore'
import { useNavigationStore } from '../../stores/navigationStore'
import { HealthPage } from './HealthPage'
import { HealthAlertsPanel } from '../dashboard/HealthAlertsPanel'
import { ReliabilityChart } from './ReliabilityChart'
import { RollingRpsChart } from './RollingRpsChart'
import {
  dayOf,
  maxBinCount,
  monthTicks,
  reliabilityPoints,
  rollingSeries,
  valueExtent,
  weightedGap,
  segmentedPath,
  GAP_DAYS,
} from './chartData'

type Triple = [number, number, number]
type Outcome = 'H' | 'D' | 'A'
interface Row {
  date: string
  result: Outcome
  model: Triple
  market: Triple
  blend: Triple
  calibrated: Triple
}
type Key = 'model' | 'market' | 'blend' | 'calibrated'
const THRESHOLDS = { rps: 0.01, ece: 0.03, minRecent: 30, window: 50 }

/** A seeded generator (the renderer may not import main/: the fixture computes its own numbers). */
function lcg(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0
    return a / 4294967296
  }
}
const sharpen = (p: Triple, k: number): Triple => {
  const w = p.map((x) => x ** k)
  const t = w[0] + w[1] + w[2]
  return [w[0] / t, w[1] / t, w[2] / t]
}
/** Outcomes drawn from `truth`; forecasts a (with `bias`, badly over-) confident copy of it. */
function forecasts(n: number, seed: number, startDay: number, bias = 0): Row[] {
  const rng = lcg(seed)
  return Array.from({ length: n }, (_, i) => {
    const h = 0.3 + 0.3 * rng()
    const d = 0.22 + 0.08 * rng()
    const truth: Triple = [h, d, 1 - h - d]
    const u = rng()
    return {
      date: new Date((startDay + Math.floor(i / 4)) * 86_400_000).toISOString().slice(0, 10),
      result: u < h ? 'H' : u < h + d ? 'D' : 'A',
      model: sharpen(truth, 1.1 + bias),
      market: truth,
      blend: sharpen(truth, 1.05 + bias),
      calibrated: sharpen(truth, 1 + bias),
    }
  })
}
const idx = (o: Outcome) => (o === 'H' ? 0 : o === 'D' ? 1 : 2)
const rpsOf = (p: Triple, o: Outcome) => {
  const y = [0, 0, 0]
  y[idx(o)] = 1
  return ((p[0] - y[0]) ** 2 + (p[0] + p[1] - y[0] - y[1]) ** 2) / 2
}
const top = (p: Triple) => (p[0] >= p[1] && p[0] >= p[2] ? 0 : p[1] >= p[2] ? 1 : 2)
function diagram(series: Key, rows: Row[]) {
  const bins = Array.from({ length: 10 }, (_, b) => ({
    lo: b / 10,
    hi: (b + 1) / 10,
    count: 0,
    c: 0,
    hit: 0,
  }))
  for (const r of rows) {
    const k = top(r[series])
    const bin = bins[Math.min(9, Math.floor(r[series][k] * 10))]
    bin.count++
    bin.c += r[series][k]
    if (k === idx(r.result)) bin.hit++
  }
  return {
    series,
    n: rows.length,
    ece: bins.reduce((e, b) => e + Math.abs(b.hit - b.c) / Math.max(1, rows.length), 0),
    bins: bins.map((b) => ({
      lo: b.lo,
      hi: b.hi,
      count: b.count,
      confidence: b.count ? b.c / b.count : null,
      accuracy: b.count ? b.hit / b.count : null,
    })),
  }
}
function phase(rows: Row[]) {
  const summary = (k: Key) =>
    rows.length === 0
      ? null
      : {
          n: rows.length,
          rps: rows.reduce((s, r) => s + rpsOf(r[k], r.result), 0) / rows.length,
          log_loss: 1,
          brier: 0.6,
          accuracy: rows.filter((r) => top(r[k]) === idx(r.result)).length / rows.length,
          ece: diagram(k === 'market' ? 'model' : k, rows).ece,
        }
  return {
    n: rows.length,
    from: rows[0]?.date ?? null,
    to: rows.at(-1)?.date ?? null,
    metrics: {
      model: summary('model'),
      market: summary('market'),
      blend: summary('blend'),
      calibrated: summary('calibrated'),
    },
    reliability: (['model', 'blend', 'calibrated'] as const).map((k) => diagram(k, rows)),
  }
}
function rolling(rows: (Row & { phase: 'evaluation' | 'recent' })[], w: number) {
  return rows.slice(w - 1).map((r, j) => {
    const win = rows.slice(j, j + w)
    const mean = (k: Key) => win.reduce((s, x) => s + rpsOf(x[k], x.result), 0) / w
    return {
      index: j + w - 1,
      date: r.date,
      phase: r.phase,
      model: mean('model'),
      market: mean('market'),
      blend: mean('blend'),
      calibrated: mean('calibrated'),
    }
  })
}

const evalRows = forecasts(380, 1, dayOf('2022-08-05'))
const recentRows = forecasts(120, 2, dayOf('2023-08-11'), 2.5) // badly overconfident: an alert

function readyReport(league: string, recent: Row[]): HealthReportDto {
  const evaluation = phase(evalRows)
  const rec = phase(recent)
  const e = evaluation.metrics.calibrated!
  const n = rec.metrics.calibrated
  const alerts: HealthAlertDto[] = []
  if (n && n.rps - e.rps > THRESHOLDS.rps)
    alerts.push({
      league,
      modelVersion: '4',
      kind: 'rps',
      series: 'calibrated',
      evaluation: e.rps,
      recent: n.rps,
      change: n.rps - e.rps,
      threshold: THRESHOLDS.rps,
      recentMatches: n.n,
      message: `${league} champion v4: the calibrated forecast's RPS over the last ${n.n} matches is worse.`,
    })
  if (n && n.ece - e.ece > THRESHOLDS.ece)
    alerts.push({
      league,
      modelVersion: '4',
      kind: 'ece',
      series: 'calibrated',
      evaluation: e.ece,
      recent: n.ece,
      change: n.ece - e.ece,
      threshold: THRESHOLDS.ece,
      recentMatches: n.n,
      message: `${league} champion v4: the calibrated forecast's calibration error grew.`,
    })
  const verdict = !n
    ? {
        state: 'insufficient' as const,
        alerts,
        message: `not enough recent matches (0/30) to judge ${league} champion v4`,
      }
    : {
        state: alerts.length ? ('alert' as const) : ('ok' as const),
        alerts,
        message: alerts.map((a) => a.message).join(' ') || 'healthy',
      }
  const sequence = [
    ...evalRows.map((r) => ({ ...r, phase: 'evaluation' as const })),
    ...recent.map((r) => ({ ...r, phase: 'recent' as const })),
  ]
  return {
    league,
    state: 'ready',
    message: verdict.message,
    thresholds: THRESHOLDS,
    champion: {
      modelName: `scoreline-${league}`,
      version: '4',
      runId: 'a1b2c3d4e5f6a7b8',
      trainedTo: '2023-05-28',
      evaluation: { season: '2022-23', from: '2022-08-05', to: '2023-05-28' },
      blend: { kind: 'log', alpha: 0.31 },
      calibration: 'temperature',
      margin: 'shin',
      market: 'PS closing, then PS',
    },
    evaluation,
    recent: { ...rec, skipped: { count: recent.length ? 10 : 0, teams: recent.length ? ['Luton'] : [] } },
    rolling: { window: 50, boundaryDate: recent[0]?.date ?? null, points: rolling(sequence, 50) },
    verdict,
  }
}

const leagues: HealthLeagueDto[] = [
  { league: 'D1', champion: null, matchesAfter: 0 },
  { league: 'E0', champion: { version: '4', trainedTo: '2023-05-28' }, matchesAfter: 130 },
  { league: 'SP1', champion: { version: '2', trainedTo: '2023-05-28' }, matchesAfter: 0 },
]

function alertsOf(reports: HealthReportDto[]): HealthAlertsDto {
  return {
    thresholds: THRESHOLDS,
    alerts: reports.flatMap((r) => r.verdict?.alerts ?? []),
    leagues: reports.map((r) => ({
      league: r.league,
      modelVersion: r.champion?.version ?? null,
      state: r.verdict?.state ?? 'no-champion',
      message: r.message,
    })),
    checkedAt: new Date(0).toISOString(),
  }
}

const noChampion: HealthReportDto = {
  league: 'D1',
  state: 'no-champion',
  message: 'D1 has no champion model yet: run the training pipeline.',
  thresholds: THRESHOLDS,
  champion: null,
  evaluation: null,
  recent: null,
  rolling: null,
  verdict: null,
}

const e0 = readyReport('E0', recentRows)
const sp1 = readyReport('SP1', [])
const reports: Record<string, HealthReportDto> = { D1: noChampion, E0: e0, SP1: sp1 }
const respond = (name: string, input: unknown) =>
  name === 'health.leagues'
    ? leagues
    : name === 'health.report'
      ? reports[(input as { league: string }).league]
      : name === 'health.alerts'
        ? alertsOf([noChampion, e0, sp1])
        : new Error(`${name} not used here`)

afterEach(() => {
  cleanup()
  useHealthStore.setState({
    leagues: { data: null, loading: false, error: null },
    league: null,
    report: { data: null, loading: false, error: null },
    alerts: { data: null, loading: false, error: null },
  })
})

describe('chart data', () => {
  const [model, , calibrated] = e0.evaluation!.reliability

  it('draws the non-empty bins, and their count-weighted gaps are the ECE in the legend', () => {
    const pts = reliabilityPoints(calibrated)
    expect(pts.length).toBe(calibrated.bins.filter((b) => b.count > 0).length)
    expect(pts.reduce((s, p) => s + p.count, 0)).toBe(380)
    expect(pts.every((p) => p.x >= p.lo && p.x <= p.hi)).toBe(true)
    expect(weightedGap(calibrated)).toBeCloseTo(calibrated.ece, 12)
    expect(weightedGap(model)).toBeCloseTo(model.ece, 12)
    expect(maxBinCount(e0.evaluation!.reliability)).toBe(
      Math.max(...e0.evaluation!.reliability.flatMap((d) => d.bins.map((b) => b.count))),
    )
  })

  it('gives four rolling lines by date whose latest values are the last window', () => {
    const series = rollingSeries(e0.rolling!.points)
    expect(series.map((s) => s.key)).toEqual(['market', 'model', 'blend', 'calibrated'])
    const last = e0.rolling!.points.at(-1)!
    expect(series.find((s) => s.key === 'calibrated')!.last).toBe(last.calibrated)
    expect(series.find((s) => s.key === 'market')!.last).toBe(last.market)
    expect(series[0].points).toHaveLength(380 + 120 - 50 + 1)
    expect(series[0].points[0].day).toBe(dayOf(e0.rolling!.points[0].date))
    const [lo, hi] = valueExtent(series)!
    expect(lo).toBeLessThan(Math.min(...series.flatMap((s) => s.points.map((p) => p.value))))
    expect(hi).toBeGreaterThan(Math.max(...series.flatMap((s) => s.points.map((p) => p.value))))
    expect(valueExtent(rollingSeries([]))).toBeNull()
    // lines break across breaks in play (the summer), not across ordinary weeks
    const path = segmentedPath(
      [
        { day: 0, value: 0.2 },
        { day: 7, value: 0.21 },
        { day: 7 + GAP_DAYS + 1, value: 0.19 },
        { day: 7 + GAP_DAYS + 8, value: 0.2 },
      ],
      (d) => d,
      (v) => v * 1000,
    )
    expect(path).toBe('M0.0,200.0L7.0,210.0M29.0,190.0L36.0,200.0')
    expect(monthTicks(dayOf('2023-01-15'), dayOf('2023-04-02'))).toEqual(
      ['2023-02-01', '2023-03-01', '2023-04-01'].map(dayOf),
    )
  })
})

describe('Model health screen', () => {
  it('opens on the first league with a champion: facts, verdict, metrics, both diagrams, rolling RPS, alerts', async () => {
    const { api, calls } = fakeApi(respond)
    await act(async () => {
      render(<HealthPage api={api} />)
    })
    expect(calls.find((c) => c.name === 'health.report')?.input).toEqual({ league: 'E0' })
    expect((screen.getByTestId('health-league') as HTMLSelectElement).value).toBe('E0')
    expect(screen.getByTestId('health-version').textContent).toBe('v4')
    expect(screen.getByTestId('health-recent-range').textContent).toContain('120 matches played since')
    expect(screen.getByTestId('health-recent-range').textContent).toContain('10 skipped: no rating for Luton')

    // the overconfident recent forecasts: an alert, with the numbers the backend judged
    expect(e0.verdict!.state).toBe('alert')
    const verdict = screen.getByTestId('health-verdict')
    expect(verdict.getAttribute('data-state')).toBe('alert')
    expect(verdict.getAttribute('role')).toBe('alert')
    const cal = within(screen.getByTestId('metrics-calibrated')).getAllByRole('cell')
    expect(cal[0].textContent).toBe(e0.evaluation!.metrics.calibrated!.rps.toFixed(4))
    expect(cal[1].textContent).toBe(e0.recent!.metrics.calibrated!.rps.toFixed(4))
    expect(screen.getByTestId('metrics-market').textContent).toContain('market (shin)')

    // reliability: three series + diagonal per diagram, ECE in each legend, bars per bin
    for (const [id, phaseReport] of [
      ['reliability-evaluation', e0.evaluation!],
      ['reliability-recent', e0.recent!],
    ] as const) {
      const fig = screen.getByTestId(id)
      expect(within(fig).getByTestId('diagonal')).toBeTruthy()
      for (const d of phaseReport.reliability) {
        expect(within(fig).getByTestId(`ece-${d.series}`).textContent).toContain(`ECE ${d.ece.toFixed(4)}`)
        const dots = within(fig).getByTestId(`reliability-${d.series}`).querySelectorAll('circle')
        expect(dots.length).toBe(reliabilityPoints(d).length)
        const column = phaseReport.reliability.indexOf(d) + 1
        const rows = within(within(fig).getByTestId(`${id}-table`))
          .getAllByRole('row')
          .slice(1)
        expect(rows.map((r) => r.children[column].textContent!.split(' · ')[0])).toEqual(
          d.bins.map((b) => String(b.count)),
        )
        const bars = within(fig).getByTestId(`bin-counts-${d.series}`).querySelectorAll('rect')
        expect([...bars].map((b) => Number(b.getAttribute('data-count')))).toEqual(d.bins.map((b) => b.count))
      }
    }

    // rolling RPS: four lines, every window drawn, the boundary at the first recent match
    const rolling = screen.getByTestId('rolling-chart')
    for (const key of ['model', 'blend', 'calibrated', 'market'])
      expect(within(rolling).getByTestId(`rolling-${key}`).getAttribute('data-points')).toBe(
        String(e0.rolling!.points.length),
      )
    expect(within(rolling).getByTestId('rolling-boundary').textContent).toContain(
      'evaluation (to 2023-05-28)',
    )
    expect(within(rolling).getByTestId('rolling-last-calibrated').textContent).toContain(
      e0.rolling!.points.at(-1)!.calibrated.toFixed(4),
    )

    // the alerts of every league
    const list = screen.getByTestId('health-alerts')
    for (const a of e0.verdict!.alerts) {
      const item = within(list).getByTestId(`health-alert-E0-${a.kind}`)
      expect(item.textContent).toContain(a.message)
      expect(item.textContent).toContain(`${a.evaluation.toFixed(4)} → ${a.recent.toFixed(4)}`)
    }
    expect(within(list).getByTestId('health-state-SP1').textContent).toContain(
      'not enough recent matches (0/30)',
    )
    expect(within(list).getByTestId('health-state-D1').getAttribute('data-state')).toBe('no-champion')
  })

  it('shows "not enough recent matches" without a recent diagram, and the empty state without a champion', async () => {
    const { api, calls } = fakeApi(respond)
    await act(async () => {
      render(<HealthPage api={api} />)
    })
    await act(async () => {
      fireEvent.change(screen.getByTestId('health-league'), { target: { value: 'SP1' } })
    })
    expect(calls.at(-1)).toEqual({ name: 'health.report', input: { league: 'SP1' } })
    expect(screen.getByTestId('health-verdict').textContent).toContain('not enough recent matches (0/30)')
    expect(screen.getByTestId('health-verdict').getAttribute('role')).toBe('status')
    expect(screen.getByTestId('reliability-recent-empty').textContent).toContain(
      'No match played after 2023-05-28',
    )
    expect(screen.queryByTestId('rolling-boundary')).toBeNull()

    await act(async () => {
      fireEvent.change(screen.getByTestId('health-league'), { target: { value: 'D1' } })
    })
    expect(screen.getByTestId('health-empty').textContent).toContain('No champion yet — run the pipeline')
    expect(screen.queryByTestId('health-report')).toBeNull()
    fireEvent.click(within(screen.getByTestId('health-empty')).getByRole('button', { name: 'Open Training' }))
    expect(useNavigationStore.getState().page).toBe('training')
  })

  it('shows the typed error when the registry cannot be read', async () => {
    const { api } = fakeApi((name) =>
      name === 'health.leagues' ? leagues : new Error('MLflow at http://mlflow:5000 did not answer'),
    )
    await act(async () => {
      render(<HealthPage api={api} />)
    })
    const error = screen.getByTestId('health-error')
    expect(error.textContent).toContain('SERVICE_UNREACHABLE')
    expect(error.textContent).toContain('did not answer')
    expect(error.textContent).toContain('check its URI in Settings')
  })
})

describe('Dashboard panel', () => {
  it('lists the same alerts and opens the league on Model health', async () => {
    const { api } = fakeApi(respond)
    await act(async () => {
      render(<HealthAlertsPanel api={api} />)
    })
    const panel = screen.getByTestId('dashboard-health')
    expect(panel.textContent).toContain(`${e0.verdict!.alerts.length} alert`)
    for (const a of e0.verdict!.alerts)
      expect(within(panel).getByTestId(`health-alert-E0-${a.kind}`).textContent).toContain(a.message)
    fireEvent.click(within(panel).getAllByRole('button', { name: 'Open E0 model health' })[0])
    expect(useNavigationStore.getState().page).toBe('health')
    expect(useHealthStore.getState().league).toBe('E0')
  })
})

describe('the market on the health charts (#20)', () => {
  afterEach(cleanup)
  // α = 0: the blend and the calibrator pass the market through, so their forecasts ARE the market's
  const served = forecasts(240, 11, 19_000).map((r) => ({ ...r, blend: r.market, calibrated: r.market }))

  it('draws the market on the reliability chart, last and dashed, and says which series are identical to it', () => {
    const diagrams = (['market', 'model', 'blend', 'calibrated'] as const).map((k) => diagram(k, served))
    render(<ReliabilityChart title="Evaluation" diagrams={diagrams} testId="rel" />)
    const fig = screen.getByTestId('rel')
    const groups = [...fig.querySelectorAll('g[data-testid^="reliability-"]')]
    expect(groups.map((g) => g.getAttribute('data-testid'))).toEqual([
      'reliability-model',
      'reliability-blend',
      'reliability-calibrated',
      'reliability-market',
    ])
    expect(groups[3].querySelector('polyline')!.getAttribute('stroke-dasharray')).toBe('6 4')
    expect(groups[3].querySelectorAll('circle').length).toBeGreaterThan(0)
    expect(within(fig).getByTestId('ece-market').textContent).toContain('Market ECE')
    expect(within(fig).getByTestId('ece-blend').textContent).toContain('identical to market')
    expect(within(fig).getByTestId('ece-calibrated').textContent).toContain('identical to market')
    expect(within(fig).getByTestId('ece-model').textContent).not.toContain('identical')
  })

  it('keeps the market’s rolling-RPS line visible when blend and calibrated coincide with it', () => {
    const points = rolling(
      served.map((r) => ({ ...r, phase: 'evaluation' as const })),
      50,
    )
    render(<RollingRpsChart points={points} window={50} boundaryDate={null} trainedTo={null} />)
    const paths = [...screen.getByTestId('rolling-chart').querySelectorAll('path[data-testid^="rolling-"]')]
    // drawn last (on top), dashed and thicker than the solid lines under it
    expect(paths.at(-1)!.getAttribute('data-testid')).toBe('rolling-market')
    expect(paths.at(-1)!.getAttribute('stroke-dasharray')).toBe('6 4')
    expect(screen.getByTestId('rolling-market').getAttribute('d')).toBe(
      screen.getByTestId('rolling-calibrated').getAttribute('d'),
    )
    expect(screen.getByTestId('rolling-last-blend').textContent).toContain('(identical to market)')
    expect(screen.getByTestId('rolling-last-calibrated').textContent).toContain('(identical to market)')
    expect(screen.getByTestId('rolling-last-model').textContent).not.toContain('identical')
  })
})
