import { createScoreline, type Scoreline } from '../core/scoreline'
import type { CommandContext } from './framework'
import { trainingWorkerPath } from './trainingWorker'
import { unwrap } from '../../shared/api/errors'
import type { ProcedureName, ProcedureOutput, ProcedureInput } from '../../shared/api/contract'

/** The service flags (`--home`, `--postgres`, …): defined with the framework, which lists them in every help. */
export { SERVICE_OPTIONS } from './framework'

export function openScoreline(ctx: CommandContext, shell: 'cli' | 'browser-bridge' = 'cli'): Scoreline {
  const flag = (name: string) =>
    typeof ctx.values[name] === 'string' ? (ctx.values[name] as string) : undefined
  return createScoreline({
    shell,
    env: ctx.env,
    flags: {
      home: flag('home'),
      postgres: flag('postgres'),
      redis: flag('redis'),
      mlflow: flag('mlflow'),
      ...(ctx.values.offline === true ? { offline: true } : {}),
    },
    terminalLogs: shell === 'browser-bridge',
    trainingWorkerUrl: trainingWorkerPath(),
  })
}

/** Calls a procedure through the same dispatch the app uses, throwing its typed error. */
export async function call<N extends ProcedureName>(
  scoreline: Scoreline,
  name: N,
  input: ProcedureInput<N>,
): Promise<ProcedureOutput<N>> {
  return unwrap(await scoreline.dispatch(name, input, { transport: 'cli' })) as ProcedureOutput<N>
}
