import { cleanup, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { GoalsPanelDto } from '../../../../shared/api/domains/health'
import { GoalsPanel } from './GoalsPanel'

afterEach(cleanup)

const goals: GoalsPanelDto = {
  margin: 'shin',
  rows: [
    {
      phase: 'evaluation',
      market: 'Pinnacle closing O/U 2.5 (PC>2.5, PC<2.5)',
      forecast: 'ou25',
      n: 372,
      modelBrier: 0.2413,
      marketBrier: 0.227,
      diff: 0.0143,
      lo: 0.0061,
      hi: 0.0227,
    },
    {
      phase: 'recent',
      market: 'Pinnacle closing AH home cover (AHCh, PCAHH, PCAHA)',
      forecast: 'ah',
      n: 41,
      modelBrier: 0.25,
      marketBrier: 0.251,
      diff: -0.001,
      lo: -0.02,
      hi: 0.018,
    },
  ],
}

describe('GoalsPanel', () => {
  it('shows each market with its columns, phase, n, both Briers and the interval of the difference', () => {
    render(<GoalsPanel goals={goals} />)
    const rows = within(screen.getByTestId('health-goals-table')).getAllByRole('row')
    expect(rows).toHaveLength(3)
    expect(rows[1].textContent).toContain('evaluation season')
    expect(rows[1].textContent).toContain('Pinnacle closing O/U 2.5 (PC>2.5, PC<2.5)')
    expect(rows[1].textContent).toContain('372')
    expect(rows[1].textContent).toContain('+0.0143 [+0.0061, +0.0227]')
    expect(rows[2].textContent).toContain('since training')
    expect(rows[2].textContent).toContain('-0.0010')
    expect(screen.getByTestId('health-goals').textContent).toContain('margin-free (shin)')
  })

  it('says what to import when no match is priced', () => {
    render(<GoalsPanel goals={null} />)
    expect(screen.getByTestId('health-goals-empty').textContent).toMatch(/over\/under 2\.5/)
  })
})
