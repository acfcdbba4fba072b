import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { buildApi, type Transport } from '../../../../shared/api/contract'
import { DataPage } from './DataPage'
import { useDataStore } from '../../stores/dataStore'
import { marketOdds } from './marketOdds'
import { MATCH_PAGE, type MatchRow } from '../../stores/dataStore'

const page = (rows: MatchRow[]) => ({ total: rows.length, offset: 0, rows })

const match = (over: Partial<MatchRow>): MatchRow => ({
  id: 1,
  league: 'E0',
  season: '2023-24',
  date: '2023-08-12',
  time: null,
  homeTeamId: 1,
  homeTeam: 'Arsenal',
  awayTeamId: 2,
  awayTeam: "Nott'm Forest",
  homeGoals: 2,
  awayGoals: 1,
  htHomeGoals: null,
  htAwayGoals: null,
  homeShots: null,
  awayShots: null,
  homeShotsOnTarget: null,
  awayShotsOnTarget: null,
  referee: null,
  status: 'played',
  neutral: false,
  source: 'test',
  updatedAt: '2023-08-12T00:00:00Z',
  odds: [],
  ...over,
})

function api(handlers: Record<string, (input: unknown) => unknown>) {
  const calls: { name: string; input: unknown }[] = []
  const transport: Transport = {
    invoke: async (name, input) => {
      calls.push({ name, input })
      const handler = handlers[name]
      if (!handler) return { ok: false, error: { code: 'INTERNAL', message: `${name} not in test` } }
      const value = handler(input)
      return value instanceof Error
        ? { ok: false, error: { code: 'CSV_PARSE', message: value.message } }
        : { ok: true, value }
    },
    subscribe: () => () => {},
  }
  return { api: buildApi(transport), calls }
}

const status = {
  lastSuccessfulSyncAt: null,
  lastSync: null,
  tables: {},
  outbox: { pending: 0, conflicts: 0, failed: 0 },
  postgres: { configured: true, reachable: false, error: 'connect ECONNREFUSED 127.0.0.1:5432' },
  schemaVersion: 1,
}
const quality = {
  matches: 0,
  missingOdds: { total: 0, bySeason: [], sample: [] },
  missingResults: 0,
  duplicateCandidates: [],
  unresolvedNames: [],
}

afterEach(() => {
  cleanup()
  useDataStore.setState({
    overview: { data: null, loading: false, error: null },
    quality: { data: null, loading: false, error: null },
    matches: { data: null, loading: false, error: null },
    filter: {},
    imports: { running: false, outcomes: [] },
  })
})

