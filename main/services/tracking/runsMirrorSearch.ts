/**
 * Run and model lists served from the mirror of an MLflow server (runsMirror.ts):
 *  - a run list answers from SQLite at once; `refresh` says what happens with the server:
 *    'background' (the screens) refreshes after answering and notifies when something changed,
 *    'wait' (the CLI, one answer per process) refreshes first, 'full' also re-reads every run;
 *    the very first list waits for the server's full search whatever `refresh` says;
 *  - when the server is unreachable, lists answer from the mirror, marked offline as of its last refresh.
 */
import { isNotMlflow, isUnreachable } from './errors'
import { MlflowTrackingStore } from './mlflowTrackingStore'
import { openTrackingDatabase } from './localSchema'
import { OutboxTrackingStore } from './outboxTrackingStore'
import { RunsMirror } from './runsMirror'
import type { MirrorMark } from './runsMirror'
import { runFilter, runOrder } from './runsMirrorQuery'
import type { TrackingLogger } from './logger'
import type { Experiment, Run, TrackingStore } from './trackingStore'

export type MirrorRefresh = 'background' | 'wait' | 'full'

/**
 * A background refresh starts at most this often: a list reloaded because the last refresh changed it (a
 * pipeline logging as it runs) must not turn into a loop of requests to the server.
 */
export const BACKGROUND_EVERY_MS = 3000

export interface MirroredRunsInput {
  experimentIds?: string[]
  filter?: string
  orderBy?: string[]
  limit: number
  refresh?: MirrorRefresh
}

export interface MirroredRuns {
  runs: Run[]
  experiments: Experiment[]
  truncated: boolean
  mark: MirrorMark
}

/** Sent after a background refresh that changed the mirror or found the server gone (or back). */
export interface MirrorNotice {
  changed: number
  offline: boolean
  asOf: number | null
}

/** The server cannot be reached (or what answers is not MLflow): a list may come from the mirror. */
export const isOffline = (error: unknown): boolean => isUnreachable(error) || isNotMlflow(error)

/** A mirror for stores backed by an MLflow server (its own connection to the tracking database), else null. */
export function openRunsMirror(
  store: TrackingStore,
  localDbPath: string,
  logger?: TrackingLogger,
): RunsMirror | null {
  const remote =
    store instanceof OutboxTrackingStore ? store.remote : store instanceof MlflowTrackingStore ? store : null
  if (!remote) return null
  return new RunsMirror({ db: openTrackingDatabase(localDbPath), ownsDb: true, remote, logger })
}

/**
 * The runs of a search from the mirror, or null when the mirror cannot answer it the way the server would
 * (a filter outside the grammar the mirror evaluates: the caller asks the server).
 */
export async function runsFromMirror(
  mirror: RunsMirror,
  input: MirroredRunsInput,
  notify: (notice: MirrorNotice) => void,
): Promise<MirroredRuns | null> {
  let matches: (run: Run) => boolean
  let order: (a: Run, b: Run) => number
  try {
    matches = runFilter(input.filter)
    order = runOrder(input.orderBy?.length ? input.orderBy : ['attributes.start_time DESC'])
  } catch {
    return null
  }
  const mode = input.refresh ?? 'background'
  const ids = input.experimentIds ?? []
  if (!mirror.ready(ids) || mode !== 'background') {
    try {
      await mirror.refresh({ experimentIds: ids, full: mode === 'full' })
    } catch (error) {
      if (!mirror.ready(ids) || !isOffline(error)) throw error
    }
  } else if (!mirror.refreshedWithin(BACKGROUND_EVERY_MS)) {
    const wasOffline = mirror.mark().offline
    mirror
      .refresh({ experimentIds: ids })
      .then(
        (r) => {
          if (r.changed > 0 || wasOffline) notify({ changed: r.changed, offline: false, asOf: r.asOf })
        },
        (error: unknown) => {
          if (!wasOffline && isOffline(error))
            notify({ changed: 0, offline: true, asOf: mirror.mark(ids).asOf })
        },
      )
      // nobody awaits a background refresh: a mirror closed meanwhile (the app quitting) ends it quietly
      .catch(() => undefined)
  }
  // a mirror capped at its newest runs cannot answer a filter or another order the way the server would
  const custom = Boolean(input.filter) || Boolean(input.orderBy?.length)
  if (custom && mirror.partial() && !mirror.mark().offline) return null
  const found = mirror.runs(ids).filter(matches).sort(order)
  return {
    runs: found.slice(0, input.limit),
    experiments: mirror.experiments(),
    truncated: found.length > input.limit,
    mark: mirror.mark(ids),
  }
}

/** `work` from the server; when it is unreachable, `fallback` (the mirror's copy) if there is one. */
export async function orFromMirror<T>(work: () => Promise<T>, fallback: () => T | null): Promise<T> {
  try {
    return await work()
  } catch (error) {
    const copy = isOffline(error) ? fallback() : null
    if (copy === null) throw error
    return copy
  }
}
