import { describe, expect, it } from 'vitest'
import { pricedFixtureSchema } from '../../../shared/pricing'
import { servedForecast } from '../../model/blend'
import { predictFixture } from '../../model/dixonColes'
import { removeMargin } from '../../model/market'
import { priceFixture } from './priceFixture'
import { priceFixtures } from './priceUpcoming'
import { inventedSnapshots, simulatedLeagueModel, TEMPERATURE } from './testing'
import type { FixtureToPrice } from './types'

const lm = simulatedLeagueModel()
const [home, away] = [lm.model.teams[0].name, lm.model.teams[1].name]
const day = (offset: number) =>
  new Date(Date.parse(lm.model.asOf) + offset * 86_400_000).toISOString().slice(0, 10)
const fixture = (over: Partial<FixtureToPrice> = {}): FixtureToPrice => ({
  league: 'E0',
  home,
  away,
  date: day(5),
  snapshots: inventedSnapshots(`${day(4)}T09:00:00.000Z`),
  ...over,
})
const sum = (t: readonly number[]) => t.reduce((s, x) => s + x, 0)

describe('priceFixture', () => {
  it('serves the α blend of model and Pinnacle (Shin), with edges, EV at the best price and the source', () => {
    const p = priceFixture(lm, fixture())
    expect(pricedFixtureSchema.parse(p)).toBeTruthy()
    const pred = predictFixture(lm.model, home, away)
    expect(p.model!.probabilities).toEqual([pred.pHome, pred.pDraw, pred.pAway])
    const market = removeMargin([2.1, 3.45, 3.6], 'shin').probabilities
    expect(p.market).toMatchObject({ bookmaker: 'PS', label: 'Pinnacle', marginMethod: 'shin' })
    expect(p.market!.probabilities).toEqual(market)
    const served = servedForecast([pred.pHome, pred.pDraw, pred.pAway], market, {
      blend: lm.blend,
      calibrator: null,
    })
    expect(p.served).toMatchObject({ stage: 'blend', alpha: 0.35, blendKind: 'log' })
    expect(p.served!.probabilities).toEqual(served.calibrated)
    expect(p.edge!.served[0]).toBe(served.calibrated[0] - market[0])
    expect(p.edge!.model![2]).toBe(pred.pAway - market[2])
    // best home price is Pinnacle's 2.10, best away Bet365's 3.75; the average is no bookmaker
    expect(p.ev!.map((e) => [e.bookmaker, e.price])).toEqual([
      ['Pinnacle', 2.1],
      ['Bet365', 3.5],
      ['Bet365', 3.75],
    ])
    expect(p.ev![0].ev).toBeCloseTo(served.calibrated[0] * 2.1 - 1, 15)
    expect(p.market!.overUnder25!.line).toBe(2.5)
    expect(p.model!.asianHandicap!.line).toBe(-0.25)
    expect(p.model!.over25).toBe(pred.overUnder25.over)
    expect(p.model!.topScores).toHaveLength(5)
    expect(p.warnings).toEqual([])
    expect(p.source!.summary).toMatch(
      /^champion scoreline-test-E0 v3 \(run rune0012\), data as of \d{4}-\d\d-\d\d, ξ 0\.0019, \d+ matches$/,
    )
  })

  it('α 0 (or never fitted) serves the market; no market serves the model; the calibrator comes last', () => {
    const marketOnly = priceFixture(simulatedLeagueModel({ blend: { kind: 'log', alpha: 0 } }), fixture())
    expect(marketOnly.served!.stage).toBe('market')
    expect(marketOnly.served!.probabilities).toEqual(marketOnly.market!.probabilities)
    const noBlend = priceFixture(simulatedLeagueModel({ blend: null }), fixture())
    expect(noBlend.served!.stage).toBe('market')
    const noMarket = priceFixture(lm, fixture({ snapshots: [] }))
    expect(noMarket.served).toMatchObject({ stage: 'model', alpha: 1 })
    expect(noMarket.served!.probabilities).toEqual(noMarket.model!.probabilities)
    expect(noMarket.warnings.map((w) => w.code)).toEqual(['no-market'])
    const calibrated = priceFixture(simulatedLeagueModel({ calibrator: TEMPERATURE }), fixture())
    expect(calibrated.served!.stage).toBe('calibrated')
    expect(Math.abs(sum(calibrated.served!.probabilities) - 1)).toBeLessThan(1e-12)
  })

  it('entered odds win over every snapshot, and are the price EV is taken at', () => {
    const p = priceFixture(lm, fixture({ enteredOdds: { home: 1.9, draw: 3.6, away: 4.2 } }))
    expect(p.market).toMatchObject({ bookmaker: 'entered', source: 'jackpot', observedAt: null })
    expect(p.market!.prices).toEqual([1.9, 3.6, 4.2])
    expect(p.ev!.every((e) => e.bookmaker === 'entered')).toBe(true)
  })

  it('warns when the data is stale, a team has few matches, or a side is priced from the promoted-team prior', () => {
    const stale = priceFixture(lm, fixture({ date: day(20) }))
    expect(stale.warnings).toContainEqual({
      code: 'stale',
      message: `stale: last match used ${lm.model.asOf}, 20 days before kick-off`,
    })
    const few = {
      ...lm,
      model: { ...lm.model, teams: lm.model.teams.map((t, i) => (i === 0 ? { ...t, matches: 2 } : t)) },
    }
    expect(priceFixture(few, fixture()).warnings).toContainEqual({
      code: 'few-matches',
      message: `${home} rated on 2 matches`,
    })
    const promoted = priceFixture(lm, fixture({ home: 'Newtown Rovers' }))
    expect(promoted.served).not.toBeNull()
    expect(promoted.model!.ratedOn.home).toBe(0)
    const w = promoted.warnings.find((x) => x.code === 'promoted-prior')!
    expect(w.message).toMatch(
      /^Newtown Rovers has no rating .* priced from the promoted-team prior, the mean rating of the league's bottom three/,
    )
    expect(promoted.explanation!.steps[1].label).toBe('Newtown Rovers attack (promoted-team prior)')
  })

  it('a newcomer is priced from the prior the fit shrank its few-match teams toward, when it has one', () => {
    const prior = { attack: -0.3, defence: 0.25, basis: 'partial-spell', description: 'the prior of the fit' }
    const shrunk = { ...lm, model: { ...lm.model, shrinkage: { prior, teams: [] } } }
    const p = priceFixture(shrunk, fixture({ away: 'Newtown Rovers' }))
    expect(p.warnings.find((w) => w.code === 'promoted-prior')!.message).toMatch(
      /prior, the prior of the fit\.$/,
    )
    const rated = {
      ...lm.model,
      teams: [
        ...lm.model.teams,
        { ...lm.model.teams[0], name: 'Newtown Rovers', attack: -0.3, defence: 0.25, matches: 0 },
      ],
    }
    expect(p.model!.lambda).toBe(
      priceFixture({ ...lm, model: rated }, fixture({ away: 'Newtown Rovers' })).model!.lambda,
    )
  })

  it('the explanation ends exactly at the served number', () => {
    for (const m of [
      lm,
      simulatedLeagueModel({ blend: { kind: 'log', alpha: 0 }, calibrator: TEMPERATURE }),
    ]) {
      const p = priceFixture(m, fixture())
      const e = p.explanation!
      for (let j = 0; j < 3; j++) {
        const total = e.baseline[j] + e.steps.reduce((s, x) => s + x.delta[j], 0)
        expect(Math.abs(total - p.served!.probabilities[j])).toBeLessThan(1e-12)
      }
    }
  })
})

