/** What every step of one league's run shares: the league, settings, services, its outcome and timer. */
import type { VariantId } from '../../../model/variants'
import { checkAborted, round } from './records'
import type { LeagueOutcome, PipelineDeps, PipelineSettings, PipelineTrigger } from './types'

export interface LeagueStep {
  league: string
  s: PipelineSettings
  deps: PipelineDeps
  meta: { id: string; trigger: PipelineTrigger }
  out: LeagueOutcome
  jobOptions: { signal?: AbortSignal; timeoutMs: number }
  progress: (stage: string, fraction: number, message: string) => void
  /** Runs one named step, recording its duration in `out.steps` (in start order, even when steps overlap). */
  time: <T>(name: string, work: () => Promise<T> | T) => Promise<T>
  /** The step running now (its name prefixes a failure's message). */
  readonly step: string
  /** Wall-clock time (epoch ms) the league's work started: its tracking run's start time. */
  startedAt: number
  /** Wall-clock start and end (epoch ms) of each step, for the tracking runs' start and end times. */
  wall: Map<string, { start: number; end: number }>
  /** Runs started in the tracking store (ended FAILED/KILLED when the league fails). */
  parentRunId: string | null
  childRuns: string[]
}

export type ChosenVariant = { model: VariantId; params: Record<string, number> }

export function leagueStep(
  league: string,
  s: PipelineSettings,
  deps: PipelineDeps,
  meta: { id: string; trigger: PipelineTrigger },
  out: LeagueOutcome,
  progress: LeagueStep['progress'],
): LeagueStep {
  let step = ''
  const clock = deps.now ?? Date.now
  const wall = new Map<string, { start: number; end: number }>()
  const ctx: LeagueStep = {
    league,
    s,
    deps,
    meta,
    out,
    jobOptions: { signal: deps.signal, timeoutMs: s.jobTimeoutMs },
    progress,
    get step() {
      return step
    },
    time: async (name, work) => {
      step = name
      checkAborted(deps.signal, league)
      const timing = { step: name, ms: 0 }
      out.steps.push(timing)
      const t0 = performance.now()
      const span = { start: clock(), end: 0 }
      wall.set(name, span)
      try {
        return await work()
      } finally {
        timing.ms = round(performance.now() - t0)
        span.end = clock()
      }
    },
    startedAt: clock(),
    wall,
    parentRunId: null,
    childRuns: [],
  }
  return ctx
}
