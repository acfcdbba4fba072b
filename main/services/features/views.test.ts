import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  BUILTIN_VIEWS,
  lineageSchema,
  matchProbabilitiesView,
  teamFormView,
  teamRatingsView,
  validateValues,
  valuesSchema,
  viewDefinitionSchema,
} from './views'

describe('view definitions', () => {
  it('are valid, self-describing data (name, type, range, description for every feature)', () => {
    for (const view of BUILTIN_VIEWS) {
      expect(viewDefinitionSchema.parse(view)).toEqual(view)
      for (const f of view.features) {
        expect(f.description.length).toBeGreaterThan(5)
        if (f.type !== 'string') expect(f.min! < f.max!).toBe(true)
      }
      expect(JSON.parse(JSON.stringify(view))).toEqual(view)
    }
    expect(teamFormView().params).toEqual({ n: 6 })
    expect(teamFormView(10).features.find((f) => f.name === 'matches_in_window')?.max).toBe(10)
    expect(() => teamFormView(0)).toThrow(RangeError)
  })

  it('lineage names the model version, the run and the data fingerprint', () => {
    expect(lineageSchema.parse({ modelVersion: '7', runId: 'abc', dataFingerprint: 'sha256:1' })).toBeTruthy()
    expect(lineageSchema.safeParse({ modelVersion: '7', runId: null }).success).toBe(false)
  })
})

describe('validateValues', () => {
  const good = { attack: 0.2, defence: -0.1, attack_se: 0.1, defence_se: 0.1, home_advantage: 0.25 }

  it('names each problem', () => {
    const problems = (values: Record<string, unknown>) =>
      validateValues(teamRatingsView, values as never).map((i) => `${i.feature}:${i.problem}`)
    expect(problems(good)).toEqual([])
    expect(problems({ ...good, attack: Number.NaN })).toEqual(['attack:not_finite'])
    expect(problems({ ...good, attack: -Infinity })).toEqual(['attack:not_finite'])
    expect(problems({ ...good, home_advantage: 3 })).toEqual(['home_advantage:out_of_range'])
    expect(problems({ ...good, attack: '0.2' })).toEqual(['attack:wrong_type'])
    expect(problems({ ...good, atack: 1 })).toEqual(['atack:unknown_feature'])
    const { defence: _d, ...missing } = good
    expect(problems(missing)).toEqual(['defence:missing'])
    const { attack_se: _a, ...noSe } = good
    expect(problems(noSe)).toEqual([]) // SEs are optional: a fit may not have them
  })

  it('checks that 1X2 triples sum to 1', () => {
    const values = {
      lambda: 1.5,
      mu: 1.1,
      p_home_model: 0.5,
      p_draw_model: 0.3,
      p_away_model: 0.3,
      p_home_blend: 0.5,
      p_draw_blend: 0.3,
      p_away_blend: 0.2,
      p_home_calibrated: 0.5,
      p_draw_calibrated: 0.3,
      p_away_calibrated: 0.2,
      p_over_2_5: 0.5,
      p_btts: 0.5,
      model_version: '3',
    }
    expect(validateValues(matchProbabilitiesView, values).map((i) => i.problem)).toEqual(['sum_not_one'])
  })

  it('agrees with the zod schema of the view (property)', () => {
    const view = teamFormView(6)
    const schema = valuesSchema(view)
    const value = fc.oneof(
      fc.double({ min: -5, max: 40 }),
      fc.integer({ min: -3, max: 10 }),
      fc.constantFrom(Number.NaN, Infinity, -Infinity, undefined),
    )
    const values = fc.record(Object.fromEntries(view.features.map((f) => [f.name, value])))
    fc.assert(
      fc.property(values, (v) => {
        const clean = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined))
        expect(schema.safeParse(clean).success).toBe(validateValues(view, clean).length === 0)
      }),
      { numRuns: 500 },
    )
  })
})
