import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApi, type Transport } from '../../../../shared/api/contract'
import type { ApiErrorShape } from '../../../../shared/api/errors'
import type {
  FeatureStoreStatsDto,
  HistoryEntryDto,
  LeagueReadDto,
  ValidationReportDto,
  ViewInfoDto,
} from '../../../../shared/api/domains/features'
import { useFeatureStore } from '../../stores/featureStore'
import { FeaturesPage } from './FeaturesPage'
import { LeaguePanel, leagueRows, sortRows } from './LeaguePanel'

function api(handlers: Record<string, (input: never) => unknown>) {
  const calls: { name: string; input: unknown }[] = []
  const transport: Transport = {
    invoke: async (name, input) => {
      calls.push({ name, input })
      const handler = handlers[name]
      if (!handler) return { ok: false, error: { code: 'INTERNAL', message: `${name} not in test` } }
      const value = handler(input as never)
      return value && typeof value === 'object' && 'error' in value
        ? { ok: false, error: (value as { error: ApiErrorShape }).error }
        : { ok: true, value }
    },
    subscribe: () => () => {},
  }
  return { api: buildApi(transport), calls }
}

const lineage = (v: string) => ({
  modelVersion: `E0@${v}`,
  runId: `run${v}abcdef0123`,
  dataFingerprint: 'fp0123456789abcd',
})
const version = (view: string, n: number, state: 'active' | 'retired') => ({
  view,
  version: n,
  state,
  lineage: lineage(String(n)),
  createdAt: Date.UTC(2026, 10, 27, 18, n),
  createdBy: 'scoreline:pipeline',
  sealedAt: null,
  activatedAt: Date.UTC(2026, 10, 27, 18, n),
  retiredAt: null,
  expiresAt: state === 'retired' ? Date.UTC(2026, 10, 27, 20) : null,
  entityCount: 3,
  lastWriteAt: Date.UTC(2026, 10, 27, 18, n),
  lastWriteBy: 'scoreline:pipeline',
})
const num = (name: string, min: number, max: number, required = true) => ({
  name,
  type: 'number' as const,
  min,
  max,
  required,
  description: `${name} described`,
})

const ratingsView = (versions: ReturnType<typeof version>[]): ViewInfoDto => ({
  definition: {
    name: 'team_ratings',
    entity: 'team',
    description: 'Dixon-Coles attack and defence',
    params: {},
    features: [
      num('attack', -5, 5),
      num('defence', -5, 5),
      num('attack_se', 0, 10, false),
      num('defence_se', 0, 10, false),
    ],
    ttl: { kind: 'fixed', ms: 7 * 86_400_000 },
    validation: 'strict',
    sumsToOne: [],
  },
  activeVersion: versions.find((v) => v.state === 'active')?.version ?? null,
  versions,
})
const formView = (versions: ReturnType<typeof version>[]): ViewInfoDto => ({
  definition: {
    name: 'team_form',
    entity: 'team',
    description: 'Form over the last 6 matches',
    params: { n: 6 },
    features: [num('points_per_game', 0, 3)],
    ttl: { kind: 'fixed', ms: 7 * 86_400_000 },
    validation: 'lenient',
    sumsToOne: [],
  },
  activeVersion: versions.find((v) => v.state === 'active')?.version ?? null,
  versions,
})

const stats = (versions = 0): FeatureStoreStatsDto => ({
  backend: 'redis',
  location: '127.0.0.1:6379',
  views: [
    {
      view: 'team_ratings',
      activeVersion: versions ? 2 : null,
      versions: versions
        ? [
            {
              version: 2,
              state: 'active',
              keys: 3,
              approxBytes: 2048,
              lastWriteAt: Date.UTC(2026, 10, 27, 18, 2),
              lastWriteBy: 'scoreline:features-rebuild',
              lineage: lineage('2'),
            },
          ]
        : [],
    },
  ],
  reads: {
    hits: 30,
    misses: 10,
    expired: 0,
    latency: { samples: 40, p50Ms: 0.12, p90Ms: 0.2, p99Ms: 0.31, maxMs: 0.5 },
  },
  writes: { entities: 0, ignoredOlder: 0, rejected: 0, lastWriteAt: null, lastWriteBy: null },
})

