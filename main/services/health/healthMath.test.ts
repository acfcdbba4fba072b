import { describe, expect, it } from 'vitest'
import { ece, meanRps, summarise, type OutcomeLetter, type Triple } from '../../model/metrics'
import { predictionsCsv } from '../training/artifacts'
import {
  DEFAULT_HEALTH_THRESHOLDS,
  comparableRows,
  judgeHealth,
  parsePredictionsCsv,
  phaseMetrics,
  reliabilityDiagram,
  rollingRps,
  type ForecastRow,
} from './healthMath'

const row = (date: string, result: OutcomeLetter, p: Triple, market: Triple | null = p): ForecastRow => ({
  date,
  home: 'A',
  away: 'B',
  result,
  model: p,
  market,
  blend: market ? p : null,
  calibrated: market ? p : null,
})

describe('reliabilityDiagram', () => {
  it('bins on the top-label confidence, counts, and its weighted gaps add up to the ECE of metrics', () => {
    const preds: Triple[] = [
      [0.55, 0.25, 0.2], // bin 5, pick H
      [0.58, 0.22, 0.2], // bin 5
      [0.2, 0.25, 0.55], // bin 5, pick A
      [0.72, 0.18, 0.1], // bin 7
      [0.1, 0.15, 0.75], // bin 7
      [0.34, 0.33, 0.33], // bin 3
    ]
    const outcomes: OutcomeLetter[] = ['H', 'D', 'A', 'H', 'H', 'D']
    const d = reliabilityDiagram('model', preds, outcomes)
    expect(d.n).toBe(6)
    expect(d.bins).toHaveLength(10)
    expect(d.bins.map((b) => b.count)).toEqual([0, 0, 0, 1, 0, 3, 0, 2, 0, 0])
    expect(d.bins[5].confidence).toBeCloseTo((0.55 + 0.58 + 0.55) / 3, 12)
    expect(d.bins[5].accuracy).toBeCloseTo(2 / 3, 12)
    expect(d.bins[7].accuracy).toBe(0.5)
    expect(d.bins[3].accuracy).toBe(0)
    expect(d.bins[0]).toEqual({ lo: 0, hi: 0.1, count: 0, confidence: null, accuracy: null })
    const weighted = d.bins.reduce(
      (s, b) => s + (b.count > 0 ? (b.count / d.n) * Math.abs(b.accuracy! - b.confidence!) : 0),
      0,
    )
    expect(d.ece).toBeCloseTo(ece(preds, outcomes), 12)
    expect(weighted).toBeCloseTo(d.ece, 12)
  })

  it('is empty and zero for no forecasts', () => {
    const d = reliabilityDiagram('blend', [], [])
    expect(d).toMatchObject({ series: 'blend', n: 0, ece: 0 })
    expect(d.bins.every((b) => b.count === 0)).toBe(true)
  })
})

describe('rollingRps', () => {
  const rows = (['H', 'D', 'A', 'H', 'A'] as const).map((r, i) => ({
    ...row(`2024-01-0${i + 1}`, r, [0.5, 0.3, 0.2], [0.4, 0.3, 0.3]),
    phase: (i < 3 ? 'evaluation' : 'recent') as 'evaluation' | 'recent',
  }))

  it('averages the trailing window of every series, one point per match from the window-th', () => {
    const points = rollingRps(rows, 3)
    expect(points.map((p) => [p.index, p.date, p.phase])).toEqual([
      [2, '2024-01-03', 'evaluation'],
      [3, '2024-01-04', 'recent'],
      [4, '2024-01-05', 'recent'],
    ])
    for (const p of points) {
      const w = rows.slice(p.index - 2, p.index + 1)
      expect(p.model).toBeCloseTo(
        meanRps(
          w.map((r) => r.model!),
          w.map((r) => r.result),
        ),
        12,
      )
      expect(p.market).toBeCloseTo(
        meanRps(
          w.map((r) => r.market!),
          w.map((r) => r.result),
        ),
        12,
      )
    }
    expect(points[0].model).not.toBeCloseTo(points[0].market, 6)
  })

  it('gives nothing until a window is full and refuses a bad window', () => {
    expect(rollingRps(rows, 6)).toEqual([])
    expect(() => rollingRps(rows, 0)).toThrow(RangeError)
  })
})

describe('comparableRows and phaseMetrics', () => {
  it('keeps only matches with every forecast, and scores each forecast on those', () => {
    const rows = [row('2024-01-01', 'H', [0.6, 0.2, 0.2]), row('2024-01-02', 'A', [0.6, 0.2, 0.2], null)]
    const kept = comparableRows(rows)
    expect(kept).toHaveLength(1)
    const m = phaseMetrics(kept)
    expect(m.model).toEqual(summarise([[0.6, 0.2, 0.2]], ['H']))
    expect(m.market?.n).toBe(1)
    expect(phaseMetrics([]).calibrated).toBeNull()
  })
})

