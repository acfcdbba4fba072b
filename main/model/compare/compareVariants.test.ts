import { afterAll, describe, expect, it } from 'vitest'
import { removeMargin } from '../market'
import { rps, summarise, type Triple } from '../metrics'
import { simulateLeagueForVariants } from '../backtest/simulatedMarket'
import { walkForward, yearsBefore } from '../backtest/walkForward'
import { VARIANTS, type GoalModelVariant, type VariantId } from '../variants'
import { dixonColesVariant, type DixonColesVariantFit } from '../variants/dixonColes'
import {
  compareVariants,
  compareVariantsWith,
  chooseHyperParameters,
  type CompareMatch,
} from './compareVariants'

const FROM = '2022-08-01'
const { matches: sim } = simulateLeagueForVariants()
// Closing = the simulated odds; pre-match = flatter prices (a worse forecaster), missing on a few matches.
const flatter = (odds: readonly number[]): Triple => {
  const p = removeMargin(odds, 'multiplicative').probabilities.map((x) => 0.7 * x + 0.1)
  return [1 / (1.05 * p[0]), 1 / (1.05 * p[1]), 1 / (1.05 * p[2])]
}
const matches: CompareMatch[] = sim.map((m, i) => ({
  ...m,
  closingOdds: m.odds,
  preMatchOdds: i % 97 === 5 ? null : flatter(m.odds!),
}))

/** A test-only variant with a hyper-parameter: Dixon-Coles with its 1X2 raised to the power `scale`, renormalised. */
const scaled: GoalModelVariant<DixonColesVariantFit> = {
  ...dixonColesVariant,
  id: 'shrunk' as VariantId,
  label: 'scaled Dixon-Coles (test)',
  hyperGrid: [{ scale: 1 }, { scale: 3 }, { scale: 1.02 }],
}
// `scale` comes from the hyper-parameters given at fit time.
scaled.fit = (history, ctx) =>
  ({ ...dixonColesVariant.fit(history, ctx), scale: ctx.params?.scale ?? 1 }) as never
scaled.predict = (fit, fixture) => {
  const f = dixonColesVariant.predict(fit, fixture)
  const k = (fit as unknown as { scale: number }).scale
  if (!f || k === 1) return f
  const p = f.probabilities.map((x) => x ** k)
  const s = p[0] + p[1] + p[2]
  return { ...f, probabilities: [p[0] / s, p[1] / s, p[2] / s] as const }
}
;(VARIANTS as Record<string, unknown>).shrunk = scaled
afterAll(() => delete (VARIANTS as Record<string, unknown>).shrunk)

