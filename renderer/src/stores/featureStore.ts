import { create } from 'zustand'
import type { ScorelineApi } from '../../../shared/api/contract'
import type { ApiErrorShape } from '../../../shared/api/errors'
import type {
  EntityReadDto,
  FeatureRebuildResultDto,
  FeatureStoreStatsDto,
  HistoryEntryDto,
  LeagueReadDto,
  ValidationReportDto,
  ViewInfoDto,
} from '../../../shared/api/domains/features'

export type {
  EntityReadDto,
  FeatureRebuildResultDto,
  FeatureStoreStatsDto,
  HistoryEntryDto,
  LeagueReadDto,
  ValidationReportDto,
  ViewInfoDto,
}

export type Loadable<T> = { data: T | null; loading: boolean; error: ApiErrorShape | null }
const idle = <T>(): Loadable<T> => ({ data: null, loading: false, error: null })
const loading = <T>(previous: Loadable<T>): Loadable<T> => ({ ...previous, loading: true })

/** One team's features: the active value in each team view and its values across versions. */
export interface TeamDetail {
  league: string
  team: string
  views: { view: string; current: EntityReadDto; history: HistoryEntryDto[] }[]
}

export interface FeatureState {
  /** Views with definitions, versions and lineage. */
  views: Loadable<ViewInfoDto[]>
  stats: Loadable<FeatureStoreStatsDto>
  reports: Loadable<ValidationReportDto[]>
  /** League codes in the local store (the league picker). */
  leagues: string[]
  league: string | null
  /** Every team of the league in each team view (one read per view). */
  leagueTeams: Loadable<LeagueReadDto[]>
  team: string | null
  teamDetail: Loadable<TeamDetail>
  rebuild: { running: boolean; result: FeatureRebuildResultDto | null; error: ApiErrorShape | null }
  /** Views, stats, reports and the league picker; then the selected league and team. */
  load(api: ScorelineApi): Promise<void>
  selectLeague(api: ScorelineApi, league: string | null): Promise<void>
  selectTeam(api: ScorelineApi, team: string | null): Promise<void>
  runRebuild(api: ScorelineApi): Promise<void>
  /** Refetches when a pipeline run ends (a promotion rebuilds the views). */
  watch(api: ScorelineApi): () => void
}

function teamViews(views: ViewInfoDto[] | null): string[] {
  return (views ?? []).filter((v) => v.definition.entity === 'team').map((v) => v.definition.name)
}

/**
 * Leagues the active team views were built for, from their lineage (the pipeline records the champions as
 * `E0@3 SP1@2`), so the screen opens on a league that has features rather than the first code.
 */
export function trainedLeagues(views: ViewInfoDto[]): string[] {
  const out = new Set<string>()
  for (const v of views) {
    if (v.definition.entity !== 'team') continue
    const active = v.versions.find((x) => x.version === v.activeVersion)
    for (const part of active?.lineage.modelVersion?.split(/\s+/) ?? []) {
      const at = part.lastIndexOf('@')
      if (at > 0) out.add(part.slice(0, at))
    }
  }
  return [...out].sort()
}

/** The Features screen: everything read through the `features.*` procedures, refetched explicitly. */
export const useFeatureStore = create<FeatureState>((set, get) => ({
  views: idle(),
  stats: idle(),
  reports: idle(),
  leagues: [],
  league: null,
  leagueTeams: idle(),
  team: null,
  teamDetail: idle(),
  rebuild: { running: false, result: null, error: null },

  async load(api) {
    set((s) => ({ views: loading(s.views), stats: loading(s.stats), reports: loading(s.reports) }))
    const [views, stats, reports, leagues] = await Promise.all([
      api.features.views(),
      api.features.stats(),
      api.features.validationReports({ limit: 50 }),
      api.data.leagues(),
    ])
    set({
      views: views.ok
        ? { data: views.value, loading: false, error: null }
        : { data: null, loading: false, error: views.error },
      stats: stats.ok
        ? { data: stats.value, loading: false, error: null }
        : { data: null, loading: false, error: stats.error },
      reports: reports.ok
        ? { data: reports.value, loading: false, error: null }
        : { data: null, loading: false, error: reports.error },
      leagues: leagues.ok ? leagues.value.map((l) => l.code) : get().leagues,
    })
    if (!views.ok) return
    const { league } = get()
    const codes = get().leagues
    const trained = trainedLeagues(views.value).filter((l) => codes.includes(l))
    const next = league && codes.includes(league) ? league : (trained[0] ?? codes[0] ?? null)
    await get().selectLeague(api, next)
  },

  async selectLeague(api, league) {
    const changed = league !== get().league
    set((s) => ({
      league,
      leagueTeams: league ? loading(changed ? idle<LeagueReadDto[]>() : s.leagueTeams) : idle(),
      ...(changed ? { team: null, teamDetail: idle<TeamDetail>() } : {}),
    }))
    if (!league) return
    const names = teamViews(get().views.data)
    const reads = await Promise.all(names.map((view) => api.features.getTeams({ view, league })))
    if (get().league !== league) return
    const failed = reads.find((r) => !r.ok)
    set({
      leagueTeams:
        failed && !failed.ok
          ? { data: null, loading: false, error: failed.error }
          : { data: reads.map((r) => (r.ok ? r.value : null)!), loading: false, error: null },
    })
    const { team } = get()
    if (team) await get().selectTeam(api, team)
  },

  async selectTeam(api, team) {
    const { league } = get()
    set((s) => ({
      team,
      teamDetail: team && league ? loading(s.team === team ? s.teamDetail : idle<TeamDetail>()) : idle(),
    }))
    if (!team || !league) return
    const names = teamViews(get().views.data)
    const results = await Promise.all(
      names.map(async (view) => {
        const [current, history] = await Promise.all([
          api.features.getTeam({ view, league, team }),
          api.features.history({ view, league, entity: team }),
        ])
        return { view, current, history }
      }),
    )
    if (get().team !== team || get().league !== league) return
    const failed = results.flatMap((r) => [r.current, r.history]).find((r) => !r.ok)
    if (failed && !failed.ok) {
      set({ teamDetail: { data: null, loading: false, error: failed.error } })
      return
    }
    set({
      teamDetail: {
        data: {
          league,
          team,
          views: results.map((r) => ({
            view: r.view,
            current: r.current.ok ? r.current.value : (null as never),
            history: r.history.ok ? r.history.value : [],
          })),
        },
        loading: false,
        error: null,
      },
    })
  },

  async runRebuild(api) {
    set({ rebuild: { running: true, result: null, error: null } })
    const result = await api.features.rebuild({})
    set({
      rebuild: result.ok
        ? { running: false, result: result.value, error: null }
        : { running: false, result: null, error: result.error },
    })
    if (result.ok) await get().load(api)
  },

  watch(api) {
    return api.on('training.finished', () => void get().load(api))
  },
}))
