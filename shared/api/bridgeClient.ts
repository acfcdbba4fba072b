import type { EventName, ProcedureName, ScorelineApi, Transport } from './contract'
import { buildApi } from './contract'
import type { Result } from './errors'

/** Minimal view of `window.location` so the client can be built (and tested) outside a browser. */
export interface LocationLike {
  origin: string
  search: string
  hash: string
}

export interface BridgeClientOptions {
  fetch?: typeof fetch
  EventSource?: new (url: string) => EventSourceLike
  /** Where the token is remembered across reloads once it has been read from the URL. */
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null
}

export interface EventSourceLike {
  addEventListener(type: string, listener: (event: { data: string }) => void): void
  close(): void
}

const TOKEN_KEY = 'scoreline.bridgeToken'

/** The token printed by `scoreline serve` travels in the URL (`?token=` or `#token=`). */
export function readBridgeToken(
  location: LocationLike,
  storage?: BridgeClientOptions['storage'],
): string | null {
  const fromQuery = new URLSearchParams(location.search).get('token')
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('token')
  const token = fromQuery ?? fromHash ?? storage?.getItem(TOKEN_KEY) ?? null
  if (token && storage) storage.setItem(TOKEN_KEY, token)
  return token
}

/**
 * The browser transport: POST /api/<procedure> with the token in a header, server-sent events on
 * /events. Produces the same ScorelineApi object the Electron preload exposes.
 */
export function createBridgeClient(location: LocationLike, options: BridgeClientOptions = {}): ScorelineApi {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  const storage = options.storage === undefined ? safeSessionStorage() : options.storage
  const token = readBridgeToken(location, storage)
  const base = location.origin

  const handlers = new Map<EventName, Set<(payload: unknown) => void>>()
  let source: EventSourceLike | null = null

  function ensureEventSource(event: EventName): void {
    const ES =
      options.EventSource ?? (globalThis as { EventSource?: BridgeClientOptions['EventSource'] }).EventSource
    if (!ES) return
    if (!source) source = new ES(`${base}/events?token=${encodeURIComponent(token ?? '')}`)
    if (handlers.get(event)?.size === 1) {
      source.addEventListener(event, (message) => {
        let payload: unknown
        try {
          payload = JSON.parse(message.data)
        } catch {
          return
        }
        for (const handler of handlers.get(event) ?? []) handler(payload)
      })
    }
  }

  const transport: Transport = {
    async invoke(name: ProcedureName, input: unknown): Promise<Result<unknown>> {
      let response: Response
      try {
        response = await doFetch(`${base}/api/${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-scoreline-token': token ?? '' },
          body: JSON.stringify(input ?? {}),
        })
      } catch (error) {
        return {
          ok: false,
          error: {
            code: 'SERVICE_UNREACHABLE',
            message: `The Scoreline bridge at ${base} did not answer (${(error as Error).message}). Is \`scoreline serve\` still running?`,
          },
        }
      }
      const text = await response.text()
      try {
        const body = JSON.parse(text) as Result<unknown>
        if (body && typeof body === 'object' && 'ok' in body) return body
      } catch {
        // fall through: not JSON
      }
      return {
        ok: false,
        error: {
          code: response.status === 401 ? 'UNAUTHORIZED' : response.status === 403 ? 'FORBIDDEN' : 'INTERNAL',
          message: `The bridge answered HTTP ${response.status} without a result: ${text.slice(0, 200)}`,
        },
      }
    },
    subscribe(event, handler) {
      let set = handlers.get(event)
      if (!set) handlers.set(event, (set = new Set()))
      set.add(handler)
      ensureEventSource(event)
      return () => {
        set.delete(handler)
      }
    },
  }
  return buildApi(transport)
}

function safeSessionStorage(): Pick<Storage, 'getItem' | 'setItem'> | null {
  try {
    return (globalThis as { sessionStorage?: Storage }).sessionStorage ?? null
  } catch {
    return null
  }
}
