import { describe, expect, it } from 'vitest'
import type { FittedModel } from '../../model/dixonColes'
import { findTeam } from './modelInput'

// invented clubs; only the names matter to findTeam
const model = {
  asOf: '2031-05-20',
  teams: ['Man United', 'Man City', 'Sheffield Weds', "Nott'm Forest", 'Riverside Rovers'].map((name) => ({
    name,
    attack: 0,
    defence: 0,
  })),
} as unknown as FittedModel

const unknown = (name: string, aliases: { alias: string; team: string }[] = []) => {
  try {
    findTeam(model, name, '', aliases)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error(`${name} was found`)
}

describe('findTeam: the model team a fixture names', () => {
  it('finds the exact name and the unique case-insensitive one', () => {
    expect(findTeam(model, 'Man City').name).toBe('Man City')
    expect(findTeam(model, 'man city').name).toBe('Man City')
  })

  it('suggests the team a common spelling means ("Man Utd", "Manchester United" → Man United)', () => {
    expect(unknown('Man Utd')).toMatch(/^Unknown team "Man Utd": .* Did you mean "Man United"/)
    expect(unknown('Manchester United')).toMatch(/Did you mean "Man United"/)
    expect(unknown('Sheffield Wednesday')).toMatch(/Did you mean "Sheffield Weds"/)
    expect(unknown('Nottingham Forest')).toMatch(/Did you mean "Nott'm Forest"/)
    expect(unknown('Zzyzx Wanderers')).toMatch(/has no rating for it\. Check the spelling\.$/)
  })

  it('resolves a spelling the user taught (data alias add), and suggests through a near miss of one', () => {
    const aliases = [{ alias: 'The Rovers', team: 'Riverside Rovers' }]
    expect(findTeam(model, 'The Rovers', '', aliases).name).toBe('Riverside Rovers')
    expect(unknown('The Rovrs', aliases)).toMatch(/Did you mean "Riverside Rovers"/)
  })

  it('escapes control bytes of a name read from a file', () => {
    expect(unknown('Bad\u001b[2JName')).toContain('"Bad\\x1b[2JName"')
  })
})
