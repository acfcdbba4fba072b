import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApi, type Transport } from '../../../shared/api/contract'
import { SettingsPage } from './SettingsPage'
import { useSettingsStore } from '../stores/settingsStore'
import { EFFECTIVE_DEFAULTS } from './settings/effectiveDefaults.fixture'

function fake() {
  const settings: Record<string, string | null> = {
    databaseUrl: null,
    redisUrl: null,
    mlflowTrackingUri: null,
    theme: null,
  }
  const calls: { name: string; input: unknown }[] = []
  const transport: Transport = {
    invoke: async (name, input) => {
      calls.push({ name, input })
      if (name === 'settings.get') return { ok: true, value: settings }
      if (name === 'settings.effective') return { ok: true, value: EFFECTIVE_DEFAULTS }
      if (name === 'training.schedule')
        return {
          ok: true,
          value: {
            enabled: true,
            cron: '0 6 * * 1',
            description: 'Mondays at 06:00',
            lastRunAt: null,
            nextRunAt: null,
          },
        }
      if (name === 'settings.secretStatus')
        return {
          ok: true,
          value: {
            available: false,
            reason: 'No keyring is available here.',
            stored: [],
            fromEnvironment: [],
          },
        }
      if (name === 'settings.set') {
        const { key, value } = input as { key: 'databaseUrl' | 'theme'; value: string | null }
        if (key === 'databaseUrl' && value && !value.startsWith('postgres'))
          return { ok: false, error: { code: 'INVALID_INPUT', message: 'not a Postgres URL' } }
        settings[key] = value
        return { ok: true, value: settings }
      }
      if (name === 'app.info') return { ok: false, error: { code: 'INTERNAL', message: 'not in test' } }
      return { ok: false, error: { code: 'INTERNAL', message: `${name} not in test` } }
    },
    subscribe: () => () => {},
  }
  return { api: buildApi(transport), calls, settings }
}

afterEach(() => {
  cleanup()
  useSettingsStore.setState({ settings: null, secrets: null, error: null, saving: null })
})

describe('Settings page', () => {
  it('saves a connection URL through settings.set and shows a server refusal', async () => {
    const { api, calls, settings } = fake()
    await act(async () => {
      render(<SettingsPage api={api} />)
    })
    const input = screen.getByLabelText('Team Postgres')
    await act(async () => {
      fireEvent.change(input, { target: { value: 'mysql://nope' } })
    })
    await act(async () => {
      fireEvent.click(input.parentElement!.querySelector('button')!)
    })
    expect(screen.getByRole('alert').textContent).toBe('not a Postgres URL')
    await act(async () => {
      fireEvent.change(screen.getByLabelText('Team Postgres'), { target: { value: 'postgres://db/x' } })
    })
    await act(async () => {
      fireEvent.click(screen.getByLabelText('Team Postgres').parentElement!.querySelector('button')!)
    })
    expect(calls.filter((c) => c.name === 'settings.set').at(-1)?.input).toEqual({
      key: 'databaseUrl',
      value: 'postgres://db/x',
    })
    expect(settings.databaseUrl).toBe('postgres://db/x')
  })

  it('explains why secrets cannot be stored and disables their fields', async () => {
    const { api } = fake()
    await act(async () => {
      render(<SettingsPage api={api} />)
    })
    expect(screen.getByTestId('secrets-unavailable').textContent).toBe('No keyring is available here.')
    expect((screen.getByLabelText(/MLflow token/) as HTMLInputElement).disabled).toBe(true)
  })

  it('applies the chosen theme to the document', async () => {
    const { api } = fake()
    await act(async () => {
      render(<SettingsPage api={api} />)
    })
    await act(async () => {
      fireEvent.click(screen.getByLabelText('Dark'))
    })
    expect(document.documentElement.getAttribute('data-theme')).toBe('dark')
    await act(async () => {
      fireEvent.click(screen.getByLabelText('Follow the system'))
    })
    expect(document.documentElement.hasAttribute('data-theme')).toBe(false)
  })
})
