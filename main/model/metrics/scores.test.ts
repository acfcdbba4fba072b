import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  accuracy,
  brier,
  ece,
  logLoss,
  LOG_LOSS_EPSILON,
  meanBrier,
  meanLogLoss,
  meanRps,
  reliabilityBins,
  rps,
  summarise,
} from './scores'
import { ModelInputError, type Outcome, type Triple } from './probabilities'

// Constantinou & Fenton (2012), "Solving the problem of inadequate scoring rules for assessing
// probabilistic football forecast models", the ten hypothetical matches, as reproduced in penaltyblog's
// metrics documentation. Outcomes: H,H,H,H,D,D,H,H,H,H.
const CF_PREDS: Triple[] = [
  [1, 0, 0],
  [0.9, 0.1, 0],
  [0.8, 0.1, 0.1],
  [0.5, 0.25, 0.25],
  [0.35, 0.3, 0.35],
  [0.6, 0.3, 0.1],
  [0.6, 0.25, 0.15],
  [0.6, 0.15, 0.25],
  [0.57, 0.33, 0.1],
  [0.6, 0.2, 0.2],
]
const CF_OUTCOMES: Outcome[] = ['H', 'H', 'H', 'H', 'D', 'D', 'H', 'H', 'H', 'H']

describe('Constantinou & Fenton (2012) example', () => {
  it('mean RPS is 0.08937 and mean Brier 0.30838 (the printed digits in penaltyblog docs)', () => {
    expect(meanRps(CF_PREDS, CF_OUTCOMES)).toBeCloseTo(0.08937, 10)
    expect(meanBrier(CF_PREDS, CF_OUTCOMES)).toBeCloseTo(0.30838, 10)
  })

  it('per-match RPS matches eq. 1 worked by hand (0, .005, .025, .15625, .1225, .185, ...)', () => {
    const expected = [0, 0.005, 0.025, 0.15625, 0.1225, 0.185, 0.09125, 0.11125, 0.09745, 0.1]
    CF_PREDS.forEach((p, i) => expect(rps(p, CF_OUTCOMES[i])).toBeCloseTo(expected[i], 12))
  })

  it('accepts outcomes as indices or letters alike', () => {
    const asIdx = CF_OUTCOMES.map((o) => ({ H: 0, D: 1, A: 2 })[o as string] as Outcome)
    expect(meanRps(CF_PREDS, asIdx)).toBe(meanRps(CF_PREDS, CF_OUTCOMES))
  })
})

describe('single-forecast scores', () => {
  it('RPS prefers a near miss: [.2,.5,.3] scored on A beats [.5,.2,.3] (ordinal property)', () => {
    expect(rps([0.3, 0.5, 0.2], 'A')).toBeLessThan(rps([0.5, 0.3, 0.2], 'A'))
  })

  it('Brier spans 0–2 and log loss is natural log with the documented clip', () => {
    expect(brier([1, 0, 0], 'H')).toBe(0)
    expect(brier([1, 0, 0], 'A')).toBe(2)
    expect(logLoss([0.5, 0.25, 0.25], 'D')).toBeCloseTo(Math.log(4), 14)
    expect(logLoss([1, 0, 0], 'A')).toBeCloseTo(-Math.log(LOG_LOSS_EPSILON), 10)
    expect(Number.isFinite(meanLogLoss([[1, 0, 0]], ['A']))).toBe(true)
  })

  it('every score is within its range for random triples (property)', () => {
    const triple = fc
      .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
      .map(([a, b]): Triple => {
        const lo = Math.min(a, b)
        const hi = Math.max(a, b)
        return [lo, hi - lo, 1 - hi]
      })
    fc.assert(
      fc.property(triple, fc.constantFrom<Outcome>(0, 1, 2), (p, y) => {
        const r = rps(p, y)
        const b = brier(p, y)
        return r >= 0 && r <= 1 + 1e-12 && b >= 0 && b <= 2 + 1e-12 && logLoss(p, y) >= 0
      }),
    )
  })
})