describe('Data page', () => {
  it('shows an empty state and says Postgres is unreachable but work goes on offline', async () => {
    const { api: a } = api({
      'data.leagues': () => [],
      'data.seasons': () => [],
      'data.status': () => status,
      'data.quality': () => quality,
      'data.matchPage': () => page([]),
    })
    await act(async () => {
      render(<DataPage api={a} />)
    })
    expect(screen.getByTestId('no-data').textContent).toContain('Import football-data.co.uk CSV files')
    expect(screen.getByTestId('postgres-state').textContent).toContain('unreachable: connect ECONNREFUSED')
    expect(screen.getByTestId('postgres-state').textContent).toContain('working offline')
  })

  it('sends the filter to data.matchPage and shows the count', async () => {
    const { api: a, calls } = api({
      'data.leagues': () => [
        {
          code: 'E0',
          name: 'Premier League',
          country: 'England',
          tier: 1,
          seasons: 1,
          matches: 2,
          teams: 3,
          firstDate: null,
          lastDate: '2023-08-19',
        },
      ],
      'data.seasons': () => [],
      'data.status': () => status,
      'data.quality': () => quality,
      'data.matchPage': () => page([match({ id: 1 }), match({ id: 2, homeTeam: 'Chelsea' })]),
    })
    await act(async () => {
      render(<DataPage api={a} />)
    })
    await act(async () => {
      fireEvent.change(screen.getByLabelText('Team'), { target: { value: 'Arsenal' } })
    })
    const last = calls.filter((c) => c.name === 'data.matchPage').at(-1)
    expect(last?.input).toEqual({ team: 'Arsenal', offset: 0, limit: MATCH_PAGE })
    expect(screen.getByTestId('matches-count').textContent).toBe('2 matches')
  })

  it('reads a 25,000-match filter page by page: the first page and the count, later pages as they come into view', async () => {
    const total = 25_000
    const { api: a, calls } = api({
      'data.leagues': () => [],
      'data.seasons': () => [],
      'data.status': () => status,
      'data.quality': () => quality,
      'data.matchPage': (input) => {
        const { offset, limit } = input as { offset: number; limit: number }
        const rows = Array.from({ length: Math.min(limit, total - offset) }, (_, i) =>
          match({ id: offset + i + 1, homeTeam: `Home ${offset + i + 1}` }),
        )
        return { total, offset, rows }
      },
    })
    // jsdom lays nothing out: give the table's scroll area a screen's height so rows come into view
    const height = vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(480)
    const width = vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1000)
    await act(async () => {
      render(<DataPage api={a} />)
    })
    const pages = () => calls.filter((c) => c.name === 'data.matchPage').map((c) => c.input)
    expect(pages()).toEqual([{ offset: 0, limit: MATCH_PAGE }])
    expect(screen.getByTestId('matches-count').textContent).toBe('25000 matches')
    const table = screen.getByTestId('matches-table')
    expect(table.getAttribute('aria-rowcount')).toBe(String(total + 1))
    // only the rows in view are in the DOM, every one of them read
    const rendered = table.querySelectorAll('[role="row"]:not(.vtable-head)')
    expect(rendered.length).toBeGreaterThan(0)
    expect(rendered.length).toBeLessThan(100)
    expect(table.querySelector('[aria-busy="true"]')).toBeNull()
    expect(screen.getByText('Home 1')).toBeTruthy()
    // a range further down: its page once, however often it is asked for
    await act(async () => {
      await Promise.all([
        useDataStore.getState().loadMatchRange(a, 12_340, 12_360),
        useDataStore.getState().loadMatchRange(a, 12_345, 12_350),
      ])
    })
    expect(pages()).toEqual([
      { offset: 0, limit: MATCH_PAGE },
      { offset: 12_200, limit: MATCH_PAGE },
    ])
    const rows = useDataStore.getState().matches.data!.rows
    expect(rows[12_345]?.homeTeam).toBe('Home 12346')
    expect(rows[12_199]).toBeUndefined()
    expect(rows[12_400]).toBeUndefined()
    height.mockRestore()
    width.mockRestore()
  })

  it('lists a rejected file with its reason', async () => {
    const { api: a } = api({
      'data.leagues': () => [],
      'data.seasons': () => [],
      'data.status': () => status,
      'data.quality': () => quality,
      'data.matchPage': () => page([]),
      'data.importCsv': () => [
        {
          ok: false,
          file: 'bad.csv',
          error: { code: 'CSV_PARSE', message: 'bad.csv:3: FTHG "x" is not a number' },
        },
      ],
    })
    await act(async () => {
      render(<DataPage api={a} />)
    })
    const file = new File(['Div,Date\n'], 'bad.csv', { type: 'text/csv' })
    await act(async () => {
      fireEvent.change(screen.getByTestId('import-input'), { target: { files: [file] } })
    })
    await act(async () => {
      await new Promise((r) => setTimeout(r, 20))
    })
    expect(screen.getByTestId('import-results').textContent).toContain('bad.csv:3: FTHG "x" is not a number')
  })
})

describe('market odds shown in the matches table', () => {
  it('prefers Pinnacle closing, then Pinnacle, then the average, then Bet365, and says which', () => {
    const odds = (bookmaker: string, kind: 'pre-match' | 'closing', home: number) => ({
      bookmaker,
      kind,
      home,
      draw: 3.5,
      away: 4,
      capturedAt: null,
    })
    expect(
      marketOdds(
        match({
          odds: [odds('B365', 'pre-match', 2), odds('PS', 'closing', 2.1), odds('PS', 'pre-match', 2.2)],
        }),
      ),
    ).toMatchObject({
      home: 2.1,
      label: 'Pinnacle closing',
    })
    expect(
      marketOdds(match({ odds: [odds('B365', 'pre-match', 2), odds('Avg', 'pre-match', 2.05)] })),
    ).toMatchObject({ label: 'market average' })
    expect(marketOdds(match({ odds: [] }))).toBeNull()
  })
})