const hit = (view: string, team: string, values: Record<string, number>, v = 2) => ({
  status: 'hit' as const,
  view,
  version: v,
  league: 'E0',
  entity: team,
  values,
  eventTime: Date.UTC(2026, 10, 27),
  expiresAt: Date.UTC(2026, 11, 4),
})
const teams: Record<string, [number, number]> = {
  Arsenal: [0.45, -0.4],
  Burnley: [-0.35, 0.3],
  Chelsea: [0.1, -0.1],
}
const ratings = (v = 2): LeagueReadDto => ({
  view: 'team_ratings',
  version: v,
  league: 'E0',
  entities: Object.entries(teams).map(([t, [a, d]]) =>
    hit('team_ratings', t, { attack: a, defence: d, attack_se: 0.1, defence_se: 0.12 }, v),
  ),
  expired: [],
})
const form: LeagueReadDto = {
  view: 'team_form',
  version: 1,
  league: 'E0',
  entities: [
    hit('team_form', 'Arsenal', { points_per_game: 2.5 }, 1),
    hit('team_form', 'Burnley', { points_per_game: 0.5 }, 1),
  ],
  expired: [],
}
const report: ValidationReportDto = {
  id: 'team_form@1:x',
  view: 'team_form',
  version: 1,
  policy: 'lenient',
  at: Date.UTC(2026, 10, 27, 18),
  writtenBy: 'scoreline:pipeline',
  total: 3,
  accepted: 2,
  rejected: 1,
  written: true,
  failures: [
    {
      league: 'E0',
      entity: 'Chelsea',
      issues: [{ feature: 'points_per_game', problem: 'not_finite', message: 'points_per_game is NaN' }],
    },
  ],
}

function withFeatures() {
  const history = (team: string): HistoryEntryDto[] => [
    {
      version: 2,
      state: 'active',
      lineage: lineage('2'),
      read: hit('team_ratings', team, { attack: 0.45, defence: -0.4 }, 2),
    },
    {
      version: 1,
      state: 'retired',
      lineage: lineage('1'),
      read: hit('team_ratings', team, { attack: 0.4, defence: -0.35 }, 1),
    },
  ]
  return api({
    'features.views': () => [
      ratingsView([version('team_ratings', 2, 'active'), version('team_ratings', 1, 'retired')]),
      formView([version('team_form', 1, 'active')]),
    ],
    'features.stats': () => stats(1),
    'features.validationReports': () => [report],
    'data.leagues': () => [{ code: 'D1' }, { code: 'E0' }, { code: 'SP1' }], // opens on E0, the trained one
    'features.getTeams': (input: { view: string; league: string }) =>
      input.league !== 'E0'
        ? { view: input.view, version: 2, league: input.league, entities: [], expired: [] }
        : input.view === 'team_ratings'
          ? ratings()
          : form,
    'features.getTeam': (input: { view: string; team: string }) =>
      input.view === 'team_ratings'
        ? hit('team_ratings', input.team, { attack: 0.45, defence: -0.4, attack_se: 0.1, defence_se: 0.12 })
        : {
            status: 'missing',
            view: 'team_form',
            version: 1,
            league: 'E0',
            entity: input.team,
            message: `E0 ${input.team} is not in team_form@1`,
          },
    'features.history': (input: { view: string; entity: string }) =>
      input.view === 'team_ratings' ? history(input.entity) : [],
    'features.rebuild': () => ({
      views: ['team_ratings@3', 'team_form@2'],
      note: null,
      champions: [{ league: 'E0', modelVersion: '4', runId: 'r4' }],
      skipped: [{ league: 'SP1', reason: 'no champion model for SP1' }],
      ms: 420,
    }),
  })
}

