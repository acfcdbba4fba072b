import { describe, expect, it } from 'vitest'
import { PRODUCTION_MODEL_NAME, productionModelChanges, testNamePrefix } from './mlflowHygiene'

describe('MLflow test hygiene guard (#21)', () => {
  it('tells production model names from the per-run names the tests use', () => {
    for (const name of ['scoreline-dc-E0', 'scoreline-E0', 'scoreline-poisson-SP1', 'scoreline-dc-D1'])
      expect(name).toMatch(PRODUCTION_MODEL_NAME)
    for (const name of [
      `${testNamePrefix()}scoreline-dc-E0`,
      'scoreline-dc-E0t1a2b3c',
      'scoreline-dc-T0-words',
      'scoreline-dc-test-abc',
    ])
      expect(name).not.toMatch(PRODUCTION_MODEL_NAME)
  })

  it('reports a production-named model the tests created or changed, and nothing else', () => {
    const before = { 'scoreline-dc-E0': 100, 'scoreline-dc-D1': 200 }
    expect(productionModelChanges(before, { ...before })).toEqual([])
    expect(productionModelChanges(before, { ...before, 'scoreline-dc-E0': 150, 'scoreline-E1': 5 })).toEqual([
      'scoreline-dc-E0 was changed by the tests',
      'scoreline-E1 was created by the tests',
    ])
  })
})
