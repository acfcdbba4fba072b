import { describe, expect, it } from 'vitest'
import { explainFixture, explainInputFromFit, explanationSentence, type ExplainInput } from './explainFixture'
import type { FittedModel } from '../dixonColes/types'
import { fixtureRates, outcomeProbabilities } from '../dixonColes/predict'
import { applyBlend } from '../blend/blend'
import { applyCalibrator, type TemperatureCalibrator } from '../calibration/calibrator'
import type { Triple } from '../metrics/probabilities'

// A strong home side against a mid-table visitor; β̄ = 0.1 ⇒ baseline λ = μ = e^0.1 ≈ 1.105 goals.
const BASE: ExplainInput = {
  gamma: 0.25,
  alphaHome: 0.45,
  betaHome: -0.2,
  alphaAway: 0.05,
  betaAway: 0.15,
  betaMean: 0.1,
  rho: -0.08,
}
// A market far less bullish on the home side than the model in *every* coalition: the lowest home
// probability over the 64 model coalitions is ≈ 0.332 (baseline 0.355), so blending towards 0.30 lowers
// the home win whichever other components are on — its Shapley share must be negative.
const MARKET: Triple = [0.3, 0.3, 0.4]
const TEMP: TemperatureCalibrator = {
  kind: 'temperature',
  temperature: 1.15,
  floor: 1e-4,
  n: 500,
  logLossBefore: 1,
  logLossAfter: 0.99,
}

const sum3 = (t: readonly number[]) => t[0] + t[1] + t[2]

describe('explainFixture', () => {
  it('the six model components explain final − baseline exactly (efficiency within 1e-12)', () => {
    const e = explainFixture(BASE)
    expect(e.components).toEqual([
      'homeAdvantage',
      'homeAttack',
      'homeDefence',
      'awayAttack',
      'awayDefence',
      'lowScoreCorrection',
    ])
    expect(e.evaluations).toBe(64)
    for (let j = 0; j < 3; j++) {
      const total = e.contributions.reduce((s, c) => s + c.delta[j], 0)
      expect(Math.abs(total - (e.final[j] - e.baseline[j]))).toBeLessThan(1e-12)
    }
    // each contribution moves probability between outcomes, so its triple sums to 0
    for (const c of e.contributions) expect(Math.abs(sum3(c.delta))).toBeLessThan(1e-12)
  })

  it('baseline is an average team v an average team at a neutral venue; final is the direct computation', () => {
    const e = explainFixture(BASE)
    const lam = Math.exp(0.25 + 0.45 + 0.15)
    const mu = Math.exp(0.05 - 0.2)
    expect(e.rates.baseline.lambda).toBeCloseTo(Math.exp(0.1), 15)
    expect(e.rates.baseline.mu).toBe(e.rates.baseline.lambda)
    expect(e.rates.final.lambda).toBeCloseTo(lam, 14)
    expect(e.baseline).toEqual(outcomeProbabilities(Math.exp(0.1), Math.exp(0.1), 0))
    expect(e.baseline[0]).toBeCloseTo(e.baseline[2], 14) // equal teams, no venue: H and A symmetric
    const direct = outcomeProbabilities(lam, mu, -0.08)
    e.final.forEach((p, j) => expect(p).toBeCloseTo(direct[j], 14))
  })

  it('with a blend and a calibrator: 8 components, 256 evaluations, final = calibrate(blend(model))', () => {
    const input: ExplainInput = {
      ...BASE,
      market: { probabilities: MARKET, blend: { kind: 'log', alpha: 0.6 } },
      calibrator: TEMP,
    }
    const e = explainFixture(input)
    expect(e.components.slice(6)).toEqual(['marketBlend', 'calibration'])
    expect(e.evaluations).toBe(256)
    const model = outcomeProbabilities(Math.exp(0.85), Math.exp(-0.15), -0.08)
    const direct = applyCalibrator(TEMP, applyBlend({ kind: 'log', alpha: 0.6 }, model, MARKET))
    e.final.forEach((p, j) => expect(p).toBeCloseTo(direct[j], 14))
    for (let j = 0; j < 3; j++) {
      const total = e.contributions.reduce((s, c) => s + c.delta[j], 0)
      expect(Math.abs(total - (e.final[j] - e.baseline[j]))).toBeLessThan(1e-12)
    }
    const mb = e.contributions.find((c) => c.component === 'marketBlend')!
    expect(model[0]).toBeGreaterThan(MARKET[0])
    expect(mb.delta[0]).toBeLessThan(0)
  })

  it('dummy axiom: a component at its baseline value (or γ at a neutral venue) gets exactly 0', () => {
    const e = explainFixture({ ...BASE, alphaAway: 0, betaHome: BASE.betaMean, neutral: true })
    for (const name of ['homeAdvantage', 'awayAttack', 'homeDefence'] as const) {
      expect(e.contributions.find((c) => c.component === name)!.delta).toEqual([0, 0, 0])
    }
    expect(e.contributions.find((c) => c.component === 'homeAttack')!.delta[0]).toBeGreaterThan(0)
  })

  it('symmetry axiom: γ and α_home enter λ the same way, so equal values get equal shares', () => {
    const e = explainFixture({ ...BASE, gamma: 0.3, alphaHome: 0.3 })
    const ha = e.contributions.find((c) => c.component === 'homeAdvantage')!.delta
    const at = e.contributions.find((c) => c.component === 'homeAttack')!.delta
    expect(ha).toEqual(at)
  })

  it('with an injected independent-Poisson-free toy model the values match a hand calculation', () => {
    // toy: p = normalise([λ, 1, μ]); with only homeAttack active (others at baseline, β̄ = 0),
    // all other players are dummies and homeAttack gets final − baseline.
    const toy = (l: number, m: number): [number, number, number] => {
      const s = l + 1 + m
      return [l / s, 1 / s, m / s]
    }
    const e = explainFixture(
      { gamma: 0, alphaHome: Math.log(2), betaHome: 0, alphaAway: 0, betaAway: 0, betaMean: 0, rho: 0.1 },
      toy,
    )
    const ha = e.contributions.find((c) => c.component === 'homeAttack')!.delta
    expect(ha[0]).toBeCloseTo(2 / 4 - 1 / 3, 15)
    expect(ha[1]).toBeCloseTo(1 / 4 - 1 / 3, 15)
    expect(e.contributions.find((c) => c.component === 'lowScoreCorrection')!.delta).toEqual([0, 0, 0])
  })

  it('rejects non-finite parameters and invalid market triples', () => {
    expect(() => explainFixture({ ...BASE, gamma: NaN })).toThrow(/gamma/)
    expect(() =>
      explainFixture({
        ...BASE,
        market: { probabilities: [0.6, 0.6, 0.2], blend: { kind: 'linear', alpha: 0.5 } },
      }),
    ).toThrow(/sums to/)
  })
})

