import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { useState } from 'react'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApi, type Transport } from '../../../../shared/api/contract'
import type { JackpotAnalysisDto } from '../../../../shared/api/domains/jackpots'
import { TeamCombobox, type TeamValue } from './TeamCombobox'
import { ModelSources } from './JackpotAnalysisView'

/** Answers jackpots.searchTeams like the main process does for a league with an alias "Spurs". */
function api() {
  const teams = ['Arsenal', 'Aston Villa', 'Tottenham']
  const transport: Transport = {
    invoke: async (name, input) => {
      if (name !== 'jackpots.searchTeams') return { ok: false, error: { code: 'INTERNAL', message: name } }
      const query = (input as { query: string }).query.trim()
      const q = query.toLowerCase()
      const options = [
        ...teams
          .filter((t) => q !== '' && t.toLowerCase().startsWith(q))
          .map((t) => ({ team: t, matched: t, match: 'prefix' })),
        ...('spurs'.startsWith(q) && q !== ''
          ? [{ team: 'Tottenham', matched: 'Spurs', match: 'prefix' }]
          : []),
        ...(q === 'arsenl' ? [{ team: 'Arsenal', matched: 'Arsenal', match: 'similar' }] : []),
      ].map((o) => ({ ...o, inLeague: true }))
      const resolved =
        q === 'spurs'
          ? { team: 'Tottenham', via: 'alias' }
          : teams.find((t) => t.toLowerCase() === q)
            ? { team: teams.find((t) => t.toLowerCase() === q)!, via: 'normalized' }
            : null
      return { ok: true, value: { query, resolved, options } }
    },
    subscribe: () => () => {},
  }
  return buildApi(transport)
}

function Harness({ onValue }: { onValue: (v: TeamValue) => void }) {
  const [value, setValue] = useState<TeamValue>({ text: '', team: null })
  return (
    <TeamCombobox
      api={api()}
      league="E0"
      label="Home team, fixture 1"
      value={value}
      onChange={(v) => {
        setValue(v)
        onValue(v)
      }}
      testId="home"
    />
  )
}

const settle = () => act(() => new Promise((r) => setTimeout(r, 200)))

afterEach(cleanup)

describe('team combobox', () => {
  it('offers teams while typing and picks one with the keyboard', async () => {
    let last: TeamValue = { text: '', team: null }
    render(<Harness onValue={(v) => (last = v)} />)
    const box = screen.getByRole('combobox', { name: 'Home team, fixture 1' })
    await act(async () => {
      fireEvent.focus(box)
      fireEvent.change(box, { target: { value: 'As' } })
    })
    await settle()
    expect(box.getAttribute('aria-expanded')).toBe('true')
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['Aston Villa'])
    await act(async () => {
      fireEvent.keyDown(box, { key: 'ArrowDown' })
    })
    expect(box.getAttribute('aria-activedescendant')).toBe(screen.getAllByRole('option')[0].id)
    await act(async () => {
      fireEvent.keyDown(box, { key: 'Enter' })
    })
    expect(last).toEqual({ text: 'Aston Villa', team: 'Aston Villa' })
    expect(box.getAttribute('aria-expanded')).toBe('false')
  })

  it('resolves an alias to its team and flags an unknown name with suggestions', async () => {
    let last: TeamValue = { text: '', team: null }
    render(<Harness onValue={(v) => (last = v)} />)
    const box = screen.getByRole('combobox', { name: 'Home team, fixture 1' })
    await act(async () => {
      fireEvent.change(box, { target: { value: 'Spurs' } })
    })
    await settle()
    expect(last).toEqual({ text: 'Spurs', team: 'Tottenham' })
    expect(screen.getByTestId('home-resolved').textContent).toBe('→ Tottenham')

    await act(async () => {
      fireEvent.change(box, { target: { value: 'Arsenl' } })
    })
    await settle()
    await act(async () => {
      fireEvent.blur(box)
    })
    expect(screen.getByRole('alert').textContent).toMatch(/^Unknown team: did you mean Arsenal\?/)
    expect(box.getAttribute('aria-invalid')).toBe('true')
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Arsenal?' }))
    })
    expect(last).toEqual({ text: 'Arsenal', team: 'Arsenal' })
  })
})

describe('which model priced the coupon', () => {
  const base = { league: 'E0', description: 'details', marginMethod: 'shin', evaluation: null }
  it('names the champion and its version, or says it was fitted on the fly and why', () => {
    const models: JackpotAnalysisDto['models'] = [
      {
        ...base,
        source: { kind: 'champion', modelName: 'scoreline-E0', version: '4', runId: 'r', reason: null },
      },
      {
        ...base,
        league: 'D1',
        source: {
          kind: 'fitted-on-the-fly',
          modelName: null,
          version: null,
          runId: null,
          reason: 'no champion yet',
        },
      },
    ]
    render(<ModelSources models={models} />)
    expect(screen.getByTestId('model-source-E0').textContent).toMatch(
      /^E0: priced with champion scoreline-E0 v4 — details/,
    )
    expect(screen.getByTestId('model-source-D1').textContent).toMatch(
      /^D1: fitted on the fly: no champion yet — details/,
    )
  })
})
