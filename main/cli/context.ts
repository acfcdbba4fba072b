import { createScoreline, type Scoreline } from '../core/scoreline'
import type { CommandContext } from './framework'
import { unwrap } from '../../shared/api/errors'
import type { ProcedureName, ProcedureOutput, ProcedureInput } from '../../shared/api/contract'

/** Flags every command that touches services accepts (they override the environment). */
export const SERVICE_OPTIONS = {
  home: { type: 'string', description: 'Data folder (overrides SCORELINE_HOME)', valueName: 'dir' },
  postgres: { type: 'string', description: 'Postgres URL (overrides DATABASE_URL)', valueName: 'url' },
  redis: { type: 'string', description: 'Redis URL (overrides REDIS_URL)', valueName: 'url' },
  mlflow: {
    type: 'string',
    description: 'MLflow tracking URI (overrides MLFLOW_TRACKING_URI)',
    valueName: 'uri',
  },
  offline: {
    type: 'boolean',
    description: 'Never touch the network: local stores only (overrides SCORELINE_OFFLINE and the setting)',
  },
} as const

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
