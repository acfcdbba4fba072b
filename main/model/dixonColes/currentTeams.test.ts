import { describe, expect, it } from 'vitest'
import { currentLeagueTeams } from './currentTeams'

describe('currentLeagueTeams', () => {
  const m = (date: string, home: string, away: string) => ({ date, home, away })
  const matches = [
    m('2030-08-10', 'Relegated', 'Stays'),
    m('2030-12-28', 'Stays', 'Relegated'),
    m('2031-01-20', 'Relegated', 'Stays'), // a 23-day winter break is not a new season
    m('2031-05-20', 'Stays', 'Relegated'),
    m('2031-08-09', 'Promoted', 'Stays'),
  ]
  it('is the teams of the latest season, found from the summer break', () => {
    expect([...currentLeagueTeams(matches)].sort()).toEqual(['Promoted', 'Stays'])
    // before the new season starts, the season just played is the current one
    expect([...currentLeagueTeams(matches, '2031-06-30')].sort()).toEqual(['Relegated', 'Stays'])
    expect(currentLeagueTeams([]).size).toBe(0)
  })
})
