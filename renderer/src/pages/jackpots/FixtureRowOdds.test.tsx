/**
 * The Jackpots screen shows the odds a fixture was priced with beside each market probability, and says
 * whether they were entered on the jackpot or taken from the latest price snapshot of the fixture to come.
 */
import { cleanup, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { FixtureAnalysisDto } from '../../../../shared/api/domains/jackpots'
import { FixtureRow } from './FixtureRow'
import { pricedFixture } from '../fixtures/pricedFixtures.fixture'

const priced = pricedFixture({
  matchId: 7,
  home: 'Harbourside',
  away: 'Millbrook',
  kickoffUtc: '2031-09-13T14:00:00.000Z',
  model: [0.5, 0.26, 0.24],
  market: [0.44, 0.28, 0.28],
  alpha: 0,
})

function analysis(
  market: Pick<NonNullable<FixtureAnalysisDto['market']>, 'bookmaker' | 'source' | 'observedAt'>,
) {
  const m = priced.market!
  return {
    position: 1,
    league: 'E0',
    home: priced.home,
    away: priced.away,
    model: { probabilities: priced.model!.probabilities, lambda: 1.4, mu: 1.1, topScores: [] },
    market: { probabilities: m.probabilities, method: 'shin', margin: m.margin, prices: m.prices, ...market },
    blend: null,
    calibrated: null,
    final: { probabilities: priced.served!.probabilities, stage: 'market' },
    pick: { outcomes: ['H'], probability: priced.served!.probabilities[0], chosen: false },
    explanation: null,
    warnings: [],
    priced,
    problems: [],
  } as unknown as FixtureAnalysisDto
}

const renderRow = (f: FixtureAnalysisDto) =>
  render(
    <table>
      <tbody>
        <FixtureRow fixture={f} onPick={() => {}} />
      </tbody>
    </table>,
  )

afterEach(cleanup)

describe('jackpot fixture odds', () => {
  it('shows the snapshot odds under each market probability, saying where they come from', () => {
    renderRow(
      analysis({
        bookmaker: 'B365',
        source: 'Bet365, snapshot 2031-09-11 09:00 UTC',
        observedAt: '2031-09-11T09:00:00Z',
      }),
    )
    const [h, d, a] = priced.market!.prices
    expect(screen.getByTestId('market-1-0').textContent).toBe(`44.0%@ ${h.toFixed(2)}`)
    expect(screen.getByTestId('market-1-1').textContent).toBe(`28.0%@ ${d.toFixed(2)}`)
    expect(screen.getByTestId('market-1-2').textContent).toBe(`28.0%@ ${a.toFixed(2)}`)
    expect(screen.getByTestId('odds-source-1').textContent).toBe(
      'odds from the latest snapshot: Bet365, snapshot 2031-09-11 09:00 UTC',
    )
  })

  it('says when the odds were entered on the jackpot', () => {
    renderRow(analysis({ bookmaker: 'entered', source: 'odds entered on the jackpot', observedAt: null }))
    expect(screen.getByTestId('odds-source-1').textContent).toBe('odds entered on the jackpot')
    expect(screen.getByTestId('market-1-0').textContent).toMatch(/^44\.0%@ \d+\.\d\d$/)
  })
})
