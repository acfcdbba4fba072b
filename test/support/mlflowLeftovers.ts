/**
 * What a test run left on a shared MLflow server besides models (#21): runs still RUNNING, and the team's
 * experiments (`dixon_coles_poisson`, …) created or written into by tests. Only what started at or after
 * the run's setup time counts (`since`), so other engineers' earlier work on the same server is never
 * blamed; this module only reads the server, it never ends or deletes anything.
 */
import { MlflowClient } from '../../main/services/tracking/mlflowClient'
import { EXPERIMENTS } from '../../main/services/tracking/pipelineRecorder'

/** The experiment names a real deployment's pipeline writes into: never a test's. */
export const TEAM_EXPERIMENT_NAMES: readonly string[] = Object.values(EXPERIMENTS)

export interface LeftRun {
  experiment: string
  runName: string
  runId: string
  startTime: number
}

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19)
const describeRun = (r: LeftRun) =>
  `experiment "${r.experiment}" run "${r.runName}" (started ${clock(r.startTime)} UTC, id ${r.runId})`

async function activeExperiments(client: MlflowClient): Promise<Map<string, string>> {
  const names = new Map<string, string>()
  let pageToken: string | undefined
  do {
    const page = await client.searchExperiments({ pageToken })
    for (const e of page.items) names.set(e.experiment_id, e.name)
    pageToken = page.nextPageToken
  } while (pageToken)
  return names
}

/** Runs started at or after `since` (ms) in any active experiment, optionally only those RUNNING. */
async function runsSince(client: MlflowClient, since: number, status?: 'RUNNING'): Promise<LeftRun[]> {
  const experiments = await activeExperiments(client)
  const ids = [...experiments.keys()]
  const filter = `attributes.start_time >= ${Math.floor(since)}${status ? ` AND attributes.status = '${status}'` : ''}`
  const out: LeftRun[] = []
  for (let i = 0; i < ids.length; i += 100) {
    const runs = await client.searchAllRuns({ experimentIds: ids.slice(i, i + 100), filter })
    for (const r of runs)
      out.push({
        experiment: experiments.get(r.info.experiment_id) ?? r.info.experiment_id,
        runName: r.info.run_name ?? '',
        runId: r.info.run_id,
        startTime: Number(r.info.start_time),
      })
  }
  return out.sort((a, b) => a.startTime - b.startTime)
}

/**
 * Runs RUNNING on the server that started at or after `since`. A run still at work (another suite on the
 * same server) ends soon: candidates are read again after `graceMs`, and only those still RUNNING count.
 */
export async function runsLeftRunning(uri: string, since: number, graceMs = 3000): Promise<LeftRun[]> {
  const client = new MlflowClient({ trackingUri: uri })
  const candidates = await runsSince(client, since, 'RUNNING')
  if (candidates.length === 0 || graceMs <= 0) return candidates
  await new Promise((resolve) => setTimeout(resolve, graceMs))
  const still = await Promise.all(
    candidates.map((r) =>
      client.getRun(r.runId).then(
        (run) => run.info.status === 'RUNNING',
        () => false,
      ),
    ),
  )
  return candidates.filter((_, i) => still[i])
}

/** Team experiments created at or after `since`, and runs started since in one, as sentences. */
export async function teamExperimentWrites(
  uri: string,
  since: number,
  names: readonly string[] = TEAM_EXPERIMENT_NAMES,
): Promise<string[]> {
  const client = new MlflowClient({ trackingUri: uri })
  const out: string[] = []
  for (const name of names) {
    const e = await client.getExperimentByName(name)
    if (e && Number(e.creation_time ?? 0) >= since)
      out.push(`experiment "${name}" was created during the tests (id ${e.experiment_id})`)
  }
  const runs = (await runsSince(client, since)).filter((r) => names.includes(r.experiment))
  for (const r of runs) out.push(`${describeRun(r)} was written into a team experiment`)
  return out
}

/**
 * Global-setup hook: notes the setup time and returns the teardown that fails the run, naming each, when
 * runs started since are still RUNNING or a team experiment was created or written into. Without a URI, or
 * when the server does not answer at setup, it does nothing.
 */
export async function guardLeftovers(
  uri: string | undefined,
  log: (line: string) => void = console.log,
  options: { since?: number; graceMs?: number; teamNames?: readonly string[] } = {},
): Promise<() => Promise<void>> {
  if (!uri) return async () => undefined
  const since = options.since ?? Date.now()
  try {
    await new MlflowClient({ trackingUri: uri }).searchExperiments({ maxResults: 1 })
  } catch (error) {
    log(
      `[mlflow hygiene] runs not checked: ${uri} did not answer (${(error as Error).message.split('\n')[0]})`,
    )
    return async () => undefined
  }
  return async () => {
    const running = await runsLeftRunning(uri, since, options.graceMs)
    const team = await teamExperimentWrites(uri, since, options.teamNames)
    const problems = [...running.map((r) => `${describeRun(r)} was left RUNNING`), ...team]
    if (problems.length > 0) {
      throw new Error(
        `[mlflow hygiene] since ${clock(since)} UTC the tests left on ${uri}: ${problems.join('; ')}. ` +
          'End every run a test starts, and write into per-run experiment names (testNamePrefix; the pipeline ' +
          'takes experimentPrefix / SCORELINE_EXPERIMENT_PREFIX), removed after (removeByPrefix).',
      )
    }
    log(
      `[mlflow hygiene] no run left RUNNING and no team experiment written on ${uri} since ${clock(since)} UTC`,
    )
  }
}
