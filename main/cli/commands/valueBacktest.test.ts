import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { walkForward } from '../../model/backtest'
import { simulateLeagueWithOdds } from '../../model/backtest/simulatedMarket'
import { selectValueBets, valueBacktest } from '../../model/backtest/valueBets'
import { matchKey, valueMatchesOf } from '../../model/backtest/valueInput'
import { resultColumns, runCli } from './modelCommands.testSupport'

// A simulated league written with three pre-match books and Pinnacle's close: PS = the simulator's odds,
// Max = 4 % longer, B365 = 3 % shorter, PSC = PS moved 2 % shorter on the home side.
const dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-value-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const FROM = '2022-08-01'
const { matches } = simulateLeagueWithOdds({ seasons: 4 })
const r2 = (x: number) => Math.round(100 * x) / 100
const books = (o: readonly number[]) => ({
  PS: o,
  Max: o.map((x) => r2(x * 1.04)),
  B365: o.map((x) => r2(x * 0.97)),
  PSC: [r2(o[0] * 0.98), o[1], o[2]],
})
const file = path.join(dir, 'SIM_all.csv')
writeFileSync(
  file,
  [
    'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,PSH,PSD,PSA,MaxH,MaxD,MaxA,B365H,B365D,B365A,PSCH,PSCD,PSCA',
    ...matches.map((m) => {
      const b = books(m.odds!)
      return [...resultColumns(m), ...b.PS, ...b.Max, ...b.B365, ...b.PSC].join(',')
    }),
  ].join('\n') + '\n',
)

const run = async (...args: string[]) => {
  const r = await runCli(['backtest', file, '--from', FROM, '--min-history', '30', ...args])
  return { ...r, o: r.code === 0 && args.includes('--json') ? JSON.parse(r.stdout) : null }
}

describe('scoreline backtest --value (#22 §3)', () => {
  it('bets the served forecast at Pinnacle pre-match, blended with the pre-match market, as the pure maths', async () => {
    // ungated, so the blend is served and bets something (gated, this league's served forecast is the market)
    const { code, o } = await run('--value', '--json', '--ungated', '--min-edge', '0.01')
    expect(code).toBe(0)
    // the walk-forward's market is the pre-match one (never the close it is judged against)
    expect(Object.keys(o.market_sources)).toEqual(['Pinnacle (PSH/PSD/PSA)'])
    const v = o.value
    expect(v).toMatchObject({ forecast: 'served', price: 'pinnacle', minEdge: 0.01 })
    expect(v.flat.bets).toBeGreaterThan(10)
    expect(v.price_label).toMatch(/Pinnacle pre-match \(PSH/)
    expect(v.closing_label).toMatch(/Pinnacle closing \(PSCH/)
    // the same bets from the pure functions on the same walk-forward
    const wf = walkForward(
      matches.map((m) => ({ ...m, odds: m.odds })),
      { from: FROM, minHistory: 30, gate: false },
    )
    const prices = new Map(
      matches.map((m) => [
        matchKey(m),
        { price: books(m.odds!).PS as never, closing: books(m.odds!).PSC as never },
      ]),
    )
    const direct = valueBacktest(
      valueMatchesOf(wf.rows, 'served', (r) => prices.get(matchKey(r))),
      {
        minEdge: 0.01,
      },
    )
    expect(v.matches).toBe(direct.matches)
    expect(v.flat).toEqual(direct.flat)
    expect(v.kelly).toEqual(direct.kelly)
    // PSC is 2 % shorter on the home side only: home bets beat the close, draw and away bets tie it
    expect(v.clv).toEqual(direct.clv)
    const bets = selectValueBets(
      valueMatchesOf(wf.rows, 'served', (r) => prices.get(matchKey(r))),
      0.01,
    )
    expect(v.clv.beat).toBe(bets.filter((b) => b.outcome === 'H' && b.price > (b.closing as number)).length)
  })

  it('--forecast model, --price max and --min-edge change what is bet; the text names forecast, price and n', async () => {
    const served = (await run('--value', '--json', '--min-edge', '0')).o.value
    const model = (await run('--value', '--json', '--min-edge', '0', '--forecast', 'model')).o.value
    const max = (await run('--value', '--json', '--min-edge', '0', '--forecast', 'model', '--price', 'max')).o
      .value
    expect(model.forecast).toBe('model')
    expect(model.flat.bets).toBeGreaterThan(0)
    // 4 % longer prices: every model bet at Pinnacle is also a bet at the maximum, and more besides
    expect(max.flat.bets).toBeGreaterThan(model.flat.bets)
    expect(max.price_label).toMatch(/market maximum/)
    expect(max.priceMargin).toBeLessThan(model.priceMargin)
    expect(served.matches).toBe(model.matches)
    const text = (await run('--value', '--forecast', 'model', '--min-edge', '0')).stdout
    expect(text).toContain(`edges of 0 %+ (model alone vs Pinnacle pre-match (PSH/PSD/PSA)`)
    expect(text).toContain(`${model.flat.bets} bets`)
    expect(text).toMatch(/beat Pinnacle's close on [\d.]+ % of \d+/)
    expect(text).toMatch(/0\.25 Kelly: bankroll ×/)
  })

  it('refuses a closing --market and bad flags with one line saying what to do', async () => {
    const closing = await run('--value', '--market', 'PSC,PS')
    expect(closing.code).not.toBe(0)
    expect(closing.stderr).toMatch(/--market PSC is a closing price.*--market PS,Avg,BbAv,B365/)
    expect((await run('--value', '--price', 'betfair')).stderr).toMatch(
      /--price must be one of pinnacle, max, b365/,
    )
    expect((await run('--value', '--forecast', 'blend')).stderr).toMatch(/--forecast must be served or model/)
    expect((await run('--value', '--min-edge', '-1')).stderr).toMatch(/min-edge/)
  })
})

describe('scoreline compare-models --value (#22 §3)', () => {
  it("gives every variant's model and served value backtest on the comparison's common matches", async () => {
    const r = await runCli([
      'compare-models',
      file,
      '--from',
      FROM,
      '--models',
      'dixon-coles,poisson',
      '--workers',
      '1',
      '--resamples',
      '200',
      '--value',
      '--min-edge',
      '0',
      '--price',
      'max',
      '--json',
    ])
    expect(r.code).toBe(0)
    const o = JSON.parse(r.stdout)
    for (const v of o.variants) {
      expect(v.value.price).toMatch(/market maximum pre-match/)
      for (const k of ['model', 'served']) {
        expect(v.value[k].matches).toBe(o.n_scored)
        expect(v.value[k].minEdge).toBe(0)
      }
      expect(v.value.model.flat.bets).toBeGreaterThan(0)
    }
    const text = (
      await runCli([
        'compare-models',
        file,
        '--from',
        FROM,
        '--models',
        'poisson',
        '--workers',
        '1',
        '--value',
      ])
    ).stdout
    expect(text).toMatch(
      /value bets \(#22 §3\): 1 unit on every outcome with forecast p − 1\/price ≥ 0.03 at Pinnacle pre-match/,
    )
    expect(text).toMatch(/poisson model +\d+ +\d+/)
    expect(text).toMatch(/poisson served +\d+ +\d+/)
  })
})
