/** The pipeline's outer loop: league by league, then one feature rebuild, then the run's summary. */
import { rebuildAfterPromotion } from './features'
import { describeMigrations, migrateModelNames } from '../../tracking/modelNameMigration'
import { runLeague } from './league'
import { emptyOutcome, settingsRecord } from './records'
import type {
  LeagueOutcome,
  PipelineDeps,
  PipelineEvent,
  PipelineRunRecord,
  PipelineSettings,
  PipelineState,
  PipelineTrigger,
} from './types'

export function summariseRun(
  leagues: readonly LeagueOutcome[],
  cancelled: boolean,
): { state: PipelineState; summary: string } {
  const ok = leagues.filter((l) => l.state === 'succeeded')
  const failed = leagues.filter((l) => l.state === 'failed')
  const parts = leagues.map((l) => {
    if (l.state === 'failed') return `${l.league} failed: ${l.error?.message ?? 'unknown error'}`
    if (l.state === 'cancelled') return `${l.league} cancelled`
    if (l.unchanged)
      return `${l.league}: nothing changed since v${l.unchanged.version} (same data and settings), no new version`
    const d = l.decision
    // every RPS says which forecast it is (#20)
    const rps = l.rpsSummary ?? `RPS ${l.metrics?.calibrated?.rps?.toFixed(4) ?? '—'}`
    const counts = l.counts && l.counts.scored < l.counts.evaluation ? ` [${l.counts.note}]` : ''
    const verdict = d
      ? d.promoted
        ? `promoted v${l.version} to champion (${d.reason})`
        : `v${l.version} kept as challenger (${d.reason})`
      : ''
    return `${l.league} ${rps}${counts}, ${verdict}${l.features?.rebuilt ? ', features rebuilt' : ''}`
  })
  const state: PipelineState = cancelled
    ? 'cancelled'
    : failed.length === 0
      ? 'succeeded'
      : ok.length === 0
        ? 'failed'
        : 'partial'
  return { state, summary: parts.join('; ') || 'no league to train' }
}

/** Runs the pipeline for each league in turn; never throws for a league's failure (it is recorded). */
export async function runPipeline(
  leagues: readonly string[],
  settings: PipelineSettings,
  deps: PipelineDeps,
  meta: { id: string; trigger: PipelineTrigger },
): Promise<PipelineRunRecord> {
  const now = deps.now ?? Date.now
  const record: PipelineRunRecord = {
    id: meta.id,
    trigger: meta.trigger,
    state: 'running',
    startedAt: now(),
    endedAt: null,
    leagues: [],
    features: { rebuilt: false, views: [], note: null, ms: null, error: null },
    settings: settingsRecord(settings),
    summary: '',
  }
  // Progress never goes backwards (#20): a stage reporting late (a worker's last grid point after the next
  // stage began) keeps the fraction already shown.
  let shown = 0
  const emit = (event: PipelineEvent) => {
    let e = event
    if (e.type === 'progress') {
      shown = Math.max(shown, Math.min(1, e.fraction))
      e = { ...e, fraction: shown }
    }
    try {
      deps.onEvent?.(e)
    } catch {
      // a listener must not break the run
    }
  }
  // the local store moves models named before one-model-per-league (scoreline-dc-E0) by itself, so a
  // champion is found under its new name; a server's are moved by `scoreline models migrate-names` (#21)
  if (deps.tracking.kind === 'local') {
    const moved = (await migrateModelNames(deps.tracking)).filter(
      (m) => m.registered.length > 0 || Object.keys(m.aliases).length > 0,
    )
    for (const line of moved.length ? describeMigrations(moved) : [])
      emit({ type: 'log', runId: meta.id, league: null, level: 'info', message: line })
  }
  // Each league's part of the run (0..1): the run's fraction is their mean, as the leagues overlap (#23).
  const parts = leagues.map(() => 0)
  const fractionOf = (i: number, fraction: number) => {
    parts[i] = Math.max(parts[i], fraction)
    return (0.95 * parts.reduce((a, b) => a + b, 0)) / leagues.length
  }
  // A league starts once the one before has chosen its variant (league.ts LeagueTurn): its model choice
  // fills the workers while that one searches ξ and walks forward; tracking keeps the leagues' order.
  const outcomes: Promise<LeagueOutcome>[] = []
  let chosenBefore: Promise<void> = Promise.resolve()
  let endedBefore: Promise<unknown> = Promise.resolve()
  for (let i = 0; i < leagues.length; i++) {
    const league = leagues[i]
    await chosenBefore
    // Let the event loop turn between leagues: a league that has nothing new to train ("nothing changed
    // since vN") completes in microtasks only, and back-to-back no-op runs would otherwise starve every
    // concurrent call (the loopback bridge's requests, IPC) until they end.
    await new Promise<void>((resolve) => setImmediate(resolve))
    if (deps.signal?.aborted) {
      const cancelled = emptyOutcome(league, 'cancelled', {
        code: 'JOB_CANCELLED',
        message: 'cancelled before it started',
      })
      outcomes.push(endedBefore.then(() => cancelled))
      continue
    }
    emit({
      type: 'progress',
      runId: meta.id,
      league,
      stage: 'league',
      fraction: fractionOf(i, 0),
      message: `training ${league} (${i + 1}/${leagues.length})`,
    })
    let chosen: () => void = () => {}
    chosenBefore = new Promise<void>((resolve) => (chosen = resolve))
    const previousEnded = endedBefore.then(() => {})
    const outcome = runLeague(
      league,
      settings,
      deps,
      meta,
      (stage, fraction, message) =>
        emit({ type: 'progress', runId: meta.id, league, stage, fraction: fractionOf(i, fraction), message }),
      { chosen, previousEnded },
    ).then((o) => {
      emit({
        type: 'log',
        runId: meta.id,
        league,
        level: o.state === 'succeeded' ? 'info' : o.state === 'cancelled' ? 'warn' : 'error',
        message: summariseRun([o], false).summary,
      })
      return o
    })
    outcomes.push(outcome)
    endedBefore = outcome
  }
  record.leagues.push(...(await Promise.all(outcomes)))
  await rebuildAfterPromotion(record, deps, emit)
  for (const l of record.leagues) delete l.champion
  record.endedAt = now()
  const { state, summary } = summariseRun(record.leagues, deps.signal?.aborted ?? false)
  record.state = state
  record.summary = summary
  emit({ type: 'progress', runId: meta.id, league: null, stage: 'done', fraction: 1, message: summary })
  return record
}
