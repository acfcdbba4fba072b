import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../test/support/sharedData'
import { walkForward } from '../../model/backtest'
import { PREDICTION_COLUMNS } from './backtest'
import { csvCell } from './modelInput'
import { runCli, writeSimulatedSeasons } from './modelCommands.testSupport'

const dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-backtest-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const FROM = '2022-08-01'
const { files, matches } = writeSimulatedSeasons(dir)
const dataDir = footballDataDir()
const METRIC_KEYS = ['n', 'rps', 'log_loss', 'brier', 'accuracy', 'ece']

/** Splits one CSV line that has no quoted commas (ours only quote when needed). */
const cells = (line: string) => line.split(',')

describe('scoreline backtest (simulated league)', () => {
  it('--json reports model, market, blend and calibrated metrics on the same matches, as the pure walk-forward', async () => {
    const { code, stdout } = await runCli([
      'backtest',
      ...files,
      '--from',
      FROM,
      '--min-history',
      '30',
      '--json',
    ])
    expect(code).toBe(0)
    const o = JSON.parse(stdout)
    for (const k of ['model', 'market', 'blend', 'calibrated']) {
      expect(Object.keys(o[k])).toEqual(METRIC_KEYS)
      expect(o[k].n).toBe(o.n_scored)
    }
    expect(o).toMatchObject({
      from: FROM,
      xi: 0.0019,
      window_years: 3,
      margin: 'shin',
      blend_kind: 'log',
      calibration: 'temperature',
      xi_selection: null,
      skipped: { no_model: 0, no_market: 0, teams: [] },
    })
    const expected = matches.filter((m) => m.date >= FROM)
    expect(o.n_matches).toBe(expected.length)
    expect(o.market_sources).toEqual({ 'Pinnacle closing (PSCH/PSCD/PSCA)': expected.length })
    const direct = walkForward(matches, { from: FROM, minHistory: 30 })
    expect(o.model).toEqual(direct.metrics.model)
    expect(o.calibrated).toEqual(direct.metrics.calibrated)
    expect(o.refits).toBe(direct.refits.length)
    const league = JSON.parse(
      (
        await runCli([
          'backtest',
          ...files,
          '--from',
          FROM,
          '--min-history',
          '30',
          '--league',
          'SIM',
          '--json',
        ])
      ).stdout,
    )
    expect(league.league).toBe('SIM')
    expect(league.model).toEqual(o.model)
  })

  it('--out writes one row per predicted match with the documented columns; --to, --margin and --window-years apply', async () => {
    const out = path.join(dir, 'predictions.csv')
    const to = '2023-01-31'
    const { code, stdout } = await runCli([
      'backtest',
      ...files,
      '--from',
      FROM,
      '--to',
      to,
      '--margin',
      'multiplicative',
      '--window-years',
      '2',
      '--out',
      out,
      '--json',
    ])
    expect(code).toBe(0)
    const o = JSON.parse(stdout)
    expect(o).toMatchObject({ to, margin: 'multiplicative', window_years: 2 })
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n')
    expect(lines[0]).toBe(PREDICTION_COLUMNS.join(','))
    expect(lines).toHaveLength(1 + matches.filter((m) => m.date >= FROM && m.date <= to).length)
    for (const line of lines.slice(1)) {
      const c = cells(line)
      expect(c).toHaveLength(16)
      expect(c[0] >= FROM && c[0] <= to).toBe(true)
      expect(['H', 'D', 'A']).toContain(c[3])
      for (let k = 4; k < 16; k += 3) {
        const p = c.slice(k, k + 3).map(Number)
        expect(Math.abs(p[0] + p[1] + p[2] - 1)).toBeLessThan(1e-9)
      }
    }
  })

  it('a team without history is written with empty model columns and counted as skipped; names that look like formulas are defused', async () => {
    const sub = mkdtempSync(path.join(dir, 'newcomer-'))
    const { files: edited } = writeSimulatedSeasons(sub, {
      edit: (ms) =>
        ms.map((m) => {
          const rename = (t: string) =>
            t === 'Team 01' && m.date >= FROM ? '=HYPERLINK("x")' : t === 'Team 02' ? '-Minus FC' : t
          return { ...m, home: rename(m.home), away: rename(m.away) }
        }),
    })
    const out = path.join(sub, 'p.csv')
    const { code, stdout } = await runCli(['backtest', ...edited, '--from', FROM, '--out', out, '--json'])
    expect(code).toBe(0)
    const o = JSON.parse(stdout)
    expect(o.skipped.teams).toEqual(['=HYPERLINK("x")'])
    expect(o.skipped.no_model).toBeGreaterThanOrEqual(1)
    expect(o.n_scored).toBe(o.n_matches - o.skipped.no_model)
    const text = readFileSync(out, 'utf8')
    expect(text).toContain(`"'=HYPERLINK(""x"")"`)
    expect(text).toContain(`'-Minus FC`)
    expect(text).not.toMatch(/(^|,)[=@+-]/m)
    const skippedLine = text.split('\n').find((l) => l.includes('HYPERLINK'))!
    expect(skippedLine).toMatch(
      /^\d{4}-\d{2}-\d{2},("'=HYPERLINK\(""x""\)"|[^,]+),("'=HYPERLINK\(""x""\)"|[^,]+),[HDA],,,,0\.\d+,/,
    )
  })

  it('--xi auto picks xi on the year before --from (no peeking at the backtest period)', async () => {
    const { code, stdout } = await runCli(['backtest', ...files, '--from', FROM, '--xi', 'auto', '--json'])
    expect(code).toBe(0)
    const o = JSON.parse(stdout)
    expect(o.xi_selection.period).toEqual({ from: '2021-08-01', to: '2022-07-31' })
    const best = o.xi_selection.grid.reduce((a: { rps: number }, b: { rps: number }) =>
      b.rps < a.rps ? b : a,
    )
    expect(o.xi).toBe(best.xi)
    const human = await runCli(['backtest', ...files, '--from', FROM, '--xi', 'auto'])
    expect(human.stdout).toMatch(/xi grid \(model RPS\)/)
    for (const from of ['2019-07-01', '2019-09-01']) {
      // No match at all in the tuning year / matches but no history to predict them from.
      const tooEarly = await runCli(['backtest', ...files, '--from', from, '--xi', 'auto'])
      expect(tooEarly.code).toBe(1)
      expect(tooEarly.stderr).toMatch(/--xi auto tunes xi on the year before --from/)
    }
  })

  it('gates the blend and the calibrator by default; --ungated serves them as fitted; --warm-up-from forecasts earlier without scoring it', async () => {
    const gated = JSON.parse((await runCli(['backtest', ...files, '--from', FROM, '--json'])).stdout)
    expect(gated.gates.blend.rows).toBeGreaterThan(0)
    expect(gated.warm_up_from).toBe(FROM)
    if (!gated.gates.blend.open) expect(gated.final_alpha).toBe(0)
    const ungated = JSON.parse(
      (await runCli(['backtest', ...files, '--from', FROM, '--ungated', '--json'])).stdout,
    )
    expect(ungated.gates).toBeNull()
    expect(ungated.model).toEqual(gated.model)
    const warm = await runCli([
      'backtest',
      ...files,
      '--from',
      FROM,
      '--warm-up-from',
      '2021-08-01',
      '--json',
    ])
    expect(warm.code).toBe(0)
    const w = JSON.parse(warm.stdout)
    expect(w.warm_up_from).toBe('2021-08-01')
    expect(w.n_matches).toBe(gated.n_matches)
    expect(w.gates.blend.rows).toBeGreaterThan(gated.gates.blend.rows)
    const human = await runCli(['backtest', ...files, '--from', FROM, '--warm-up-from', '2021-08-01'])
    expect(human.stdout).toMatch(/forecast from 2021-08-01/)
    // the gate rule is named (#22): a one-sided sequential test at a stated level, with its evidence
    expect(human.stdout).toMatch(
      /each stage served while a one-sided paired-RPS betting e-process beats what it replaces at level 0\.05 .*: blend (on|off) \(e-value [\d.e+-]+; .* served for \d+ matches\)/,
    )
    const late = await runCli(['backtest', ...files, '--from', FROM, '--warm-up-from', '2030-01-01'])
    expect(late.code).toBe(1)
    expect(late.stderr).toMatch(/--warm-up-from 2030-01-01 is after --from/)
  })

  it('prints a readable table naming the market and its margin method', async () => {
    const { code, stdout } = await runCli(['backtest', ...files, '--from', FROM])
    expect(code).toBe(0)
    expect(stdout).toMatch(/market: Pinnacle closing \(PSCH\/PSCD\/PSCA\) ×\d+; margin removed by shin/)
    expect(stdout).toMatch(/forecast\s+n\s+rps\s+log loss\s+brier\s+accuracy\s+ece/)
    expect(stdout).toMatch(/market \(shin\)\s+\d+\s+0\.\d{4}/)
  })

  it('--model names the variant (recorded as model_variant); the walk-forward is that variant’s', async () => {
    const { code, stdout } = await runCli([
      'backtest',
      ...files,
      '--from',
      FROM,
      '--min-history',
      '30',
      '--model',
      'poisson',
      '--json',
    ])
    expect(code).toBe(0)
    const o = JSON.parse(stdout)
    expect(o).toMatchObject({
      model_kind: 'poisson',
      model_variant: 'poisson',
      model_params: {},
      variant_selection: null,
    })
    const direct = walkForward(matches, { from: FROM, minHistory: 30, model: 'poisson' })
    expect(o.model).toEqual(direct.metrics.model)
    const bad = await runCli(['backtest', ...files, '--from', FROM, '--model', 'tea-leaves'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/--model must be "auto" or one of dixon-coles, poisson.*got "tea-leaves"/)
  })

  it('--model auto chooses on the year before --from; results inside the backtest period cannot change the choice', async () => {
    const run = async (fileList: string[]) =>
      JSON.parse(
        (
          await runCli([
            'backtest',
            ...fileList,
            '--from',
            FROM,
            '--to',
            '2022-10-31',
            '--min-history',
            '30',
            '--model',
            'auto',
            '--json',
          ])
        ).stdout,
      )
    const a = await run(files)
    expect(a.variant_selection.period).toEqual({ from: '2021-08-01', to: '2022-07-31' })
    const best = a.variant_selection.candidates.reduce((x: { rps: number }, y: { rps: number }) =>
      y.rps < x.rps ? y : x,
    )
    expect(a.model_variant).toBe(best.model)
    expect(a.variant_selection.candidates.map((c: { model: string }) => c.model)).toContain('dixon-coles')
    // The same seasons with every result from --from on turned around: same choice, same candidate figures.
    const flippedDir = path.join(dir, 'flipped')
    mkdirSync(flippedDir, { recursive: true })
    const flipped = writeSimulatedSeasons(flippedDir, {
      edit: (ms) => ms.map((m) => (m.date >= FROM ? { ...m, homeGoals: m.awayGoals + 3, awayGoals: 0 } : m)),
    })
    const b = await run(flipped.files)
    expect(b.variant_selection).toEqual(a.variant_selection)
    expect(b.model_variant).toBe(a.model_variant)
    expect(b.model.rps).not.toBe(a.model.rps)
  })

  it('exits 1 for user mistakes: missing file, malformed CSV (file:line), bad flags', async () => {
    const bad = path.join(dir, 'E0_bad.csv')
    writeFileSync(bad, 'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nE0,10/08/2023,A,B,1,0\nE0,32/08/2023,C,D,2,1\n')
    for (const [argv, message] of [
      [['backtest', ...files], /--from DATE is required/],
      [['backtest', '--from', FROM], /Give the football-data CSV files/],
      [['backtest', path.join(dir, 'gone.csv'), '--from', FROM], /CSV file not found: .*gone\.csv/],
      [['backtest', bad, '--from', FROM], /E0_bad\.csv:3:/],
      [
        ['backtest', ...files, '--from', FROM, '--margin', 'fair'],
        /--margin must be one of multiplicative, additive, power, shin/,
      ],
      [['backtest', ...files, '--from', FROM, '--xi', 'x'], /--xi must be a number/],
      [
        ['backtest', ...files, '--from', FROM, '--window-years', '1.5'],
        /--window-years must be a whole number/,
      ],
      [['backtest', ...files, '--from', FROM, '--to', '2020-01-01'], /before --from/],
      [['backtest', ...files, '--from', '2031-01-01'], /No match between 2031-01-01/],
      [
        ['backtest', ...files, '--from', FROM, '--league', 'E0'],
        /--league E0: no match of that division in the files \(they hold SIM\)/,
      ],
    ] as const) {
      const r = await runCli([...argv])
      expect(r.code, argv.join(' ')).toBe(1)
      expect(r.stderr).toMatch(message)
    }
  })
})

describe('csvCell', () => {
  it('quotes when needed and defuses formula-like text, leaving numbers alone', () => {
    expect(csvCell('Arsenal')).toBe('Arsenal')
    expect(csvCell("Nott'm Forest")).toBe("Nott'm Forest")
    expect(csvCell('=1+1')).toBe("'=1+1")
    expect(csvCell('+44')).toBe("'+44")
    expect(csvCell('-x')).toBe("'-x")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('=a,"b"')).toBe(`"'=a,""b"""`)
    expect(csvCell(0.25)).toBe('0.25')
    expect(csvCell(null)).toBe('')
  })
})

describe.skipIf(!dataDir)(`scoreline backtest on real data ${dataDir ? '' : SHARED_DATA_SKIP_REASON}`, () => {
  it('EPL 2023-24 with three prior seasons: 380 rows, Luton’s debut skipped, the market beats the model', async () => {
    const csv = ['2020-21', '2021-22', '2022-23', '2023-24'].map((s) =>
      path.join(dataDir as string, 'E0', `E0_${s}.csv`),
    )
    const out = path.join(dir, 'epl.csv')
    const { code, stdout } = await runCli([
      'backtest',
      ...csv,
      '--from',
      '2023-08-01',
      '--out',
      out,
      '--json',
    ])
    expect(code).toBe(0)
    const o = JSON.parse(stdout)
    expect(o.n_matches).toBe(380)
    expect(o.skipped).toEqual({ no_model: 1, no_market: 0, teams: ['Luton'] })
    expect(o.market_sources).toEqual({ 'Pinnacle closing (PSCH/PSCD/PSCA)': 380 })
    expect(o.market.rps).toBeLessThan(o.model.rps)
    expect(o.model.rps).toBeLessThan(0.2)
    expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(381)
  })
})