describe('compareVariants (simulated league with two markets)', () => {
  const c = compareVariants(matches, {
    from: FROM,
    variants: ['dixon-coles', 'poisson'],
    minHistory: 30,
    bootstrap: { resamples: 300 },
  })

  it('scores only matches every variant forecast and both markets quoted, with the chosen margin method', () => {
    const inPeriod = matches.filter((m) => m.date >= FROM)
    expect(c.n_matches).toBe(inPeriod.length)
    const noPre = inPeriod.filter((m) => !m.preMatchOdds).length
    expect(noPre).toBeGreaterThan(0)
    expect(c.excluded).toEqual({ no_closing: 0, no_pre_match: noPre, no_forecast: 0 })
    expect(c.n_scored).toBe(inPeriod.length - noPre)
    expect(c.margin).toBe('multiplicative')
    const scored = inPeriod.filter((m) => m.preMatchOdds)
    const ys = scored.map((m) => (m.homeGoals > m.awayGoals ? 'H' : m.homeGoals === m.awayGoals ? 'D' : 'A'))
    const closing = summarise(
      scored.map((m) => removeMargin(m.closingOdds!, 'multiplicative').probabilities),
      ys,
    )
    for (const k of ['n', 'rps', 'log_loss', 'brier', 'accuracy', 'ece'] as const) {
      expect(c.markets.closing[k]).toBeCloseTo(closing[k], 12)
    }
    expect(c.markets.pre_match.rps).toBeGreaterThan(c.markets.closing.rps)
  })

  it('each variant’s model figures are its own walk-forward’s on the common matches; blend uses the pre-match market', () => {
    const wf = walkForward(
      matches.map((m) => ({ ...m, odds: m.preMatchOdds })),
      // compare-models warms α and the calibrator up on the tuning year (the year before FROM)
      {
        from: FROM,
        minHistory: 30,
        margin: 'multiplicative',
        model: 'poisson',
        warmUpFrom: yearsBefore(FROM, 1),
      },
    )
    const rows = wf.rows.filter((r) => r.market)
    const poisson = c.variants.find((v) => v.variant === 'poisson')!
    expect(poisson.model).toEqual(
      summarise(
        rows.map((r) => r.model!),
        rows.map((r) => r.result),
      ),
    )
    expect(poisson.calibrated).toEqual(
      summarise(
        rows.map((r) => r.calibrated!),
        rows.map((r) => r.result),
      ),
    )
    expect(poisson.final_alpha).toBe(wf.final.alpha)
  })

  it('bootstrap intervals: RPS differences to Dixon-Coles (none for itself), to the closing market, calibrated to pre-match', () => {
    const dc = c.variants.find((v) => v.variant === 'dixon-coles')!
    const poisson = c.variants.find((v) => v.variant === 'poisson')!
    expect(dc.rps_vs_dixon_coles).toBeNull()
    expect(poisson.rps_vs_dixon_coles!.mean).toBeCloseTo(poisson.model.rps - dc.model.rps, 12)
    expect(dc.rps_vs_closing.mean).toBeCloseTo(dc.model.rps - c.markets.closing.rps, 12)
    expect(dc.calibrated_vs_pre_match.mean).toBeCloseTo(dc.calibrated.rps - c.markets.pre_match.rps, 12)
    for (const v of c.variants) {
      for (const b of [v.rps_vs_closing, v.calibrated_vs_pre_match]) {
        expect(b.lo).toBeLessThanOrEqual(b.mean)
        expect(b.hi).toBeGreaterThanOrEqual(b.mean)
        expect(b.n).toBe(c.n_scored)
      }
    }
    expect(c.bootstrap).toMatchObject({ resamples: 300, unit: 'match date', level: 0.95 })
    // The targets block restates the table.
    const best = c.variants.reduce((a, b) => (b.model.rps < a.model.rps ? b : a))
    expect(c.targets.best_model).toEqual({ variant: best.variant, rps: best.model.rps })
    expect(c.targets.gap_to_closing).toBeCloseTo(best.model.rps - c.markets.closing.rps, 14)
    expect(c.targets.model_within_0_003_of_closing).toBe(c.targets.gap_to_closing <= 0.003)
    // Deterministic.
    const again = compareVariants(matches, {
      from: FROM,
      variants: ['dixon-coles', 'poisson'],
      minHistory: 30,
      bootstrap: { resamples: 300 },
      now: () => 0,
    })
    expect(JSON.stringify({ ...again, variants: again.variants.map((v) => ({ ...v, seconds: 0 })) })).toBe(
      JSON.stringify({ ...c, variants: c.variants.map((v) => ({ ...v, seconds: 0 })) }),
    )
  })

  it('chooses hyper-parameters on the year before --from only: results inside the window cannot change the choice', () => {
    const period = { from: '2021-08-01', to: '2022-07-31' }
    const choice = chooseHyperParameters(matches, 'shrunk' as VariantId, period, {})!
    expect(choice.period).toEqual(period)
    expect(choice.grid.map((g) => g.params.scale)).toEqual([1, 3, 1.02])
    const best = choice.grid.reduce((a, b) => (b.rps! < a.rps! ? b : a))
    expect(choice.chosen).toEqual(best.params)
    expect(choice.grid.find((g) => g.params.scale === 3)!.rps!).toBeGreaterThan(best.rps!)

    const flipped = matches.map((m) =>
      m.date >= FROM ? { ...m, homeGoals: m.awayGoals, awayGoals: m.homeGoals + 2 } : m,
    )
    const a = compareVariants(matches, {
      from: FROM,
      variants: ['shrunk' as VariantId],
      minHistory: 30,
      bootstrap: { resamples: 50 },
    })
    const b = compareVariants(flipped, {
      from: FROM,
      variants: ['shrunk' as VariantId],
      minHistory: 30,
      bootstrap: { resamples: 50 },
    })
    expect(b.variants[0].hyper).toEqual(a.variants[0].hyper)
    expect(a.variants[0].hyper!.period).toEqual({ from: '2021-08-01', to: '2022-07-31' })
    expect(b.variants[0].model.rps).not.toBe(a.variants[0].model.rps)
  })

  it('refuses an unknown variant, an empty list and a tuning period that reaches into the evaluation', () => {
    expect(() => compareVariants(matches, { from: FROM, variants: ['nope' as VariantId] })).toThrow(
      /Unknown model variant "nope" \(available: dixon-coles, poisson/,
    )
    expect(() => compareVariants(matches, { from: FROM, variants: [] })).toThrow(/at least one/)
    expect(() =>
      compareVariants(matches, {
        from: FROM,
        variants: ['dixon-coles'],
        tuning: { from: '2022-01-01', to: FROM },
      }),
    ).toThrow(/look ahead/)
    expect(rps([1, 0, 0], 'H')).toBe(0)
  })
})

describe('compareVariantsWith (the walk-forwards handed to a runner, e.g. a worker pool)', () => {
  it('gives the comparison compareVariants gives, tuning grid included, whatever order the runs finish in', async () => {
    const options = {
      from: FROM,
      variants: ['dixon-coles', 'shrunk'] as VariantId[],
      minHistory: 30,
      bootstrap: { resamples: 300 },
    }
    const inThread = compareVariants(matches, options)
    let calls = 0
    // later calls finish first: the assembly must not depend on completion order
    const runner = async (m: Parameters<typeof walkForward>[0], o: Parameters<typeof walkForward>[1]) => {
      const delay = 20 - 2 * calls++
      await new Promise((r) => setTimeout(r, Math.max(0, delay)))
      return walkForward(m, o)
    }
    const fannedOut = await compareVariantsWith(matches, options, runner)
    expect(calls).toBe(2 + 3) // one walk-forward per variant, one per grid point of 'shrunk'
    const timeless = (c: typeof inThread) => ({
      ...c,
      variants: c.variants.map((v) => ({ ...v, seconds: 0 })),
    })
    expect(timeless(fannedOut)).toEqual(timeless(inThread))
  })
})
