/**
 * The Dashboard's Next round panel in jsdom: the 10 fixtures to come with the largest |edge| (served − market,
 * fixtures without a market left out), how many are priced, stale or unrated, and what it says when there is
 * nothing to come or pricing fails.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApi, type Transport } from '../../../../shared/api/contract'
import { useNavigationStore } from '../../stores/navigationStore'
import { NextRoundPanel } from './NextRoundPanel'
import { priceResult, pricedFixture } from '../fixtures/pricedFixtures.fixture'

function fakeApi(respond: (name: string) => unknown) {
  const transport: Transport = {
    invoke: async (name) => {
      const value = respond(name)
      return value instanceof Error
        ? { ok: false, error: { code: 'MODEL_NO_DATA', message: value.message } }
        : { ok: true, value }
    },
    subscribe: () => () => {},
  }
  return buildApi(transport)
}

// 14 invented fixtures: home edges of 0.5 .. 6.5 points (served − market, α 0.5), alternating sign,
// one stale, one with a team rated on 3 matches, and two without a market
const fixtures = [
  ...Array.from({ length: 12 }, (_, i) => {
    const shift = ((i % 2 === 0 ? 1 : -1) * (i + 1) * 0.01) / 2
    return pricedFixture({
      matchId: 100 + i,
      home: `Home ${i}`,
      away: `Away ${i}`,
      kickoffUtc: `2031-09-${String(13 + (i % 3)).padStart(2, '0')}T14:00:00.000Z`,
      model: [0.45 + shift * 2, 0.27, 0.28 - shift * 2],
      market: [0.45, 0.27, 0.28],
      alpha: 0.5,
      warnings:
        i === 3
          ? [{ code: 'stale', message: 'stale: last match used 2031-05-20' }]
          : i === 11
            ? [{ code: 'few-matches', message: 'Home 11 rated on 3 matches' }]
            : [],
    })
  }),
  pricedFixture({
    matchId: 200,
    home: 'Glenrock',
    away: 'Fernhill',
    kickoffUtc: '2031-09-13T12:00:00.000Z',
    model: [0.9, 0.05, 0.05],
  }),
  pricedFixture({
    matchId: 201,
    home: 'Tollbury',
    away: 'Valewood',
    kickoffUtc: '2031-09-13T12:00:00.000Z',
    model: [0.05, 0.05, 0.9],
  }),
]

afterEach(cleanup)

describe('Dashboard: Next round', () => {
  it('lists the 10 largest edges, largest first, and counts priced, stale and unrated fixtures', async () => {
    await act(async () => {
      render(<NextRoundPanel api={fakeApi(() => priceResult(fixtures))} />)
    })
    expect(screen.getByTestId('next-round-counts').textContent).toBe(
      '14 fixtures to come: 14 priced, 1 stale, 1 with an unrated team, 2 without a market.',
    )
    const rows = within(screen.getByTestId('next-round-table')).getAllByRole('row').slice(1)
    expect(rows).toHaveLength(10)
    expect(rows.map((r) => r.dataset.testid)).toEqual(
      [11, 10, 9, 8, 7, 6, 5, 4, 3, 2].map((i) => `next-round-${100 + i}`),
    )
    // the largest: Home 11, served − market on the home win −6.0 points; its warning beside it
    const cells = within(rows[0])
      .getAllByRole('cell')
      .map((c) => c.textContent)
    expect(cells[1]).toBe('E0 Home 11 v Away 11')
    expect(cells[2]).toBe('home')
    expect(cells.slice(3)).toEqual(['39.0', '33.0', '45.0', '−6.0', 'served', 'Home 11 rated on 3 matches'])
    expect(within(rows[1]).getAllByRole('cell')[6].textContent).toBe('+5.5')
    expect(within(rows[8]).getAllByRole('cell')[8].textContent).toBe('stale: last match used 2031-05-20')
    // no market, no edge: never in the list however far the model is from anything
    expect(screen.queryByText(/Glenrock|Tollbury/)).toBeNull()
    fireEvent.click(screen.getByRole('button', { name: 'Open Fixtures' }))
    expect(useNavigationStore.getState().page).toBe('fixtures')
  })

  it("ranks a fixture served by the market (α 0) by the model's edge, and says so", async () => {
    const marketServed = pricedFixture({
      matchId: 300,
      home: 'Quarry Bank',
      away: 'Ravenscourt',
      kickoffUtc: '2031-09-13T14:00:00.000Z',
      model: [0.5, 0.25, 0.25],
      market: [0.4, 0.28, 0.32],
      alpha: 0,
    })
    await act(async () => {
      render(<NextRoundPanel api={fakeApi(() => priceResult([...fixtures, marketServed]))} />)
    })
    const first = within(screen.getByTestId('next-round-table')).getAllByRole('row')[1]
    expect(first.dataset.testid).toBe('next-round-300')
    expect(
      within(first)
        .getAllByRole('cell')
        .map((c) => c.textContent)
        .slice(2, 8),
    ).toEqual(['home', '40.0', '50.0', '40.0', '+10.0', 'model'])
  })

  it('says what to do when there is nothing to come, and why when pricing fails', async () => {
    await act(async () => {
      render(<NextRoundPanel api={fakeApi(() => priceResult([]))} />)
    })
    expect(screen.getByTestId('next-round-empty').textContent).toMatch(
      /^No fixtures to come\. Download the latest fixtures/,
    )
    cleanup()
    await act(async () => {
      render(<NextRoundPanel api={fakeApi(() => new Error('no champion for E0: run the pipeline'))} />)
    })
    expect(screen.getByTestId('next-round-error').textContent).toBe(
      'The fixtures to come could not be priced — MODEL_NO_DATA: no champion for E0: run the pipeline',
    )
  })
})
