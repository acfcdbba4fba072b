import type { z } from 'zod'
import {
  isProcedureName,
  procedures,
  type ParsedInput,
  type ProcedureName,
  type ProcedureOutput,
} from '../../shared/api/contract'
import type { Result } from '../../shared/api/errors'
import { toApiErrorShape } from './appError'

/** Who is calling: lets handlers and logs tell the Electron window from the browser bridge or the CLI. */
export interface CallContext {
  transport: 'ipc' | 'bridge' | 'cli' | 'test'
  signal?: AbortSignal
}

export type Handler<N extends ProcedureName> = (
  input: ParsedInput<N>,
  context: CallContext,
) => Promise<ProcedureOutput<N>> | ProcedureOutput<N>

/** One handler per procedure; built by merging per-domain handler maps. */
export type Handlers = { [N in ProcedureName]: Handler<N> }

export interface DispatchOptions {
  /** Validate every output against its schema (on in development and tests; a bug, not user error). */
  validateOutput?: boolean
  onError?: (name: string, error: unknown) => void
}

export type Dispatch = (name: string, input: unknown, context: CallContext) => Promise<Result<unknown>>

/**
 * The single entry point of every transport: rejects unknown names, validates the input against
 * the contract (naming the offending field), calls the handler, and returns a Result whose error
 * keeps the service's code.
 */
export function createDispatch(handlers: Handlers, options: DispatchOptions = {}): Dispatch {
  const validateOutput = options.validateOutput ?? process.env.NODE_ENV !== 'production'
  return async function dispatch(name, input, context) {
    if (typeof name !== 'string' || !isProcedureName(name)) {
      return {
        ok: false,
        error: { code: 'UNKNOWN_PROCEDURE', message: `Unknown procedure "${String(name)}".` },
      }
    }
    const def = procedures[name]
    const parsed = def.input.safeParse(input ?? {})
    if (!parsed.success) {
      return { ok: false, error: invalid('INVALID_INPUT', name, parsed.error) }
    }
    try {
      const handler = handlers[name] as (input: unknown, context: CallContext) => unknown
      const value = await handler(parsed.data, context)
      if (validateOutput) {
        const checked = (def.output as z.ZodType).safeParse(value)
        if (!checked.success) return { ok: false, error: invalid('INVALID_OUTPUT', name, checked.error) }
        return { ok: true, value: checked.data }
      }
      return { ok: true, value }
    } catch (error) {
      options.onError?.(name, error)
      return { ok: false, error: toApiErrorShape(error) }
    }
  }
}

function invalid(code: 'INVALID_INPUT' | 'INVALID_OUTPUT', name: string, error: z.ZodError) {
  const issues = error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }))
  const first = issues[0]
  const what = code === 'INVALID_INPUT' ? 'Invalid input' : 'Invalid output (a bug in Scoreline)'
  return {
    code,
    message: `${what} for ${name}: ${first.path}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`,
    details: { issues },
  }
}
