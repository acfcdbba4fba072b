import { act, cleanup, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApi, type Transport } from '../../../../shared/api/contract'
import { OverviewPanels } from './OverviewPanels'

const league = (code: string, rpsSummary: string | null) => ({
  league: code,
  state: 'succeeded',
  version: '2',
  rpsSummary,
})

function fakeApi() {
  const transport: Transport = {
    invoke: async (name) => {
      if (name === 'training.status')
        return {
          ok: true,
          value: {
            state: 'idle',
            current: null,
            jobs: [],
            schedule: null,
            lastRun: {
              id: 'r1',
              trigger: 'manual',
              state: 'succeeded',
              startedAt: 1_700_000_000_000,
              endedAt: 1_700_000_060_000,
              leagues: [
                league('E0', 'served: market (blend off), 0.1971; model 0.2005; market 0.1971 (378 matches)'),
                league('D1', null),
              ],
              features: { rebuilt: false, views: [], note: null, ms: null, error: null },
              settings: {},
              summary: 'E0 served: market (blend off), 0.1971; …',
            },
          },
        }
      if (name === 'data.leagues') return { ok: true, value: [] }
      return { ok: false, error: { code: 'NOT_FOUND', message: name } }
    },
    subscribe: () => () => {},
  }
  return buildApi(transport)
}

describe('Dashboard last run (#20)', () => {
  afterEach(cleanup)

  it('quotes each league’s RPS saying which forecast it is', async () => {
    await act(async () => {
      render(<OverviewPanels api={fakeApi()} info={null} />)
    })
    const list = screen.getByTestId('last-run-rps')
    expect(list.textContent).toBe(
      'E0 served: market (blend off), 0.1971; model 0.2005; market 0.1971 (378 matches)',
    )
  })
})
