/**
 * Test hygiene on a shared MLflow server (#21): tests use names with a per-run prefix, end the runs they
 * start and remove what they created; this module is the guard that says when one did not.
 *
 * - `productionModels(uri)`: the registered models with a production name (`scoreline-dc-E0`,
 *   `scoreline-E0`, `scoreline-poisson-SP1`: "scoreline-", an optional variant, a league code) and when
 *   each last changed. The global setups take it before the suites and compare after them: a new
 *   production-named model, or a production model changed during the run, fails the run, naming it.
 * - `testNamePrefix()`: a unique prefix for one run's experiments and models (never a production name).
 * - `removeByPrefix(uri, prefix)`: deletes the registered models and experiments (with their runs) a
 *   run created under its prefix, ending any run it left RUNNING first.
 */
import { randomBytes } from 'node:crypto'
import { MlflowClient } from '../../main/services/tracking/mlflowClient'

/** A registered model name a real deployment uses: scoreline-[variant-]<league code>. */
export const PRODUCTION_MODEL_NAME = /^scoreline-(?:[a-z]+-)?[A-Z][A-Z0-9]{0,3}$/

export function testNamePrefix(): string {
  return `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}-`
}

export type ModelSnapshot = Record<string, number>

/** Production-named models on the server: name -> last updated (ms). */
export async function productionModels(uri: string): Promise<ModelSnapshot> {
  const client = new MlflowClient({ trackingUri: uri })
  const out: ModelSnapshot = {}
  let pageToken: string | undefined
  do {
    const page = await client.searchRegisteredModels({ filter: "name LIKE 'scoreline-%'", pageToken })
    for (const m of page.items) {
      if (PRODUCTION_MODEL_NAME.test(m.name)) out[m.name] = Number(m.last_updated_timestamp ?? 0)
    }
    pageToken = page.nextPageToken
  } while (pageToken)
  return out
}

/** What changed between two snapshots, as sentences (empty: nothing). */
export function productionModelChanges(before: ModelSnapshot, after: ModelSnapshot): string[] {
  const changes: string[] = []
  for (const [name, updated] of Object.entries(after)) {
    if (!(name in before)) changes.push(`${name} was created by the tests`)
    else if (updated !== before[name]) changes.push(`${name} was changed by the tests`)
  }
  return changes
}

/**
 * Global-setup hook: snapshots the production-named models before the suites and returns the teardown
 * that fails the run if the suites created or changed one. Without SCORELINE_TEST_MLFLOW_URI, or when the
 * server does not answer at setup, it does nothing (the MLflow suites say why they skipped).
 */
export async function guardProductionModels(
  uri: string | undefined,
  log: (line: string) => void = console.log,
): Promise<() => Promise<void>> {
  if (!uri) return async () => undefined
  let before: ModelSnapshot
  try {
    before = await productionModels(uri)
  } catch (error) {
    log(`[mlflow hygiene] not checked: ${uri} did not answer (${(error as Error).message.split('\n')[0]})`)
    return async () => undefined
  }
  return async () => {
    const changes = productionModelChanges(before, await productionModels(uri))
    if (changes.length > 0) {
      throw new Error(
        `[mlflow hygiene] the tests wrote production-named models into ${uri}: ${changes.join('; ')}. ` +
          'Tests must use a per-run prefix (test/support/mlflowHygiene.ts testNamePrefix) and remove what they create.',
      )
    }
    log(`[mlflow hygiene] no production-named model created or changed on ${uri}`)
  }
}

/**
 * Deletes a run's models and experiments by prefix (or, with `anywhere`, by a unique fragment of their
 * names), ending its RUNNING runs first. Never throws.
 */
export async function removeByPrefix(
  uri: string,
  prefix: string,
  options: { anywhere?: boolean } = {},
): Promise<{ models: number; experiments: number }> {
  const like = `${options.anywhere ? '%' : ''}${prefix}%`
  const client = new MlflowClient({ trackingUri: uri })
  let models = 0
  let experiments = 0
  try {
    const found = await client.searchRegisteredModels({ filter: `name LIKE '${like}'` })
    for (const m of found.items) {
      await client.deleteRegisteredModel(m.name).catch(() => undefined)
      models++
    }
    const exps = await client.searchExperiments({ filter: `name LIKE '${like}'` })
    for (const e of exps.items) {
      const runs = await client
        .searchAllRuns({ experimentIds: [e.experiment_id], filter: "attributes.status = 'RUNNING'" })
        .catch(() => [])
      for (const r of runs) {
        if (r.info.status === 'RUNNING')
          await client
            .updateRun({ runId: r.info.run_id, status: 'KILLED', endTime: Date.now() })
            .catch(() => undefined)
      }
      await client.deleteExperiment(e.experiment_id).catch(() => undefined)
      experiments++
    }
  } catch {
    // a cleanup must not hide the test's own result
  }
  return { models, experiments }
}
