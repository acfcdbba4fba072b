import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../test/support/sharedData'
import { runCli, writeSimulatedSeasons } from './modelCommands.testSupport'

const dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-explain-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const { files } = writeSimulatedSeasons(dir, { seasons: 2 })
const modelFile = path.join(dir, 'model.json')
const dataDir = footballDataDir()

type P = { home: number; draw: number; away: number }
const OUTCOMES = ['home', 'draw', 'away'] as const

function expectAdditive(f: { probabilities: P; baseline: P; contributions: P[] }) {
  for (const k of OUTCOMES) {
    const sum = f.contributions.reduce((s, c) => s + c[k], 0)
    expect(Math.abs(f.baseline[k] + sum - f.probabilities[k])).toBeLessThan(1e-12)
  }
}

function jackpotFile(name: string, text: string): string {
  const file = path.join(dir, name)
  writeFileSync(file, text)
  return file
}

describe('scoreline explain (simulated league)', () => {
  beforeAll(async () => {
    expect((await runCli(['fit', ...files, '--out', modelFile])).code).toBe(0)
  })

  it('--fixture: Shapley contributions that add up exactly, and a summary sentence', async () => {
    const { code, stdout } = await runCli([
      'explain',
      '--model',
      modelFile,
      '--fixture',
      'Team 01 v Team 02',
      '--fixture',
      'Team 03 v Team 04',
      '--json',
    ])
    expect(code).toBe(0)
    const o = JSON.parse(stdout)
    expect(o.fixtures).toHaveLength(2)
    expect(o.jackpot).toBeUndefined()
    const f = o.fixtures[0]
    expect(Object.keys(f)).toEqual([
      'league',
      'home',
      'away',
      'probabilities',
      'stage',
      'baseline',
      'contributions',
      'model_probabilities',
      'summary',
      'source',
      'note',
      'market',
      'warnings',
    ])
    expect(o.models[0].summary).toMatch(
      /^model file model\.json: fitted on \d+ matches, ξ [\d.]+, data as of /,
    )
    // no odds: the model is served, and the explanation ends at it
    expect(f.stage).toBe('model')
    expect(f.model_probabilities).toEqual(f.probabilities)
    expect(f.source).toMatch(/The model sets this price \(no market price/)
    expect(f.contributions.map((c: { component: string }) => c.component)).toEqual([
      'homeAdvantage',
      'homeAttack',
      'homeDefence',
      'awayAttack',
      'awayDefence',
      'lowScoreCorrection',
    ])
    expectAdditive(f)
    expect(f.market).toBeNull()
    expect(f.summary).toMatch(/\.$/)
    // Same 1X2 as predict (score-matrix route vs outcome route agree to rounding).
    const pred = JSON.parse(
      (await runCli(['predict', '--model', modelFile, '--fixture', 'Team 01 v Team 02', '--json'])).stdout,
    )
    expect(f.probabilities.home).toBeCloseTo(pred.fixtures[0].p_home, 9)
  })

  it('--jackpot with odds: market blend as a component, the pick per fixture, and the correct-picks distribution', async () => {
    const file = jackpotFile(
      'coupon.csv',
      '\uFEFFhome,away,odds_home,odds_draw,odds_away\r\nTeam 01,Team 02,1.9,3.5,4.2\r\n"Team 03",Team 04,,,\r\nteam 05,Team 06,2.6,3.2,2.8\r\n',
    )
    const { code, stdout } = await runCli([
      'explain',
      '--model',
      modelFile,
      '--jackpot',
      file,
      '--alpha',
      '0.7',
      '--json',
    ])
    expect(code).toBe(0)
    const o = JSON.parse(stdout)
    expect(o.fixtures.map((f: { home: string }) => f.home)).toEqual(['Team 01', 'Team 03', 'Team 05'])
    const [a, b, c] = o.fixtures
    expect(a.market).toMatchObject({ margin: 'shin', odds: [1.9, 3.5, 4.2], blend: 'log', alpha: 0.7 })
    // the model's factors, then one explicit blend step, ending at the served number
    expect(a.stage).toBe('blend')
    expect(a.contributions.map((x: { component: string }) => x.component).slice(-1)).toEqual(['blend'])
    expect(a.contributions.at(-1).label).toBe('Blend with market (α 0.70)')
    expect(a.source).toMatch(/The model blended with the market sets this price \(α 0\.70/)
    expect(b.market).toBeNull()
    for (const f of [a, b, c]) {
      expectAdditive(f)
      const p = f.probabilities
      const best = OUTCOMES.reduce((x, y) => (p[y] > p[x] ? y : x))
      expect(f.pick).toBe({ home: 'H', draw: 'D', away: 'A' }[best])
      expect(f.p_pick).toBe(p[best])
    }
    const j = o.jackpot
    expect(j.n).toBe(3)
    expect(j.p_all_correct).toBeCloseTo(a.p_pick * b.p_pick * c.p_pick, 15)
    expect(j.expected_correct).toBeCloseTo(a.p_pick + b.p_pick + c.p_pick, 15)
    expect(j.distribution).toHaveLength(4)
    expect(j.distribution.reduce((s: number, x: number) => s + x, 0)).toBeCloseTo(1, 14)
    expect(j.at_least[0]).toBe(1)
    expect(j.at_least[3]).toBeCloseTo(j.p_all_correct, 15)

    const human = await runCli(['explain', '--model', modelFile, '--jackpot', file])
    expect(human.stdout).toMatch(/Team 01 v Team 02: home .*pick [HDA]/)
    expect(human.stdout).toMatch(/market \(entered, shin\):/)
    expect(human.stdout).toMatch(/= served \(blend\)/)
    expect(human.stdout).toMatch(/jackpot: 3 fixtures, P\(all 3 right\)/)
    expect(human.stdout).toMatch(/k\s+P\(exactly k\)\s+P\(at least k\)/)
  })

  it('exits 1 naming file:line for a malformed jackpot or an unknown team in it', async () => {
    const badOdds = jackpotFile(
      'bad.csv',
      'home,away,odds_home,odds_draw,odds_away\nTeam 01,Team 02,1.9,x,4\n',
    )
    const unknown = jackpotFile('unknown.csv', 'home,away\nTeam 01,Team 02\nTeam 13,Team 02\n')
    const noHeader = jackpotFile('nohdr.csv', 'Team 01,Team 02\n')
    const partialOdds = jackpotFile('partial.csv', 'home,away,odds_home\nTeam 01,Team 02,2\n')
    const quote = jackpotFile('quote.csv', 'home,away\n"Team 01,Team 02\n')
    for (const [argv, message] of [
      [
        ['explain', '--model', modelFile, '--jackpot', badOdds],
        /bad\.csv:2: odds_draw "x" is not decimal odds > 1/,
      ],
      [
        ['explain', '--model', modelFile, '--jackpot', unknown],
        /unknown\.csv:3: Unknown team "Team 13".*Did you mean "Team 03"/,
      ],
      [
        ['explain', '--model', modelFile, '--jackpot', noHeader],
        /nohdr\.csv:1: the header needs columns home and away/,
      ],
      [['explain', '--model', modelFile, '--jackpot', partialOdds], /partial\.csv:1: give all three/],
      [['explain', '--model', modelFile, '--jackpot', quote], /quote\.csv:2: unterminated quoted cell/],
      [
        ['explain', '--model', modelFile, '--jackpot', path.join(dir, 'none.csv')],
        /Jackpot file not found: .*none\.csv/,
      ],
      [['explain', '--model', modelFile], /Give --fixture/],
      [['explain', '--model', modelFile, '--fixture', 'Team 01 v Nobody'], /Unknown team "Nobody"/],
      [
        ['explain', '--model', modelFile, '--fixture', 'Team 01 v Team 02', '--alpha', '2'],
        /--alpha must be a number ≥ 0 ≤ 1/,
      ],
      [['explain', path.join(dir, 'none.csv'), '--fixture', 'Team 01 v Team 02'], /CSV file not found/],
    ] as const) {
      const r = await runCli([...argv])
      expect(r.code, argv.join(' ')).toBe(1)
      expect(r.stderr).toMatch(message)
    }
  })
})

describe.skipIf(!dataDir)(`scoreline explain on real data ${dataDir ? '' : SHARED_DATA_SKIP_REASON}`, () => {
  it('EPL 2011-12: Arsenal v Fulham decomposes 0.6117 / 0.2268 / 0.1615 exactly; Arsenal’s attack is a main driver', async () => {
    const csv = path.join(dataDir as string, 'E0', 'E0_2011-12.csv')
    const { code, stdout } = await runCli([
      'explain',
      csv,
      '--xi',
      '0',
      '--fixture',
      'Arsenal v Fulham',
      '--json',
    ])
    expect(code).toBe(0)
    const f = JSON.parse(stdout).fixtures[0]
    expect(
      [f.probabilities.home, f.probabilities.draw, f.probabilities.away].map((p: number) => p.toFixed(4)),
    ).toEqual(['0.6117', '0.2268', '0.1615'])
    expectAdditive(f)
    expect(f.summary).toMatch(/Arsenal's attack|Home advantage/)
  })
})
