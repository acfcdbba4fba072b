import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../../test/support/sharedData'
import { appMigrations, openMemoryDatabase } from '../db/index'
import { importFile, importFileContents } from '../import/index'
import {
  dataQuality,
  dataStatus,
  leagueTable,
  listLeagues,
  listMatches,
  listSeasons,
  listTeams,
} from './index'

const HEADER = 'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,B365H,B365D,B365A'
const CSV = `${HEADER}
E0,12/08/2023,15:00,Arsenal,Chelsea,2,1,H,1.8,3.6,4.5
E0,12/08/2023,17:30,Leeds,Hull,0,0,D,2.1,3.3,3.6
E0,19/08/2023,15:00,Chelsea,Leeds,3,3,D,,,
E0,19/08/2023,15:00,Hull,Arsenal,0,4,A,5,4,1.6
E0,26/08/2023,15:00,Arsenal,Leeds,,,,1.5,4,6
`

function seeded() {
  const db = openMemoryDatabase()
  importFileContents(db, CSV, 'E0_mini.csv')
  return db
}

describe('queries', () => {
  it('lists leagues and seasons with counts', () => {
    const db = seeded()
    expect(listLeagues(db)).toEqual([
      {
        code: 'E0',
        name: 'Premier League',
        country: 'England',
        tier: 1,
        seasons: 1,
        matches: 5,
        teams: 4,
        firstDate: '2023-08-12',
        lastDate: '2023-08-19', // the last match played: the fixture of 26 August does not make the league fresh (#20)
      },
    ])
    expect(listSeasons(db, { league: 'E0' })).toEqual([
      {
        league: 'E0',
        season: '2023-24',
        matches: 5,
        played: 4,
        scheduled: 1,
        teams: 4,
        withOdds: 4,
        playedWithOdds: 3,
        firstDate: '2023-08-12',
        lastDate: '2023-08-26',
        lastPlayedDate: '2023-08-19',
      },
    ])
  })

  it('filters matches by league, season, team, date range and status, with odds', () => {
    const db = seeded()
    const all = listMatches(db, { league: 'E0', season: '2023-24' })
    expect(all.map((m) => `${m.homeTeam}-${m.awayTeam}`)).toEqual([
      'Arsenal-Chelsea',
      'Leeds-Hull',
      'Chelsea-Leeds',
      'Hull-Arsenal',
      'Arsenal-Leeds',
    ])
    expect(all[0]).toMatchObject({
      time: '15:00',
      homeGoals: 2,
      awayGoals: 1,
      status: 'played',
      neutral: false,
    })
    expect(all[0].odds).toEqual([
      { bookmaker: 'B365', kind: 'pre-match', home: 1.8, draw: 3.6, away: 4.5, capturedAt: null },
    ])
    expect(all[2].odds).toEqual([])
    expect(listMatches(db, { team: 'Arsenal' })).toHaveLength(3)
    expect(listMatches(db, { team: 'Nobody' })).toEqual([])
    expect(listMatches(db, { from: '2023-08-13', to: '2023-08-19' })).toHaveLength(2)
    expect(listMatches(db, { status: 'scheduled' }).map((m) => m.homeGoals)).toEqual([null])
    expect(listMatches(db, { limit: 2, offset: 1, withOdds: false }).map((m) => m.odds.length)).toEqual([
      0, 0,
    ])
  })

  it('builds the league table as of a date', () => {
    const db = seeded()
    const table = leagueTable(db, { league: 'E0', season: '2023-24' })
    expect(table.map((r) => [r.position, r.team, r.played, r.points, r.goalDifference])).toEqual([
      [1, 'Arsenal', 2, 6, 5],
      [2, 'Leeds', 2, 2, 0],
      [3, 'Chelsea', 2, 1, -1],
      [4, 'Hull', 2, 1, -4],
    ])
    const early = leagueTable(db, { league: 'E0', season: '2023-24', asOf: '2023-08-12' })
    expect(early[0]).toMatchObject({
      team: 'Arsenal',
      played: 1,
      won: 1,
      goalsFor: 2,
      goalsAgainst: 1,
      points: 3,
    })
    expect(early.find((r) => r.team === 'Hull')).toMatchObject({ played: 1, drawn: 1, points: 1 })
  })

  it('lists teams with aliases', () => {
    const db = seeded()
    const teams = listTeams(db, { search: 'ars' })
    expect(teams).toEqual([
      {
        id: expect.any(Number),
        name: 'Arsenal',
        country: 'England',
        leagues: ['E0'],
        matches: 3,
        aliases: [{ alias: 'Arsenal', league: 'E0', source: 'import' }],
      },
    ])
    expect(listTeams(db, { league: 'E0' })).toHaveLength(4)
  })

  it('reports missing odds, duplicate candidates and unresolved names', () => {
    const db = seeded()
    // The same pairing under another date (a rescheduled match imported twice)
    importFileContents(db, `${HEADER}\nE0,20/08/2023,15:00,Chelsea,Leeds,3,3,D,2,3,4\n`, 'E0_fix.csv')
    try {
      importFileContents(
        db,
        `${HEADER}\nE0,27/08/2023,15:00,Arsenal FC London,Chelsey,1,0,H,2,3,4\n`,
        'E0_bad.csv',
      )
    } catch {
      // expected: Chelsey looks like Chelsea
    }
    const q = dataQuality(db)
    expect(q.matches).toBe(6)
    expect(q.missingOdds.total).toBe(1)
    expect(q.missingOdds.sample[0]).toMatchObject({
      homeTeam: 'Chelsea',
      awayTeam: 'Leeds',
      date: '2023-08-19',
    })
    expect(q.duplicateCandidates).toEqual([
      expect.objectContaining({
        reason: 'same-pairing-in-season',
        league: 'E0',
        season: '2023-24',
        matchIds: expect.any(Array),
      }),
    ])
    expect(q.unresolvedNames.map((u) => u.name)).toEqual(['Chelsey'])
  })

  it('reports status without touching the network', () => {
    const db = seeded()
    const status = dataStatus(db, { configured: true, reachable: false, error: 'connection refused' })
    expect(status).toMatchObject({
      lastSuccessfulSyncAt: null,
      lastSync: null,
      outbox: { pending: 0, conflicts: 0, failed: 0 },
      postgres: { configured: true, reachable: false },
      schemaVersion: appMigrations.length,
    })
    expect(status.tables).toMatchObject({ leagues: 1, seasons: 1, teams: 4, matches: 5, odds: 4 })
  })
})

const dataDir = footballDataDir()
describe.skipIf(!dataDir)(
  `league table on real data${dataDir ? '' : ` (skipped: ${SHARED_DATA_SKIP_REASON})`}`,
  () => {
    it('reproduces the 2023-24 Premier League final table top three', async () => {
      const db = openMemoryDatabase()
      await importFile(db, path.join(dataDir as string, 'E0', 'E0_2023-24.csv'))
      const table = leagueTable(db, { league: 'E0', season: '2023-24' })
      expect(table.slice(0, 3).map((r) => [r.team, r.points])).toEqual([
        ['Man City', 91],
        ['Arsenal', 89],
        ['Liverpool', 82],
      ])
      expect(table).toHaveLength(20)
      expect(table.every((r) => r.played === 38)).toBe(true)
    })
  },
)
