import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createScoreline, type Scoreline } from '../core/scoreline'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../test/support/sharedData'

const dataDir = footballDataDir()

describe('data procedures through dispatch', () => {
  let home: string
  let scoreline: Scoreline
  beforeEach(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'scoreline-data-api-'))
    scoreline = createScoreline({ shell: 'cli', env: { SCORELINE_HOME: home } })
  })
  afterEach(async () => {
    await scoreline.close()
    rmSync(home, { recursive: true, force: true })
  })
  const call = (name: string, input: unknown) => scoreline.dispatch(name, input, { transport: 'test' })

  it('imports uploaded file contents, rejects a bad file whole, and emits data.changed', async () => {
    const good = [
      'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR',
      'E0,12/08/2023,Arsenal,Chelsea,2,1,H',
      'E0,19/08/2023,Chelsea,Arsenal,0,0,D',
    ].join('\n')
    const bad = [
      'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR',
      'E0,26/08/2023,Arsenal,Fulham,3,0,H',
      'E0,27/08/2023,Fulham,Chelsea,x,1,A',
    ].join('\n')
    const changed: unknown[] = []
    scoreline.events.subscribe((event, payload) => event === 'data.changed' && changed.push(payload))
    const result = await call('data.importCsv', {
      files: [
        { name: 'good.csv', contentBase64: Buffer.from(good).toString('base64') },
        { name: 'bad.csv', contentBase64: Buffer.from(bad).toString('base64') },
      ],
    })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    const [first, second] = result.value as [
      { ok: true; result: { matches: { inserted: number } } },
      { ok: false; error: { code: string; message: string } },
    ]
    expect(first.ok).toBe(true)
    expect(first.result.matches.inserted).toBe(2)
    expect(second.ok).toBe(false)
    expect(second.error.code).toBe('CSV_PARSE')
    expect(second.error.message).toContain('bad.csv:3')
    const matches = await call('data.matches', { league: 'E0' })
    expect(matches.ok && (matches.value as unknown[]).length).toBe(2) // nothing from bad.csv
    expect(changed).toEqual([{ reason: 'import', leagues: ['E0'] }])
  })

  it('validates filters at the boundary', async () => {
    const result = await call('data.matches', { from: '12/08/2023' })
    expect(result.ok === false && result.error.code).toBe('INVALID_INPUT')
    expect(result.ok === false && result.error.message).toContain('from')
  })

  it('refuses to sync without a Postgres URL, saying how to configure one', async () => {
    const result = await call('data.sync', {})
    expect(result.ok === false && result.error.code).toBe('CONFIG')
    expect(result.ok === false && result.error.message).toContain('DATABASE_URL')
  })

  it.skipIf(!dataDir)(
    `imports a real season by path and answers the screen queries${dataDir ? '' : ` — skipped: ${SHARED_DATA_SKIP_REASON}`}`,
    async () => {
      const file = path.join(dataDir!, 'E0', 'E0_2023-24.csv')
      const imported = await call('data.importCsv', { files: [{ path: file }] })
      expect(imported.ok).toBe(true)
      const leagues = await call('data.leagues', {})
      expect(leagues.ok && leagues.value).toMatchObject([{ code: 'E0', matches: 380, seasons: 1 }])
      const table = await call('data.leagueTable', { league: 'E0', season: '2023-24' })
      // Manchester City won the 2023-24 Premier League with 91 points
      expect(table.ok && (table.value as { team: string; points: number }[])[0]).toMatchObject({
        team: 'Man City',
        points: 91,
      })
      const rows = readFileSync(file, 'latin1').trim().split(/\r?\n/).length - 1
      const matches = await call('data.matches', { league: 'E0', season: '2023-24', limit: 1000 })
      expect(matches.ok && (matches.value as unknown[]).length).toBe(rows)
    },
  )
})
