import { describe, expect, it } from 'vitest'
import { rps } from '../metrics'
import { availableVariants } from '../variants'
import { simulateLeagueForVariants } from './simulatedMarket'
import {
  runVariantTask,
  selectionPeriodBefore,
  selectVariant,
  variantCandidates,
  type VariantTask,
} from './selectVariant'
import { walkForward, type BacktestMatch } from './walkForward'

const EVAL_FROM = '2022-08-01'
const { matches } = simulateLeagueForVariants()
const period = selectionPeriodBefore(EVAL_FROM)
const DC_POISSON = [
  { model: 'dixon-coles' as const, params: {} },
  { model: 'poisson' as const, params: {} },
]

describe('selectVariant (--model auto)', () => {
  it('the selection period is the year strictly before the evaluation window', () => {
    expect(period).toEqual({ from: '2021-08-01', to: '2022-07-31' })
  })

  it('lists every registered variant with each of its grid points', () => {
    const c = variantCandidates()
    expect([...new Set(c.map((x) => x.model))]).toEqual(availableVariants())
    expect(c.slice(0, 2)).toEqual(DC_POISSON)
  })

  it('picks the candidate with the lowest mean RPS on the matches every candidate forecast, through an injectable map', async () => {
    const seen: VariantTask[][] = []
    const sel = await selectVariant(matches, { minHistory: 30 }, period, DC_POISSON, async (tasks) => {
      seen.push(tasks)
      return tasks.map(runVariantTask)
    })
    expect(structuredClone(seen[0][0])).toEqual(seen[0][0])
    expect(seen[0].map((t) => [t.options.from, t.options.to, t.options.model])).toEqual([
      [period.from, period.to, 'dixon-coles'],
      [period.from, period.to, 'poisson'],
    ])
    const direct = (model: 'dixon-coles' | 'poisson') => {
      const r = walkForward(matches, { ...period, model, modelOnly: true })
      return r.metrics.model!.rps
    }
    const dc = direct('dixon-coles')
    const po = direct('poisson')
    expect(sel.candidates.map((c) => c.rps)).toEqual([dc, po].map((x) => expect.closeTo(x, 12)))
    expect(sel.model).toBe(dc <= po ? 'dixon-coles' : 'poisson')
    expect(sel.rps).toBe(Math.min(...sel.candidates.map((c) => c.rps!)))
    expect(sel.n).toBeGreaterThan(100)
  })

  it('has no lookahead: changing every result inside the evaluation window cannot change the choice or its figures', async () => {
    const a = await selectVariant(matches, {}, period, DC_POISSON, undefined, EVAL_FROM)
    const flipped: BacktestMatch[] = matches.map((m) =>
      m.date >= EVAL_FROM ? { ...m, homeGoals: m.awayGoals + 4, awayGoals: 0, odds: [9, 9, 1.1] } : m,
    )
    const b = await selectVariant(flipped, {}, period, DC_POISSON, undefined, EVAL_FROM)
    expect(JSON.stringify(b)).toBe(JSON.stringify(a))
    // ... with teeth: the same change one year earlier does move the figures.
    const early = matches.map((m) =>
      m.date >= period.from ? { ...m, homeGoals: m.awayGoals + 4, awayGoals: 0 } : m,
    )
    const c = await selectVariant(early, {}, period, DC_POISSON, undefined, EVAL_FROM)
    expect(c.candidates[0].rps).not.toBe(a.candidates[0].rps)
  })

  it('ties go to the earlier candidate; refuses a period that reaches into the window; no data is MODEL_NO_DATA', async () => {
    const fake = async (tasks: VariantTask[]) =>
      tasks.map((t) => ({
        model: t.options.model,
        params: t.options.params,
        perMatch: [0.2, 0.1, null],
        error: null,
      }))
    const sel = await selectVariant(matches, {}, period, DC_POISSON, fake)
    expect(sel.model).toBe('dixon-coles')
    expect(sel.n).toBe(2)
    expect(sel.rps).toBeCloseTo(0.15, 12)
    await expect(
      selectVariant(matches, {}, { from: '2022-01-01', to: EVAL_FROM }, DC_POISSON, undefined, EVAL_FROM),
    ).rejects.toMatchObject({ code: 'MODEL_BAD_INPUT' })
    await expect(
      selectVariant(matches, {}, { from: '2010-01-01', to: '2010-12-31' }, DC_POISSON),
    ).rejects.toMatchObject({ code: 'MODEL_NO_DATA' })
    expect(rps([0, 1, 0], 'D')).toBe(0)
  })
})
