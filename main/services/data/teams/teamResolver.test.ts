import { describe, expect, it } from 'vitest'
import { openMemoryDatabase } from '../db/index'
import { isDataError } from '../errors'
import { addTeamAlias, createTeamResolver } from './teamResolver'
import { normalizeTeamName, teamNameSimilarity } from './normalizeTeamName'

function seed() {
  const db = openMemoryDatabase()
  const now = '2024-01-01T00:00:00.000Z'
  db.prepare(
    "INSERT INTO leagues (code, name, country, updated_at) VALUES ('E0', 'PL', 'England', ?), ('E1', 'Ch', 'England', ?), ('D1', 'BL', 'Germany', ?)",
  ).run(now, now, now)
  const team = db.prepare('INSERT INTO teams (name, country, updated_at) VALUES (?, ?, ?)')
  const alias = db.prepare(
    'INSERT INTO team_aliases (team_id, league_code, alias, normalized, updated_at) VALUES (?, ?, ?, ?, ?)',
  )
  const ids: Record<string, number> = {}
  for (const [name, league, country] of [
    ['Manchester United', 'E0', 'England'],
    ['Man City', 'E0', 'England'],
    ['Sheffield Wednesday', 'E1', 'England'],
    ['Sheffield United', 'E1', 'England'],
    ['FC Köln', 'D1', 'Germany'],
  ]) {
    ids[name] = Number(team.run(name, country, now).lastInsertRowid)
    alias.run(ids[name], league, name, normalizeTeamName(name), now)
  }
  return { db, ids }
}

describe('normalizeTeamName', () => {
  it('folds case, accents, punctuation, FC/AFC and Utd/United', () => {
    expect(normalizeTeamName('Man Utd')).toBe('manchester united')
    expect(normalizeTeamName('Manchester United FC')).toBe('manchester united')
    expect(normalizeTeamName('AFC Bournemouth')).toBe('bournemouth')
    expect(normalizeTeamName('1. FC Köln')).toBe('1 koln')
    expect(normalizeTeamName("Nott'm Forest")).toBe('nottm forest')
    expect(normalizeTeamName('Brighton & Hove Albion')).toBe('brighton and hove albion')
  })

  it('scores look-alikes high and different clubs of one city low', () => {
    expect(teamNameSimilarity('sheffield wednesday', normalizeTeamName('Sheffield Weds'))).toBe(1)
    expect(teamNameSimilarity('nottingham forest', 'nottm forest')).toBeGreaterThan(0.9)
    expect(teamNameSimilarity('queens park rangers', 'qpr')).toBeGreaterThanOrEqual(0.9)
    expect(teamNameSimilarity('sheffield united', 'sheffield wednesday')).toBeLessThan(0.6)
    expect(teamNameSimilarity('west ham', 'west brom')).toBeLessThan(0.6)
  })
})

describe('team resolver', () => {
  it('resolves exact aliases, then normalised forms, within the country', () => {
    const { db, ids } = seed()
    const r = createTeamResolver(db)
    expect(r.resolve('Manchester United', 'E0')).toEqual({
      teamId: ids['Manchester United'],
      teamName: 'Manchester United',
      via: 'alias',
    })
    expect(r.resolve('Man Utd', 'E0').teamId).toBe(ids['Manchester United'])
    expect(r.resolve('man united', 'E0').via).toBe('normalized')
    // E1 alias visible from E0 (same country): relegated and promoted clubs keep their identity
    expect(r.resolve('Sheffield Wednesday', 'E0').teamId).toBe(ids['Sheffield Wednesday'])
    expect(r.resolve('Koln', 'D1').teamId).toBe(ids['FC Köln'])
    // not across countries
    expect(r.lookup('FC Köln', 'E0')).toBeNull()
  })

  it('refuses an unknown name with ranked suggestions', () => {
    const { db, ids } = seed()
    try {
      createTeamResolver(db).resolve('Sheff Wed', 'E1')
      throw new Error('expected UNKNOWN_TEAM')
    } catch (error) {
      expect(isDataError(error, 'UNKNOWN_TEAM')).toBe(true)
      const suggestions = (error as { details: { suggestions: { teamId: number }[] } }).details.suggestions
      expect(suggestions[0].teamId).toBe(ids['Sheffield Wednesday'])
      expect((error as Error).message).toContain('Sheffield Wednesday')
    }
  })

  it('adds aliases idempotently and refuses one that names another team', () => {
    const { db, ids } = seed()
    const a = addTeamAlias(db, { team: ids['Sheffield Wednesday'], alias: 'Sheff Wed', league: 'E1' })
    expect(a.created).toBe(true)
    expect(addTeamAlias(db, { team: 'Sheffield Wednesday', alias: 'Sheff Wed', league: 'E1' }).created).toBe(
      false,
    )
    expect(createTeamResolver(db).resolve('Sheff Wed', 'E1').teamId).toBe(ids['Sheffield Wednesday'])
    expect(() =>
      addTeamAlias(db, { team: ids['Sheffield United'], alias: 'Sheff Wed', league: 'E1' }),
    ).toThrow(/already names Sheffield Wednesday/)
    const g = addTeamAlias(db, { team: 'Man City', alias: 'Citizens' })
    expect(g.league).toBe('')
    expect(createTeamResolver(db).resolve('Citizens', 'E0').teamId).toBe(ids['Man City'])
  })
})
