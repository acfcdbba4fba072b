import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../../test/support/sharedData'
import { parseFootballDataCsv } from './parseFootballDataCsv'

describe('Asian-handicap columns', () => {
  it('reads pre-match (AHh) and closing (AHCh) groups with their lines; no AH columns → no asianHandicap field', () => {
    const csv = [
      'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,B365H,B365D,B365A,AHh,B365AHH,B365AHA,PAHH,PAHA,AvgAHH,AvgAHA,AHCh,B365CAHH,B365CAHA,PCAHH,PCAHA',
      'E0,13/08/2031,Invented Town,Madeup City,1,0,2.1,3.3,3.6,-0.25,1.91,1.99,1.95,1.97,1.90,1.96,+0.5,2.02,1.88,,',
      'E0,14/08/2031,Madeup City,Invented Town,,,2.1,3.3,3.6,,1.91,1.99,1.95,1.97,1.90,1.96,0,1.9,1.9,1.92,1.93',
    ].join('\n')
    const { rows } = parseFootballDataCsv(csv, 'ah.csv')
    expect(rows[0].asianHandicap).toEqual([
      { bookmaker: 'B365', kind: 'pre-match', line: -0.25, home: 1.91, away: 1.99 },
      { bookmaker: 'PS', kind: 'pre-match', line: -0.25, home: 1.95, away: 1.97 },
      { bookmaker: 'Avg', kind: 'pre-match', line: -0.25, home: 1.9, away: 1.96 },
      { bookmaker: 'B365', kind: 'closing', line: 0.5, home: 2.02, away: 1.88 },
    ])
    // no pre-match line on this row: only the closing groups
    expect(rows[1].asianHandicap?.map((q) => [q.bookmaker, q.kind, q.line])).toEqual([
      ['B365', 'closing', 0],
      ['PS', 'closing', 0],
    ])
    const plain = parseFootballDataCsv(
      'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nE0,13/08/2031,A,B,1,0\n',
      'p.csv',
    )
    expect('asianHandicap' in plain.rows[0]).toBe(false)
  })

  it('reads a fixtures file without result columns only when asked', () => {
    const csv = 'Div,Date,Time,HomeTeam,AwayTeam,AHh,B365AHH,B365AHA\nE0,13/08/2031,15:00,A,B,-1,1.9,1.95\n'
    expect(() => parseFootballDataCsv(csv, 'fixtures.csv')).toThrow(/FTHG/)
    const { rows } = parseFootballDataCsv(csv, 'fixtures.csv', { allowMissingResult: true })
    expect(rows[0]).toMatchObject({
      status: 'scheduled',
      homeGoals: null,
      asianHandicap: [{ bookmaker: 'B365', line: -1 }],
    })
  })

  const dir = footballDataDir()
  it.skipIf(!dir)(
    `matches the column names of real season files${dir ? '' : ` (skipped: ${SHARED_DATA_SKIP_REASON})`}`,
    () => {
      const recent = parseFootballDataCsv(
        readFileSync(path.join(dir!, 'E0', 'E0_2025-26.csv')),
        'E0_2025-26.csv',
      )
      const groups = (r: (typeof recent.rows)[number]) =>
        (r.asianHandicap ?? []).map((q) => `${q.bookmaker}/${q.kind}`)
      const full = recent.rows.filter((r) => groups(r).length === 10)
      // nearly every played row has handicap prices (a few lack the pre-match line); many have all ten groups
      const played = recent.rows.filter((r) => r.status === 'played')
      expect(played.filter((r) => groups(r).includes('B365/closing')).length).toBeGreaterThan(
        played.length * 0.95,
      )
      expect(full.length).toBeGreaterThan(played.length / 3)
      expect(groups(full[0]).sort()).toEqual(
        ['Avg', 'B365', 'BFE', 'Max', 'PS'].flatMap((b) => [`${b}/closing`, `${b}/pre-match`]).sort(),
      )
      for (const r of recent.rows)
        for (const q of r.asianHandicap ?? []) expect(Number.isInteger(q.line * 4)).toBe(true)
      const betbrain = parseFootballDataCsv(
        readFileSync(path.join(dir!, 'E0', 'E0_2013-14.csv')),
        'E0_2013-14.csv',
      )
      expect(
        [...new Set(betbrain.rows.flatMap((r) => (r.asianHandicap ?? []).map((q) => q.bookmaker)))].sort(),
      ).toEqual(['BbAv', 'BbMx'])
    },
  )
})