afterEach(() => {
  cleanup()
  useFeatureStore.setState({
    views: { data: null, loading: false, error: null },
    stats: { data: null, loading: false, error: null },
    reports: { data: null, loading: false, error: null },
    leagues: [],
    league: null,
    leagueTeams: { data: null, loading: false, error: null },
    team: null,
    teamDetail: { data: null, loading: false, error: null },
    rebuild: { running: false, result: null, error: null },
  })
})

describe('Features page', () => {
  it('shows how to get features when no view has a version yet, with the store figures', async () => {
    const { api: a } = api({
      'features.views': () => [ratingsView([]), formView([])],
      'features.stats': () => stats(0),
      'features.validationReports': () => [],
      'data.leagues': () => [],
    })
    await act(async () => {
      render(<FeaturesPage api={a} />)
    })
    expect(screen.getByTestId('features-empty').textContent).toContain('scoreline pipeline run')
    expect(screen.getByTestId('fs-backend').textContent).toBe('Redis at 127.0.0.1:6379')
    expect(screen.getByTestId('fs-reads').textContent).toContain('hit rate 75.0%')
    expect(screen.getByTestId('fs-latency').textContent).toContain('p99 0.310 ms')
    expect(screen.getByTestId('view-team_ratings').textContent).toContain('no active version')
    expect(screen.getByTestId('validation-reports').textContent).toContain('No write has been validated yet')
    expect(screen.queryByTestId('league-features')).toBeNull()
  })

  it('says what to do when Redis is unreachable', async () => {
    const down = { error: { code: 'SERVICE_UNREACHABLE', message: 'Redis at 127.0.0.1:6390 is unreachable' } }
    const { api: a } = api({
      'features.views': () => down,
      'features.stats': () => down,
      'features.validationReports': () => down,
      'data.leagues': () => [],
    })
    await act(async () => {
      render(<FeaturesPage api={a} />)
    })
    const alert = screen.getByTestId('features-error')
    expect(alert.textContent).toContain('SERVICE_UNREACHABLE: Redis at 127.0.0.1:6390 is unreachable')
    expect(alert.textContent).toContain('Check the Redis URL in Settings')
    const rebuild = screen.getByRole('button', { name: 'Rebuild from champions' }) as HTMLButtonElement
    expect(rebuild.disabled).toBe(true)
    // the title names every view the rebuild writes (features rebuild: team_ratings, team_form, match_probabilities)
    for (const view of ['team_ratings', 'team_form', 'match_probabilities'])
      expect(rebuild.title).toContain(view)
  })

  it('lists versions with lineage, the league table and chart, a team across versions, and reports', async () => {
    const { api: a, calls } = withFeatures()
    await act(async () => {
      render(<FeaturesPage api={a} />)
    })
    // versions and lineage; the league the views were built for is selected
    expect(screen.getByTestId('active-team_ratings').textContent).toBe('active @2')
    expect((screen.getByTestId('league-select') as HTMLSelectElement).value).toBe('E0')
    const v1 = screen.getByTestId('version-team_ratings-1')
    expect(v1.textContent).toContain('retired')
    expect(v1.textContent).toContain('E0@1')
    expect(v1.textContent).toContain('run1abcdef01')
    expect(v1.textContent).toContain('fp0123456789')
    expect(screen.getByTestId('fs-last-write').textContent).toContain(
      'by scoreline:features-rebuild (team_ratings@2)',
    )

    // league table: both views joined, sorted by attack (descending) first
    const table = screen.getByTestId('league-table')
    const order = () =>
      within(table)
        .getAllByRole('row')
        .slice(2)
        .map((r) => r.querySelector('th')?.textContent)
    expect(order()).toEqual(['Arsenal', 'Chelsea', 'Burnley'])
    expect(within(screen.getByTestId('team-row-Chelsea')).getAllByRole('cell').at(-1)?.textContent).toBe('—')
    fireEvent.click(within(table).getByRole('button', { name: /^points per game/ }))
    expect(order()).toEqual(['Arsenal', 'Burnley', 'Chelsea']) // missing values last
    fireEvent.click(within(table).getByRole('button', { name: /^points per game/ }))
    expect(order()).toEqual(['Burnley', 'Arsenal', 'Chelsea'])
    expect(
      within(table)
        .getByRole('columnheader', { name: /points per game/ })
        .getAttribute('aria-sort'),
    ).toBe('ascending')
    expect(screen.getByTestId('ratings-chart').querySelectorAll('.whisker')).toHaveLength(6)

    // a team: current values with ranges, history across versions; a miss says why
    await act(async () => {
      fireEvent.keyDown(screen.getByTestId('point-Arsenal'), { key: 'Enter' })
    })
    const team = screen.getByTestId('team-features')
    const attack = within(team).getByTestId('feature-team_ratings-attack')
    expect(attack.textContent).toContain('0.450')
    expect(attack.textContent).toContain('-5 … 5')
    expect(attack.textContent).toContain('0.400') // @1
    expect(attack.querySelector('.fs-spark')).not.toBeNull()
    expect(within(team).getByTestId('team-miss-team_form').textContent).toBe('missing')
    expect(team.textContent).toContain('E0 Arsenal is not in team_form@1')
    expect(calls.filter((c) => c.name === 'features.history')).toHaveLength(2)

    // reports: the rejected row explains itself
    fireEvent.click(screen.getByRole('button', { name: '1 — why?' }))
    expect(screen.getByTestId('validation-reports').textContent).toContain(
      'E0 Chelsea: points_per_game is NaN',
    )

    // another league without teams
    await act(async () => {
      fireEvent.change(screen.getByTestId('league-select'), { target: { value: 'SP1' } })
    })
    expect(screen.getByTestId('league-empty').textContent).toContain('No team features for SP1')
    expect(screen.queryByTestId('team-features')).toBeNull()
  })

  it('rebuilds from the champions and reloads', async () => {
    const { api: a, calls } = withFeatures()
    await act(async () => {
      render(<FeaturesPage api={a} />)
    })
    const before = calls.filter((c) => c.name === 'features.views').length
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Rebuild from champions' }))
    })
    expect(screen.getByTestId('rebuild-result').textContent).toBe(
      'Rebuilt team_ratings@3, team_form@2 from E0 v4 in 0.42 s; skipped SP1 (no champion).',
    )
    expect(calls.filter((c) => c.name === 'features.views').length).toBe(before + 1)
  })
})

