import { create } from 'zustand'
import type { ScorelineApi } from '../../../shared/api/contract'
import type { ApiErrorShape } from '../../../shared/api/errors'
import type {
  HealthAlertDto,
  HealthAlertsDto,
  HealthLeagueDto,
  HealthReportDto,
  ReliabilityDiagramDto,
  RollingPointDto,
} from '../../../shared/api/domains/health'

export type {
  HealthAlertDto,
  HealthAlertsDto,
  HealthLeagueDto,
  HealthReportDto,
  ReliabilityDiagramDto,
  RollingPointDto,
}

export type Loadable<T> = { data: T | null; loading: boolean; error: ApiErrorShape | null }
const idle = <T>(): Loadable<T> => ({ data: null, loading: false, error: null })

export interface HealthState {
  leagues: Loadable<HealthLeagueDto[]>
  league: string | null
  report: Loadable<HealthReportDto>
  alerts: Loadable<HealthAlertsDto>
  /** Leagues, alerts, then the selected league's report (the first league with a champion by default). */
  load(api: ScorelineApi): Promise<void>
  selectLeague(api: ScorelineApi, league: string): Promise<void>
  /** Refetches when a pipeline run ends or the data change (new matches are recent matches). */
  watch(api: ScorelineApi): () => void
}

/** The Model health screen: everything through `health.*`. */
export const useHealthStore = create<HealthState>((set, get) => ({
  leagues: idle(),
  league: null,
  report: idle(),
  alerts: idle(),

  async load(api) {
    set((s) => ({
      leagues: { ...s.leagues, loading: true },
      alerts: { ...s.alerts, loading: true },
    }))
    const [leagues, alerts] = await Promise.all([api.health.leagues(), api.health.alerts()])
    set({
      leagues: leagues.ok
        ? { data: leagues.value, loading: false, error: null }
        : { data: null, loading: false, error: leagues.error },
      alerts: alerts.ok
        ? { data: alerts.value, loading: false, error: null }
        : { data: null, loading: false, error: alerts.error },
    })
    if (!leagues.ok) return
    const codes = leagues.value.map((l) => l.league)
    const current = get().league
    const next =
      current && codes.includes(current)
        ? current
        : (leagues.value.find((l) => l.champion)?.league ?? codes[0] ?? null)
    if (next) await get().selectLeague(api, next)
    else set({ league: null, report: idle() })
  },

  async selectLeague(api, league) {
    const changed = league !== get().league
    set((s) => ({ league, report: { data: changed ? null : s.report.data, loading: true, error: null } }))
    const r = await api.health.report({ league })
    if (get().league !== league) return
    set({
      report: r.ok
        ? { data: r.value, loading: false, error: null }
        : { data: null, loading: false, error: r.error },
    })
  },

  watch(api) {
    const reload = () => void get().load(api)
    const offTraining = api.on('training.finished', reload)
    const offData = api.on('data.changed', reload)
    return () => {
      offTraining()
      offData()
    }
  },
}))
