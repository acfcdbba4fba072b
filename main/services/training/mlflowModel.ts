/**
 * A registered version as a real MLflow Model (#21): beside `model/model.json` the run's `model/` folder gets an
 * `MLmodel` file (python_function flavor, `loader_module` + `code`, no pickle), the environment files and the
 * Python `predict` from resources/mlflow/, so `mlflow.pyfunc.load_model("models:/scoreline-E0@champion")`
 * prices fixtures by the app's served-forecast rule. See resources/mlflow/README.md.
 */
import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TrackingStore } from '../tracking/trackingStore'
import type { ModelArtifact } from './artifacts'

/** The Python module MLflow imports (resources/mlflow/scoreline_pyfunc.py, copied to `model/code/`). */
export const PYFUNC_MODULE = 'scoreline_pyfunc'
/** The MLflow release whose pyfunc loader this layout was checked against (the interop test's server). */
export const MLFLOW_LAYOUT_VERSION = '3.17.2'
const ENV_FILES = ['python_env.yaml', 'conda.yaml', 'requirements.txt'] as const
/** Run tag saying why a version has no MLflow Model files (absent when it has them). */
export const MLFLOW_MODEL_TAG = 'scoreline.mlflow_model'

/** resources/mlflow is not where this build looks for it (a package without it). */
export class PyfuncResourcesMissing extends Error {
  readonly code = 'PYFUNC_RESOURCES_MISSING'
}

export interface PyfuncResources {
  /** File name → text: the Python module and the environment files. */
  files: Record<string, string>
  /** The Python version python_env.yaml names (the MLmodel's `python_version`). */
  pythonVersion: string
}

/** resources/mlflow from the sources (main/services/training), the electron-vite bundle (out/main) or a package. */
function resourceDirs(): string[] {
  const here = path.dirname(fileURLToPath(import.meta.url))
  const packaged = (process as { resourcesPath?: string }).resourcesPath
  return [
    path.resolve(here, '../../../resources/mlflow'),
    path.resolve(here, '../../resources/mlflow'),
    ...(packaged ? [path.join(packaged, 'mlflow')] : []),
  ]
}

let cached: PyfuncResources | undefined

/** The pyfunc's files from resources/mlflow; an error naming the folders looked in when they are missing. */
export function readPyfuncResources(dirs: readonly string[] = resourceDirs()): PyfuncResources {
  const dir = dirs.find((d) => existsSync(path.join(d, `${PYFUNC_MODULE}.py`)))
  if (!dir) {
    throw new PyfuncResourcesMissing(
      `The MLflow Model files (${PYFUNC_MODULE}.py, ${ENV_FILES.join(', ')}) are missing: looked in ${dirs.join(', ')}. ` +
        'Reinstall Scoreline, or run from a checkout that has resources/mlflow/.',
    )
  }
  const files: Record<string, string> = {}
  for (const name of [`${PYFUNC_MODULE}.py`, ...ENV_FILES])
    files[name] = readFileSync(path.join(dir, name), 'utf8')
  const pythonVersion = /^python:\s*(\S+)/m.exec(files['python_env.yaml'])?.[1] ?? '3'
  return { files, pythonVersion }
}

function resources(): PyfuncResources {
  cached ??= readPyfuncResources()
  return cached
}

/** A YAML scalar: JSON's double-quoted string is valid YAML. */
const q = (s: string) => JSON.stringify(s)

/**
 * The MLmodel file. `servable` false (a variant whose forecasts need its own code, never champion) is in the
 * metadata, so the pyfunc refuses to load it, naming the variant, rather than serve a Dixon-Coles stand-in.
 */
export function mlmodelYaml(
  artifact: Pick<ModelArtifact, 'league' | 'variant' | 'format'>,
  o: { runId: string; servable: boolean; pythonVersion: string; now?: Date; uuid?: string },
): string {
  const created = (o.now ?? new Date()).toISOString().replace('T', ' ').replace('Z', '000')
  return [
    'artifact_path: model',
    'flavors:',
    '  python_function:',
    `    loader_module: ${PYFUNC_MODULE}`,
    '    code: code',
    '    data: model.json',
    '    env:',
    '      conda: conda.yaml',
    '      virtualenv: python_env.yaml',
    `    python_version: ${q(o.pythonVersion)}`,
    'metadata:',
    `  scoreline_format: ${q(artifact.format)}`,
    `  scoreline_league: ${q(artifact.league)}`,
    `  scoreline_variant: ${q(artifact.variant?.id ?? 'dixon-coles')}`,
    `  scoreline_servable: ${o.servable}`,
    `mlflow_version: ${q(MLFLOW_LAYOUT_VERSION)}`,
    `model_uuid: ${q(o.uuid ?? randomUUID().replace(/-/g, ''))}`,
    `run_id: ${q(o.runId)}`,
    `utc_time_created: ${q(created)}`,
    '',
  ].join('\n')
}

/** The files to log under the run's `model/` folder besides `model.json` (paths relative to `model/`). */
export function mlflowModelFiles(
  artifact: Pick<ModelArtifact, 'league' | 'variant' | 'format'>,
  o: { runId: string; servable: boolean; now?: Date; uuid?: string },
  res: PyfuncResources = resources(),
): Record<string, string> {
  const out: Record<string, string> = {
    MLmodel: mlmodelYaml(artifact, { ...o, pythonVersion: res.pythonVersion }),
    [`code/${PYFUNC_MODULE}.py`]: res.files[`${PYFUNC_MODULE}.py`],
  }
  for (const name of ENV_FILES) out[name] = res.files[name]
  return out
}

/**
 * Logs the MLflow Model files of a version whose `model/model.json` the run already holds. A build without
 * resources/mlflow still trains and registers (the app serves from model.json): the run's
 * `scoreline.mlflow_model` tag says why the version is not loadable with mlflow.pyfunc. Upload errors throw.
 */
export async function logMlflowModel(
  tracking: Pick<TrackingStore, 'logArtifact' | 'log'>,
  runId: string,
  artifact: ModelArtifact,
  servable: boolean,
  read: () => PyfuncResources = resources,
): Promise<void> {
  let res: PyfuncResources
  try {
    res = read()
  } catch (error) {
    if (!(error instanceof PyfuncResourcesMissing)) throw error
    await tracking.log(runId, { tags: { [MLFLOW_MODEL_TAG]: `not logged: ${error.message}` } })
    return
  }
  for (const [file, text] of Object.entries(mlflowModelFiles(artifact, { runId, servable }, res)))
    await tracking.logArtifact(runId, `model/${file}`, text)
}