describe('judgeHealth', () => {
  const evaluation = { n: 380, rps: 0.2, log_loss: 1, brier: 0.6, accuracy: 0.5, ece: 0.04 }
  const base = {
    league: 'E0',
    modelVersion: '3',
    series: 'calibrated' as const,
    evaluation,
    thresholds: DEFAULT_HEALTH_THRESHOLDS,
  }

  it('says there are not enough recent matches below the minimum, whatever the numbers', () => {
    const v = judgeHealth({ ...base, recent: { ...evaluation, n: 12, rps: 0.3, ece: 0.3 } })
    expect(v.state).toBe('insufficient')
    expect(v.alerts).toEqual([])
    expect(v.message).toContain('not enough recent matches (12/30)')
    expect(judgeHealth({ ...base, recent: null }).message).toContain('(0/30)')
  })

  it('raises an RPS alert only beyond the threshold, with the numbers and a plain message', () => {
    expect(judgeHealth({ ...base, recent: { ...evaluation, n: 40, rps: 0.2099 } }).state).toBe('ok')
    const v = judgeHealth({ ...base, recent: { ...evaluation, n: 40, rps: 0.215 } })
    expect(v.state).toBe('alert')
    expect(v.alerts).toHaveLength(1)
    const a = v.alerts[0]
    expect(a).toMatchObject({ league: 'E0', modelVersion: '3', kind: 'rps', evaluation: 0.2, recent: 0.215 })
    expect(a.change).toBeCloseTo(0.015, 12)
    expect(a.threshold).toBe(0.01)
    expect(a.recentMatches).toBe(40)
    expect(a.message).toContain('E0 champion v3')
    expect(a.message).toContain('0.2150')
    expect(a.message).toContain('0.2000')
  })

  it('raises an ECE alert when calibration error grows beyond its threshold', () => {
    const v = judgeHealth({ ...base, recent: { ...evaluation, n: 60, ece: 0.08 } })
    expect(v.alerts.map((a) => a.kind)).toEqual(['ece'])
    expect(v.alerts[0].message).toMatch(/calibration error \(ECE\).*0\.0800.*0\.0400/)
    const both = judgeHealth({
      ...base,
      recent: { ...evaluation, n: 60, ece: 0.08, rps: 0.3 },
      thresholds: { ...DEFAULT_HEALTH_THRESHOLDS, ece: 0.05 },
    })
    expect(both.alerts.map((a) => a.kind)).toEqual(['rps'])
  })
})

describe('parsePredictionsCsv', () => {
  it('reads back what the pipeline writes, skipped matches and quoted names included', () => {
    const csv = predictionsCsv(
      [
        {
          date: '2024-01-01',
          home: 'Brighton, Hove',
          away: 'B',
          homeGoals: 2,
          awayGoals: 1,
          result: 'H',
          model: [0.5, 0.3, 0.2],
          market: [0.45, 0.3, 0.25],
          blend: [0.47, 0.3, 0.23],
          calibrated: [0.48, 0.29, 0.23],
          alpha: 0.4,
          skipReason: null,
        },
        {
          date: '2024-01-02',
          home: 'C',
          away: 'D',
          homeGoals: 0,
          awayGoals: 0,
          result: 'D',
          model: null,
          market: [0.45, 0.3, 0.25],
          blend: null,
          calibrated: null,
          alpha: null,
          skipReason: 'no rating for C',
        },
      ],
      (r) => (r.home === 'C' ? null : 17),
    )
    const rows = parsePredictionsCsv(csv)
    expect(rows).toEqual([
      {
        date: '2024-01-01',
        home: 'Brighton, Hove',
        away: 'B',
        result: 'H',
        model: [0.5, 0.3, 0.2],
        market: [0.45, 0.3, 0.25],
        blend: [0.47, 0.3, 0.23],
        calibrated: [0.48, 0.29, 0.23],
        matchId: 17,
      },
      {
        date: '2024-01-02',
        home: 'C',
        away: 'D',
        result: 'D',
        model: null,
        market: [0.45, 0.3, 0.25],
        blend: null,
        calibrated: null,
        matchId: null,
      },
    ])
    expect(comparableRows(rows)).toHaveLength(1)
  })

  it('names a missing column', () => {
    expect(() => parsePredictionsCsv('date,home\n2024-01-01,A\n')).toThrow(/no "away" column/)
  })
})
