import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApi, type Transport } from '../../../../shared/api/contract'
import type { EffectiveSettings } from '../../../../shared/api/domains/app'
import { AppSettings, weeklyCron, weeklyOf } from './AppSettings'
import { useSettingsStore } from '../../stores/settingsStore'

/** A transport answering like the main process: settings.set validates and settings.effective reflects it. */
function fake() {
  const stored: Record<string, string | null> = {}
  const calls: { name: string; input: unknown }[] = []
  let schedule = {
    enabled: true,
    cron: '0 6 * * 1',
    description: 'Mondays at 06:00',
    lastRunAt: null,
    nextRunAt: null,
  }
  const effective = (): EffectiveSettings => {
    const entry = <T,>(key: string, fallback: T, parse: (s: string) => T) => ({
      value: stored[key] != null ? parse(stored[key]!) : fallback,
      source: stored[key] != null ? ('setting' as const) : ('default' as const),
      variable: null,
    })
    return {
      dataDir: {
        value: '/home/analyst/.config/Scoreline',
        source: 'default',
        variable: 'SCORELINE_HOME',
        pending: stored.dataDir ?? null,
      },
      offline: entry('offline', false, (s) => s === 'true'),
      workers: { ...entry('workers', 1, Number), running: 1 },
      marginMethod: entry(
        'marginMethod',
        'shin' as EffectiveSettings['marginMethod']['value'],
        (s) => s as never,
      ),
      blendType: entry('blendType', 'log' as EffectiveSettings['blendType']['value'], (s) => s as never),
      calibrationMethod: entry(
        'calibrationMethod',
        'temperature' as EffectiveSettings['calibrationMethod']['value'],
        (s) => s as never,
      ),
      promotionMargin: entry('promotionMargin', 0.001, Number),
    }
  }
  const transport: Transport = {
    invoke: async (name, input) => {
      calls.push({ name, input })
      if (name === 'settings.effective') return { ok: true, value: effective() }
      if (name === 'training.schedule') {
        const change = input as { cron?: string; enabled?: boolean }
        schedule = {
          ...schedule,
          ...change,
          description: change.cron ? `cron ${change.cron}` : schedule.description,
        }
        return { ok: true, value: schedule }
      }
      if (name === 'settings.set') {
        const { key, value } = input as { key: string; value: string | null }
        if (key === 'workers' && value !== null && !(Number(value) >= 1 && Number(value) <= 64))
          return {
            ok: false,
            error: {
              code: 'INVALID_INPUT',
              message: `Setting workers must be a whole number from 1 to 64; got "${value}".`,
            },
          }
        stored[key] = value
        return { ok: true, value: { ...stored } }
      }
      if (name === 'app.info') return { ok: false, error: { code: 'INTERNAL', message: 'not in test' } }
      return { ok: false, error: { code: 'INTERNAL', message: `${name} not in test` } }
    },
    subscribe: () => () => {},
  }
  return { api: buildApi(transport), calls, stored }
}

afterEach(() => {
  cleanup()
  useSettingsStore.setState({ settings: null, secrets: null, error: null, saving: null })
})

async function renderSettings() {
  const f = fake()
  await act(async () => {
    render(<AppSettings api={f.api} />)
  })
  return f
}

describe('Settings: data folder, training, modelling defaults, offline mode', () => {
  it('changes a modelling default and shows it as saved here', async () => {
    const { calls, stored } = await renderSettings()
    const select = screen.getByLabelText(/^Margin method/) as HTMLSelectElement
    expect(select.value).toBe('shin')
    await act(async () => {
      fireEvent.change(select, { target: { value: 'power' } })
    })
    expect(calls).toContainEqual({ name: 'settings.set', input: { key: 'marginMethod', value: 'power' } })
    expect(stored.marginMethod).toBe('power')
    expect((screen.getByLabelText(/^Margin method/) as HTMLSelectElement).value).toBe('power')
    expect(screen.getByText('Saved: Power.')).toBeTruthy()
  })

  it('shows a refused worker count with the reason', async () => {
    await renderSettings()
    const input = screen.getByLabelText(/^Worker threads/)
    await act(async () => {
      fireEvent.change(input, { target: { value: '100' } })
    })
    await act(async () => {
      fireEvent.click(input.parentElement!.querySelector('button')!)
    })
    expect(screen.getByRole('alert').textContent).toMatch(/workers must be a whole number from 1 to 64/)
  })

  it('toggles offline mode and explains what it means', async () => {
    const { stored } = await renderSettings()
    expect(screen.getByTestId('offline-state').textContent).toMatch(/contacts the services/)
    await act(async () => {
      fireEvent.click(screen.getByLabelText(/Never touch the network/))
    })
    expect(stored.offline).toBe('true')
    expect(screen.getByTestId('offline-state').textContent).toMatch(
      /^Offline mode is on: downloads, Postgres sync, MLflow and Redis/,
    )
  })

  it('a new data folder is pending until restart', async () => {
    await renderSettings()
    const input = screen.getByLabelText('New data folder')
    await act(async () => {
      fireEvent.change(input, { target: { value: '/srv/scoreline' } })
    })
    await act(async () => {
      fireEvent.click(input.parentElement!.querySelector('button')!)
    })
    expect(screen.getByTestId('data-folder-pending').textContent).toBe(
      'Next start: /srv/scoreline (takes effect after restart).',
    )
  })

  it('edits the weekly schedule as a day and a time', async () => {
    const { calls } = await renderSettings()
    await act(async () => {
      fireEvent.change(screen.getByLabelText('Day'), { target: { value: '3' } })
    })
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Save schedule' }))
    })
    expect(calls).toContainEqual({ name: 'training.schedule', input: { cron: '0 6 * * 3' } })
    expect(weeklyOf('30 18 * * 5')).toEqual({ day: 5, time: '18:30' })
    expect(weeklyOf('0 6 1 * *')).toBeNull()
    expect(weeklyCron(0, '07:05')).toBe('5 7 * * 0')
  })
})
