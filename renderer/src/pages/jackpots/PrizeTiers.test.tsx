import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApi, type Transport } from '../../../../shared/api/contract'
import { useSettingsStore } from '../../stores/settingsStore'
import { PrizeTiers } from './PrizeTiers'

function fakeApi(tiers: Record<string, number[]> | null) {
  const calls: { name: string; input: unknown }[] = []
  let stored = tiers
  const settings = () => ({
    databaseUrl: null,
    redisUrl: null,
    mlflowTrackingUri: null,
    theme: null,
    dataDir: null,
    offline: null,
    workers: null,
    marginMethod: null,
    blendType: null,
    calibrationMethod: null,
    promotionMargin: null,
    jackpotPrizeTiers: stored,
  })
  const transport: Transport = {
    invoke: async (name, input) => {
      calls.push({ name, input })
      if (name === 'settings.get') return { ok: true, value: settings() }
      if (name === 'settings.secretStatus')
        return { ok: true, value: { available: false, reason: null, stored: [], fromEnvironment: [] } }
      if (name === 'settings.set') {
        stored = JSON.parse((input as { value: string }).value)
        return { ok: true, value: settings() }
      }
      return { ok: false, error: { code: 'NOT_FOUND', message: name } }
    },
    subscribe: () => () => {},
  }
  return { api: buildApi(transport), calls }
}

// four fixtures: P(0..4 right)
const distribution = [0.05, 0.15, 0.3, 0.3, 0.2]

describe('jackpot prize tiers per provider (#20)', () => {
  afterEach(() => {
    cleanup()
    useSettingsStore.setState({ settings: null, secrets: null, error: null, saving: null })
  })

  it('shows each tier the provider pays with its chance as a percentage and as "1 in N"', async () => {
    const { api } = fakeApi({ 'Invented Pools': [0, 1] })
    await act(async () => {
      render(<PrizeTiers api={api} provider="Invented Pools" distribution={distribution} />)
    })
    expect(screen.getByTestId('tier-0').textContent).toBe('all 4 right20.000%1 in 5')
    expect(screen.getByTestId('tier-1').textContent).toBe('3 of 4 (n−1)30.000%1 in 3.3')
    expect(within(screen.getByTestId('tier-any')).getByText(/3 or more right/)).toBeTruthy()
    expect(screen.getByTestId('tier-any').textContent).toContain('1 in 2')
    expect(screen.queryByTestId('tier-2')).toBeNull()
  })

  it('pays for all n only when the provider has no tiers stored, and stores a change for the provider', async () => {
    const { api, calls } = fakeApi({ 'Other Pools': [0, 1, 2] })
    await act(async () => {
      render(<PrizeTiers api={api} provider="Invented Pools" distribution={distribution} />)
    })
    expect(screen.getByTestId('tier-0')).toBeTruthy()
    expect(screen.queryByTestId('tier-1')).toBeNull()
    fireEvent.click(screen.getByLabelText('n−1'))
    fireEvent.click(screen.getByLabelText('n−2'))
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Save tiers' }))
    })
    const set = calls.find((c) => c.name === 'settings.set')!.input as { key: string; value: string }
    expect(set.key).toBe('jackpotPrizeTiers')
    expect(JSON.parse(set.value)).toEqual({ 'Other Pools': [0, 1, 2], 'Invented Pools': [0, 1, 2] })
    expect(screen.getByTestId('tier-2').textContent).toContain('2 of 4 (n−2)')
    expect(screen.getByRole('status').textContent).toBe('Saved: Invented Pools pays n, n−1, n−2.')
  })
})
