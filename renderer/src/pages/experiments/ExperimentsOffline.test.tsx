/**
 * The Experiments screen over the run mirror (#23, #21): a list that came from this desktop's copy while
 * MLflow was unreachable says so, and the mirror's refresh event brings the server's list back.
 */
import { act, cleanup, render, screen } from '@testing-library/react'
import { afterEach, expect, it } from 'vitest'
import { buildApi, type Transport } from '../../../../shared/api/contract'
import type { MirrorMarkDto, RunDto } from '../../../../shared/api/domains/tracking'
import { DEFAULT_RUNS_VIEW, useTrackingStore } from '../../stores/trackingStore'
import { ExperimentsPage } from './ExperimentsPage'

const run: RunDto = {
  runId: 'run1',
  experimentId: '1',
  runName: 'E0 pipeline',
  status: 'FINISHED',
  startTime: 1_700_000_000_000,
  endTime: 1_700_000_000_500,
  parentRunId: null,
  params: { league: 'E0' },
  metrics: { rps: 0.2 },
  tags: {},
}

afterEach(() => {
  cleanup()
  useTrackingStore.setState({ runs: { data: null, loading: false, error: null }, view: DEFAULT_RUNS_VIEW })
})

it('marks a list served offline from the mirror, and refetches when the mirror says the server is back', async () => {
  const marks: MirrorMarkDto[] = [
    {
      asOf: Date.UTC(2026, 11, 6, 21, 40),
      offline: true,
      refreshing: false,
      lastError: 'Cannot reach the MLflow server at http://mlflow:5000 (connection refused)',
    },
    { asOf: Date.UTC(2026, 11, 6, 22, 0), offline: false, refreshing: false, lastError: null },
  ]
  const handlers = new Map<string, (payload: unknown) => void>()
  let searches = 0
  const transport: Transport = {
    invoke: async (name) => {
      if (name !== 'tracking.searchRuns') return { ok: false, error: { code: 'INTERNAL', message: name } }
      const mirror = marks[Math.min(searches++, marks.length - 1)]
      return { ok: true, value: { runs: [run], experiments: [], truncated: false, mirror } }
    },
    subscribe: (event, handler) => {
      handlers.set(event, handler)
      return () => handlers.delete(event)
    },
  }
  await act(async () => {
    render(<ExperimentsPage api={buildApi(transport)} />)
  })
  const banner = screen.getByTestId('runs-offline')
  expect(banner.textContent).toContain("this desktop's copy")
  expect(banner.textContent).toContain('http://mlflow:5000')
  expect(screen.getByTestId('runs-count').textContent).toContain('1 of 1')

  await act(async () => {
    handlers.get('tracking.runsRefreshed')?.({ changed: 0, offline: false, asOf: marks[1].asOf })
  })
  expect(searches).toBe(2)
  expect(screen.queryByTestId('runs-offline')).toBeNull()
})
