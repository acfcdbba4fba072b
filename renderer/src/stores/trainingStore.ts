import { create } from 'zustand'
import type { ScorelineApi } from '../../../shared/api/contract'
import type { ApiErrorShape } from '../../../shared/api/errors'
import type { ModelChoice, PipelineRunDto, TrainingStatusDto } from '../../../shared/api/domains/training'

export interface LogLine {
  runId: string
  league: string | null
  level: 'info' | 'warn' | 'error'
  message: string
  at: number
}

export interface TrainingState {
  status: TrainingStatusDto | null
  history: PipelineRunDto[] | null
  progress: { league: string | null; stage: string; fraction: number; message: string } | null
  logs: LogLine[]
  error: ApiErrorShape | null
  load(api: ScorelineApi): Promise<void>
  /** `model`: the goal-model variant for this run only (undefined: the stored setting). */
  start(api: ScorelineApi, leagues: string[], model?: ModelChoice): Promise<void>
  cancel(api: ScorelineApi): Promise<void>
  setSchedule(api: ScorelineApi, input: { cron?: string; enabled?: boolean }): Promise<ApiErrorShape | null>
  watch(api: ScorelineApi): () => void
}

const MAX_LOG_LINES = 500

/** Training screen state: status and history from the contract, live progress and logs from its events. */
export const useTrainingStore = create<TrainingState>((set, get) => ({
  status: null,
  history: null,
  progress: null,
  logs: [],
  error: null,
  async load(api) {
    const [status, history] = await Promise.all([api.training.status(), api.training.history({ limit: 20 })])
    set({
      status: status.ok ? status.value : get().status,
      history: history.ok ? history.value : get().history,
      error: (!status.ok && status.error) || (!history.ok && history.error) || null,
      progress: status.ok ? (status.value.current?.progress ?? null) : get().progress,
    })
  },
  async start(api, leagues, model) {
    set({ logs: [], progress: null, error: null })
    const result = await api.training.runPipeline({
      leagues: leagues.length ? leagues : undefined,
      trigger: 'manual',
      ...(model ? { model } : {}),
    })
    if (!result.ok) set({ error: result.error })
    await get().load(api)
  },
  async cancel(api) {
    const result = await api.training.cancel({})
    if (!result.ok) set({ error: result.error })
  },
  async setSchedule(api, input) {
    const result = await api.training.schedule(input)
    if (!result.ok) return result.error
    await get().load(api)
    return null
  },
  watch(api) {
    const offProgress = api.on('training.progress', (p) =>
      set({ progress: { league: p.league, stage: p.stage, fraction: p.fraction, message: p.message } }),
    )
    const offLog = api.on('training.log', (line) =>
      set((s) => ({ logs: [...s.logs, line].slice(-MAX_LOG_LINES) })),
    )
    const offFinished = api.on('training.finished', () => {
      set({ progress: null })
      void get().load(api)
    })
    return () => {
      offProgress()
      offLog()
      offFinished()
    }
  },
}))
