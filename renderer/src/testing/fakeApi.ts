/**
 * The renderer tests' API: the same `buildApi` the app uses, over an in-memory transport that answers each
 * procedure with `respond(name, input)` (an `Error` becomes a SERVICE_UNREACHABLE failure) and records the
 * calls. Events never fire.
 */
import { buildApi, type Transport } from '../../../shared/api/contract'

export function fakeApi(respond: (name: string, input: unknown) => unknown) {
  const calls: { name: string; input: unknown }[] = []
  const transport: Transport = {
    invoke: async (name, input) => {
      calls.push({ name, input })
      const value = respond(name, input)
      return value instanceof Error
        ? { ok: false, error: { code: 'SERVICE_UNREACHABLE', message: value.message } }
        : { ok: true, value }
    },
    subscribe: () => () => {},
  }
  return { api: buildApi(transport), calls }
}
