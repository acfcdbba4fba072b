import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../test/support/sharedData'
import { footballDataCsv, runCli, writeSimulatedSeasons } from './modelCommands.testSupport'
import { DEFAULT_XI } from '../../model/backtest/walkForward'

const dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-fit-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const { files, matches } = writeSimulatedSeasons(dir, { seasons: 2 })
const dataDir = footballDataDir()

const FIT_KEYS = [
  'model',
  'as_of',
  'xi',
  'n_matches',
  'n_teams',
  'log_likelihood',
  'rho',
  'home_advantage',
  'teams',
  'iterations',
  'converged',
  'gradient_norm',
  'seconds',
]

describe('scoreline fit (simulated league)', () => {
  it('--json prints exactly the contract keys for a fit of several files', async () => {
    const { code, stdout } = await runCli(['fit', ...files, '--json'])
    expect(code).toBe(0)
    const o = JSON.parse(stdout)
    expect(Object.keys(o)).toEqual(FIT_KEYS)
    expect(o).toMatchObject({
      model: 'dixon-coles',
      xi: DEFAULT_XI, // the one ξ default (backtest, the pipeline's grid centre)
      n_matches: matches.length,
      n_teams: 12,
      converged: true,
    })
    expect(o.as_of).toBe(matches[matches.length - 1].date)
    expect(o.gradient_norm).toBeLessThan(1e-8)
    expect(o.seconds).toBeGreaterThan(0)
    expect(o.teams).toHaveLength(12)
    expect(Object.keys(o.teams[0])).toEqual([
      'team',
      'attack',
      'defence',
      'attack_se',
      'defence_se',
      'matches',
      'current',
    ])
    const attackSum = o.teams.reduce((s: number, t: { attack: number }) => s + t.attack, 0)
    expect(Math.abs(attackSum)).toBeLessThan(1e-9)
    expect(o.teams.every((t: { attack_se: number }) => t.attack_se > 0)).toBe(true)
  })

  it('the table shows the current league only and marks teams rated on few matches (#20)', async () => {
    // the second season's first two rounds, with the last team relegated and a newcomer in its place
    const [first, second] = [
      matches.filter((m) => m.date < '2020-07-01'),
      matches.filter((m) => m.date >= '2020-07-01'),
    ]
    const out = [...new Set(first.map((m) => m.home))].sort().at(-1) as string
    const rounds = [...new Set(second.map((m) => m.date))].sort().slice(0, 2)
    const early = second
      .filter((m) => rounds.includes(m.date))
      .map((m) => ({
        ...m,
        home: m.home === out ? 'Newcomer FC' : m.home,
        away: m.away === out ? 'Newcomer FC' : m.away,
      }))
    const file = path.join(dir, 'promoted.csv')
    writeFileSync(file, footballDataCsv([...first, ...early]))
    const human = await runCli(['fit', file, '--xi', '0.0019'])
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/Newcomer FC .*rated on 2 matches/)
    expect(human.stdout).not.toMatch(new RegExp(`^${out} `, 'm'))
    expect(human.stdout).toMatch(/1 team\(s\) not in the latest season \(left the league\) not shown/)
    expect(human.stdout).toMatch(/shrunk toward the promoted-team prior/)
    const json = JSON.parse((await runCli(['fit', file, '--json'])).stdout)
    expect(json.teams.find((t: { team: string }) => t.team === out)).toMatchObject({ current: false })
    expect(json.teams.find((t: { team: string }) => t.team === 'Newcomer FC')).toMatchObject({
      current: true,
      matches: 2,
    })
  })

  it('honours --as-of, --from, --xi and --model poisson', async () => {
    const asOf = matches[200].date
    const from = matches[40].date
    const { stdout } = await runCli([
      'fit',
      ...files,
      '--json',
      '--as-of',
      asOf,
      '--from',
      from,
      '--xi',
      '0.002',
    ])
    const o = JSON.parse(stdout)
    expect(o.as_of).toBe(asOf)
    expect(o.xi).toBe(0.002)
    expect(o.n_matches).toBe(matches.filter((m) => m.date <= asOf && m.date >= from).length)
    const poisson = JSON.parse((await runCli(['fit', ...files, '--json', '--model', 'poisson'])).stdout)
    expect(poisson.model).toBe('poisson')
    expect(poisson.rho).toBe(0)
  })

  it('--repeat N reruns the same fit from scratch: same parameters, median seconds', async () => {
    const once = JSON.parse((await runCli(['fit', files[0], '--json'])).stdout)
    const many = JSON.parse((await runCli(['fit', files[0], '--json', '--repeat', '5'])).stdout)
    expect(many.log_likelihood).toBe(once.log_likelihood)
    expect(many.iterations).toBe(once.iterations)
    expect(many.teams).toEqual(once.teams)
    expect(many.seconds).toBeGreaterThan(0)
  })

  it('--out writes the FittedModel that predict --model reads back; human output is a table', async () => {
    const out = path.join(dir, 'model.json')
    const { code, stdout } = await runCli(['fit', ...files, '--out', out])
    expect(code).toBe(0)
    expect(stdout).toMatch(/dixon-coles fit as of .*: 264 matches, 12 teams/)
    expect(stdout).toMatch(/team\s+attack\s+±se\s+defence\s+±se/)
    expect(stdout).toContain(`model written to ${out}`)
    const saved = JSON.parse(readFileSync(out, 'utf8'))
    expect(saved).toMatchObject({ model: 'dixon-coles', nTeams: 12, converged: true })
    expect(saved.teams[0]).toHaveProperty('attackSe')
  })

  it('exits 1 with a clear message for user mistakes', async () => {
    const missing = await runCli(['fit', path.join(dir, 'nope.csv')])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain(`CSV file not found: ${path.join(dir, 'nope.csv')}`)

    const bad = path.join(dir, 'E0_bad.csv')
    writeFileSync(bad, 'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nE0,10/08/2023,A,B,1,0\nE0,11/08/2023,C,D,x,1\n')
    const malformed = await runCli(['fit', bad])
    expect(malformed.code).toBe(1)
    expect(malformed.stderr).toMatch(/E0_bad\.csv:3: FTHG "x"/)
    const malformedJson = await runCli(['fit', bad, '--json'])
    expect(JSON.parse(malformedJson.stdout).error.code).toBe('CSV_PARSE')

    for (const [argv, message] of [
      [['fit'], /at least one football-data CSV/],
      [['fit', files[0], files[1], files[0]], /is given twice/],
      [['fit', files[0], '--xi', 'fast'], /--xi must be a number ≥ 0/],
      [['fit', files[0], '--xi=-1'], /--xi must be a number ≥ 0/],
      [['fit', files[0], '--model', 'elo'], /--model must be dixon-coles or poisson/],
      [['fit', files[0], '--as-of', '2020-02-30'], /--as-of must be a calendar date/],
      [['fit', files[0], '--repeat', '0'], /--repeat must be a whole number ≥ 1/],
      [['fit', files[0], '--as-of', '2001-01-01'], /No matches/],
    ] as const) {
      const r = await runCli([...argv])
      expect(r.code, argv.join(' ')).toBe(1)
      expect(r.stderr).toMatch(message)
    }
  })
})

describe.skipIf(!dataDir)(`scoreline fit on real data ${dataDir ? '' : SHARED_DATA_SKIP_REASON}`, () => {
  it('EPL 2011-12, xi = 0: goalmodel’s log-likelihood −1087.36, rho −0.1336, home advantage 0.273', async () => {
    const { code, stdout } = await runCli([
      'fit',
      path.join(dataDir as string, 'E0', 'E0_2011-12.csv'),
      '--xi',
      '0',
      '--json',
    ])
    expect(code).toBe(0)
    const o = JSON.parse(stdout)
    expect(o.log_likelihood.toFixed(2)).toBe('-1087.36')
    expect(o.rho.toFixed(4)).toBe('-0.1336')
    expect(o.home_advantage.toFixed(3)).toBe('0.273')
    expect(o.n_matches).toBe(380)
    expect(o.n_teams).toBe(20)
  })
})
