/**
 * The Python with MLflow that the interop tests drive (MLflow's own client and pyfunc): SCORELINE_MLFLOW_PYTHON,
 * else the virtualenv that scripts/mlflow-server.sh creates. Tests that need it skip with a reason when absent.
 */
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import path from 'node:path'

export const mlflowPython =
  process.env.SCORELINE_MLFLOW_PYTHON ??
  path.join(
    process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'),
    'scoreline',
    'mlflow-venv',
    'bin',
    'python',
  )

export const haveMlflowPython = (): boolean => existsSync(mlflowPython)
