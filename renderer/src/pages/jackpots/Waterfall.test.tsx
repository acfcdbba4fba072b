import { cleanup, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { FixtureAnalysisDto } from '../../../../shared/api/domains/jackpots'
import type { ServedExplanationDto } from '../../../../shared/pricing'
import { FixtureRow } from './FixtureRow'
import { Waterfall, waterfallBars } from './Waterfall'

afterEach(cleanup)

// Invented clubs; the served number is the market's (α = 0), the model alone says 63.4 %.
const MODEL = [0.634, 0.2, 0.166] as const
const SERVED = [0.498, 0.262, 0.24] as const
const marketExplanation: ServedExplanationDto = {
  outcome: 'H',
  baseline: [0.4, 0.27, 0.33],
  steps: [
    { key: 'homeAdvantage', kind: 'model', label: 'Home advantage', delta: [0.08, -0.01, -0.07] },
    { key: 'homeAttack', kind: 'model', label: 'Northbury attack', delta: [0.07, -0.02, -0.05] },
    { key: 'homeDefence', kind: 'model', label: 'Northbury defence', delta: [0.03, -0.01, -0.02] },
    { key: 'awayAttack', kind: 'model', label: 'Southmoor attack', delta: [0.02, -0.01, -0.01] },
    { key: 'awayDefence', kind: 'model', label: 'Southmoor defence', delta: [0.04, -0.02, -0.02] },
    { key: 'lowScoreCorrection', kind: 'model', label: 'Low-score correction', delta: [-0.006, 0, -0.014] },
    {
      key: 'market',
      kind: 'stage',
      label: 'Market (Pinnacle, Shin)',
      delta: [SERVED[0] - MODEL[0], SERVED[1] - MODEL[1], SERVED[2] - MODEL[2]],
    },
  ],
  model: MODEL,
  served: SERVED,
  stage: 'market',
  note: 'Defence: goals conceded, higher = leakier (attack: goals scored, higher = stronger).',
  source:
    'The market sets this price (the model has not beaten it out of sample); the model alone would say 63.4 % for the home win, the market 49.8 %.',
  sentence: "Home advantage adds +8 points to the home win; Northbury's attack adds another 7 points.",
}

describe('the served waterfall', () => {
  it('ends at the served probability and names the market when α = 0', () => {
    render(<Waterfall explanation={marketExplanation} outcomeIndex={0} label="home win" />)
    const bars = screen.getAllByTestId(/^wf-bar-/)
    const last = bars[bars.length - 1]
    expect(last.getAttribute('data-testid')).toBe('wf-bar-total')
    expect(last.textContent).toBe('Served: the market49.8%')
    expect(screen.getByText('Market (Pinnacle, Shin)')).toBeTruthy()
    expect(screen.getByText('Model alone').parentElement!.textContent).toBe('Model alone63.4%')
    // the bars' running total reaches the served number exactly where the last bar says
    const rows = waterfallBars(marketExplanation, 0)
    expect(rows[rows.length - 2].end).toBeCloseTo(SERVED[0], 12)
    expect(rows[rows.length - 1].end).toBe(SERVED[0])
  })

  it('without stages (no market, no calibrator) goes straight from the model components to served', () => {
    const modelOnly: ServedExplanationDto = {
      ...marketExplanation,
      steps: marketExplanation.steps.filter((s) => s.kind === 'model'),
      served: MODEL,
      stage: 'model',
    }
    const rows = waterfallBars(modelOnly, 0)
    expect(rows.map((r) => r.kind)).not.toContain('subtotal')
    expect(rows[rows.length - 1]).toMatchObject({ name: 'Served: the model', end: MODEL[0] })
  })

  it("the fixture's detail says where the number comes from and shows the sign note", () => {
    const fixture = {
      position: 1,
      league: 'E0',
      home: 'Northbury',
      away: 'Southmoor',
      model: { probabilities: MODEL, lambda: 1.9, mu: 0.8, topScores: [] },
      market: {
        probabilities: SERVED,
        method: 'shin',
        margin: 0.03,
        source: 'Pinnacle, snapshot 2032-06-05 09:00 UTC',
        bookmaker: 'PS',
        prices: [1.95, 3.7, 4.05],
        observedAt: '2032-06-05T09:00:00.000Z',
      },
      blend: { probabilities: SERVED, kind: 'log', alpha: 0 },
      calibrated: null,
      final: { probabilities: SERVED, stage: 'market' },
      pick: { outcomes: ['H'], probability: SERVED[0], chosen: false },
      explanation: marketExplanation,
      warnings: [{ code: 'few-matches', message: 'Southmoor rated on 2 matches' }],
      priced: {} as FixtureAnalysisDto['priced'],
      problems: [],
    } as unknown as FixtureAnalysisDto
    render(
      <table>
        <tbody>
          <FixtureRow fixture={fixture} onPick={() => {}} initiallyOpen />
        </tbody>
      </table>,
    )
    expect(screen.getByTestId('served-source-1').textContent).toMatch(/^The market sets this price/)
    expect(screen.getByTestId('warnings-1').textContent).toBe('Southmoor rated on 2 matches')
    const detail = screen.getByTestId('explanation-1')
    expect(detail.textContent).toContain('Defence: goals conceded, higher = leakier')
    expect(detail.textContent).toMatch(/1\.95 \/ 3\.70 \/ 4\.05; margin 3\.0% removed with the shin method/)
    const served = within(detail).getByRole('rowheader', { name: 'Served: the market' })
    expect(served.parentElement!.textContent).toBe('Served: the market49.8%26.2%24.0%')
  })
})
