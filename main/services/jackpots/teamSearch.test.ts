import { describe, expect, it } from 'vitest'
import { simulatedAppDatabase } from '../training/testing/simulatedStore'
import { addTeamAlias } from '../data/teams'
import { createTeamSearch } from './teamSearch'

describe('team autocomplete', () => {
  const db = simulatedAppDatabase([{ code: 'E0', seed: 2, seasons: 1, teams: 6 }])
  const names = db.prepare('SELECT name FROM teams ORDER BY name').pluck().all() as string[]
  addTeamAlias(db, { team: names[0], alias: 'The Invincibles', league: 'E0' })
  const search = createTeamSearch(db)

  it('offers the league teams for an empty box, prefix matches while typing', () => {
    expect(search.search('E0', '').options.map((o) => o.team)).toEqual(names)
    const typed = search.search('E0', 'e0 team')
    expect(typed.options.map((o) => o.match)).toEqual(names.map(() => 'prefix'))
    expect(typed.resolved).toBeNull()
    const exact = search.search('E0', names[2].toUpperCase())
    expect(exact.options[0]).toMatchObject({ team: names[2], match: 'exact', inLeague: true })
    expect(exact.resolved).toEqual({ team: names[2], via: 'normalized' })
  })

  it('resolves an alias to its canonical team and offers it by the alias', () => {
    const byAlias = search.search('E0', 'The Invinc')
    expect(byAlias.options[0]).toEqual({
      team: names[0],
      matched: 'The Invincibles',
      match: 'prefix',
      inLeague: true,
    })
    expect(search.search('E0', 'the invincibles').resolved).toEqual({ team: names[0], via: 'normalized' })
    expect(search.search('E0', 'The Invincibles').resolved).toEqual({ team: names[0], via: 'alias' })
  })

  it('flags an unknown name and suggests similar spellings', () => {
    const misspelt = names[1].slice(0, -1) + 'x'
    const result = search.search('E0', misspelt)
    expect(result.resolved).toBeNull()
    expect(result.options.map((o) => o.team)).toContain(names[1])
    expect(search.search('E0', 'zzzzqqq')).toMatchObject({ resolved: null, options: [] })
  })
})
