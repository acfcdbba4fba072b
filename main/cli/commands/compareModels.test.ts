import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../test/support/sharedData'
import { simulateLeagueForVariants } from '../../model/backtest/simulatedMarket'
import { compareVariants, type CompareMatch } from '../../model/compare'
import { yearsBefore } from '../../model/backtest'
import { removeMargin } from '../../model/market'
import { availableVariants } from '../../model/variants'
import { runCli } from '../../../test/support/cli'
import { resultColumns } from './modelCommands.testSupport'

const dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-compare-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const FROM = '2022-08-01'
const TO = '2022-12-31'
const dataDir = footballDataDir()

const { matches } = simulateLeagueForVariants()
/** Pre-match prices: flatter than closing (two decimals, as football-data writes them). */
const preMatch = (odds: readonly number[]) => {
  const p = removeMargin(odds, 'multiplicative').probabilities.map((x) => 0.7 * x + 0.1)
  return p.map((x) => Math.round(100 / (1.05 * x)) / 100) as [number, number, number]
}
const price = (p: number) => Math.max(1.01, Math.round(100 / (1.04 * p)) / 100)
const overUnder = (p: number) => [price(p), price(1 - p)]

// One CSV per season with shots, Pinnacle pre-match and closing 1X2, and Pinnacle over/under 2.5.
const files: string[] = []
{
  const bySeason = new Map<string, string[]>()
  for (const m of matches) {
    const y = Number(m.date.slice(0, 4))
    const start = m.date.slice(5) >= '07-01' ? y : y - 1
    const line = [
      ...resultColumns(m),
      m.homeShots,
      m.awayShots,
      m.homeShotsOnTarget,
      m.awayShotsOnTarget,
      ...preMatch(m.odds!),
      ...m.odds!,
      ...overUnder(m.marketOver25!),
    ].join(',')
    const list = bySeason.get(String(start)) ?? []
    list.push(line)
    bySeason.set(String(start), list)
  }
  for (const [start, lines] of bySeason) {
    const file = path.join(dir, `SIM_${start}.csv`)
    writeFileSync(
      file,
      [
        'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HS,AS,HST,AST,PSH,PSD,PSA,PSCH,PSCD,PSCA,P>2.5,P<2.5',
        ...lines,
      ].join('\r\n') + '\r\n',
    )
    files.push(file)
  }
}

describe('scoreline compare-models (simulated league)', () => {
  /** `compare-models <files> --from FROM --to TO` and more flags. */
  const period = (...more: string[]) => ['compare-models', ...files, '--from', FROM, '--to', TO, ...more]

  it('--json: the same figures as the pure comparison, sources and margins named, stable keys', async () => {
    const { code, stdout, stderr } = await runCli([
      ...period(),
      '--models',
      'dixon-coles,poisson',
      '--min-history',
      '30',
      '--resamples',
      '300',
      '--json',
    ])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const o = JSON.parse(stdout)
    expect(Object.keys(o)).toEqual([
      'from',
      'to',
      'xi',
      'window_years',
      'league',
      'margin',
      'blend_kind',
      'calibration',
      'min_history',
      'gated',
      'warm_up_from',
      'n_matches',
      'n_scored',
      'excluded',
      'markets',
      'variants',
      'bootstrap',
      'targets',
      'files',
      'market_sources',
      'seconds',
    ])
    expect(o).toMatchObject({
      from: FROM,
      to: TO,
      xi: 0.0019,
      margin: 'multiplicative',
      gated: true,
      warm_up_from: yearsBefore(FROM, 1),
      market_sources: { closing: 'Pinnacle closing (PSCH/PSCD/PSCA)', pre_match: 'Pinnacle (PSH/PSD/PSA)' },
      bootstrap: { resamples: 300, unit: 'match date', level: 0.95 },
    })
    expect(o.variants.map((v: { variant: string }) => v.variant)).toEqual(['dixon-coles', 'poisson'])
    expect(Object.keys(o.variants[1])).toEqual([
      'variant',
      'label',
      'params',
      'hyper',
      'model',
      'blend',
      'calibrated',
      'final_alpha',
      'gates',
      'rps_vs_dixon_coles',
      'rps_vs_closing',
      'calibrated_vs_pre_match',
      'no_forecast',
      'goals_markets', // the simulated files quote O/U 2.5 (#22 §2)
      'seconds',
    ])
    const inPeriod = matches.filter((m) => m.date >= FROM && m.date <= TO)
    expect(o.n_matches).toBe(inPeriod.length)
    expect(o.n_scored).toBe(inPeriod.length)
    // The pure comparison on the same rows (prices as written to the files) gives the same numbers.
    const rows: CompareMatch[] = matches.map((m) => ({
      ...m,
      league: 'SIM',
      closingOdds: m.odds,
      preMatchOdds: preMatch(m.odds!),
    }))
    const direct = compareVariants(rows, {
      from: FROM,
      to: TO,
      variants: ['dixon-coles', 'poisson'],
      minHistory: 30,
      bootstrap: { resamples: 300 },
    })
    expect(o.variants[0].model).toEqual(direct.variants[0].model)
    expect(o.variants[1].calibrated).toEqual(direct.variants[1].calibrated)
    expect(o.markets.pre_match).toEqual(direct.markets.pre_match)
    expect(o.variants[1].rps_vs_dixon_coles).toEqual(direct.variants[1].rps_vs_dixon_coles)
    expect(o.targets).toEqual(direct.targets)
  })

  it('human table: both markets with their margin method, model/blend/calibrated per variant, targets stated', async () => {
    const { code, stdout } = await runCli([
      'compare-models',
      ...files,
      '--from',
      FROM,
      '--to',
      TO,
      '--models',
      'poisson',
      '--margin',
      'shin',
      '--resamples',
      '200',
    ])
    expect(code).toBe(0)
    expect(stdout).toMatch(/market closing: Pinnacle closing \(PSCH\/PSCD\/PSCA\), shin/)
    expect(stdout).toMatch(/market pre-match: Pinnacle \(PSH\/PSD\/PSA\), shin/)
    expect(stdout).toMatch(/^poisson model +\d+ +0\.\d{4}/m)
    expect(stdout).toMatch(/^poisson calibrated /m)
    expect(stdout).toMatch(/200 resamples of match dates/)
    expect(stdout).toMatch(
      /target: best model-alone RPS within 0\.003 of the closing market — poisson .*: (MET|NOT MET)/,
    )
    expect(stdout).toMatch(/target: calibrated blend at least as good as the pre-match market/)
  })

  it('--models all runs every registered variant', async () => {
    const { code, stdout } = await runCli([
      'compare-models',
      ...files,
      '--from',
      '2022-08-01',
      '--to',
      '2022-09-15',
      '--min-history',
      '10',
      '--resamples',
      '100',
      '--json',
    ])
    expect(code).toBe(0)
    expect(JSON.parse(stdout).variants.map((v: { variant: string }) => v.variant)).toEqual(
      availableVariants(),
    )
  })

  it('refuses an unknown variant (listing the available ones), a missing --from and an unknown league', async () => {
    const bad = await runCli([
      'compare-models',
      ...files,
      '--from',
      FROM,
      '--models',
      'dixon-coles,crystal-ball',
    ])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/--models must be one of dixon-coles, poisson.*got "crystal-ball"/)
    expect((await runCli(['compare-models', ...files])).stderr).toMatch(/--from DATE is required/)
    const league = await runCli(['compare-models', ...files, '--from', FROM, '--league', 'E0'])
    expect(league.code).toBe(1)
    expect(league.stderr).toMatch(/--league E0: no match of that division in the files \(they hold SIM\)/)
    const margin = await runCli(['compare-models', ...files, '--from', FROM, '--training-margin', 'fair'])
    expect(margin.code).toBe(1)
    expect(margin.stderr).toMatch(/--training-margin must be one of .*got "fair"/)
  })

  it('the variants train on past prices made margin-free by --training-margin (default shin), not the scoring margin', async () => {
    const args = period('--models', 'market', '--resamples', '100')
    const shin = JSON.parse((await runCli([...args, '--json'])).stdout)
    expect(shin.margin).toBe('multiplicative')
    expect(shin.market_sources.variant_training).toMatch(/^margin-free \(shin\)/)
    const mult = JSON.parse((await runCli([...args, '--training-margin', 'multiplicative', '--json'])).stdout)
    expect(mult.market_sources.variant_training).toMatch(/^margin-free \(multiplicative\)/)
    // the scoring markets are the same; the market-informed ratings are not
    expect(mult.markets).toEqual(shin.markets)
    expect(mult.variants[0].model.rps).not.toBe(shin.variants[0].model.rps)
  })
})

