import { describe, expect, it } from 'vitest'
import { jackpotAnalysisSchema } from '../../../shared/api/domains/jackpots'
import { inventedSnapshots, simulatedLeagueModel } from '../pricing/testing'
import { analyseJackpotRecord } from './analyseJackpot'
import { jackpotCsv } from './exportJackpot'
import type { JackpotRecord } from './jackpotStore'

const noBlend = simulatedLeagueModel({ blend: null }) // α never fitted: the champion serves the market
const t = noBlend.model.teams.map((x) => x.name)
const fixture = (
  position: number,
  home: string,
  away: string,
  odds: JackpotRecord['fixtures'][0]['odds'],
) => ({
  position,
  league: 'E0',
  home,
  away,
  homeTeam: home,
  awayTeam: away,
  odds,
  pick: null,
})
const jackpot: JackpotRecord = {
  id: 'j1',
  name: 'Weekend',
  provider: null,
  deadline: null,
  origin: 'local',
  createdAt: '2032-05-20T00:00:00.000Z',
  updatedAt: '2032-05-20T00:00:00.000Z',
  fixtures: [
    fixture(1, t[0], t[1], { home: 2.1, draw: 3.4, away: 3.6 }),
    fixture(2, t[2], t[3], null),
    fixture(3, t[4], t[5], null),
  ],
}
const upcoming = {
  matchId: 7,
  date: noBlend.model.asOf,
  kickoffUtc: `${noBlend.model.asOf}T14:00:00.000Z`,
  snapshots: inventedSnapshots(`${noBlend.model.asOf}T09:00:00.000Z`),
}

describe('analyseJackpotRecord', () => {
  const analysis = analyseJackpotRecord(jackpot, new Map([['E0', noBlend]]), {
    findUpcoming: (q) => (q.home === t[2] ? upcoming : null),
    now: new Date(`${noBlend.model.asOf}T00:00:00Z`),
  })
  const [entered, snapshot, none] = analysis.fixtures

  it('serves the market when the blend was never fitted (the one rule), and says the market sets the price', () => {
    expect(jackpotAnalysisSchema.parse(analysis)).toBeTruthy()
    expect(entered.final!.stage).toBe('market')
    expect(entered.final!.probabilities).toEqual(entered.market!.probabilities)
    expect(entered.explanation!.steps.at(-1)!.label).toBe('Market (odds entered on the jackpot, Shin)')
    expect(entered.explanation!.source).toMatch(
      /^The market sets this price \(the blend has not been fitted yet/,
    )
    const j = ['H', 'D', 'A'].indexOf(entered.explanation!.outcome)
    const total =
      entered.explanation!.baseline[j] + entered.explanation!.steps.reduce((s, x) => s + x.delta[j], 0)
    expect(Math.abs(total - entered.final!.probabilities[j])).toBeLessThan(1e-12)
  })

  it('a fixture entered without odds takes the snapshot of its fixture to come; without one the model serves', () => {
    expect(snapshot.market).toMatchObject({ bookmaker: 'PS', prices: [2.1, 3.45, 3.6] })
    expect(snapshot.market!.source).toMatch(/^Pinnacle, snapshot \d{4}-\d\d-\d\d 09:00 UTC$/)
    expect(snapshot.priced.matchId).toBe(7)
    expect(none.market).toBeNull()
    expect(none.final!.stage).toBe('model')
    expect(none.warnings.map((w) => w.code)).toEqual(['no-market'])
  })

  it('the CSV carries the served explanation (model steps, the market step, served) and the sign note', () => {
    const csv = jackpotCsv(analysis).split('\r\n')
    const header = csv[0].split(',')
    const row = csv[1].split(',')
    const col = (name: string) => row[header.indexOf(name)]
    expect(col('final_stage')).toBe('market')
    expect(Number(col('step_market'))).not.toBe(0)
    expect(col('step_blend')).toBe('')
    expect(Number(col('p_served'))).toBeCloseTo(entered.final!.probabilities[0], 6)
    expect(csv.at(-2)).toMatch(/^note,"Defence: goals conceded, higher = leakier/)
  })
})
