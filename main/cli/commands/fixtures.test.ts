/**
 * `scoreline fixtures …`, `predict --league` and `explain --league` on a fresh data folder: simulated
 * seasons imported, the pipeline run (local tracking, no services), fixtures downloaded from a loopback
 * football-data server serving an invented fixtures.csv, then priced with the champion.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PricedFixture } from '../../../shared/pricing'
import { runCli, writeSimulatedSeasons } from './modelCommands.testSupport'
import { PRICED_CSV_COLUMNS } from './fixturesRender'
import {
  startFootballDataServer,
  type FootballDataServer,
} from '../../services/data/testing/footballDataServer'

const root = mkdtempSync(path.join(os.tmpdir(), 'scoreline-cli-fixtures-'))
const home = path.join(root, 'home')
const csvDir = path.join(root, 'csv')
const serverDir = path.join(root, 'server')
afterAll(() => rmSync(root, { recursive: true, force: true }))

const env = (extra: NodeJS.ProcessEnv = {}) => ({
  SCORELINE_HOME: home,
  SCORELINE_LOG_LEVEL: 'error',
  ...extra,
})
const run = (argv: string[], extra?: NodeJS.ProcessEnv) => runCli(argv, env(extra))

/** A day `n` days from today (UTC), YYYY-MM-DD: fixtures must be to come whenever the test runs. */
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10)
const ddmmyyyy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`

/** An invented fixtures.csv (football-data's columns): four SIM fixtures to come and one of another league. */
function fixturesCsv(): string {
  const rows = [
    ['SIM', inDays(3), '15:00', 'Team 01', 'Team 02', '2.10,3.40,3.60', '2.05,3.45,3.70'],
    ['SIM', inDays(3), '17:30', 'Team 03', 'Team 04', '1.80,3.70,4.60', '1.83,3.75,4.55'],
    ['SIM', inDays(4), '12:30', 'Team 05', 'Team 06', '3.10,3.30,2.35', '3.05,3.35,2.40'],
    ['SIM', inDays(4), '20:00', 'Team 07', 'Team 08', '2.50,3.20,2.90', '2.55,3.25,2.85'],
    ['ZZ1', inDays(3), '15:00', 'Nowhere Rovers', 'Elsewhere Town', '2.00,3.40,3.80', '2.02,3.45,3.75'],
  ]
  return (
    'Div,Date,Time,HomeTeam,AwayTeam,B365H,B365D,B365A,PSH,PSD,PSA,B365>2.5,B365<2.5,AHh,B365AHH,B365AHA\r\n' +
    rows
      .map(
        ([div, date, time, h, a, b365, ps]) =>
          `${div},${ddmmyyyy(date)},${time},${h},${a},${b365},${ps},1.90,1.95,-0.25,1.93,1.97`,
      )
      .join('\r\n') +
    '\r\n'
  )
}

describe('scoreline fixtures: usage mistakes answer in one line', () => {
  it('bad flags exit 1 naming the flag', async () => {
    for (const [argv, message] of [
      [['fixtures', 'download', '--leagues', 'E0,S P1'], /--leagues: "S P1" is not a league code/],
      [['fixtures', 'list', '--from', '2026-13-01'], /--from must be a calendar date/],
      [['fixtures', 'list', '--from', '2026-05-02', '--to', '2026-05-01'], /--from 2026-05-02 is after --to/],
      [['fixtures', 'price', '--out', path.join(root, 'x.csv'), '--json'], /--json or --out/],
      [['fixtures', 'import'], /Name at least one fixtures file/],
      [
        ['fixtures', 'download', '--offline'],
        /Offline mode is on: downloading football-data's fixtures\.csv needs the network/,
      ],
      [
        ['predict', '--league', 'SIM', '--xi', '0.001', '--fixture', 'Team 01 v Team 02'],
        /--xi applies when fitting CSV files/,
      ],
      [
        ['explain', '--league', 'SIM', '--alpha', '0.3', '--fixture', 'Team 01 v Team 02'],
        /--alpha applies to a model fitted from CSVs/,
      ],
    ] as const) {
      const r = await run([...argv])
      expect(r.code, argv.join(' ')).toBe(1)
      if ((argv as readonly string[]).includes('--json')) {
        expect(JSON.parse(r.stdout).error.message, argv.join(' ')).toMatch(message)
        continue
      }
      expect(r.stderr, argv.join(' ')).toMatch(message)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
    }
  })
})

describe('the weekly flow on a fresh data folder: seasons → pipeline → fixtures download → fixtures price', () => {
  let server: FootballDataServer
  beforeAll(async () => {
    mkdirSync(csvDir, { recursive: true })
    const { files } = writeSimulatedSeasons(csvDir, { teams: 8, seasons: 3, seed: 4 })
    const imported = await run(['data', 'import', ...files, '--league', 'SIM'])
    expect(imported.code, imported.stderr).toBe(0)
    mkdirSync(serverDir, { recursive: true })
    writeFileSync(path.join(serverDir, 'fixtures.csv'), fixturesCsv())
    server = await startFootballDataServer(serverDir)
  }, 120_000)
  afterAll(async () => server?.close())

  it('before any fixture: list says how to get them, price fails in one line saying so', async () => {
    const list = await run(['fixtures', 'list'])
    expect(list.code).toBe(0)
    expect(list.stdout).toMatch(/No fixtures to come: get them with `scoreline fixtures download`/)
    const price = await run(['fixtures', 'price'])
    expect(price.code).toBe(1)
    expect(price.stderr).toMatch(/^error: No fixtures to come: get them with `scoreline fixtures download`/)
  })

  it('download imports the store’s leagues only, and says what it skipped; a second download costs nothing', async () => {
    const env = { SCORELINE_FOOTBALL_DATA_URL: server.url }
    const first = await run(['fixtures', 'download', '--json'], env)
    expect(first.code, first.stderr + first.stdout).toBe(0)
    const out = JSON.parse(first.stdout)
    expect(out.status).toBe('imported')
    expect(out.result.matches.inserted).toBe(4)
    expect(out.result.skippedLeagues.map((l: { league: string }) => l.league)).toEqual(['ZZ1'])
    expect(out.rebuild.status).toBe('skipped') // no champion yet
    expect(out.rebuild.message).toMatch(/pipeline run/)
    const second = await run(['fixtures', 'download'], env)
    expect(second.code).toBe(0)
    expect(second.stdout).toMatch(/unchanged on the server/)
  })

  it('list shows the fixtures with their prices and snapshot counts', async () => {
    const list = await run(['fixtures', 'list', '--league', 'SIM'])
    expect(list.code).toBe(0)
    expect(list.stdout).toMatch(/kick-off \(UTC\)\s+league\s+fixture\s+1X2 odds H \/ D \/ A/)
    expect(list.stdout).toMatch(/SIM\s+Team 01 v Team 02\s+2\.05 \/ 3\.45 \/ 3\.70\s+PS /)
    expect(list.stdout).toMatch(/4 fixtures\n$/)
  })

  it('without a champion: price and predict --league say how to make one', async () => {
    const price = await run(['fixtures', 'price'])
    expect(price.code).toBe(1)
    expect(price.stderr).toMatch(/No champion model for SIM.*`scoreline pipeline run --league SIM`/)
    const predict = await run(['predict', '--league', 'SIM', '--fixture', 'Team 01 v Team 02'])
    expect(predict.code).toBe(1)
    expect(predict.stderr).toMatch(
      /^error: No champion model for SIM: make one with `scoreline pipeline run --league SIM`/,
    )
  })

  describe('with a champion (pipeline run, local tracking)', () => {
    let priced: {
      fixtures: PricedFixture[]
      models: { summary: string; kind: string }[]
      counts: Record<string, number>
    }
    beforeAll(async () => {
      const pipeline = await run(['pipeline', 'run', '--league', 'SIM', '--json'])
      expect(pipeline.code, pipeline.stderr).toBe(0)
      const r = await run(['fixtures', 'price', '--json'])
      expect(r.code, r.stderr).toBe(0)
      priced = JSON.parse(r.stdout)
    }, 300_000)

    it('price --json lists every fixture with champion, market, served, edge and warnings', () => {
      expect(priced.counts).toMatchObject({ total: 4, priced: 4, noMarket: 0 })
      expect(priced.models).toHaveLength(1)
      expect(priced.models[0].kind).toBe('champion')
      expect(priced.models[0].summary).toMatch(
        /^champion scoreline-SIM v1 \(run \w+\), data as of \d{4}-\d{2}-\d{2}, ξ [\d.]+, \d+ matches$/,
      )
      for (const f of priced.fixtures) {
        expect(f.source?.kind).toBe('champion')
        expect(f.market).toMatchObject({ bookmaker: 'PS' })
        expect(f.market?.observedAt).toBeTruthy()
        expect(f.served?.probabilities).toHaveLength(3)
        expect(f.edge?.served).toHaveLength(3)
        expect(f.ev?.length).toBe(3)
        // simulated seasons end years ago: every fixture carries the stale warning with the date
        expect(f.warnings.map((w) => w.code)).toContain('stale')
      }
    })

    it('the table names the model above and the warnings below; --out writes a CSV with named columns', async () => {
      const human = await run(['fixtures', 'price', '--league', 'SIM'])
      expect(human.code).toBe(0)
      expect(human.stdout).toMatch(/^SIM: champion scoreline-SIM v1 /)
      expect(human.stdout).toMatch(
        /kick-off UTC\s+fixture\s+model % H D A\s+market % H D A\s+market from \(UTC\)\s+served % H D A\s+served by\s+edge served\s+edge model\s+best EV\s+warnings/,
      )
      expect(human.stdout).toMatch(/SIM Team 01 v Team 02 .* PS, \w+, /)
      expect(human.stdout).toMatch(
        /warnings:\n {2}2 fixtures: stale: last match used \d{4}-\d{2}-\d{2}, \d+ days before kick-off\n/,
      )
      const out = path.join(root, 'priced.csv')
      const written = await run(['fixtures', 'price', '--out', out])
      expect(written.code).toBe(0)
      expect(written.stdout).toMatch(/priced\.csv: 4 fixtures: 4 priced, 0 without a market, /)
      const lines = readFileSync(out, 'utf8').trim().split('\r\n')
      expect(lines[0].split(',')).toEqual([...PRICED_CSV_COLUMNS])
      expect(lines).toHaveLength(5)
    })

    it('predict --league gives the served probabilities of fixtures price, bit for bit, and says what it used', async () => {
      const r = await run(['predict', '--league', 'SIM', '--fixture', 'Team 01 v Team 02', '--json'])
      expect(r.code, r.stderr).toBe(0)
      const o = JSON.parse(r.stdout)
      const f = priced.fixtures.find((x) => x.home === 'Team 01')!
      expect([o.fixtures[0].p_home, o.fixtures[0].p_draw, o.fixtures[0].p_away]).toEqual(
        f.served!.probabilities,
      )
      expect(o.fixtures[0].stage).toBe(f.served!.stage)
      expect(o.fixtures[0].market).toMatchObject({ bookmaker: 'PS' })
      expect(o.models[0].summary).toBe(priced.models[0].summary)
      const human = await run(['predict', '--league', 'SIM', '--fixture', 'Team 01 v Team 02'])
      expect(human.stdout).toMatch(/^SIM: champion scoreline-SIM v1 \(run \w+\), data as of/)
    })

    it('explain --league ends at the served number (JSON and text)', async () => {
      const r = await run(['explain', '--league', 'SIM', '--fixture', 'Team 01 v Team 02', '--json'])
      expect(r.code, r.stderr).toBe(0)
      const e = JSON.parse(r.stdout).fixtures[0]
      const f = priced.fixtures.find((x) => x.home === 'Team 01')!
      expect([e.probabilities.home, e.probabilities.draw, e.probabilities.away]).toEqual(
        f.served!.probabilities,
      )
      for (const k of ['home', 'draw', 'away'] as const) {
        const sum = e.contributions.reduce((s: number, c: Record<string, number>) => s + c[k], e.baseline[k])
        expect(Math.abs(sum - e.probabilities[k])).toBeLessThan(1e-12)
      }
      expect(e.contributions.some((c: { kind: string }) => c.kind === 'stage')).toBe(true)
      const text = await run(['explain', '--league', 'SIM', '--fixture', 'Team 01 v Team 02'])
      expect(text.stdout).toMatch(/= served \((market|blend|calibrated)\)/)
      expect(text.stdout).toMatch(/sets this price/)
    })

    it('explain --jackpot with a league column uses the champion; entered odds win over the snapshot', async () => {
      const ticket = path.join(root, 'ticket.csv')
      writeFileSync(
        ticket,
        'league,home,away,odds_home,odds_draw,odds_away\nSIM,Team 01,Team 02,3,3,3\nSIM,Team 03,Team 04,,,\n',
      )
      const r = await run(['explain', '--jackpot', ticket, '--json'])
      expect(r.code, r.stderr).toBe(0)
      const o = JSON.parse(r.stdout)
      expect(o.models[0].kind).toBe('champion')
      expect(o.fixtures[0].market).toMatchObject({ bookmaker: 'entered', odds: [3, 3, 3] })
      expect(o.fixtures[1].market).toMatchObject({ bookmaker: 'PS' })
      expect(o.jackpot.n).toBe(2)
      const noLeague = path.join(root, 'noleague.csv')
      writeFileSync(noLeague, 'league,home,away\nSIM,Team 01,Team 02\n,Team 03,Team 04\n')
      const bad = await run(['explain', '--jackpot', noLeague])
      expect(bad.code).toBe(1)
      expect(bad.stderr).toMatch(
        /noleague\.csv:3: no league for Team 03 v Team 04: give --league E0 or a league column/,
      )
    })
  })
})
