import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../test/support/cli'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../test/support/sharedData'
import {
  startFootballDataServer,
  type FootballDataServer,
} from '../../services/data/testing/footballDataServer'

const run = (argv: string[], env: NodeJS.ProcessEnv) => runCli(argv, env)

describe('data commands', () => {
  let home: string
  beforeAll(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'scoreline-data-cli-'))
  })
  afterAll(() => rmSync(home, { recursive: true, force: true }))

  it('import rejects a malformed file whole with exit 1 naming file:line, and --json reports it', async () => {
    const bad = path.join(home, 'bad.csv')
    writeFileSync(bad, 'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR\nE0,12/08/2023,Arsenal,Chelsea,x,1,H\n')
    const result = await run(['import', bad, '--json', '--home', home], {})
    expect(result.code).toBe(1)
    const report = JSON.parse(result.stdout)
    expect(report.rejected_files).toBe(1)
    expect(report.files[0].error.message).toContain('bad.csv:2: FTHG "x" is not a number')
  })

  it('--offline: sync refuses without contacting Postgres, saying offline mode is on; info shows it', async () => {
    // a closed port: were a connection attempted, the message would be a connection error instead
    const { closedPort } = await import('../../../test/support/net')
    const url = `postgres://postgres@127.0.0.1:${await closedPort()}/x`
    const sync = await run(['sync', '--offline', '--postgres', url, '--home', home], {})
    expect(sync.code).toBe(1)
    expect(sync.stderr).toContain('Offline mode is on')
    expect(sync.stderr).not.toContain('ECONNREFUSED')
    const env = await run(['sync', '--postgres', url, '--home', home], { SCORELINE_OFFLINE: '1' })
    expect(env.stderr).toContain('Offline mode is on')
    const online = await run(['sync', '--postgres', url, '--home', home], {})
    expect(online.code).toBe(1)
    expect(online.stderr).not.toContain('Offline mode is on')
  })

  it('download needs a league and seasons', async () => {
    const result = await run(['download', '--league', 'E0', '--home', home], {})
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('--seasons')
  })

  const dataDir = footballDataDir()
  describe.skipIf(!dataDir)(
    `download from a loopback football-data server${dataDir ? '' : ` — skipped: ${SHARED_DATA_SKIP_REASON}`}`,
    () => {
      let server: FootballDataServer
      beforeAll(async () => {
        server = await startFootballDataServer(dataDir!)
      })
      afterAll(async () => server?.close())

      it('imports a season range, then costs nothing the second time (conditional requests)', async () => {
        const env = { SCORELINE_FOOTBALL_DATA_URL: server.url }
        const first = await run(
          ['download', '--league', 'E0', '--seasons', '2022-23..2023-24', '--json', '--home', home],
          env,
        )
        expect(first.code).toBe(0)
        const results = JSON.parse(first.stdout) as {
          season: string
          status: string
          import?: { matches: { inserted: number } }
        }[]
        expect(results.map((r) => [r.season, r.status, r.import?.matches.inserted])).toEqual([
          ['2022-23', 'imported', 380],
          ['2023-24', 'imported', 380],
        ])
        const second = await run(
          ['download', '--league', 'E0', '--seasons', '2022-23..2023-24', '--json', '--home', home],
          env,
        )
        expect((JSON.parse(second.stdout) as { status: string }[]).map((r) => r.status)).toEqual([
          'not-modified',
          'not-modified',
        ])
      })
    },
  )
})
