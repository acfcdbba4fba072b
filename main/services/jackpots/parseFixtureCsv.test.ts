import { describe, expect, it } from 'vitest'
import { parseFixtureCsv } from './parseFixtureCsv'

describe('jackpot fixtures from CSV', () => {
  it('reads home, away and optional H/D/A odds, skipping blank lines', () => {
    const { fixtures, problems } = parseFixtureCsv(
      '\uFEFFhome,away,H,D,A\r\nArsenal,Chelsea,2.10,3.50,3.40\r\n\r\n"Brighton & Hove Albion",West Ham,,,\r\n',
    )
    expect(problems).toEqual([])
    expect(fixtures).toEqual([
      { line: 2, home: 'Arsenal', away: 'Chelsea', odds: { home: 2.1, draw: 3.5, away: 3.4 } },
      { line: 4, home: 'Brighton & Hove Albion', away: 'West Ham', odds: null },
    ])
  })

  it('accepts football-data column names and semicolons with decimal commas', () => {
    const { fixtures, problems } = parseFixtureCsv(
      'HomeTeam;AwayTeam;1;X;2\nLiverpool;Man Utd;1,50;4,20;6,00\n',
    )
    expect(problems).toEqual([])
    expect(fixtures[0]).toMatchObject({
      home: 'Liverpool',
      away: 'Man Utd',
      odds: { home: 1.5, draw: 4.2, away: 6 },
    })
  })

  it('names the line and field of every problem', () => {
    const { fixtures, problems } = parseFixtureCsv(
      [
        'home,away,H,D,A',
        'Arsenal,,2,3,4',
        'Everton,Fulham,2.5,abc,3',
        'Wolves,Wolves,,,',
        'Leeds,Burnley,1.9,,4',
        'Spurs,Villa,2,3.3,3.6',
      ].join('\n'),
    )
    expect(fixtures.map((f) => f.line)).toEqual([6])
    expect(problems).toEqual([
      { line: 2, field: 'away', message: 'the away team is empty' },
      { line: 3, field: 'D', message: 'odds D must be decimal odds above 1, got "abc"' },
      { line: 4, field: 'away', message: 'a team cannot play itself ("Wolves")' },
      { line: 5, field: 'D', message: 'odds D is empty (give all three odds or none)' },
    ])
  })

  it('refuses a header without home/away, and odds with only some of their columns', () => {
    expect(parseFixtureCsv('team1,team2\nA,B\n').problems).toEqual([
      { line: 1, field: 'home', message: 'no "home" column in the header (found: team1, team2)' },
      { line: 1, field: 'away', message: 'no "away" column in the header (found: team1, team2)' },
    ])
    const partial = parseFixtureCsv('home,away,H\nA,B,2\n')
    expect(partial.fixtures).toEqual([{ line: 2, home: 'A', away: 'B', odds: null }])
    expect(partial.problems[0]).toMatchObject({
      line: 1,
      field: 'H',
      message: expect.stringMatching(/three columns/),
    })
    expect(parseFixtureCsv('').problems[0].message).toMatch(/empty/)
    expect(parseFixtureCsv('home,away\n"Arsenal,Chelsea\n').problems[0]).toMatchObject({
      line: 2,
      field: null,
    })
  })
})