describe('explainInputFromFit', () => {
  const team = (name: string, attack: number, defence: number) => ({
    name,
    attack,
    defence,
    attackSe: null,
    defenceSe: null,
    matches: 10,
  })
  const model: FittedModel = {
    model: 'dixon-coles',
    asOf: '2024-05-19',
    from: null,
    xi: 0.0019,
    teams: [team('Arsenal', 0.4, -0.3), team('Chelsea', 0.1, 0.1), team('Luton', -0.5, 0.5)],
    homeAdvantage: 0.22,
    homeAdvantageSe: null,
    rho: -0.05,
    rhoSe: null,
    logLikelihood: -100,
    nMatches: 30,
    nTeams: 3,
    iterations: 5,
    converged: true,
    gradientNorm: 1e-10,
    minTau: 0.9,
    droppedTeams: [],
    warnings: [],
  }

  it("takes β̄ as the mean fitted defence and reproduces the engine's own rates as the final state", () => {
    const input = explainInputFromFit(model, 'Arsenal', 'Luton')
    expect(input.betaMean).toBeCloseTo((-0.3 + 0.1 + 0.5) / 3, 15)
    const e = explainFixture(input)
    const { lambda, mu } = fixtureRates(model, 'Arsenal', 'Luton')
    expect(e.rates.final.lambda).toBeCloseTo(lambda, 14)
    expect(e.rates.final.mu).toBeCloseTo(mu, 14)
    expect(() => explainInputFromFit(model, 'Arsenal', 'Wrexham')).toThrow(/Wrexham/)
  })
})

describe('explanationSentence', () => {
  it('names the largest driver and the largest counter-driver in whole points', () => {
    const e = explainFixture({
      ...BASE,
      market: { probabilities: MARKET, blend: { kind: 'linear', alpha: 0.5 } },
    })
    const pts = Object.fromEntries(e.contributions.map((c) => [c.component, Math.round(c.delta[0] * 100)]))
    // the home attack is the biggest push; the market is the only component pulling the home win down
    const largest = e.contributions.reduce((a, b) => (Math.abs(b.delta[0]) > Math.abs(a.delta[0]) ? b : a))
    expect(largest.component).toBe('homeAttack')
    expect(pts.marketBlend).toBeLessThan(0)
    const s = explanationSentence(e, 'H', { home: 'Arsenal', away: 'Chelsea' })
    expect(s).toBe(
      `Arsenal's attack adds +${pts.homeAttack} points to the home win; the market pulls it back ${-pts.marketBlend} points.`,
    )
  })

  it('uses the away team, the other outcomes and a plain possessive for names ending in s', () => {
    const e = explainFixture({ ...BASE, alphaHome: 0, gamma: 0, alphaAway: 0.6, betaHome: 0.3 })
    const s = explanationSentence(e, 'A', { home: 'Leeds', away: 'Wolves' })
    expect(s).toMatch(
      /^Wolves' attack adds \+\d+ points to the away win; Leeds' defence adds another \d+ points\.$/,
    )
    expect(explanationSentence(e, 'H', { home: 'Leeds', away: 'Wolves' })).toMatch(
      /takes \d+ points off the home win/,
    )
  })

  it('says so when nothing moves the outcome by a whole point', () => {
    const e = explainFixture({
      ...BASE,
      gamma: 0,
      alphaHome: 0,
      alphaAway: 0,
      betaHome: 0.1,
      betaAway: 0.1,
      rho: 0,
    })
    expect(explanationSentence(e, 'D', { home: 'A', away: 'B' })).toMatch(/^No single factor moves the draw/)
  })
})
