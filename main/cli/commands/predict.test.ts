import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../test/support/sharedData'
import { runCli, writeSimulatedSeasons } from './modelCommands.testSupport'
import { DEFAULT_XI } from '../../model/backtest/walkForward'

const dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-predict-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const { files } = writeSimulatedSeasons(dir, { seasons: 2 })
const modelFile = path.join(dir, 'model.json')
const dataDir = footballDataDir()

const FIXTURE_KEYS = [
  'league',
  'home',
  'away',
  'lambda',
  'mu',
  'p_home',
  'p_draw',
  'p_away',
  'over_2_5',
  'btts',
  'top_scores',
  'stage',
  'model',
  'market',
  'warnings',
]

describe('scoreline predict (simulated league)', () => {
  beforeAll(async () => {
    expect((await runCli(['fit', ...files, '--xi', '0.0019', '--out', modelFile])).code).toBe(0)
  })

  it('--model model.json --fixture ... --json prints the contract for every fixture', async () => {
    const { code, stdout } = await runCli([
      'predict',
      '--model',
      modelFile,
      '--fixture',
      'Team 01 v Team 02',
      '--fixture',
      'Team 05 vs Team 03',
      '--json',
    ])
    expect(code).toBe(0)
    const o = JSON.parse(stdout)
    expect(Object.keys(o)).toEqual(['fixtures', 'models'])
    // what priced it: the saved model, with its matches, ξ and data as-of
    expect(o.models[0].summary).toMatch(
      /^model file model\.json: fitted on \d+ matches, ξ 0\.0019, data as of \d{4}-\d{2}-\d{2}$/,
    )
    expect(o.fixtures).toHaveLength(2)
    for (const f of o.fixtures) {
      expect(Object.keys(f)).toEqual(FIXTURE_KEYS)
      expect(Math.abs(f.p_home + f.p_draw + f.p_away - 1)).toBeLessThan(1e-9)
      // no odds: the model is served
      expect(f.stage).toBe('model')
      expect(f.model).toEqual({ home: f.p_home, draw: f.p_draw, away: f.p_away })
      expect(f.market).toBeNull()
      expect(f.lambda).toBeGreaterThan(0)
      expect(f.over_2_5).toBeGreaterThan(0)
      expect(f.btts).toBeLessThan(1)
      expect(f.top_scores).toHaveLength(5)
      expect(Object.keys(f.top_scores[0])).toEqual(['home_goals', 'away_goals', 'p'])
      const ps = f.top_scores.map((s: { p: number }) => s.p)
      expect([...ps].sort((a, b) => b - a)).toEqual(ps)
    }
    expect(o.fixtures[1]).toMatchObject({ home: 'Team 05', away: 'Team 03' })
  })

  it('fitting the CSVs directly with the same options gives the same numbers as the saved model', async () => {
    const argv = ['--fixture', 'Team 01 v Team 02', '--json']
    const saved = JSON.parse((await runCli(['predict', '--model', modelFile, ...argv])).stdout)
    const direct = JSON.parse((await runCli(['predict', ...files, '--xi', '0.0019', ...argv])).stdout)
    expect(direct.fixtures).toEqual(saved.fixtures)
    expect(direct.models[0].summary).toMatch(/^fitted now on \d+ matches, ξ 0\.0019, data as of /)
    // one ξ: without --xi the CSVs are fitted with backtest's default (the pipeline's grid centre), and say so
    const byDefault = JSON.parse((await runCli(['predict', ...files, ...argv])).stdout)
    expect(byDefault).toEqual(direct)
    expect(byDefault.models[0].xi).toBe(DEFAULT_XI)
    const poisson = JSON.parse((await runCli(['predict', ...files, '--model', 'poisson', ...argv])).stdout)
    expect(poisson.fixtures[0].p_draw).not.toBe(saved.fixtures[0].p_draw)
  })

  it('prints a readable table without --json', async () => {
    const { code, stdout } = await runCli(['predict', '--model', modelFile, '--fixture', 'Team 01 v Team 02'])
    expect(code).toBe(0)
    expect(stdout).toMatch(
      /fixture\s+model λ\s+model μ\s+served H\s+served D\s+served A\s+model over 2.5\s+model btts/,
    )
    expect(stdout).toMatch(/Team 01 v Team 02 .*%/)
    expect(stdout).toMatch(
      /^model used: model file model\.json: fitted on \d+ matches, ξ 0\.0019, data as of /,
    )
  })

  it('an unknown team exits 1 naming it and the close matches', async () => {
    const r = await runCli(['predict', '--model', modelFile, '--fixture', 'Team 1 v Team 02'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/Unknown team "Team 1"/)
    expect(r.stderr).toMatch(/Did you mean "Team 01"/)
    const json = await runCli(['predict', '--model', modelFile, '--fixture', 'Nobody FC v Team 02', '--json'])
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stdout).error).toMatchObject({ code: 'UNKNOWN_TEAM' })
    expect(JSON.parse(json.stdout).error.message).toContain('Nobody FC')
  })

  it('exits 1 for other user mistakes', async () => {
    const notJson = path.join(dir, 'not.json')
    writeFileSync(notJson, 'hello')
    const wrongShape = path.join(dir, 'wrong.json')
    writeFileSync(wrongShape, JSON.stringify({ teams: [] }))
    for (const [argv, message] of [
      [['predict', '--model', modelFile], /at least one --fixture/],
      [['predict', '--model', modelFile, '--fixture', 'Team 01 - Team 02'], /must look like "Home v Away"/],
      [['predict', '--model', modelFile, '--fixture', 'Team 01 v Team 01'], /cannot play itself/],
      [['predict', '--model', modelFile, files[0], '--fixture', 'Team 01 v Team 02'], /not both/],
      [
        ['predict', '--model', path.join(dir, 'missing.json'), '--fixture', 'A v B'],
        /Model file not found: .*missing\.json/,
      ],
      [['predict', '--model', notJson, '--fixture', 'A v B'], /not\.json: not valid JSON/],
      [
        ['predict', '--model', wrongShape, '--fixture', 'A v B'],
        /wrong\.json: not a model written by `scoreline fit --out`/,
      ],
      [['predict', '--fixture', 'A v B'], /Give --league E0 \(the league's champion\), a saved model/],
      [['predict', '--league', 'E 0', '--fixture', 'A v B'], /--league: "E 0" is not a league code/],
      [
        ['predict', path.join(dir, 'missing.csv'), '--fixture', 'A v B'],
        /CSV file not found: .*missing\.csv/,
      ],
    ] as const) {
      const r = await runCli([...argv])
      expect(r.code, argv.join(' ')).toBe(1)
      expect(r.stderr).toMatch(message)
    }
  })
})

describe.skipIf(!dataDir)(`scoreline predict on real data ${dataDir ? '' : SHARED_DATA_SKIP_REASON}`, () => {
  it('EPL 2011-12, xi = 0: Arsenal v Fulham 0.6117 / 0.2268 / 0.1615 (goalmodel README)', async () => {
    const csv = path.join(dataDir as string, 'E0', 'E0_2011-12.csv')
    const { code, stdout } = await runCli([
      'predict',
      csv,
      '--xi',
      '0',
      '--fixture',
      'Arsenal v Fulham',
      '--json',
    ])
    expect(code).toBe(0)
    const f = JSON.parse(stdout).fixtures[0]
    expect([f.p_home, f.p_draw, f.p_away].map((p: number) => p.toFixed(4))).toEqual([
      '0.6117',
      '0.2268',
      '0.1615',
    ])
  })
})