describe('priceFixtures (what priceUpcoming prices the fixtures to come with)', () => {
  it('looks each league up once, keeps a league without a model unpriced but with its market and the reason, and counts', async () => {
    const looked: string[] = []
    const provider = {
      get: async (league: string) => {
        looked.push(league)
        if (league === 'SP1')
          throw new Error('No champion model for SP1: make one with `scoreline pipeline run --league SP1`')
        return lm
      },
    }
    const r = await priceFixtures(
      [
        fixture(),
        fixture({ away: lm.model.teams[2].name, snapshots: [] }),
        fixture({ home: 'Newtown Rovers', date: day(30) }),
        fixture({ league: 'SP1' }),
      ],
      provider,
    )
    expect(looked).toEqual(['E0', 'SP1'])
    expect(r.models.map((m) => m.league)).toEqual(['E0'])
    // the SP1 fixture has prices: it counts as without a model, not as without a market or unrated
    expect(r.counts).toEqual({ total: 4, priced: 3, stale: 1, unrated: 1, noMarket: 1, noModel: 1 })
    const unpriced = r.fixtures[3]
    expect(pricedFixtureSchema.parse(unpriced)).toBeTruthy()
    expect(unpriced).toMatchObject({ model: null, served: null, edge: null, ev: null, source: null })
    expect(unpriced.warnings).toEqual([
      {
        code: 'no-model',
        message: 'No champion model for SP1: make one with `scoreline pipeline run --league SP1`',
      },
    ])
    // its market as any priced fixture shows it: Pinnacle's snapshot, margin removed with the default (Shin)
    const market = removeMargin([2.1, 3.45, 3.6], 'shin')
    expect(unpriced.market).toMatchObject({
      bookmaker: 'PS',
      label: 'Pinnacle',
      marginMethod: 'shin',
      observedAt: `${day(4)}T09:00:00.000Z`,
      prices: [2.1, 3.45, 3.6],
    })
    expect(unpriced.market!.probabilities).toEqual(market.probabilities)
    expect(unpriced.market!.margin).toBe(market.margin)
    expect(unpriced.market!.overUnder25!.line).toBe(2.5)
    // the same market as the priced E0 fixture with the same snapshot
    expect(unpriced.market).toEqual(r.fixtures[0].market)
  })

  it('a league without a model and a fixture without prices: counted once in each', async () => {
    const r = await priceFixtures([fixture({ league: 'SP1', snapshots: [] })], {
      get: async () => {
        throw new Error('no champion')
      },
    })
    expect(r.fixtures[0]).toMatchObject({ market: null, served: null, ev: null })
    expect(r.counts).toEqual({ total: 1, priced: 0, stale: 0, unrated: 0, noMarket: 1, noModel: 1 })
  })
})
