import { describe, expect, it } from 'vitest'
import {
  DixonColesError,
  fitDixonColes,
  matrixOutcomes,
  outcomeProbabilities,
  toMatchArrays,
} from '../../dixonColes'
import { simulateLeagueForVariants } from '../../backtest/simulatedMarket'
import { requireVariant, variantById } from '../registry'
import {
  dixonColesVariant,
  poissonVariant,
  variantMatchArrays,
  type DixonColesVariantFit,
} from './dixonColesVariant'

const { matches } = simulateLeagueForVariants()
const history = matches.filter((m) => m.date < '2022-08-01')
const ctx = { asOf: '2022-07-31', from: '2019-08-01', xi: 0.0019 }

describe('dixon-coles and poisson variants (adapters over the engine)', () => {
  const fit = dixonColesVariant.fit(history, ctx)

  it('fit equals the engine’s fitDixonColes on the same window, and predict its rates and 1X2', () => {
    const direct = fitDixonColes(toMatchArrays(history), { ...ctx, model: 'dixon-coles' })
    expect(fit.model.teams).toEqual(direct.teams)
    expect(fit.model.rho).toBe(direct.rho)
    expect(fit.excluded).toEqual([])
    const t = (n: string) => direct.teams.find((x) => x.name === n)!
    const f = dixonColesVariant.predict(fit, { date: '2022-08-06', home: 'Team 01', away: 'Team 02' })!
    const lambda = Math.exp(direct.homeAdvantage + t('Team 01').attack + t('Team 02').defence)
    const mu = Math.exp(t('Team 02').attack + t('Team 01').defence)
    expect(f.lambda).toBe(lambda)
    expect(f.mu).toBe(mu)
    expect(f.probabilities).toEqual(outcomeProbabilities(lambda, mu, direct.rho))
    const total = f.matrix.flat().reduce((a, b) => a + b, 0)
    expect(Math.abs(total - 1)).toBeLessThan(1e-12)
    const fromMatrix = matrixOutcomes(f.matrix)
    for (let j = 0; j < 3; j++) expect(Math.abs(fromMatrix[j] - f.probabilities[j])).toBeLessThan(1e-9)
    // A neutral venue drops γ.
    const n = dixonColesVariant.predict(fit, {
      date: '2022-08-06',
      home: 'Team 01',
      away: 'Team 02',
      neutral: true,
    })!
    expect(n.lambda).toBeCloseTo(lambda / Math.exp(direct.homeAdvantage), 12)
  })

  it('poisson fixes ρ = 0; unknown teams give null; explain terms add up to log λ and log μ', () => {
    const p = poissonVariant.fit(history, ctx)
    expect(p.model.rho).toBe(0)
    expect(p.model.model).toBe('poisson')
    expect(poissonVariant.predict(p, { date: '2022-08-06', home: 'Team 01', away: 'Nobody' })).toBeNull()
    const fx = { date: '2022-08-06', home: 'Team 03', away: 'Team 04' }
    const terms = dixonColesVariant.explain!(fit, fx)!
    const f = dixonColesVariant.predict(fit, fx)!
    const sum = (xs: { value: number }[]) => xs.reduce((a, b) => a + b.value, 0)
    expect(Math.exp(sum(terms.lambda))).toBeCloseTo(f.lambda, 12)
    expect(Math.exp(sum(terms.mu))).toBeCloseTo(f.mu, 12)
    expect(terms.lambda.map((x) => x.name)).toEqual(['home advantage', 'Team 03 attack', 'Team 04 defence'])
  })

  it('summary is plain JSON with the variant-independent fit info alongside', () => {
    const s = dixonColesVariant.summary(fit)
    expect(JSON.parse(JSON.stringify(s))).toEqual(s)
    expect(s).toMatchObject({ model: 'dixon-coles', excludedTeams: [] })
    expect(dixonColesVariant.fitInfo!(fit)).toEqual({
      nMatches: fit.model.nMatches,
      nTeams: 12,
      iterations: fit.model.iterations,
      converged: true,
      gradientNorm: fit.model.gradientNorm,
      excludedTeams: [],
    })
  })

  it('warm start from the previous fit converges in a few Newton steps to the same optimum', () => {
    const more = matches.filter((m) => m.date < '2022-08-15')
    const next = { ...ctx, asOf: '2022-08-14' }
    const warm = dixonColesVariant.fit(more, { ...next, previous: fit })
    const cold = dixonColesVariant.fit(more, next)
    expect(warm.model.iterations).toBeLessThan(cold.model.iterations)
    for (let i = 0; i < 12; i++) expect(warm.model.teams[i].attack).toBeCloseTo(cold.model.teams[i].attack, 7)
  })

  it('rates a newcomer that has not scored (no finite MLE) from the promoted-team prior instead of failing (#20)', () => {
    const extra = [
      ...history,
      { date: '2022-07-30', home: 'Team 01', away: 'Blank FC', homeGoals: 2, awayGoals: 0 },
    ]
    const f = dixonColesVariant.fit(extra, ctx) as DixonColesVariantFit
    expect(f.excluded).toEqual([])
    const blank = f.model.teams.find((t) => t.name === 'Blank FC')!
    expect(blank).toMatchObject({ matches: 1, attackSe: expect.any(Number), defenceSe: expect.any(Number) })
    expect(f.model.shrinkage?.teams.map((t) => t.name)).toContain('Blank FC')
    expect(
      dixonColesVariant.predict(f, { date: '2022-08-06', home: 'Blank FC', away: 'Team 02' }),
    ).not.toBeNull()
    expect(
      dixonColesVariant.predict(f, { date: '2022-08-06', home: 'Team 01', away: 'Team 02' }),
    ).not.toBeNull()
    // Nothing fittable at all: the engine's typed error.
    expect(() => dixonColesVariant.fit([], ctx)).toThrow(DixonColesError)
  })

  it('variantMatchArrays keeps a given team order, then first appearance', () => {
    const a = variantMatchArrays(history.slice(0, 3), ['Zed', 'Team 05'])
    expect(a.teams.slice(0, 2)).toEqual(['Zed', 'Team 05'])
    expect(a.home.length).toBe(3)
    expect(a.teams[a.home[0]]).toBe(history[0].home)
  })

  it('the registry finds them; an unknown id is MODEL_BAD_INPUT listing the available ones', () => {
    expect(variantById('dixon-coles')).toBe(dixonColesVariant)
    expect(variantById('poisson')).toBe(poissonVariant)
    expect(variantById('toString')).toBeUndefined()
    expect(() => requireVariant('nope')).toThrow(
      /Unknown model variant "nope" \(available: dixon-coles, poisson/,
    )
  })
})
