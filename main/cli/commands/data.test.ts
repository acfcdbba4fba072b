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

describe('data commands: aliases, status, import progress', () => {
  let home: string
  let season: string
  let fixtures: string
  beforeAll(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'scoreline-data-cli2-'))
    // invented clubs; two played rounds (one match without odds) and a fixture to come
    season = path.join(home, 'ZZ_2031-32.csv')
    writeFileSync(
      season,
      [
        'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,B365H,B365D,B365A',
        'E0,09/08/2031,Riverside Rovers,Hilltop Athletic,2,1,H,2.1,3.4,3.5',
        'E0,09/08/2031,Old Quay United,Marsh Town,0,0,D,2.5,3.1,3.0',
        'E0,16/08/2031,Hilltop Athletic,Old Quay United,1,3,A,,,',
        'E0,16/08/2031,Marsh Town,Riverside Rovers,1,1,D,3.2,3.3,2.3',
      ].join('\n') + '\n',
    )
    fixtures = path.join(home, 'bad.csv')
    writeFileSync(
      fixtures,
      'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR\nE0,23/08/2031,Marsh Town,\u001b[2JHilltop,x,1,H\n',
    )
  })
  afterAll(() => rmSync(home, { recursive: true, force: true }))

  it('import shows progress per file on stderr, each on its own line, apart from the report', async () => {
    const result = await run(['data', 'import', season, fixtures, '--home', home], {})
    expect(result.code).toBe(1)
    expect(result.stderr.split('\n')).toEqual([
      '[1/2] ZZ_2031-32.csv: importing…',
      expect.stringMatching(/^\[1\/2\] ZZ_2031-32\.csv: 4 inserted, 0 updated \(\d+ ms\)$/),
      '[2/2] bad.csv: importing…',
      '[2/2] bad.csv: rejected (the reason is in the report below)',
      '',
    ])
    expect(result.stdout).toMatch(/^bad\.csv: REJECTED, nothing imported$/m)
    expect(result.stdout).not.toContain('\u001b')
  })

  it("a missing file is one line in the report, without Node's ENOENT text", async () => {
    const result = await run(['data', 'import', path.join(home, 'nope.csv'), '--home', home], {})
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(
      `nope.csv: REJECTED, nothing imported\n  No such file or folder: ${path.join(home, 'nope.csv')}\n`,
    )
    expect(result.stdout + result.stderr).not.toMatch(/ENOENT|no such file or directory/)
  })

  it('alias add takes the team first and refuses the reversed order with the command meant', async () => {
    const reversed = await run(['data', 'alias', 'add', 'Rovers', 'Riverside Rovers', '--home', home], {})
    expect(reversed.code).toBe(1)
    expect(reversed.stderr).toContain(
      '"Rovers" is not a team but "Riverside Rovers" is: the team comes first',
    )
    expect(reversed.stderr).toContain('scoreline data alias add "Riverside Rovers" "Rovers"')
    const help = await run(['data', 'alias', 'add', '--help'], {})
    expect(help.stdout).toContain('Usage: scoreline data alias add <team> <alias>')
    expect(help.stdout).toContain('the team first, then its other name')
    const added = await run(
      ['data', 'alias', 'add', 'Riverside Rovers', 'Rovers', '--league', 'E0', '--home', home],
      {},
    )
    expect(added.stdout).toBe('"Rovers" now means Riverside Rovers in E0\n')
    // the old spelling still works
    const old = await run(['alias', 'add', 'Marsh Town', 'The Marsh', '--home', home], {})
    expect(old.stdout).toBe('"The Marsh" now means Marsh Town\n')
  })

  it('alias list shows the aliases, alias remove forgets one and says where a missing one is', async () => {
    const list = await run(['data', 'alias', 'list', '--json', '--home', home], {})
    expect(
      (JSON.parse(list.stdout) as { alias: string; league: string; teamName: string }[])
        .filter((a) => a.alias === 'Rovers' || a.alias === 'The Marsh')
        .map((a) => [a.league, a.alias, a.teamName]),
    ).toEqual([
      ['', 'The Marsh', 'Marsh Town'],
      ['E0', 'Rovers', 'Riverside Rovers'],
    ])
    const wrongScope = await run(['data', 'alias', 'remove', 'Rovers', '--home', home], {})
    expect(wrongScope.code).toBe(1)
    expect(wrongScope.stderr).toContain('there is "Rovers" in E0 (--league E0)')
    const removed = await run(['data', 'alias', 'remove', 'Rovers', '--league', 'E0', '--home', home], {})
    expect(removed.stdout).toBe('"Rovers" no longer means Riverside Rovers in E0\n')
    const after = await run(['data', 'alias', 'list', '--league', 'E0', '--home', home], {})
    expect(after.stdout).not.toMatch(/^E0 +Rovers +→/m)
    expect(after.stdout).toContain('The Marsh')
  })

  it('data status shows per league and season the matches played, fixtures to come, last played and odds coverage', async () => {
    const status = await run(['data', 'status', '--home', home], {})
    expect(status.code).toBe(0)
    expect(status.stdout).toMatch(/league +season +played +to come +last played +odds \(played\)/)
    expect(status.stdout).toMatch(/E0 +2031-32 +4 +0 +2031-08-16 +75% \(3\/4\)/)
    const json = JSON.parse((await run(['data', 'status', '--json', '--home', home], {})).stdout)
    expect(json.seasons[0]).toMatchObject({ league: 'E0', season: '2031-32', played: 4, playedWithOdds: 3 })
  })
})