describe('league rows', () => {
  it('join the views per team and sort missing values last in both directions', () => {
    const rows = leagueRows([ratings(), form])
    expect(rows.find((r) => r.team === 'Arsenal')?.values).toMatchObject({
      'team_ratings.attack': 0.45,
      'team_form.points_per_game': 2.5,
    })
    const key = 'team_form.points_per_game'
    expect(sortRows(rows, { key, dir: 'asc' }).map((r) => r.team)).toEqual(['Burnley', 'Arsenal', 'Chelsea'])
    expect(sortRows(rows, { key, dir: 'desc' }).map((r) => r.team)).toEqual(['Arsenal', 'Burnley', 'Chelsea'])
  })

  it('mark a team rated on fewer than 10 matches, and only such a team (#20)', () => {
    const read = ratings()
    read.entities = read.entities.map((e) => ({
      ...e,
      values: { ...e.values, matches: e.entity === 'Burnley' ? 2 : 10 },
    }))
    render(
      <LeaguePanel
        league="E0"
        leagues={['E0']}
        views={[]}
        reads={[read]}
        loading={false}
        selectedTeam={null}
        onLeague={() => {}}
        onTeam={() => {}}
      />,
    )
    expect(screen.getByTestId('rated-on-Burnley').textContent).toMatch(/rated on 2 matches/)
    expect(screen.queryByTestId('rated-on-Arsenal')).toBeNull()
    expect(screen.queryByTestId('rated-on-Chelsea')).toBeNull()
  })
})
