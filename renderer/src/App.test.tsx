import { act, cleanup, render, screen, within, fireEvent } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { App } from './App'
import { buildApi, type Transport } from '../../shared/api/contract'
import type { AppInfo } from '../../shared/api/domains/app'
import { useAppInfoStore } from './stores/appInfoStore'
import { useNavigationStore } from './stores/navigationStore'

const info: AppInfo = {
  name: 'Scoreline',
  version: '9.8.7',
  dataDir: '/home/ana/.config/Scoreline',
  runtime: { shell: 'browser-bridge', node: '20.20.2', electron: null, platform: 'linux-x64' },
  backends: [
    {
      name: 'sqlite',
      role: 'Local data',
      configured: true,
      state: 'reachable',
      target: '/x.sqlite',
      detail: 'schema version 1',
      latencyMs: 0.2,
    },
    {
      name: 'postgres',
      role: 'Shared',
      configured: true,
      state: 'unreachable',
      target: 'postgres://db',
      detail: 'connection refused',
      latencyMs: null,
    },
    {
      name: 'redis',
      role: 'Features',
      configured: false,
      state: 'not-configured',
      target: null,
      detail: 'Set REDIS_URL',
      latencyMs: null,
    },
    {
      name: 'mlflow',
      role: 'Tracking',
      configured: true,
      state: 'reachable',
      target: 'http://mlflow',
      detail: 'MLflow 3.1',
      latencyMs: 4,
    },
  ],
  checkedAt: new Date(0).toISOString(),
}

/** Replies per procedure for an empty workstation; anything else fails like an unreachable service. */
const empty = {
  'app.info': info,
  'data.leagues': [],
  'data.seasons': [],
  'data.matches': [],
  'data.status': {
    lastSuccessfulSyncAt: null,
    lastSync: null,
    tables: {},
    outbox: { pending: 0, conflicts: 0, failed: 0 },
    postgres: { configured: false, reachable: null },
    schemaVersion: 1,
  },
  'data.quality': {
    matches: 0,
    missingOdds: { total: 0, bySeason: [], sample: [] },
    missingResults: 0,
    duplicateCandidates: [],
    unresolvedNames: [],
  },
} as Record<string, unknown>
const byName = (name: string) => (name in empty ? empty[name] : new Error(`${name} unavailable`))

/** An in-memory transport standing in for IPC / the bridge (the renderer cannot tell them apart). */
function fakeApi(respond: (name: string) => unknown) {
  const calls: string[] = []
  const transport: Transport = {
    invoke: async (name) => {
      calls.push(name)
      const value = respond(name)
      return value instanceof Error
        ? { ok: false, error: { code: 'SERVICE_UNREACHABLE', message: value.message } }
        : { ok: true, value }
    },
    subscribe: () => () => {},
  }
  return { api: buildApi(transport), calls }
}

afterEach(() => {
  cleanup()
  useAppInfoStore.setState({ info: null, loading: false, error: null })
  useNavigationStore.setState({ page: 'dashboard' })
})

describe('App shell and Dashboard', () => {
  it('shows app.info: version, data folder and each backend state with its reason', async () => {
    const { api, calls } = fakeApi(byName)
    await act(async () => {
      render(<App api={api} />)
    })
    expect(calls).toContain('app.info')
    expect(screen.getByTestId('app-version').textContent).toBe('9.8.7')
    expect(screen.getByTestId('data-dir').textContent).toBe('/home/ana/.config/Scoreline')
    expect(within(screen.getByTestId('backend-sqlite')).getByText('reachable')).toBeTruthy()
    expect(screen.getByTestId('backend-state-postgres').textContent).toBe('unreachable: connection refused')
    expect(screen.getByTestId('backend-state-redis').textContent).toBe('not configured')
  })

  it('shows the typed error when app.info fails', async () => {
    const { api } = fakeApi(() => new Error('bridge gone'))
    await act(async () => {
      render(<App api={api} />)
    })
    expect(screen.getByRole('alert').textContent).toContain('SERVICE_UNREACHABLE')
    expect(screen.getByRole('alert').textContent).toContain('bridge gone')
  })

  it('navigates to every page from the sidebar', async () => {
    const { api } = fakeApi(byName)
    await act(async () => {
      render(<App api={api} />)
    })
    const nav = screen.getByRole('navigation', { name: 'Main' })
    for (const label of [
      'Data',
      'Training',
      'Experiments',
      'Models',
      'Features',
      'Fixtures',
      'Jackpots',
      'Model health',
      'Settings',
    ]) {
      await act(async () => {
        fireEvent.click(within(nav).getByText(label))
      })
      expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(label)
      expect(within(nav).getByText(label).getAttribute('aria-current')).toBe('page')
    }
  })
})