describe.skipIf(!dataDir)(
  `compare-models on real EPL seasons ${dataDir ? '' : SHARED_DATA_SKIP_REASON}`,
  () => {
    it('variant extras from a real row: shots, margin-free Pinnacle closing 1X2, margin-free over 2.5', async () => {
      const { readFootballDataFile } = await import('../../services/data/csv')
      const { variantExtras } = await import('./modelInput')
      const file = await readFootballDataFile(`${dataDir}/E0/E0_2023-24.csv`)
      const r = file.rows[0]
      const x = variantExtras(r, 'multiplicative')
      expect(x.homeShots).toBe(r.stats.homeShots)
      expect(x.awayShotsOnTarget).toBe(r.stats.awayShotsOnTarget)
      expect(x.homeShots).toBeGreaterThan(0)
      const psc = r.odds.find((q) => q.bookmaker === 'PS' && q.kind === 'closing')!
      expect(x.market).toEqual(removeMargin([psc.home, psc.draw, psc.away], 'multiplicative').probabilities)
      const ou = r.totals.find((q) => q.bookmaker === 'PS' && q.kind === 'closing' && q.line === 2.5)!
      expect(x.marketOver25).toBeCloseTo(1 / ou.over / (1 / ou.over + 1 / ou.under), 12)
      // Without Pinnacle closing, the app's preference (Pinnacle pre-match next).
      const noClose = { ...r, odds: r.odds.filter((q) => !(q.bookmaker === 'PS' && q.kind === 'closing')) }
      const ps = r.odds.find((q) => q.bookmaker === 'PS' && q.kind === 'pre-match')!
      expect(variantExtras(noClose, 'multiplicative').market).toEqual(
        removeMargin([ps.home, ps.draw, ps.away], 'multiplicative').probabilities,
      )
    })

    it('E0 2023-24: Pinnacle closing beats Dixon-Coles alone and pre-match, by an interval that excludes 0', async () => {
      const seasons = ['2020-21', '2021-22', '2022-23', '2023-24'].map((s) => `${dataDir}/E0/E0_${s}.csv`)
      const { code, stdout } = await runCli([
        'compare-models',
        ...seasons,
        '--from',
        '2023-08-01',
        '--models',
        'dixon-coles',
        '--resamples',
        '200',
        '--json',
      ])
      expect(code).toBe(0)
      const o = JSON.parse(stdout)
      expect(o.n_matches).toBe(380)
      expect(o.n_scored).toBe(379) // Luton's debut has no rating
      expect(o.markets.closing.rps).toBeLessThan(o.markets.pre_match.rps)
      expect(o.variants[0].model.rps).toBeGreaterThan(o.markets.closing.rps)
      expect(o.variants[0].rps_vs_closing.lo).toBeGreaterThan(0)
    }, 60_000)
  },
)
