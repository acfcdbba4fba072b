import { describe, expect, it } from 'vitest'
import { availableVariants, VARIANTS } from './registry'

describe('variant registry', () => {
  it('every variant has the same properties in the same order (one object shape for V8, #23)', () => {
    const ids = availableVariants()
    expect(ids.length).toBeGreaterThan(1)
    const keys = ids.map((id) => Object.keys(VARIANTS[id] as object).join(','))
    for (let i = 0; i < ids.length; i++) expect(`${ids[i]}: ${keys[i]}`).toBe(`${ids[i]}: ${keys[0]}`)
  })
})
