import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseFixtureText } from './parseFixtureText'

describe('parseFixtureText', () => {
  it('reads "v", "vs", "-" separators, numbering and trailing odds', () => {
    const { fixtures, problems } = parseFixtureText(
      [
        '1. Arsenal v Chelsea 1.95 3.60 4.10',
        "2) Man United vs Nott'm Forest",
        '',
        '# comment',
        'Real Madrid - Atlético Madrid 2,10 3,40 3,60',
      ].join('\n'),
    )
    expect(problems).toEqual([])
    expect(fixtures).toEqual([
      { line: 1, home: 'Arsenal', away: 'Chelsea', odds: { home: 1.95, draw: 3.6, away: 4.1 } },
      { line: 2, home: 'Man United', away: "Nott'm Forest", odds: null },
      { line: 5, home: 'Real Madrid', away: 'Atlético Madrid', odds: { home: 2.1, draw: 3.4, away: 3.6 } },
    ])
  })

  it('keeps hyphenated team names intact (the separator needs spaces)', () => {
    const { fixtures } = parseFixtureText('Stoke-on-Trent Town v Aston Villa')
    expect(fixtures[0]).toMatchObject({ home: 'Stoke-on-Trent Town', away: 'Aston Villa' })
  })

  it('reports unreadable lines with their line number and keeps the rest', () => {
    const { fixtures, problems } = parseFixtureText(
      'Arsenal v Chelsea\nnonsense line\nSpurs v Spurs\nLeeds v Hull 0.9 3 4',
    )
    expect(fixtures).toHaveLength(1)
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4])
    expect(problems[0].message).toContain('expected "Home v Away"')
    expect(problems[1].message).toContain('cannot play itself')
    expect(problems[2].message).toContain('above 1')
  })

  it('never throws on arbitrary text (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const { fixtures, problems } = parseFixtureText(text)
        for (const f of fixtures) expect(f.home.length > 0 && f.away.length > 0).toBe(true)
        for (const p of problems) expect(p.line).toBeGreaterThan(0)
      }),
    )
  })
})