describe('accuracy and ECE', () => {
  it('accuracy counts arg-max hits with ties going to the lower index', () => {
    // every forecast picks H (match 5 ties H/A → H); the eight home wins hit, the two draws miss
    expect(accuracy(CF_PREDS, CF_OUTCOMES)).toBeCloseTo(8 / 10, 14)
    expect(accuracy([[0.4, 0.2, 0.4]], ['H'])).toBe(1)
    expect(accuracy([[0.4, 0.2, 0.4]], ['A'])).toBe(0)
  })

  it('ECE on top-label confidence, computed by hand for four forecasts', () => {
    // confidences .55 (hit), .58 (miss) → bin [.5,.6): acc .5, conf .565 → |.065|·2/4
    // confidence .9 (hit) → bin [.9,1]: |1 − .9|·1/4; confidence 1.0 (hit) → last bin too.
    const preds: Triple[] = [
      [0.55, 0.25, 0.2],
      [0.2, 0.22, 0.58],
      [0.9, 0.05, 0.05],
      [0, 0, 1],
    ]
    const ys: Outcome[] = ['H', 'H', 'H', 'A']
    // bin [.9,1]: conf (0.9 + 1)/2 = .95, acc 1 → |.05|·2/4
    expect(ece(preds, ys)).toBeCloseTo((0.065 * 2) / 4 + (0.05 * 2) / 4, 12)
  })

  it('ECE is 0 for a forecaster whose confidence equals its hit rate in every bin', () => {
    const preds: Triple[] = [
      [0.5, 0.3, 0.2],
      [0.5, 0.3, 0.2],
    ]
    expect(ece(preds, ['H', 'D'])).toBeCloseTo(0, 14)
  })

  it('reliability bins are per outcome, all ten present, empty bins null', () => {
    const bins = reliabilityBins(CF_PREDS, CF_OUTCOMES)
    expect(bins).toHaveLength(3)
    expect(bins[0]).toHaveLength(10)
    const home6 = bins[0][6] // [0.6, 0.7): the four 0.6 forecasts (matches 6, 7, 8, 10), one a draw
    expect(home6).toMatchObject({ lo: 0.6, hi: 0.7, count: 4 })
    expect(home6.meanPredicted).toBeCloseTo(0.6, 14)
    expect(home6.observedFrequency).toBeCloseTo(3 / 4, 14)
    expect(bins[0][9].count).toBe(2) // 0.9 and 1.0 (last bin is closed)
    expect(bins[0][1]).toMatchObject({ count: 0, meanPredicted: null, observedFrequency: null })
    expect(bins[1].reduce((s, b) => s + b.count, 0)).toBe(10)
  })
})

describe('summarise', () => {
  it('returns the snake_case CLI shape', () => {
    const s = summarise(CF_PREDS, CF_OUTCOMES)
    expect(Object.keys(s).sort()).toEqual(['accuracy', 'brier', 'ece', 'log_loss', 'n', 'rps'])
    expect(s.n).toBe(10)
    expect(s.rps).toBeCloseTo(0.08937, 10)
    expect(s.brier).toBeCloseTo(0.30838, 10)
    expect(JSON.parse(JSON.stringify(s))).toEqual(s)
  })

  it('rejects empty input, mismatched lengths, bad triples and bad outcomes with typed codes', () => {
    const code = (f: () => unknown) => {
      try {
        f()
      } catch (e) {
        expect(e).toBeInstanceOf(ModelInputError)
        return (e as ModelInputError).code
      }
      return 'no error'
    }
    expect(code(() => summarise([], []))).toBe('EMPTY_INPUT')
    expect(code(() => summarise(CF_PREDS, ['H']))).toBe('LENGTH_MISMATCH')
    expect(code(() => summarise([[0.5, 0.5, 0.5]], ['H']))).toBe('INVALID_PROBABILITIES')
    expect(code(() => summarise([[NaN, 0.5, 0.5]], ['H']))).toBe('INVALID_PROBABILITIES')
    expect(code(() => summarise([[0.5, 0.25, 0.25]], ['X' as Outcome]))).toBe('INVALID_OUTCOME')
  })
})
